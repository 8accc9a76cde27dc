"""Parameter sweeps: designs, resumable Parquet parts, local and Dask executors.

A sweep runs one scenario at many *points* of a parameter space, each with the same
number of replications, and stores every run (point, replication) as its own Parquet
part. Designs come from SALib (Herman and Usher 2017): a full ``grid`` (cartesian
product of the listed values), a Latin hypercube (``lhs``, McKay et al. 1979), a
Sobol' / Saltelli design (``sobol``, Sobol' 2001; Saltelli 2002; Saltelli et al. 2010)
or Morris trajectories (``morris``, Morris 1991).

Modules
    :mod:`~sim.sweep.params` (``--param KEY=SPEC`` against the schema),
    :mod:`~sim.sweep.design` (designs and the plan), :mod:`~sim.sweep.store` (the
    directory: manifest, atomic parts and their records, locking),
    :mod:`~sim.sweep.tasks` (one point in a worker), :mod:`~sim.sweep.executors` (in
    process, local processes, Dask), :mod:`~sim.sweep.load` (the tidy table and
    summaries), :mod:`~sim.sweep.analyze` (sensitivity tables and plots) and
    :mod:`~sim.sweep.robustness` (paired maps of B - A: where does a strategy win?).

Seeds (common random numbers)
    Every point runs with the same seed: replication r of every point uses the random
    stream (seed, r). Differences between points are therefore not blurred by
    different random draws, exactly as in :func:`sim.compare`. The SALib
    samplers are seeded with the same seed.

Resuming
    The manifest is written before any run. Re-running the same sweep (or adding
    ``--resume``) skips points whose parts all exist and match the size and SHA-256
    recorded when they were written, deletes leftover temporary files and reruns the
    rest (corrupt parts included): a sweep killed at any moment ends, once resumed, with
    every run exactly once. A directory that holds a different sweep is refused.

Timing
    The summary reports per run the simulation time, "scheduling + writing" (writing
    plus each worker's idle time between two points) and the whole overhead
    ``(elapsed * workers - simulation) / runs``, which adds worker start-up and workers
    idle at the end.

Examples
--------
>>> plan = plan_sweep("scenarios/bass.toml", ["diffusion.q=0.2:0.6:5"])  # doctest: +SKIP
>>> run_sweep(plan, "out/q", workers=2)  # doctest: +SKIP
>>> summarize_sweep("out/q", "adopted")  # doctest: +SKIP

References
----------
Herman, J. and Usher, W. (2017). SALib: an open-source Python library for sensitivity
analysis. Journal of Open Source Software 2(9), 97.
The design references are listed in :mod:`sim.sweep.design`.
"""

from .analyze import MetricReport, analyze_sweep, default_metrics, report_text
from .design import DESIGNS, MORRIS_LEVELS, SweepPlan, plan_sweep
from .executors import SweepResult, run_sweep
from .load import (
    FLOW_COLUMNS,
    analysis_files,
    load_sweep,
    metric_per_replication,
    result_columns,
    summarize_parameter,
    summarize_sweep,
)
from .params import Param, parse_param
from .robustness import (
    RobustnessPlan,
    RobustnessReport,
    analyze_robustness,
    plan_robustness,
    robustness_text,
    run_robustness,
)
from .store import MANIFEST, PART_NAME, PARTS, REPORT, read_manifest
from .tasks import SweepError

__all__ = [
    "DESIGNS",
    "FLOW_COLUMNS",
    "MANIFEST",
    "MORRIS_LEVELS",
    "PARTS",
    "PART_NAME",
    "REPORT",
    "MetricReport",
    "Param",
    "RobustnessPlan",
    "RobustnessReport",
    "SweepError",
    "SweepPlan",
    "SweepResult",
    "analysis_files",
    "analyze_robustness",
    "analyze_sweep",
    "default_metrics",
    "load_sweep",
    "metric_per_replication",
    "parse_param",
    "plan_robustness",
    "plan_sweep",
    "read_manifest",
    "report_text",
    "result_columns",
    "robustness_text",
    "run_robustness",
    "run_sweep",
    "summarize_parameter",
    "summarize_sweep",
]
