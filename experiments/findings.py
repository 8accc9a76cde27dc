"""When does engagement beat push? Robustness maps of docs/findings.md.

Runs ``wom robustness`` (:func:`sim.sweep.plan_robustness`, :func:`~sim.sweep.run_robustness`,
:func:`~sim.sweep.analyze_robustness`) with A = scenarios/push.toml and B =
scenarios/engagement.toml on the default market, a new network per replication
(``network.resample = true``) and common random numbers, over four maps:

1. ``quality_horizon``: product.quality x run.steps (a heatmap per metric);
2. ``network``: network.kind x mean degree, one map per kind over its own degree key
   (clustered and barabasi_albert: ``m``, mean degree about 2 m; erdos_renyi:
   ``mean_degree``; watts_strogatz: ``k``), drawn together as one line per kind;
3. ``price_trust``: product.price x consumers.brand_trust (a heatmap per metric);
4. ``sobol``: Sobol' indices of the difference over seven market parameters.

Per point and metric the paired difference engagement - push has a 95% interval; a
strategy wins only where it excludes 0. ``total_cost`` is compared too, to show the
spend of each strategy at every point.

    python experiments/findings.py [--quick] [--outdir DIR | --write-docs] [--map-dir DIR]

Writes ``DIR/data/findings.csv`` (every point x metric of every map, column ``map``),
``DIR/data/findings_sobol.csv``, ``DIR/img/findings.png`` (the network map) and
``DIR/img/findings_<map>_<metric>.png`` (the heatmaps and Sobol' bars of wom
robustness). Default: 10,000 consumers, 6 replications per grid point, Sobol' with 16
base samples (256 points) x 1 replication, 2 worker processes. --quick: 300 consumers,
2 x 2 grids, 2 replications, a 3-parameter Sobol' design, 26 and 52 weeks.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

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

from sim.sweep import analyze_robustness, plan_robustness, robustness_text, run_robustness

NAME = "findings"
METRICS = ("total_profit", "total_profit_npv", "final_clv", "final_nps", "final_customers",
           "total_cost")
#: Metrics whose maps are copied to the img folder (total_cost is in the CSV only).
DRAWN = METRICS[:-1]
#: The degree key of each network kind, and how it maps to the mean degree.
KINDS = {"clustered": ("m", 2.0), "barabasi_albert": ("m", 2.0),
         "erdos_renyi": ("mean_degree", 1.0), "watts_strogatz": ("k", 1.0)}
COLORS = {"clustered": "tab:blue", "barabasi_albert": "tab:red",
          "erdos_renyi": "tab:green", "watts_strogatz": "tab:purple"}


class Map(NamedTuple):
    """One ``wom robustness`` run."""

    name: str
    params: dict[str, str]
    replications: int
    overrides: tuple[str, ...] = ()
    design: str = "grid"
    samples: int | None = None
    steps: int | None = None


def plan(quick: bool) -> tuple[int, list[Map]]:
    """The population and the maps (full or --quick)."""
    if quick:
        degrees = {"m": "2,4", "mean_degree": "4,8", "k": "4,8"}
        grid = {"quality_horizon": {"product.quality": "0.7,0.9", "run.steps": "26,52"},
                "price_trust": {"product.price": "30,70", "consumers.brand_trust": "0.3,0.9"}}
        sobol = {"product.quality": "0.65:0.95:2", "consumers.brand_trust": "0.3:0.9:2",
                 "wom.beta": "0.1:0.3:2"}
        population, reps, samples, steps = 300, 2, 2, 26
    else:
        degrees = {"m": "2,5,8", "mean_degree": "4,10,16", "k": "4,10,16"}
        grid = {"quality_horizon": {"product.quality": "0.65:0.95:4",
                                    "run.steps": "52,104,156"},
                "price_trust": {"product.price": "30,50,70",
                                "consumers.brand_trust": "0.3,0.63,0.9"}}
        sobol = {"product.quality": "0.65:0.95:2", "consumers.brand_trust": "0.3:0.9:2",
                 "consumers.peer_trust": "0.5:0.95:2", "wom.beta": "0.1:0.3:2",
                 "product.price": "30:70:2", "promotions.price_elasticity": "1.5:3.5:2",
                 "network.m": "2:8:2"}
        population, reps, samples, steps = 10_000, 6, 16, None
    maps = [Map("quality_horizon", grid["quality_horizon"], reps)]
    for kind, (key, _) in KINDS.items():
        fixed = [f"network.kind={kind}"]
        if kind == "erdos_renyi":
            fixed.append("network.mean_degree=10")  # the base must be valid; swept per point
        maps.append(Map(f"network_{kind}", {f"network.{key}": degrees[key]}, reps, tuple(fixed),
                        steps=steps))
    maps.append(Map("price_trust", grid["price_trust"], reps, steps=steps))
    maps.append(Map("sobol", sobol, 1, design="sobol", samples=samples, steps=steps))
    return population, maps


def run_map(spec: Map, population: int, root: Path, workers: int,
            threads: int) -> pd.DataFrame:
    """One robustness map: run (or resume) it, print its summary, return its table."""
    started = time.perf_counter()
    overrides = [f"population.size={population}", "network.resample=true", *spec.overrides]
    robust = plan_robustness(SCENARIOS / "push.toml", SCENARIOS / "engagement.toml",
                             spec.params, metrics=list(METRICS), design=spec.design,
                             samples=spec.samples, replications=spec.replications,
                             steps=spec.steps, seed=SEED, overrides=overrides)
    out = root / spec.name
    run_robustness(robust, out, workers=workers, resume=(out / "robustness.json").exists(),
                   threads=threads)
    report = analyze_robustness(out, list(METRICS))
    print(f"== map {spec.name}: {len(robust.a.points)} points x {robust.a.replications} "
          f"replications x 2 scenarios, {time.perf_counter() - started:.0f} s")
    print(robustness_text(report), flush=True)
    table = report.table.assign(map=spec.name)
    if spec.design == "sobol":
        table = table.assign(sobol_params=",".join(spec.params))
    return table


def copy_figures(root: Path, img: Path) -> list[Path]:
    """The heatmaps and Sobol' bars of wom robustness, as img/findings_<map>_<m>.png."""
    copied = []
    for name, pattern in (("quality_horizon", "robustness_{}.png"),
                          ("price_trust", "robustness_{}.png"), ("sobol", "sobol_{}.png")):
        for metric in DRAWN:
            source = root / name / pattern.format(metric)
            if source.is_file():
                target = img / f"{NAME}_{name}_{metric}.png"
                shutil.copyfile(source, target)
                copied.append(target)
    return copied


def sobol_table(root: Path) -> pd.DataFrame:
    """The Sobol' indices of every metric's difference, one table."""
    tables = [pd.read_csv(path).assign(metric=path.stem.removeprefix("sobol_"))
              for path in sorted((root / "sobol").glob("sobol_*.csv"))]
    return pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()


def network_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The network maps with columns ``kind`` and ``mean_degree`` (nominal)."""
    parts = []
    for kind, (key, factor) in KINDS.items():
        part = table[table["map"] == f"network_{kind}"].copy()
        part["kind"] = kind
        part["mean_degree"] = part[f"network.{key}"].astype(float) * factor
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def plot_network(net: pd.DataFrame, population: int, replications: int) -> plt.Figure:
    """Engagement - push against mean degree, one line with its band per network kind."""
    fig, axes = plt.subplots(2, 3, figsize=(13, 7))
    for ax, metric in zip(axes.ravel(), METRICS, strict=True):
        block = net[net["metric"] == metric]
        for kind in KINDS:
            line = block[block["kind"] == kind].sort_values("mean_degree")
            x = line["mean_degree"].to_numpy(float)
            ax.fill_between(x, line["low"], line["high"], color=COLORS[kind], alpha=0.15,
                            linewidth=0)
            ax.plot(x, line["diff"], color=COLORS[kind], label=kind)
            clear = (line["winner"] != "none").to_numpy()
            ax.scatter(x[clear], line["diff"].to_numpy(float)[clear], color=COLORS[kind], s=25)
            ax.scatter(x[~clear], line["diff"].to_numpy(float)[~clear], s=25,
                       facecolors="white", edgecolors=COLORS[kind])
        ax.axhline(0, color="black", linewidth=0.8)
        ax.set_title(f"{metric}: engagement - push", fontsize=10)
        ax.set_xlabel("mean degree (nominal)")
        ax.grid(alpha=0.3)
    axes[0, 0].legend(fontsize=8)
    fig.suptitle(f"Network kind and mean degree: paired difference with 95% band, "
                 f"{replications} replications of {population:,} consumers, resampled "
                 "networks (open marker: no clear winner)")
    fig.tight_layout()
    return fig


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny maps that run in seconds")
    add_output_options(parser)
    parser.add_argument("--map-dir", type=Path,
                        help="keep the robustness maps here (re-running resumes them; "
                             "default: a temporary directory)")
    parser.add_argument("--workers", type=int, default=None,
                        help="worker processes per sweep (default: 2, --quick: 1)")
    add_threads(parser)
    return checked_output(parser, parser.parse_args(argv))


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    started = time.perf_counter()
    population, maps = plan(args.quick)
    workers = args.workers or (1 if args.quick else 2)
    with tempfile.TemporaryDirectory(prefix="wom-findings-") as tmp:
        root = args.map_dir or Path(tmp)
        table = pd.concat([run_map(spec, population, root, workers, args.threads)
                           for spec in maps], ignore_index=True)
        out = outputs(args.outdir, NAME)
        copied = copy_figures(root, out.png.parent)
        sobol = sobol_table(root)
    sobol.to_csv(out.sibling("sobol"), index=False)
    table.insert(0, "map", table.pop("map"))
    table["population"] = population
    fig = plot_network(network_frame(table), population, maps[1].replications)
    for path in (*copied, out.sibling("sobol")):
        print(f"wrote {path}")
    save(fig, table, out, started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
