"""Bad input on the command line: one message naming the culprit, exit code 2, no traceback.

Each case writes its files into a fresh working directory, runs ``wom`` in-process
(:func:`sim.cli.main`) and checks the README's promise: exit code 2, no traceback, a
message on stderr naming the file, key or line at fault, and no file left behind.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from sim.cli import main

#: A valid scenario (network Bass on a small generated network) the cases start from.
SCENARIO = ('name = "s"\n[population]\nsize = 50\n[network]\nkind = "barabasi_albert"\n'
            'm = 2\n[diffusion]\nmodel = "bass"\n[run]\nsteps = 2\n')
#: A scenario whose network is the edge list ``edges`` of the case (its own file).
ON_FILE = '[network]\nkind = "file"\npath = "{}"\n[run]\nsteps = 2\n'
#: A cascade (a preset that cannot use distrust ties) on ``edges.txt``.
CASCADE = ('[network]\nkind = "file"\npath = "edges.txt"\n[diffusion]\n'
           'model = "independent_cascade"\n[seeding]\ncount = 1\n')
#: A base scenario that sets a size for its generated network, and a child on a file.
SIZED_BASE = '[population]\nsize = 10000\n[network]\nkind = "barabasi_albert"\n'


def _with(extra: str) -> str:
    return SCENARIO + extra


def _run(*args: str) -> list[str]:
    return ["run", "s.toml", *args]


def _set(*items: str) -> list[str]:
    return ["run", "s.toml", *(a for item in items for a in ("--set", item))]


# (id, files written to the working directory, argv, strings the message must contain)
CASES: list[tuple[str, dict[str, str | bytes], list[str], list[str]]] = [
    # --- --out that cannot be written (refused before the run, nothing left behind)
    ("out-directory", {"s.toml": SCENARIO, "d.parquet/x": ""}, _run("--out", "d.parquet"),
     ["--out d.parquet", "is a directory"]),
    ("out-sys", {"s.toml": SCENARIO}, _run("--out", "/sys/x.parquet"),
     ["--out /sys/x.parquet", "cannot write"]),
    ("out-proc", {"s.toml": SCENARIO}, _run("--out", "/proc/x.parquet"),
     ["--out /proc/x.parquet", "cannot write"]),
    ("out-suffix", {"s.toml": SCENARIO}, _run("--out", "x.txt"),
     ["--out x.txt", ".parquet or .csv"]),
    ("compare-out-directory", {"s.toml": SCENARIO, "d.csv/x": ""},
     ["compare", "s.toml", "s.toml", "--out", "d.csv"], ["--out d.csv", "is a directory"]),
    # --- scenario files
    ("missing-file", {}, ["run", "nope.toml"], ["nope.toml", "no such scenario file"]),
    ("directory", {"d.toml/x": ""}, ["run", "d.toml"], ["d.toml", "is a directory"]),
    ("non-utf8", {"s.toml": b'\xff\xfename="x"\n'}, _run(),
     ["s.toml", "not UTF-8 text", "line 1, column 1"]),
    ("non-utf8-later-line", {"s.toml": b'name = "x"\n# caf\xe9\n'}, _run(),
     ["s.toml", "not UTF-8 text", "line 2, column 6"]),
    ("toml-syntax", {"s.toml": "[run\nsteps = 2\n"}, _run(), ["s.toml", "not valid TOML"]),
    ("unknown-key", {"s.toml": _with("stepz = 3\n")}, _run(), ["s.toml", "run.stepz",
                                                                "unknown key"]),
    ("unknown-table", {"s.toml": _with("[colour]\nhue = 1\n")}, _run(),
     ["s.toml", "colour", "unknown key"]),
    ("float-as-string", {"s.toml": SCENARIO.replace('"bass"', '"bass"\np = "0.03"')}, _run(),
     ["s.toml", "diffusion.p", "valid number"]),
    ("bool-as-yes", {"s.toml": _with('[community]\nenabled = "yes"\n')}, _run(),
     ["s.toml", "community.enabled", "valid boolean"]),
    ("bool-as-off", {"s.toml": _with('[community]\nenabled = "off"\n')}, _run(),
     ["s.toml", "community.enabled", "valid boolean"]),
    ("bool-as-1", {"s.toml": _with("[community]\nenabled = 1\n")}, _run(),
     ["s.toml", "community.enabled", "valid boolean"]),
    ("int-as-bool", {"s.toml": SCENARIO.replace("size = 50", "size = true")}, _run(),
     ["s.toml", "population.size", "valid integer"]),
    ("int-as-float", {"s.toml": SCENARIO.replace("size = 50", "size = 50.0")}, _run(),
     ["s.toml", "population.size", "valid integer"]),
    ("str-as-int", {"s.toml": SCENARIO.replace('name = "s"', "name = 5")}, _run(),
     ["s.toml", "name", "valid string"]),
    ("out-of-range", {"s.toml": _with("[wom]\nbeta = 2\n")}, _run(),
     ["s.toml", "wom.beta", "less than or equal to 1"]),
    ("bad-choice", {"s.toml": SCENARIO.replace('"barabasi_albert"', '"smallworld"')}, _run(),
     ["s.toml", "network.kind"]),
    ("file-without-path", {"s.toml": '[network]\nkind = "file"\n'}, _run(),
     ["s.toml", "network.path"]),
    ("base-missing", {"s.toml": 'base = "gone.toml"\n'}, _run(), ["s.toml", "base",
                                                                  "gone.toml"]),
    ("base-not-a-name", {"s.toml": "base = 5\n"}, _run(), ["s.toml", "base"]),
    ("base-cycle", {"s.toml": 'base = "t.toml"\n', "t.toml": 'base = "s.toml"\n'}, _run(),
     ["s.toml", "base", "inheritance cycle", "t.toml"]),
    ("base-self", {"s.toml": 'base = "s.toml"\n'}, _run(), ["s.toml", "inheritance cycle"]),
    ("seed-2**63-in-file", {"s.toml": _with("seed = 9223372036854775808\n")}, _run(),
     ["s.toml", "run.seed", "9223372036854775807"]),
    ("price-1e18-in-file", {"s.toml": _with("[product]\nprice = 1e18\n")}, _run(),
     ["s.toml", "product.price", "1000000"]),
    # --- --set and options
    ("set-out-of-range", {"s.toml": SCENARIO}, _set("diffusion.p=-1"),
     ["--set diffusion.p", "greater than or equal to 0"]),
    ("set-quoted-int", {"s.toml": SCENARIO}, _set('population.size="500"'),
     ["--set population.size", "valid integer", "'500'"]),
    ("set-bool-word", {"s.toml": SCENARIO}, _set("community.enabled=yes"),
     ["--set community.enabled", "valid boolean"]),
    ("set-bool-int", {"s.toml": SCENARIO}, _set("community.enabled=1"),
     ["--set community.enabled", "valid boolean"]),
    ("set-int-float", {"s.toml": SCENARIO}, _set("run.steps=2.5"),
     ["--set run.steps", "valid integer"]),
    ("set-not-a-number", {"s.toml": SCENARIO}, _set("diffusion.p=0.1.2"),
     ["--set diffusion.p", "valid number"]),
    ("set-no-equals", {"s.toml": SCENARIO}, _set("diffusion.p"),
     ["--set diffusion.p", "KEY.PATH=VALUE"]),
    ("set-empty-key", {"s.toml": SCENARIO}, _set("=3"), ["--set =3", "KEY.PATH=VALUE"]),
    ("set-unknown-key", {"s.toml": SCENARIO}, _set("run.bogus=3"),
     ["--set run.bogus", "unknown key"]),
    ("set-through-a-value", {"s.toml": SCENARIO}, _set("name.x=1"),
     ["--set name.x", "name is not a table"]),
    ("set-seed-2**63", {"s.toml": SCENARIO}, _set("run.seed=9223372036854775808"),
     ["--set run.seed", "below 2**63", "9223372036854775807"]),
    ("set-network-seed-2**64", {"s.toml": SCENARIO}, _set("network.seed=18446744073709551616"),
     ["--set network.seed", "9223372036854775807"]),
    ("option-seed-2**63", {"s.toml": SCENARIO}, _run("--seed", "9223372036854775808"),
     ["--seed", "9223372036854775807"]),
    ("price-inf", {"s.toml": SCENARIO}, _set("product.price=inf"),
     ["--set product.price", "finite number"]),
    ("price-nan", {"s.toml": SCENARIO}, _set("product.price=nan"),
     ["--set product.price", "finite number"]),
    ("price-1e18", {"s.toml": SCENARIO}, _set("product.price=1e18"),
     ["--set product.price", "less than or equal to 1000000"]),
    ("budget-1e17", {"s.toml": SCENARIO}, _set("budget.total=1e17"),
     ["--set budget.total", "less than or equal to 1000000000000"]),
    ("budget-inf", {"s.toml": SCENARIO}, _set("budget.total=inf"),
     ["--set budget.total", "finite number"]),
    ("cost-per-exposure-1e17", {"s.toml": SCENARIO}, _set("ads.cost_per_exposure=1e17"),
     ["--set ads.cost_per_exposure", "less than or equal to"]),
    ("referral-reward-inf", {"s.toml": SCENARIO}, _set("promotions.referral_reward=inf"),
     ["--set promotions.referral_reward", "finite number"]),
    ("checkin-reward-1e18", {"s.toml": SCENARIO}, _set("promotions.checkin_reward=1e18"),
     ["--set promotions.checkin_reward", "less than or equal to"]),
    ("vip-perk-1e9", {"s.toml": SCENARIO}, _set("promotions.vip_perk=1e9"),
     ["--set promotions.vip_perk", "less than or equal to"]),
    ("upkeep-minus-inf", {"s.toml": SCENARIO}, _set("community.upkeep=-inf"),
     ["--set community.upkeep", "finite number"]),
    ("member-cost-1e300", {"s.toml": SCENARIO}, _set("community.member_cost=1e300"),
     ["--set community.member_cost", "less than or equal to"]),
    ("fee-1e17", {"s.toml": SCENARIO}, _set("influencers.fee_per_thousand=1e17"),
     ["--set influencers.fee_per_thousand", "less than or equal to"]),
    ("replications-0", {"s.toml": SCENARIO}, _run("--replications", "0"), ["--replications"]),
    ("unknown-command", {}, ["simulate"], ["simulate", "invalid choice"]),
    ("bench-sizes", {}, ["bench", "--sizes", "1e4"], ["--sizes", "'1e4'"]),
    ("bench-sizes-tiny", {}, ["bench", "--sizes", "500,10"], ["--sizes", "at least 100"]),
    ("bench-json-directory", {"d.json/x": ""}, ["bench", "--json", "d.json"],
     ["--json d.json", "is a directory"]),
    # --- network files
    ("edges-missing", {"s.toml": ON_FILE.format("gone.txt")}, _run(),
     ["gone.txt", "no such file"]),
    ("edges-empty", {"s.toml": ON_FILE.format("e.txt"), "e.txt": ""}, _run(),
     ["e.txt", "no edges found"]),
    ("edges-comments-only", {"s.toml": ON_FILE.format("e.txt"), "e.txt": "# a\n% b\n"},
     _run(), ["e.txt", "no edges found"]),
    ("edges-self-loops-only", {"s.toml": ON_FILE.format("e.txt"), "e.txt": "1 1\n2 2\n"},
     _run(), ["e.txt", "no edges found", "self-loop"]),
    ("edges-malformed-line", {"s.toml": ON_FILE.format("e.txt"), "e.txt": "0 1\na b c d\n"},
     _run(), ["e.txt", "line 2", "a b c d"]),
    ("edges-mixed-columns", {"s.toml": ON_FILE.format("e.txt"), "e.txt": "0 1 1\n1 2\n"},
     _run(), ["e.txt", "line 2", "3 columns"]),
    ("edges-weight-not-a-number",
     {"s.toml": ON_FILE.format("e.txt"), "e.txt": "0 1 1\n1 2 abc\n"}, _run(),
     ["e.txt", "line 2", "'abc' is not a number"]),
    ("edges-weight-1e40", {"s.toml": ON_FILE.format("e.txt"), "e.txt": "0 1 1\n1 2 1e40\n"},
     _run(), ["e.txt", "line 2", "float32"]),
    ("csv-weight-1e40",
     {"s.toml": ON_FILE.format("e.csv"), "e.csv": "a,b,weight\n0,1,1\n1,2,-1e40\n"}, _run(),
     ["e.csv", "line 3", "float32"]),
    ("csv-missing-column",
     {"s.toml": ON_FILE.format("e.csv"), "e.csv": "a,b\n0,1\n"},
     _set("network.weight_column=w"),
     ["e.csv", "no weight column 'w'", "a, b"]),
    ("edges-not-utf8", {"s.toml": ON_FILE.format("e.txt"), "e.txt": b"0 1\n1 \xff\n"},
     _run(), ["e.txt", "line 2", "UTF-8"]),
    ("edges-corrupt-gzip", {"s.toml": ON_FILE.format("e.txt.gz"),
                            "e.txt.gz": b"\x1f\x8bnot gzip at all"}, _run(),
     ["e.txt.gz", "corrupt gzip"]),
    ("edges-negative-weight-preset", {"s.toml": CASCADE, "edges.txt": "0 1 1\n1 2 -0.5\n"},
     _run(), ["edges.txt", "line 2", "negative", "independent_cascade"]),
    ("edges-set-path-missing", {"s.toml": SCENARIO},
     _set("network.kind=file", "network.path=gone.txt"), ["gone.txt", "no such file"]),
    ("size-explicit-in-file",
     {"s.toml": '[population]\nsize = 7\n' + ON_FILE.format("e.txt"), "e.txt": "0 1\n1 2\n"},
     _run(), ["population.size", "7 does not match the 3 consumers", "e.txt"]),
    ("size-explicit-by-set", {"base.toml": SIZED_BASE, "e.txt": "0 1\n1 2\n",
                              "s.toml": 'base = "base.toml"\n' + ON_FILE.format("e.txt")},
     _set("population.size=10000"), ["population.size", "10000 does not match", "e.txt"]),
]


def _write(folder: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)


def _listing(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.mark.parametrize(("files", "argv", "culprit"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_bad_input_is_one_message_and_exit_code_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    files: dict[str, str | bytes], argv: list[str], culprit: list[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, files)
    before = _listing(tmp_path)
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse refuses its own arguments this way
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if "error:" in line]
    assert len(errors) == 1 and errors[0].startswith("wom"), err  # argparse adds its usage
    for part in culprit:
        assert part in err, f"{part!r} not in {err!r}"
    assert _listing(tmp_path) == before


def test_enough_cases() -> None:
    assert len(CASES) >= 40
    assert len({c[0] for c in CASES}) == len(CASES)


def test_a_closed_pipe_ends_quietly() -> None:
    """``wom keys | head -n 1``: no BrokenPipeError traceback, exit code 0."""
    import subprocess
    import sys

    keys = subprocess.Popen([sys.executable, "-m", "sim.cli", "keys"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert keys.stdout is not None
    keys.stdout.close()  # the reader is gone before wom writes its first line
    _, err = keys.communicate(timeout=120)
    assert keys.returncode == 0, err
    assert b"Traceback" not in err and b"BrokenPipe" not in err


# --- sweeps: an --out that cannot be written, corrupt parts (wom sweep, wom analyze)


def _sweep(*args: str) -> list[str]:
    return ["sweep", "s.toml", "--param", "diffusion.q=0.1,0.2", "--replications", "1",
            "--workers", "1", "--quiet", *args]


SWEEP_CASES: list[tuple[str, dict[str, str | bytes], list[str], list[str]]] = [
    ("sweep-out-sys", {"s.toml": SCENARIO}, _sweep("--out", "/sys/wom_sweep"),
     ["--out /sys/wom_sweep", "cannot write in /sys"]),
    ("sweep-out-proc", {"s.toml": SCENARIO}, _sweep("--out", "/proc/wom_sweep"),
     ["--out /proc/wom_sweep", "cannot write in /proc"]),
    ("sweep-out-under-a-file", {"s.toml": SCENARIO, "f.txt": "mine"},
     _sweep("--out", "f.txt/sub"), ["--out f.txt/sub", "f.txt is not a directory"]),
    ("sweep-out-is-a-file", {"s.toml": SCENARIO, "f.txt": "mine"}, _sweep("--out", "f.txt"),
     ["--out f.txt", "exists and is not a directory"]),
    ("robustness-out-proc", {"a.toml": "base = \"{}\"\n".format(
        Path(__file__).resolve().parents[1] / "scenarios" / "push.toml")},
     ["robustness", "a.toml", "a.toml", "--param", "ads.frequency=1,2", "--steps", "2",
      "--set", "population.size=200", "--out", "/proc/wom_map"],
     ["--out /proc/wom_map", "cannot write in /proc"]),
    ("analyze-out-proc", {}, ["analyze", "S", "--out", "/proc/report"],
     ["--out /proc/report", "cannot write in /proc"]),
    ("analyze-out-under-a-file", {"f.txt": "mine"}, ["analyze", "S", "--out", "f.txt/r"],
     ["--out f.txt/r", "f.txt is not a directory"]),
]


def _truncate(data: bytes) -> bytes:
    return data[:100]


def _flip_middle(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:]


def _flip_footer(data: bytes) -> bytes:
    return data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:]


#: (id, how part p000000_r0000 of the sweep S is damaged, strings the message must hold)
CORRUPT_CASES = [
    ("analyze-truncated-part", _truncate, ["100 bytes"]),
    ("analyze-part-changed-in-the-middle", _flip_middle, ["SHA-256 differs"]),
    ("analyze-part-changed-in-the-footer", _flip_footer, ["SHA-256 differs"]),
]


@pytest.fixture(scope="module")
def finished_sweep(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The files of a finished small sweep ``S`` (relative path -> bytes)."""
    folder = tmp_path_factory.mktemp("sweep")
    (folder / "s.toml").write_text(SCENARIO)
    argv = _sweep("--out", str(folder / "S"))
    assert main([argv[0], str(folder / "s.toml"), *argv[2:]]) == 0
    return {str(p.relative_to(folder)): p.read_bytes() for p in (folder / "S").rglob("*")
            if p.is_file() and not p.name.startswith(".")}


def _expect_one_message(argv: list[str], folder: Path, culprit: list[str],
                        capsys: pytest.CaptureFixture[str]) -> None:
    before = _listing(folder)
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if "error:" in line]
    assert len(errors) == 1 and errors[0].startswith("wom"), err
    for part in culprit:
        assert part in err, f"{part!r} not in {err!r}"
    assert _listing(folder) == before


@pytest.mark.parametrize(("files", "argv", "culprit"), [c[1:] for c in SWEEP_CASES],
                         ids=[c[0] for c in SWEEP_CASES])
def test_bad_sweep_input_is_one_message_and_exit_code_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    finished_sweep: dict[str, bytes], files: dict[str, str | bytes], argv: list[str],
    culprit: list[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, {**finished_sweep, **files} if "analyze" in argv else files)
    _expect_one_message(argv, tmp_path, culprit, capsys)


@pytest.mark.parametrize(("damage", "why"), [c[1:] for c in CORRUPT_CASES],
                         ids=[c[0] for c in CORRUPT_CASES])
def test_a_corrupt_sweep_part_is_one_message_and_exit_code_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    finished_sweep: dict[str, bytes], damage, why: list[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    part = "S/parts/p000000_r0000.parquet"
    _write(tmp_path, {**finished_sweep, part: damage(finished_sweep[part])})
    _expect_one_message(["analyze", "S", "--metric", "adopted"], tmp_path,
                        ["S: 1 corrupt part: p000000_r0000.parquet", *why,
                         "run the sweep again with --resume"], capsys)


# --- Issue 12 (memory, weight scale, weights naming file and line, flags named as typed).
# (id, files, argv, strings the message must contain, strings it must not contain)
#: A cascade on a csv edge list (a preset that cannot use distrust ties).
CASCADE_CSV = CASCADE.replace("edges.txt", "edges.csv")
#: A linear threshold on ``edges.txt``.
THRESHOLD = CASCADE.replace("independent_cascade", "linear_threshold")
WEIGHT_SCALE = ["--set network.weight_scale", "expected 'none', 'max-abs' or a finite number"]
HUGE = "1000000000000"
MEMORY = ["needs about", "of memory", "is available"]

MORE_CASES: list[tuple[str, dict[str, str | bytes], list[str], list[str], list[str]]] = [
    ("memory-population", {"s.toml": SCENARIO}, _set(f"population.size={HUGE}"),
     ["population.size: a run on 1,000,000,000,000 consumers", *MEMORY,
      "lower population.size or network.m"], []),
    ("memory-steps", {"s.toml": SCENARIO}, _run("--steps", "99999999999999999999"),
     ["run.steps:", "--steps", *MEMORY], []),
    ("memory-replications", {"s.toml": SCENARIO},
     _run("--replications", "99999999999999999999"),
     ["run.replications:", "--replications", *MEMORY], []),
    ("memory-reference-engine", {"s.toml": SCENARIO},
     [*_set("population.size=200000000"), "--engine", "reference"],
     ["population.size", "(reference engine)", "--engine fast", *MEMORY], []),
    ("memory-compare", {"s.toml": SCENARIO},
     ["compare", "s.toml", "s.toml", "--set", f"population.size={HUGE}"],
     ["population.size", *MEMORY], []),
    ("memory-sweep-point", {"s.toml": SCENARIO},
     ["sweep", "s.toml", "--param", f"population.size=100,{HUGE}", "--out", "sweep"],
     [f"sweep point 1 (population.size={HUGE})", "population.size", *MEMORY], []),
    ("weight-scale-0", {"s.toml": SCENARIO}, _set("network.weight_scale=0"),
     [*WEIGHT_SCALE, "found 0"], []),
    ("weight-scale-negative", {"s.toml": SCENARIO}, _set("network.weight_scale=-2.5"),
     [*WEIGHT_SCALE, "found -2.5"], []),
    ("weight-scale-nan", {"s.toml": SCENARIO}, _set("network.weight_scale=nan"),
     [*WEIGHT_SCALE, "found nan"], []),
    ("weight-scale-inf", {"s.toml": SCENARIO}, _set("network.weight_scale=inf"),
     [*WEIGHT_SCALE, "found inf"], []),
    ("weight-scale-unknown-word", {"s.toml": SCENARIO}, _set("network.weight_scale=maxabs"),
     [*WEIGHT_SCALE, "found 'maxabs'"], []),
    ("weight-scale-quoted-number", {"s.toml": SCENARIO}, _set('network.weight_scale="10"'),
     [*WEIGHT_SCALE, "found '10'"], []),
    ("weight-scale-bool", {"s.toml": SCENARIO}, _set("network.weight_scale=true"),
     [*WEIGHT_SCALE, "found True"], []),
    ("weight-scale-in-file", {"s.toml": SCENARIO.replace("m = 2\n", "m = 2\nweight_scale = 0\n")},
     _run(), ["s.toml", "network.weight_scale", "found 0"], ["--set"]),
    ("weight-scale-max-abs-all-zero",
     {"s.toml": ON_FILE.format("e.txt"), "e.txt": "0 1 0\n1 2 0\n"},
     _set("network.weight_scale=max-abs"),
     ["network.weight_scale", "'max-abs' needs a nonzero weight", "e.txt"], []),
    ("weight-scale-overflows-float32",
     {"s.toml": ON_FILE.format("e.txt"), "e.txt": "0 1 3e38\n1 2 1\n"},
     _set("network.weight_scale=0.001"),
     ["network.weight_scale", "e.txt", "beyond float32"], ["RuntimeWarning"]),
    ("tsv-weight-1e40",
     {"s.toml": ON_FILE.format("e.tsv"), "e.tsv": "a\tb\tweight\n0\t1\t1\n1\t2\t1e40\n"},
     _run(), ["e.tsv", "line 3", "'1e40' does not fit in float32"], ["Warning"]),
    ("gzip-weight-1e40",
     {"s.toml": ON_FILE.format("e.txt.gz"), "e.txt.gz": gzip.compress(b"0 1 1\n1 2 1e40\n")},
     _run(), ["e.txt.gz", "line 2", "'1e40' does not fit in float32"], ["Warning"]),
    ("csv-weight-column-minus-1e39",
     {"s.toml": ON_FILE.format("e.csv"), "e.csv": "a,b,w\n0,1,1\n1,2,-1e39\n"},
     _set("network.weight_column=w"), ["e.csv", "line 3", "float32"], ["Warning"]),
    ("csv-negative-weight-preset",
     {"s.toml": CASCADE_CSV, "edges.csv": "source,target,weight\n0,1,1\n1,2,0.5\n2,3,-1\n"},
     _run(), ["edges.csv", "line 4", "negative", "independent_cascade"], []),
    ("negative-weight-linear-threshold",
     {"s.toml": THRESHOLD, "edges.txt": "# signed\n0 1 1\n1 2 -0.25\n"},
     _run(), ["edges.txt", "line 3", "negative", "linear_threshold"], []),
    ("negative-weight-network-bass",
     {"s.toml": ON_FILE.format("edges.txt"), "edges.txt": "0 1 -1\n1 2 1\n"},
     _run(), ["edges.txt", "line 1", "negative", "bass"], []),
    ("bench-sizes-0", {}, ["bench", "--sizes", "0"], ["--sizes", "found '0'"],
     ["population.size"]),
    ("bench-sizes-5", {}, ["bench", "--sizes", "5"], ["--sizes", "at least 100"], ["network.m"]),
    ("bench-sizes-word", {}, ["bench", "--sizes", "1000,lots"], ["--sizes", "'1000,lots'"],
     []),
    ("bench-sizes-huge", {}, ["bench", "--sizes", "10000000000000"],
     ["--sizes 10000000000000", *MEMORY], ["population.size"]),
    ("bench-threads", {}, ["bench", "--threads", "999"], ["--threads", "999"], []),
    ("run-threads", {"s.toml": SCENARIO}, _run("--threads", "999"), ["--threads", "999"],
     ["error: threads:"]),
    ("compare-seed-2**63", {"s.toml": SCENARIO},
     ["compare", "s.toml", "s.toml", "--seed", "9223372036854775808"],
     ["--seed", "9223372036854775807"], ["run.seed"]),
    ("sweep-seed-2**63", {"s.toml": SCENARIO},
     ["sweep", "s.toml", "--param", "diffusion.q=0.1,0.2", "--seed", "9223372036854775808",
      "--out", "sweep"], ["--seed", "9223372036854775807"], ["run.seed"]),
    ("validate-out-suffix", {}, ["validate", "--out", "report.txt"],
     ["--out report.txt", ".md"], []),
    ("validate-out-sys", {}, ["validate", "--quick", "--out", "/sys/wom/report.md"],
     ["--out /sys/wom/report.md", "cannot write"], []),
    ("validate-seeds-1", {}, ["validate", "--seeds", "1"], ["--seeds", "at least 2"], []),
]


@pytest.mark.parametrize(("files", "argv", "culprit", "absent"), [c[1:] for c in MORE_CASES],
                         ids=[c[0] for c in MORE_CASES])
def test_more_bad_input_names_its_culprit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    files: dict[str, str | bytes], argv: list[str], culprit: list[str], absent: list[str],
) -> None:
    """As above; and no warning leaks, nor an internal name in place of the culprit."""
    kept = _Kept(capsys)
    test_bad_input_is_one_message_and_exit_code_2(tmp_path, monkeypatch, kept, files, argv,
                                                   culprit)
    assert "Warning" not in kept.err
    for part in absent:
        assert part not in kept.err, f"{part!r} in {kept.err!r}"


class _Kept:
    """``capsys`` that keeps what it read, for more checks after the shared ones."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys
        self.err = ""

    def readouterr(self) -> pytest.CaptureResult[str]:
        result = self.capsys.readouterr()
        self.err = result.err
        return result


def test_sixty_bad_inputs_at_least() -> None:
    ids = [c[0] for c in CASES] + [c[0] for c in MORE_CASES]
    assert len(ids) >= 60 and len(set(ids)) == len(ids)


#: A commerce scenario small enough for the event-log cases.
COMMERCE = ('name = "c"\n[population]\nsize = 50\n[network]\nkind = "barabasi_albert"\n'
            'm = 2\n[diffusion]\nmodel = "commerce"\n[run]\nsteps = 2\n')
EVENTS_CASES: list[tuple[str, dict[str, str | bytes], list[str], list[str]]] = [
    ("events-directory", {"c.toml": COMMERCE, "d.parquet/x": ""},
     ["run", "c.toml", "--events", "d.parquet"], ["--events d.parquet", "is a directory"]),
    ("events-sys", {"c.toml": COMMERCE}, ["run", "c.toml", "--events", "/sys/e.parquet"],
     ["--events /sys/e.parquet", "cannot write"]),
    ("events-proc", {"c.toml": COMMERCE}, ["run", "c.toml", "--events", "/proc/e.parquet"],
     ["--events /proc/e.parquet", "cannot write"]),
    ("events-suffix", {"c.toml": COMMERCE}, ["run", "c.toml", "--events", "e.json"],
     ["--events e.json", ".parquet or .csv"]),
    ("events-same-as-out", {"c.toml": COMMERCE},
     ["run", "c.toml", "--out", "r.parquet", "--events", "./r.parquet"],
     ["--events ./r.parquet", "same file as --out"]),
    ("events-preset", {"s.toml": SCENARIO}, _run("--events", "e.parquet"),
     ["--events e.parquet", "commerce model", "diffusion.model = 'bass'"]),
]


@pytest.mark.parametrize(("files", "argv", "culprit"), [c[1:] for c in EVENTS_CASES],
                         ids=[c[0] for c in EVENTS_CASES])
def test_bad_events_file_is_one_message_and_exit_code_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    files: dict[str, str | bytes], argv: list[str], culprit: list[str],
) -> None:
    test_bad_input_is_one_message_and_exit_code_2(tmp_path, monkeypatch, capsys, files, argv,
                                                  culprit)
