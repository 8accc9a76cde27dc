"""Key KPIs of every shipped commerce scenario side by side (docs/data/scenario_kpis.csv).

Usage: python experiments/scenario_kpis.py [--replications N] [--outdir DIR | --write-docs]
Every scenario runs with the same seed (common random numbers) on the default market.
The table goes to runs/experiments/data/ (``--write-docs``: docs/data/, see common.py).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd
from common import add_output_options

import sim

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ["push", "engagement", "altimeter_stage1", "altimeter_stage2", "altimeter_stage3",
             "altimeter_stage4", "influencer_seeding", "over_promotion", "group_buy", "loyalty"]
KPIS = ["week_13_customers", "week_52_customers", "final_customers", "final_adopted",
        "total_revenue", "total_cost", "total_profit", "total_profit_npv", "roi", "final_clv",
        "final_clv_peer", "final_clv_ad", "final_nps", "final_community_members",
        "member_conversion_ratio", "member_spend_ratio", "top1_spend_ratio"]


def main(argv: list[str] | None = None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=10)
    parser.add_argument("--population", type=int, default=None)
    add_output_options(parser)
    args = parser.parse_args(argv)
    overrides = [f"run.replications={args.replications}", "run.seed=1"]
    if args.population:
        overrides.append(f"population.size={args.population}")
    columns = {}
    for name in SCENARIOS:
        sc = sim.load_scenario(ROOT / "scenarios" / f"{name}.toml", overrides)
        summary = sim.summarize(sim.run(sc)).set_index("kpi")
        columns[name] = summary["mean"].reindex(KPIS)
    table = pd.DataFrame(columns)
    data = args.outdir / "data"
    data.mkdir(parents=True, exist_ok=True)
    table.to_csv(data / "scenario_kpis.csv")
    print(f"wrote {data / 'scenario_kpis.csv'}")
    print(table.round(2).to_string())
    return table


if __name__ == "__main__":
    main()
