"""``wom run``, ``wom compare``, ``wom keys``, ``wom bench`` and ``wom validate``."""

from __future__ import annotations

import argparse
import math
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from .. import jit
from ..commerce.events import check_events
from ..comparison import SPEND_GAP, compare
from ..errors import WomError
from ..experiment import run
from ..memory import available_memory, estimate, size_text
from ..metrics import (
    KEY_KPIS,
    LOWER_IS_BETTER,
    NO_WINNER,
    is_commerce,
    summarize,
    summarize_adoption,
)
from ..results import check_out, write_table
from ..scenario import keys_markdown, keys_text, load_scenario
from .types import nonnegative, positive, seed, threads


class _AtLeastTwo(argparse.Action):
    """A positional list that needs two or more values (argparse error, exit 2, if not)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        if len(values) < 2:
            raise argparse.ArgumentError(
                self, f"expected at least 2 scenario files, found {len(values)}")
        setattr(namespace, self.dest, values)


def _add_run_options(parser: argparse.ArgumentParser, *, several: bool = False) -> None:
    """Scenario file(s), seed, steps, replications and --set; ``several``: 2 or more files."""
    if several:
        parser.add_argument("scenarios", nargs="+", action=_AtLeastTwo, metavar="scenario",
                            help="scenario TOML files (two or more; the first is the "
                                 "baseline of the differences)")
        first = "the first scenario's "
    else:
        parser.add_argument("scenario", help="scenario TOML file")
        first = ""
    parser.add_argument("--seed", type=seed, help=f"run seed (default: {first}run.seed)")
    parser.add_argument("--steps", type=nonnegative, help=f"steps (default: {first}run.steps)")
    parser.add_argument("--replications", type=positive,
                        help=f"replications (default: {first}run.replications)")
    parser.add_argument("--set", dest="overrides", action="append", default=[],
                        metavar="KEY=VALUE",
                        help="override a scenario key; VALUE is a TOML literal "
                             "(e.g. --set seeding.nodes=[0,5]); repeatable"
                             + ("; applies to every scenario" if several else ""))


def _add_engine_options(parser: argparse.ArgumentParser, out: str) -> None:
    """--engine, --threads, --out and --quiet."""
    parser.add_argument("--engine", choices=("fast", "reference"), default="fast",
                        help="fast (numba, default) or reference (one Mesa agent per consumer)")
    parser.add_argument("--threads", type=threads, help="numba threads (default: all cores)")
    parser.add_argument("--out", help=f"write {out} to FILE.parquet or FILE.csv")
    parser.add_argument("--quiet", action="store_true",
                        help="no progress (a bar on a terminal, else a line every ~10 s)")


def add_run_parsers(sub: Any) -> None:
    """Add ``run``, ``compare``, ``keys`` and ``bench`` to the ``wom`` sub-parsers."""
    p_run = sub.add_parser("run", help="run a scenario and print a summary")
    _add_run_options(p_run)
    _add_engine_options(p_run, "the tidy table")
    p_run.add_argument("--events", metavar="FILE",
                       help="write the event log (one row per funnel event: who influenced "
                            "whom; commerce model) to FILE.parquet or FILE.csv")

    p_compare = sub.add_parser(
        "compare", help="run scenarios on common random numbers and compare their KPIs",
        description="Run every scenario with the same seed, steps and replications "
                    "(paired replications) and print each KPI's mean with its 95% CI, the "
                    "paired difference to the first scenario, each scenario's spend and the "
                    "winner: a KPI names a winner only when the paired difference is "
                    "significant (95% CI excludes 0; Holm-adjusted over all pairs with more "
                    "than two scenarios), otherwise 'no clear winner'. Scenarios whose "
                    "market keys differ are refused unless --allow-different-markets.")
    _add_run_options(p_compare, several=True)
    _add_engine_options(p_compare, "the combined tidy table (with a scenario column)")
    p_compare.add_argument("--allow-different-markets", action="store_true",
                           help="compare scenarios whose market keys differ (the output "
                                "says so); refused by default")

    p_keys = sub.add_parser("keys", help="list every scenario key with its default and meaning")
    p_keys.add_argument("--markdown", action="store_true",
                        help="print the Markdown table of the README instead")

    p_bench = sub.add_parser(
        "bench", help="speed on this machine: engines, peers, CSR limit, scaling",
        description="Machine information; the fast engine against the reference engine; "
                    "the commerce week per directed edge; the machine's CSR neighbour-sum "
                    "rate; cascades against cynetdiff and NDlib (pip install -e "
                    "'.[bench]'; skipped with a note without them); time and peak memory "
                    "against consumers and edges, drawn as a log-log PNG.")
    p_bench.add_argument("--quick", action="store_true",
                         help="smaller sizes and fewer rounds (under a minute on 2 cores)")
    p_bench.add_argument("--json", type=Path, metavar="FILE", help="write every number as JSON")
    p_bench.add_argument("--plots", type=Path, default=Path("runs/bench"), metavar="DIR",
                         help="folder of the scaling figure scaling.png (default: runs/bench)")
    p_bench.add_argument("--sizes", help="comma-separated population sizes (default: "
                                         "10000,100000,1000000; quick: 2000,10000)")
    p_bench.add_argument("--steps", type=positive,
                         help="fast-engine steps per timing (default: 20; quick: 10)")
    p_bench.add_argument("--reference-steps", type=positive, default=3,
                         help="reference-engine steps (it is slow)")
    p_bench.add_argument("--threads", type=threads, help="numba threads (default: all cores)")


def add_validate_parser(sub: Any) -> None:
    """Add ``validate`` to the ``wom`` sub-parsers."""
    p_validate = sub.add_parser(
        "validate", help="a report: the model against theory, calibration and held-out facts",
        description="Theory, calibration (shown, never failing) and validation checks, "
                    "each measured over seeds (a network and random streams per seed). "
                    "Exit code 1 when a theory or validation check fails.")
    p_validate.add_argument("--quick", action="store_true",
                            help="fewer seeds, replications and consumers (under 2 minutes)")
    p_validate.add_argument("--seeds", type=positive,
                            help="seeds, each a different network (default: 3 quick, 5 full; "
                                 ">= 2)")
    p_validate.add_argument("--out", type=Path, default=Path("validation/report.md"),
                            help="markdown report; PNG figures go next to it "
                                 "(default: validation/report.md)")
    p_validate.add_argument("--quiet", action="store_true",
                            help="no progress (a bar on a terminal, else a line every ~10 s, "
                                 "and a line as each part starts)")


def cmd_run(args: argparse.Namespace) -> int:
    """``wom run``: run a scenario, print the adoption and KPI summary; returns 0."""
    if args.out:
        check_out(args.out)
    if args.events:
        _check_events_file(args.events, args.out)
    scenario = load_scenario(args.scenario, args.overrides)
    if args.events:
        check_events(scenario, f"--events {args.events}")
    started = time.perf_counter()
    frame = run(scenario, seed=args.seed, steps=args.steps, replications=args.replications,
                engine=args.engine, threads=args.threads, events=bool(args.events),
                progress=not args.quiet)
    log = None
    if args.events:
        frame, log = frame
    elapsed = time.perf_counter() - started
    s = summarize_adoption(frame)
    meta = frame.attrs
    print(f"scenario      {scenario.name or args.scenario}  (hash {meta['scenario_hash']}, "
          f"seed {meta['seed']}, engine {args.engine}, wom-sim {meta['wom_sim_version']})")
    print(f"consumers     {s['population']:,}   replications {s['replications']}   "
          f"steps {s['steps']}")
    print(f"networks      {meta['networks']}")
    ci = f" +/- {s['adopted_ci95']:,.1f} (95% CI)" if s["replications"] > 1 else ""
    print(f"adopted       {s['adopted_mean']:,.1f}{ci} = {s['adopted_share']:.1%} "
          f"at step {s['steps']}")
    if s["peak_step"] is not None:
        print(f"peak          {s['peak_new_adopters']:,.1f} new adopters per step "
              f"at step {s['peak_step']}")
    if is_commerce(frame):
        _print_key_kpis(summarize(frame), s["replications"])
    print(f"time          {elapsed:.2f} s")
    if args.out:
        print(f"wrote         {write_table(frame, args.out)}")
    if log is not None:
        print(f"events        {len(log):,} rows, wrote {write_table(log, args.events, '--events')}")
    return 0


def _check_events_file(events: str, out: str | None) -> None:
    """Refuse an ``--events`` file that cannot be written or is the ``--out`` file."""
    path = check_out(events, "--events")
    if out is not None and path.resolve() == Path(out).resolve():
        raise WomError(f"--events {events}: the same file as --out; give another name")


def _decimals(values: Sequence[float]) -> int:
    """Decimals that show about four significant digits of the largest of ``values``."""
    top = max((abs(v) for v in values if math.isfinite(v)), default=0.0)
    if top >= 1000 or top == 0:
        return 0
    if top >= 10:
        return 1
    if top >= 1:
        return 2
    return 3


def _number(value: float, decimals: int, sign: bool = False) -> str:
    if not math.isfinite(value):
        return "n/a"
    return f"{value:{'+' if sign else ''},.{decimals}f}"


def _estimate(mean: float, low: float, high: float, count: int, total: int, decimals: int,
              sign: bool = False) -> str:
    """``mean [low, high]``; ``(n=k)`` when only k of the replications have a value."""
    if not math.isfinite(mean):
        return "n/a"
    text = _number(mean, decimals, sign)
    if math.isfinite(low) and math.isfinite(high):
        text += f" [{_number(low, decimals, sign)}, {_number(high, decimals, sign)}]"
    if count < total:
        text += f" (n={count})"
    return text


def _print_key_kpis(summary: pd.DataFrame, replications: int) -> None:
    """The main commerce KPIs of ``wom run``: mean [95% CI] per line."""
    rows = summary.set_index("kpi")
    print(f"KPIs          mean [95% CI] over {replications} replication"
          f"{'s' if replications != 1 else ''}")
    for kpi in KEY_KPIS:
        if kpi not in rows.index:
            continue
        r = rows.loc[kpi]
        d = _decimals([r["mean"], r["ci_low"], r["ci_high"]])
        cell = _estimate(r["mean"], r["ci_low"], r["ci_high"], int(r["replications"]),
                         replications, d)
        print(f"  {kpi:<25}{cell}")


def _kpi_lines(kpis: pd.DataFrame, labels: list[str], replications: int
               ) -> tuple[list[list[str]], int]:
    """The rows of :func:`kpi_table_text` (header first) and the number of KPIs left out."""
    first = labels[0]
    diff_head = [("diff vs " + first if len(labels) == 2 else f"{label} diff vs {first}")
                 for label in labels[1:]]
    lines = [["kpi", *labels, *diff_head, "winner"]]
    omitted = 0
    for kpi, block in kpis.groupby("kpi", sort=False):
        block = block.set_index("scenario")
        if not block["mean"].map(math.isfinite).any():
            omitted += 1
            continue
        d = _decimals(block[["mean", "ci_low", "ci_high"]].to_numpy(float).ravel())
        cells = [str(kpi)]
        for label in labels:
            r = block.loc[label]
            cells.append(_estimate(r["mean"], r["ci_low"], r["ci_high"],
                                   int(r["replications"]), replications, d))
        for label in labels[1:]:
            r = block.loc[label]
            text = _estimate(r["diff_mean"], r["diff_ci_low"], r["diff_ci_high"],
                             int(r["diff_replications"]), replications, d, sign=True)
            cells.append(text + (" *" if r["diff_significant"] else "  "))
        verdict = str(block["verdict"].iloc[0])
        cells.append("-" if verdict == "descriptive" else verdict)
        lines.append(cells)
    return lines, omitted


def kpi_table_text(kpis: pd.DataFrame, replications: int) -> str:
    """The KPI table of :func:`sim.comparison.compare` as aligned text.

    One line per KPI (KPIs without any value in any scenario are left out): per
    scenario ``mean [low, high]``, per later scenario the paired difference to the first
    (``*`` when significant: its 95% CI excludes 0, Holm-adjusted with more than two
    scenarios) and the verdict of :func:`sim.metrics.winner` (a winner only when
    significant, else ``no clear winner``).
    """
    labels = list(dict.fromkeys(kpis["scenario"]))
    lines, omitted = _kpi_lines(kpis, labels, replications)
    widths = [max(len(row[k]) for row in lines) for k in range(len(lines[0]))]
    text = []
    for row in lines:
        cells = [row[0].ljust(widths[0]),
                 *(cell.rjust(width) for cell, width in zip(row[1:-1], widths[1:-1],
                                                            strict=True)),
                 row[-1]]
        text.append("  ".join(cells).rstrip())
    text.insert(1, "-" * len(text[0]))
    lower = ", ".join(sorted(LOWER_IS_BETTER))
    none = ", ".join(sorted(NO_WINNER))
    holm = len(labels) > 2
    text.append("")
    text.append(f"mean [95% CI] over {replications} paired replications (common random "
                "numbers); (n=k): only k had a value")
    text.append(f"diff: paired difference to {labels[0]}; * significant"
                + (" (Holm-adjusted p < 0.05)" if holm else " (its 95% CI excludes 0)"))
    if holm:
        pairs = len(labels) * (len(labels) - 1) // 2
        text.append(f"winner: Holm-adjusted over the {pairs} pairs of each KPI (Holm 1979): "
                    "the best mean wins only if significantly better than every other "
                    "scenario; the CIs shown are unadjusted")
    else:
        text.append("winner: only when the paired 95% CI of the difference excludes 0")
    text.append("        otherwise no clear winner; n/a in any scenario: no winner; "
                f"lower is better for {lower};")
    text.append(f"        no winner for {none} (-)")
    if omitted:
        text.append(f"({omitted} KPI{'s' if omitted != 1 else ''} without any value "
                    "left out)")
    return "\n".join(text)


def spend_text(attrs: dict[str, Any]) -> str:
    """Each scenario's spend (``cumulative_cost`` at the end, mean [95% CI]) and the gap."""
    spend = attrs["spend"]
    if all(not math.isfinite(s["mean"]) for s in spend.values()):
        return "spend         n/a (no marketing money in these models)"
    d = _decimals([s["mean"] for s in spend.values()])
    cells = ", ".join(f"{label} {_estimate(s['mean'], s['ci_low'], s['ci_high'], 1, 1, d)}"
                      for label, s in spend.items())
    gap = attrs["spend_gap"]
    flag = ("  <-- SPEND GAP over " + f"{SPEND_GAP:.0%}") if attrs["spend_gap_flagged"] else ""
    gap_text = "n/a" if math.isnan(gap) else f"{gap:.1%}"
    return f"spend         {cells}   gap {gap_text}{flag}"


def cmd_compare(args: argparse.Namespace) -> int:
    """``wom compare``: run scenarios on common random numbers, print the KPI table."""
    if args.out:
        check_out(args.out)
    scenarios = [load_scenario(path, args.overrides) for path in args.scenarios]
    labels = [sc.name or Path(path).stem for sc, path in zip(scenarios, args.scenarios,
                                                             strict=True)]
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # printed below from kpis.attrs
        combined, kpis = compare(scenarios, seed=args.seed, steps=args.steps,
                                 replications=args.replications, engine=args.engine,
                                 threads=args.threads, labels=labels,
                                 allow_different_markets=args.allow_different_markets,
                                 progress=not args.quiet)
    elapsed = time.perf_counter() - started
    meta = combined.attrs
    runs = meta["scenarios"]
    replications = int(combined["replication"].nunique())
    steps = int(combined["step"].max())
    consumers = "/".join(f"{n:,}" for n in combined["population"].unique())
    for note in kpis.attrs["warnings"]:
        print(f"WARNING       {note}")
    print("scenarios     " + ", ".join(f"{r['label']} (hash {r['scenario_hash']})"
                                       for r in runs))
    print(f"run           consumers {consumers}   seed {meta['seed']}   replications "
          f"{replications}   steps {steps}   engine {args.engine}   "
          f"wom-sim {meta['wom_sim_version']}")
    print(f"networks      {meta['networks']}")
    print(spend_text(kpis.attrs))
    print()
    print(kpi_table_text(kpis, replications))
    print()
    print(f"time          {elapsed:.2f} s")
    if args.out:
        print(f"wrote         {write_table(combined, args.out)}")
    return 0


def cmd_keys(args: argparse.Namespace) -> int:
    """``wom keys [--markdown]``: every scenario key with its type, default, bounds, role
    and meaning (as text wrapped to the terminal, or as the README's Markdown table)."""
    print(keys_markdown() if args.markdown else keys_text(), end="")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    """``wom bench``: the benchmark suite (:mod:`sim.bench`); returns 0."""
    from ..bench import main as bench_main
    from ..bench import make_plan
    from ..bench.engines import bass_scenario

    sizes = None
    if args.sizes is not None:
        try:
            sizes = [int(s) for s in args.sizes.split(",")]
        except ValueError:
            sizes = []
        if not sizes or min(sizes) < 100:
            raise WomError(f"--sizes: expected comma-separated integers, each at least 100, "
                           f"found {args.sizes!r}")
        free = available_memory()
        for size in sizes:  # the reference engine, the most demanding, runs on every size
            need = estimate(bass_scenario(size), "reference")
            if need is not None and need.total > free:
                raise WomError(f"--sizes {size}: the benchmark on {size:,} consumers needs "
                               f"about {size_text(need.total)} of memory but "
                               f"{size_text(free)} is available")
    if args.json is not None and args.json.is_dir():
        raise WomError(f"--json {args.json}: is a directory; give a file name")
    try:
        jit.set_threads(args.threads)
    except ValueError as exc:
        raise WomError(f"--threads: {exc}") from None
    plan = make_plan(args.quick, sizes, args.steps, args.reference_steps, args.threads)
    bench_main(plan, json_path=args.json, plots=args.plots)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """``wom validate``: the report; 0 if every theory and validation check passes, else 1."""
    from ..validate import exit_code, networks, text, write_report

    if args.seeds is not None and args.seeds < 2:
        raise WomError(f"--seeds: at least 2 are needed for an interval, found {args.seeds}")
    check_out(args.out, suffixes=(".md",))
    checks = write_report(args.out, quick=args.quick, seeds=args.seeds, quiet=args.quiet)
    print(text(checks))
    print(f"networks: {networks()}")
    return exit_code(checks)
