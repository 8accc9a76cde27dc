"""Summarising simulated runs as Bass curves: fitted p, q and m (sim.bassfit.fit_run).

Fits the Bass model by nonlinear least squares (Srinivasan and Mason 1986) to the mean
new adopters per step of
  * the fully mixed Bass scenario (scenarios/bass.toml, p = 0.03, q = 0.38) run with
    weekly steps (dt = 1, its default) and with dt = 0.2, to show the discretisation
    bias of fitting a continuous curve to a discrete-time simulation;
  * the engagement and push strategies of the commerce model (new customers per week),
    which are not Bass processes: the fit summarises them as an external (p) and an
    internal (q) influence.
Data are means over replications with 95% CI; curves are the fitted per-step counts.

    python experiments/bass_fit.py [--quick] [--outdir DIR | --write-docs]

Default: 20 replications of 10,000 consumers each; --quick: 4 of 2,000.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

import numpy as np
import pandas as pd
from common import SCENARIOS, SEED, outputs, parse_args, plt, save, wide

import sim
from sim.bassfit import bass_density, fit_run
from sim.metrics import intervals

NAME = "bass_fit"
#: label -> (scenario file, overrides, adoption column)
SERIES = {
    "bass dt=1": ("bass.toml", ["run.dt=1.0", "run.steps=30"], "new_adopters"),
    "bass dt=0.2": ("bass.toml", ["run.dt=0.2", "run.steps=150"], "new_adopters"),
    "engagement": ("engagement.toml", ["run.steps=104"], "new_customers"),
    "push": ("push.toml", ["run.steps=104"], "new_customers"),
}
COLORS = {"bass dt=1": "tab:gray", "bass dt=0.2": "tab:purple", "engagement": "tab:blue",
          "push": "tab:red"}


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv, __doc__.splitlines()[0])
    started = time.perf_counter()
    population, replications = (2_000, 4) if args.quick else (10_000, 20)

    curves, params, fits = [], [], {}
    for label, (file, overrides, column) in SERIES.items():
        scenario = sim.load_scenario(SCENARIOS / file,
                                     [*overrides, f"population.size={population}"])
        frame = sim.run(scenario, seed=SEED, replications=replications, threads=args.threads)
        fit = fit_run(frame, column=column)
        fits[label] = fit
        counts = wide(frame, column)[:, 1:]
        times = np.arange(1, counts.shape[1] + 1) * scenario.run.dt
        b = intervals(counts)
        curves.append(pd.DataFrame({
            "series": label, "time": times, "dt": scenario.run.dt,
            "observed_mean": b["mean"], "observed_ci_low": b["ci_low"],
            "observed_ci_high": b["ci_high"], "fitted": fit.predict(times),
            "replications": replications}))
        params.append({"series": label, "column": column, "dt": scenario.run.dt,
                       "population": population, "replications": replications,
                       **{k: getattr(fit, k) for k in ("p", "p_se", "q", "q_se", "m", "m_se",
                                                       "r2", "rmse", "n", "t_peak")},
                       "q_over_p": fit.q / fit.p})
    table = pd.concat(curves, ignore_index=True)
    summary = pd.DataFrame(params)

    fig, axes = plt.subplots(1, 2, figsize=(11.5, 4.4))
    panels = (("bass dt=1", "bass dt=0.2"), ("engagement", "push"))
    for ax, labels in zip(axes, panels, strict=True):
        for label in labels:
            part = table[table["series"] == label]
            rate = 1.0 / part["dt"].iloc[0]  # per step -> per week
            fit = fits[label]
            ax.fill_between(part["time"], part["observed_ci_low"] * rate,
                            part["observed_ci_high"] * rate, color=COLORS[label], alpha=0.25,
                            linewidth=0)
            ax.plot(part["time"], part["observed_mean"] * rate, ".", color=COLORS[label],
                    markersize=4, label=f"{label}: simulated")
            ax.plot(part["time"], part["fitted"] * rate, "-", color=COLORS[label],
                    label=f"Bass fit p={fit.p:.4f}, q={fit.q:.3f}, m={fit.m:,.0f}")
        ax.set_xlabel("week")
        ax.grid(alpha=0.3)
    weeks = np.linspace(0, 30, 301)
    axes[0].plot(weeks, population * bass_density(weeks, 0.03, 0.38), "k--", linewidth=1,
                 label="continuous Bass, p=0.03, q=0.38")
    axes[0].legend(fontsize=8, loc="upper right")
    axes[1].legend(fontsize=8, loc="upper left")
    axes[0].set_ylabel("new adopters per week")
    axes[0].set_title("Mixed Bass scenario (true p = 0.03, q = 0.38)")
    axes[1].set_ylabel("new customers per week")
    axes[1].set_title("Commerce strategies summarised as Bass curves")
    fig.suptitle(f"Bass fits to simulated runs: mean of {replications} replications of "
                 f"{population:,} consumers (95% CI bands)")
    fig.tight_layout()

    out = outputs(args.outdir, NAME)
    save(fig, table, out, started)
    summary.to_csv(out.sibling("params"), index=False)
    print(f"wrote {out.sibling('params')}")
    for _, r in summary.iterrows():
        print(f"{r['series']:<12} p = {r['p']:.4f} (SE {r['p_se']:.4f})  "
              f"q = {r['q']:.4f} (SE {r['q_se']:.4f})  m = {r['m']:,.0f} (SE {r['m_se']:,.0f})  "
              f"q/p = {r['q_over_p']:.1f}  R^2 = {r['r2']:.3f}  peak week {r['t_peak']:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
