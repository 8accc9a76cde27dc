"""Parameter sweeps: SPEC parsing, Parquet parts, resuming, executors, SALib designs."""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import sim
from sim.cli import main as cli_main
from sim.errors import WomError
from sim.sweep import (
    SweepError,
    analyze_sweep,
    load_sweep,
    metric_per_replication,
    parse_param,
    plan_sweep,
    read_manifest,
    run_sweep,
    summarize_sweep,
)

from .conftest import ROOT, SCENARIOS

BASS = str(SCENARIOS / "bass.toml")
SMALL = ["population.size=300"]
GRID = ["diffusion.p=0.01,0.05", "diffusion.q=0.2:0.4:2"]


def small_plan(**kw):
    """The 2 x 2 grid of the tests: 4 points x 2 replications of a small Bass market."""
    args = {"replications": 2, "steps": 8, "seed": 5, "overrides": SMALL}
    args.update(kw)
    return plan_sweep(BASS, GRID, **args)


def wom(argv: list[str]) -> int:
    """The ``wom`` command line in this process (exit code 2 on bad input)."""
    return cli_main(argv)


def parts_of(out: Path) -> list[str]:
    return sorted(p.name for p in (out / "parts").iterdir())


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> pd.DataFrame:
    """The small grid run without interruption, in this process."""
    out = tmp_path_factory.mktemp("reference") / "sweep"
    run_sweep(small_plan(), out, workers=1)
    return load_sweep(out)


# ---------------------------------------------------------------------------
# SPEC parsing and validation
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "values"),
    [
        ("diffusion.p=0.1,0.2,0.5", (0.1, 0.2, 0.5)),
        ("diffusion.p=0:1:11", tuple(round(0.1 * k, 1) for k in range(11))),
        ("diffusion.q=0.5:0.1:3", (0.5, 0.3, 0.1)),
        ("diffusion.p = 0.3", (0.3,)),
        ("ads.frequency=1:5:5", (1, 2, 3, 4, 5)),
        ("ads.frequency=2,4.0", (2, 4)),
        ("network.seed=0,7", (0, 7)),
        ("seeding.strategy=random,degree", ("random", "degree")),
        ("community.enabled=true,false", (True, False)),
        ("run.steps=3:3:1", (3,)),
    ],
)
def test_spec_lists_and_inclusive_ranges(item, values):
    param = parse_param(item)
    assert param.values == values
    assert all(type(v) is type(values[0]) for v in param.values)


def test_sampled_designs_take_the_bounds_of_the_spec():
    assert parse_param("diffusion.p=0.05,0.01,0.03", "sobol").bounds == (0.01, 0.05)
    assert parse_param("ads.frequency=1:10:2", "lhs").bounds == (1.0, 10.0)


@pytest.mark.parametrize(
    ("item", "design", "expected"),
    [
        ("diffusion.p", "grid", "--param diffusion.p: expected KEY=SPEC"),
        ("=0.1", "grid", "--param =0.1: expected KEY=SPEC"),
        ("diffusion.p=", "grid", "--param diffusion.p=: empty SPEC"),
        ("diffusion.p=0:1", "grid", "--param diffusion.p=0:1: a range is start:stop:count"),
        ("diffusion.p=0:1:x", "grid", "diffusion.p=0:1:x: the count 'x'"),
        ("diffusion.p=a:1:3", "grid", "diffusion.p=a:1:3: 'a' is not a number"),
        ("diffusion.p=0:1:1", "grid", "diffusion.p=0:1:1: the count"),
        ("diffusion.p=0.1,,0.2", "grid", "diffusion.p=0.1,,0.2: empty value"),
        ("diffusion.p=0.1,0.1", "grid", "diffusion.p=0.1,0.1: repeated value"),
        ("diffusion.p=0.5,2", "grid", "--param diffusion.p=0.5,2: 2 is out of bounds: the "
                                      "value must be <= 1"),
        ("diffusion.p=-0.1:0.1:3", "grid", "-0.1 is out of bounds: the value must be >= 0"),
        ("diffusion.colour=1,2", "grid", "--param diffusion.colour: unknown scenario key"),
        ("difusion.p=1", "grid", "unknown scenario key (did you mean diffusion.p?)"),
        ("name=a,b", "grid", "--param name: cannot sweep a key of type str"),
        ("ads.frequency=0:1:3", "grid", "0.5 is not an integer"),
        ("seeding.strategy=random,best", "grid", "'best' is not one of"),
        ("seeding.strategy=a:b:2", "grid", "a range needs a numeric key"),
        ("community.enabled=yes", "grid", "'yes' is not true or false"),
        ("seeding.nodes=1,2", "grid", "--param seeding.nodes: cannot sweep"),
        ("run.seed=1,2", "grid", "--param run.seed: every point runs with the same run.seed; "
                                 "use --seed"),
        ("run.replications=1,2", "grid", "use --replications"),
        ("diffusion.p=0.1", "sobol", "give two different values"),
        ("seeding.strategy=random,degree", "lhs", "the lhs design needs numeric keys"),
    ],
)
def test_malformed_params_are_errors_naming_the_param(item, design, expected):
    with pytest.raises(WomError) as info:
        parse_param(item, design)
    assert expected in str(info.value)


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({"design": "grid", "samples": 4}, "--samples applies to lhs, sobol and morris"),
        ({"design": "lhs"}, "the lhs design needs --samples N"),
        ({"design": "sobol", "samples": 6}, "the sobol design needs a power of 2 (Sobol' "
                                            "sequences converge only then), e.g. 4 or 8"),
        ({"design": "nested"}, "--design: expected one of grid, lhs, sobol, morris"),
        ({"overrides": ["diffusion.p=2"]}, "--set diffusion.p"),
    ],
)
def test_bad_designs_and_overrides_are_errors(kw, expected):
    with pytest.raises(WomError) as info:
        plan_sweep(BASS, GRID, **kw)
    assert expected in str(info.value)


def test_a_key_given_twice_and_an_invalid_point_are_errors():
    with pytest.raises(WomError, match="--param diffusion.p: given twice"):
        plan_sweep(BASS, ["diffusion.p=0.1", "diffusion.p=0.2"])
    ws = ["network.kind=watts_strogatz", "network.k=2,3"]
    with pytest.raises(WomError) as info:
        plan_sweep(BASS, ws, overrides=SMALL)
    message = str(info.value)
    assert message.startswith("sweep point 1 (network.kind='watts_strogatz', network.k=3):")
    assert "even k" in message


def test_cli_errors_exit_2_with_one_message(tmp_path, capsys):
    code = wom(["sweep", BASS, "--param", "diffusion.p=0:2:3", "--out", str(tmp_path / "x")])
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert err == ("wom: error: --param diffusion.p=0:2:3: 2 is out of bounds: the value "
                   "must be <= 1")
    assert not (tmp_path / "x").exists()  # validated before anything is written
    assert wom(["sweep", BASS, "--param", "diffusion.pp=1", "--out", str(tmp_path)]) == 2
    assert "unknown scenario key" in capsys.readouterr().err


# ---------------------------------------------------------------------------
# Parts, table, provenance
# ---------------------------------------------------------------------------


def test_grid_writes_one_part_per_run_and_matches_sim_run(tmp_path, reference):
    out = tmp_path / "grid"
    plan = small_plan()
    assert len(plan.points) == 4 and plan.runs == 8
    result = run_sweep(plan, out, workers=1)
    assert (result.points, result.runs, result.skipped_runs) == (4, 8, 0)
    assert parts_of(out) == [f"p{k:06d}_r{r:04d}.parquet" for k in range(4) for r in range(2)]
    frame = pd.read_parquet(out)  # the whole directory: one tidy table
    assert len(frame) == 8 * 9
    assert list(frame.columns[:5]) == ["point", "diffusion.p", "diffusion.q", "replication",
                                       "step"]
    assert frame["point"].dtype == np.int64 and frame["diffusion.p"].dtype == np.float64
    assert frame.attrs["sweep_id"] == plan.sweep_id
    assert frame.attrs["wom_sim_version"] and frame.attrs["scenario_hash"]
    table = load_sweep(out)
    pd.testing.assert_frame_equal(table, reference)
    some = pd.read_parquet(out, filters=[("diffusion.p", "==", 0.05)])  # statistics per part
    assert set(some["point"]) == {2, 3} and len(some) == 4 * 9
    for k, values in enumerate(plan.points):
        sets = [*SMALL, *(f"{key}={value}" for key, value in values.items())]
        expected = sim.run(sim.load_scenario(BASS, sets), seed=5, steps=8, replications=2)
        got = table[table["point"] == k].drop(columns=["point", *values])
        assert (table.loc[table["point"] == k, list(values)] == pd.Series(values)).all().all()
        pd.testing.assert_frame_equal(got.reset_index(drop=True), expected,
                                      check_like=False)
    # common random numbers: every point uses seed 5 and replications 0, 1
    assert (table["seed"] == 5).all()
    assert set(table["replication"]) == {0, 1}


def test_manifest_records_the_sweep(tmp_path):
    out = tmp_path / "m"
    plan = plan_sweep(BASS, ["diffusion.p=0.01:0.05:2", "ads.frequency=1:3:2"], design="lhs",
                      samples=5, replications=2, steps=4, seed=0, overrides=SMALL)
    run_sweep(plan, out, workers=1)
    manifest = read_manifest(out)
    assert manifest["sweep_id"] == plan.sweep_id
    assert manifest["scenario_file"] == str(Path(BASS).resolve())
    assert manifest["scenario"]["population"]["size"] == 300
    assert manifest["scenario"]["run"] == {"steps": 4, "dt": 1.0, "seed": 0, "replications": 2}
    assert manifest["problem"] == {"num_vars": 2, "names": ["diffusion.p", "ads.frequency"],
                                   "bounds": [[0.01, 0.05], [1.0, 3.0]]}
    assert manifest["sampler"] == {"seed": 0}
    assert (manifest["design"], manifest["samples"], manifest["runs"]) == ("lhs", 5, 10)
    assert manifest["wom_sim_version"] == sim.results.package_version()
    matrix = np.array(manifest["design_matrix"])
    assert matrix.shape == (5, 2)
    for entry, row in zip(manifest["points"], matrix, strict=True):
        assert entry["values"]["diffusion.p"] == row[0]
        assert entry["values"]["ads.frequency"] == math.floor(row[1] + 0.5)  # rounded ints
        assert isinstance(entry["values"]["ads.frequency"], int)
    assert load_sweep(out)["ads.frequency"].dtype == np.int64


# ---------------------------------------------------------------------------
# Resuming
# ---------------------------------------------------------------------------


def test_resume_after_a_failure_runs_every_run_exactly_once(tmp_path, reference):
    out = tmp_path / "resume"
    plan = small_plan()
    fault = {"point": 2, "stage": "writing", "action": "raise",
             "marker": str(tmp_path / "fault")}
    with pytest.raises(SweepError) as info:
        run_sweep(plan, out, workers=1, _fault=fault)
    assert "sweep point 2 failed: injected fault" in str(info.value)
    assert "2 of 4 points are saved" in str(info.value)
    # points 0, 1 complete; point 2 has its first part only; point 3 nothing
    assert parts_of(out) == ["p000000_r0000.parquet", "p000000_r0001.parquet",
                             "p000001_r0000.parquet", "p000001_r0001.parquet",
                             "p000002_r0000.parquet"]
    leftover = out / "parts" / ".p000003_r0000.parquet.999.abcd.tmp"
    leftover.write_bytes(b"PAR1 half a part")
    result = run_sweep(plan, out, workers=1, resume=True, _fault=fault)
    assert (result.skipped_points, result.done_runs) == (2, 4)
    assert parts_of(out) == [f"p{k:06d}_r{r:04d}.parquet" for k in range(4) for r in range(2)]
    assert not leftover.exists()
    assert not [p for p in out.rglob(".*") if p.name != ".lock"]
    pd.testing.assert_frame_equal(load_sweep(out), reference)
    again = run_sweep(plan, out, workers=1)  # re-running the same command: nothing to do
    assert (again.skipped_points, again.done_runs) == (4, 0)


def test_a_truncated_part_is_rerun(tmp_path, reference):
    out = tmp_path / "trunc"
    run_sweep(small_plan(), out, workers=1)
    part = out / "parts" / "p000001_r0001.parquet"
    part.write_bytes(part.read_bytes()[:100])
    result = run_sweep(small_plan(), out, workers=1, resume=True)
    assert (result.skipped_points, result.done_runs) == (3, 2)
    pd.testing.assert_frame_equal(load_sweep(out), reference)


def test_resume_after_a_real_kill(tmp_path):
    plan_args = {"params": ["diffusion.p=0.01:0.05:40", "diffusion.q=0.2,0.4"],
                 "replications": 3, "steps": 40, "seed": 2,
                 "overrides": ["population.size=5000"]}
    code = (f"from sim.sweep import plan_sweep, run_sweep\n"
            f"plan = plan_sweep({BASS!r}, **{plan_args!r})\n"
            f"run_sweep(plan, {str(tmp_path / 'killed')!r}, workers=1, threads=1)\n")
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, start_new_session=True)
    parts = tmp_path / "killed" / "parts"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if parts.is_dir() and len(list(parts.glob("*.parquet"))) >= 20:  # finished parts only
            break
        time.sleep(0.005)
    assert proc.poll() is None, "the sweep ended before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    written = len(list(parts.glob("*.parquet")))
    assert 20 <= written < 240
    plan = plan_sweep(BASS, **plan_args)
    result = run_sweep(plan, tmp_path / "killed", workers=1, resume=True, threads=1)
    assert result.skipped_points >= 6 and result.skipped_points < 80
    assert len(parts_of(tmp_path / "killed")) == 240
    assert not list(parts.glob(".*"))
    run_sweep(plan, tmp_path / "whole", workers=1, threads=1)
    pd.testing.assert_frame_equal(load_sweep(tmp_path / "killed"), load_sweep(tmp_path / "whole"))


def test_a_different_sweep_in_the_directory_is_refused(tmp_path):
    out = tmp_path / "d"
    run_sweep(small_plan(), out, workers=1)
    with pytest.raises(WomError) as info:
        run_sweep(small_plan(seed=6), out, workers=1)
    message = str(info.value)
    assert "holds a different sweep" in message and "differ in scenario" in message
    assert "seed" in message and "refusing to mix sweeps" in message
    with pytest.raises(WomError, match="differ in .*replications"):
        run_sweep(small_plan(replications=3), out, workers=1, resume=True)
    assert len(parts_of(out)) == 8


def test_directories_that_hold_no_sweep(tmp_path):
    with pytest.raises(WomError, match="holds no sweep to resume"):
        run_sweep(small_plan(), tmp_path / "new", resume=True, workers=1)
    assert not (tmp_path / "new").exists()
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    with pytest.raises(WomError, match="not empty and holds no sweep"):
        run_sweep(small_plan(), other, workers=1)
    (tmp_path / "file").write_text("")
    with pytest.raises(WomError, match="exists and is not a directory"):
        run_sweep(small_plan(), tmp_path / "file", workers=1)
    with pytest.raises(WomError, match="no _manifest.json"):
        load_sweep(other)


# ---------------------------------------------------------------------------
# Executors: identical results everywhere
# ---------------------------------------------------------------------------


def test_two_local_workers_equal_one_even_when_a_worker_dies(tmp_path, reference):
    out = tmp_path / "two"
    fault = {"point": 0, "stage": "start", "action": "exit", "marker": str(tmp_path / "f")}
    result = run_sweep(small_plan(), out, workers=2, _fault=fault)
    assert result.executor == "local" and result.workers == 2
    assert result.restarts == 1 and (tmp_path / "f").exists()
    pd.testing.assert_frame_equal(load_sweep(out), reference)
    assert not list((out / "parts").glob(".*"))


def test_dask_local_cluster_equals_local_and_retries(tmp_path, reference):
    pytest.importorskip("distributed")
    out = tmp_path / "dask"
    fault = {"point": 3, "stage": "writing", "action": "raise", "marker": str(tmp_path / "f")}
    result = run_sweep(small_plan(), out, workers=2, dask=True, _fault=fault)
    assert result.executor == "dask-local" and result.workers == 2
    assert (tmp_path / "f").exists()  # point 3 failed once and was retried
    pd.testing.assert_frame_equal(load_sweep(out), reference)
    assert not list((out / "parts").glob(".*"))


def test_an_existing_scheduler_is_used(tmp_path, reference):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        result = run_sweep(small_plan(), tmp_path / "s", scheduler=cluster.scheduler_address)
    assert (result.executor, result.workers) == ("dask", 2)
    pd.testing.assert_frame_equal(load_sweep(tmp_path / "s"), reference)


def test_one_sweep_writes_to_a_directory_at_a_time(tmp_path):
    fcntl = pytest.importorskip("fcntl")
    out = tmp_path / "busy"
    out.mkdir()
    with open(out / ".lock", "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        with pytest.raises(WomError, match="another sweep is writing to this directory"):
            run_sweep(small_plan(), out, workers=1)


def test_executor_options_are_checked(tmp_path):
    with pytest.raises(WomError, match="choose one executor"):
        run_sweep(small_plan(), tmp_path / "x", dask=True, scheduler="tcp://h:1")
    with pytest.raises(WomError, match="--workers: with --scheduler"):
        run_sweep(small_plan(), tmp_path / "x", workers=2, scheduler="tcp://h:1")


# ---------------------------------------------------------------------------
# SALib designs and wom analyze
# ---------------------------------------------------------------------------


def test_sobol_design_and_analysis(tmp_path, capsys):
    out = tmp_path / "sobol"
    code = wom(["sweep", BASS, "--design", "sobol", "--samples", "8", "--replications", "2",
                "--param", "diffusion.p=0.005,0.05", "--param", "diffusion.q=0.1:0.6:3",
                "--set", "population.size=500", "--steps", "10", "--seed", "0",
                "--workers", "1", "--threads", "1", "--quiet", "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "48 points x 2 replications = 96 runs" in printed
    assert "scheduling + writing" in printed
    manifest = read_manifest(out)
    from SALib.sample import sobol

    expected = sobol.sample(manifest["problem"], 8, calc_second_order=True, seed=0)
    assert np.array_equal(np.array(manifest["design_matrix"]), expected)  # 8 * (2*2 + 2)
    assert wom(["analyze", str(out), "--metric", "adopted", "--metric", "new_adopters"]) == 0
    printed = capsys.readouterr().out
    assert "Sobol' indices" in printed and "ST_conf" in printed
    report = out / "_analysis"
    table = pd.read_csv(report / "adopted_sobol.csv")
    assert list(table.columns) == ["parameter", "S1", "S1_conf", "ST", "ST_conf"]
    assert list(table["parameter"]) == ["diffusion.p", "diffusion.q"]
    assert table[["S1", "ST"]].notna().all().all()
    assert (table["ST"] > 0).all()
    for name in ("adopted_points.csv", "adopted_sobol_s2.csv", "adopted_sobol.png",
                 "adopted_params.png", "new_adopters_sobol.png"):
        assert (report / name).stat().st_size > 0
    assert len(pd.read_parquet(out)) == 96 * 11  # the report folder does not disturb it


def test_morris_design_and_analysis(tmp_path):
    out = tmp_path / "morris"
    plan = plan_sweep(BASS, ["diffusion.p=0.005,0.05", "diffusion.q=0.1,0.6"],
                      design="morris", samples=4, replications=2, steps=10, seed=1,
                      overrides=["population.size=500"])
    assert len(plan.points) == 4 * (2 + 1)
    run_sweep(plan, out, workers=1)
    reports = analyze_sweep(out, ["adopted"], report_dir=tmp_path / "rep")
    table = reports[0].morris
    assert list(table.columns) == ["parameter", "mu", "mu_star", "mu_star_conf", "sigma"]
    assert (table["mu_star"] > 0).all()
    assert (tmp_path / "rep" / "adopted_morris.png").stat().st_size > 0
    assert (tmp_path / "rep" / "adopted_morris.csv").exists()


def test_grid_analysis_has_ci_table_and_rank_correlations(tmp_path, reference):
    out = tmp_path / "g"
    run_sweep(small_plan(), out, workers=1)
    (report,) = analyze_sweep(out, plots=False)
    assert report.metric == "adopted"
    assert list(report.spearman["parameter"]) == ["diffusion.p", "diffusion.q"]
    assert report.spearman["spearman_rho"].between(-1, 1).all()
    with pytest.raises(WomError, match="--metric colour: not a result column"):
        analyze_sweep(out, ["colour"], plots=False)


def test_analyze_refuses_an_unfinished_sweep(tmp_path):
    out = tmp_path / "u"
    run_sweep(small_plan(), out, workers=1)
    (out / "parts" / "p000003_r0001.parquet").unlink()
    with pytest.raises(WomError, match=r"not finished \(3 of 4 points\)"):
        analyze_sweep(out, plots=False)


# ---------------------------------------------------------------------------
# Confidence intervals
# ---------------------------------------------------------------------------


def test_summarize_sweep_ci_by_hand(reference):
    table = summarize_sweep(reference, "adopted")
    assert list(table.columns) == ["point", "diffusion.p", "diffusion.q", "metric", "mean",
                                   "ci_low", "ci_high", "sd", "replications"]
    for _, row in table.iterrows():
        block = reference[(reference["point"] == row["point"]) & (reference["step"] == 8)]
        x = block["adopted"].to_numpy(dtype=float)
        n = x.size
        mean = sum(x) / n
        sd = math.sqrt(sum((v - mean) ** 2 for v in x) / (n - 1))
        half = stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)
        assert row["replications"] == n == 2
        assert row["mean"] == pytest.approx(mean)
        assert row["ci_low"] == pytest.approx(mean - half)
        assert row["ci_high"] == pytest.approx(mean + half)


def test_flows_are_summed_and_states_taken_at_the_step(reference):
    flows = metric_per_replication(reference, "new_adopters", at_step=5)
    states = metric_per_replication(reference, "adopted", at_step=5)
    one = reference[(reference["point"] == 2) & (reference["replication"] == 1)]
    row = (flows["point"] == 2) & (flows["replication"] == 1)
    assert flows.loc[row, "value"].item() == one.loc[one["step"].between(1, 5),
                                                     "new_adopters"].sum()
    assert states.loc[row, "value"].item() == one.loc[one["step"] == 5, "adopted"].item()
    with pytest.raises(WomError, match="--at-step 9: the runs end at step 8"):
        summarize_sweep(reference, "adopted", at_step=9)


def test_the_cli_sweep_prints_a_summary(tmp_path, capsys):
    out = tmp_path / "cli"
    argv = ["sweep", BASS, "--param", "diffusion.q=0.2,0.4", "--replications", "2",
            "--steps", "5", "--set", "population.size=300", "--workers", "1", "--out",
            str(out)]
    assert wom(argv) == 0
    printed = capsys.readouterr().out
    assert "2 points x 2 replications = 4 runs" in printed
    assert "4 run now, 0 skipped" in printed and "pandas.read_parquet" in printed
    assert wom([*argv, "--resume"]) == 0
    assert "0 run now, 4 skipped" in capsys.readouterr().out
    assert json.loads((out / "_manifest.json").read_text())["runs"] == 4


def test_wom_cli_runs_sweep_and_analyze(tmp_path, capsys):
    out = tmp_path / "w"
    assert cli_main(["sweep", BASS, "--param", "diffusion.q=0.2,0.4", "--steps", "5",
                     "--replications", "2", "--set", "population.size=300", "--workers", "1",
                     "--quiet", "--out", str(out)]) == 0
    assert cli_main(["analyze", str(out), "--no-plots"]) == 0
    assert "rank correlation" in capsys.readouterr().out
    assert cli_main(["sweep", BASS, "--param", "diffusion.q", "--out", str(out)]) == 2
    assert "--param diffusion.q: expected KEY=SPEC" in capsys.readouterr().err
