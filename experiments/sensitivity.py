"""Sobol sensitivity of the engagement strategy's profit and lifetime value.

Runs ``wom sweep`` on scenarios/engagement.toml with a Sobol' (Saltelli) design over
six word-of-mouth, product and community parameters, then ``wom analyze`` for two metrics:
``profit`` summed over the two years and ``clv`` (mean 52-week discounted lifetime value
of matured customers) at the last week. The figure shows the first-order (S1) and total
(ST) Sobol indices with their 95% bootstrap intervals, as computed by SALib inside
``wom analyze``; the CSV holds the same table.

    python experiments/sensitivity.py [--quick] [--outdir DIR | --write-docs] [--sweep-dir DIR]

Default: 64 base samples (64 x (2 x 6 + 2) = 896 points) x 2 replications of 5,000
consumers, 104 weeks, on 2 worker processes. --quick: 4 base samples (56 points), one
replication of 300 consumers, 104 weeks. The sweep's Parquet parts go to a temporary directory
unless --sweep-dir is given (re-running into the same --sweep-dir resumes the sweep).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from common import (
    SCENARIOS,
    SEED,
    add_output_options,
    add_threads,
    checked_output,
    outputs,
    plt,
    save,
)

from sim.scenario import field_info

NAME = "sensitivity"
#: Swept keys; each explores its sweep range declared in the schema (``wom keys``
#: shows them), and ``low:high:2`` gives the bounds of a Sobol' design.
PARAMS = ("wom.beta", "consumers.peer_trust", "promotions.referral_reward",
          "community.join_rate", "product.quality", "community.dialogue")
METRICS = {"profit": "total profit", "clv": "CLV at the last week"}


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small sweep that runs in seconds")
    add_output_options(parser)
    parser.add_argument("--sweep-dir", type=Path,
                        help="keep the sweep's Parquet parts here (default: a temporary dir)")
    add_threads(parser)
    return checked_output(parser, parser.parse_args(argv))


def wom(argv: list[str]) -> None:
    """Run a ``wom`` command in this process; stop with its message if it fails."""
    from sim.cli import main as wom_main

    print("wom " + " ".join(argv), flush=True)
    code = wom_main(argv)
    if code != 0:
        raise SystemExit(f"sensitivity: `wom {argv[0]}` failed with exit code {code}")


def sweep_and_analyze(sweep_dir: Path, quick: bool, threads: int) -> pd.DataFrame:
    """The Sobol indices of each metric, from ``wom sweep`` and ``wom analyze``."""
    samples, replications, population, steps = (4, 1, 300, 104) if quick else (64, 2, 5_000, 104)
    argv = ["sweep", str(SCENARIOS / "engagement.toml"), "--design", "sobol",
            "--samples", str(samples), "--replications", str(replications),
            "--seed", str(SEED), "--steps", str(steps), "--set", f"population.size={population}",
            "--workers", "1" if quick else "2", "--threads", str(threads), "--quiet",
            "--out", str(sweep_dir)]
    for key in PARAMS:
        span = field_info(key).sweep_range
        argv += ["--param", f"{key}={span.low}:{span.high}:2"]
    wom(argv)
    report = sweep_dir / "_analysis"
    analyze = ["analyze", str(sweep_dir), "--out", str(report), "--no-plots"]
    for metric in METRICS:
        analyze += ["--metric", metric]
    wom(analyze)
    tables = []
    for metric in METRICS:
        path = report / f"{metric}_sobol.csv"
        if not path.is_file():
            raise SystemExit(f"sensitivity: `wom analyze` wrote no {path.name} (see its "
                             "message above)")
        table = pd.read_csv(path)
        table.insert(0, "metric", metric)
        tables.append(table)
    out = pd.concat(tables, ignore_index=True)
    out["samples"], out["replications"] = samples, replications
    out["population"], out["weeks"] = population, steps
    return out


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    started = time.perf_counter()
    if args.sweep_dir is not None:
        table = sweep_and_analyze(args.sweep_dir, args.quick, args.threads)
    else:
        with tempfile.TemporaryDirectory(prefix="wom-sensitivity-") as tmp:
            table = sweep_and_analyze(Path(tmp) / "sweep", args.quick, args.threads)

    names = list(PARAMS)
    fig, axes = plt.subplots(1, len(METRICS), figsize=(11, 4.2), sharey=True)
    width = 0.38
    x = np.arange(len(names))
    for ax, (metric, title) in zip(axes, METRICS.items(), strict=True):
        part = table[table["metric"] == metric].set_index("parameter").reindex(names)
        ax.bar(x - width / 2, part["S1"], width, yerr=part["S1_conf"], capsize=3,
               label="first order S1", color="tab:blue")
        ax.bar(x + width / 2, part["ST"], width, yerr=part["ST_conf"], capsize=3,
               label="total ST", color="tab:orange")
        ax.set_xticks(x, names, rotation=30, ha="right")
        ax.axhline(0, color="grey", linewidth=0.8)
        ax.set_title(title)
        ax.grid(axis="y", alpha=0.3)
    axes[0].set_ylabel("Sobol index (95% bootstrap CI)")
    axes[0].legend()
    first = table.iloc[0]
    fig.suptitle(f"Engagement: Sobol sensitivity, {int(first['samples'])} base samples x "
                 f"{int(first['replications'])} replications of {int(first['population']):,} "
                 f"consumers, {int(first['weeks'])} weeks")
    fig.tight_layout()
    save(fig, table, outputs(args.outdir, NAME), started)
    for _, r in table.iterrows():
        print(f"{r['metric']:<7} {r['parameter']:<28} S1 {r['S1']:+.3f} +/- {r['S1_conf']:.3f}"
              f"   ST {r['ST']:+.3f} +/- {r['ST_conf']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
