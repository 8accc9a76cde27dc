"""wom-sim: agent-based simulation of word-of-mouth commerce.

The public entry points are :func:`load_scenario` and :func:`run`, with
:func:`summarize` (KPIs with confidence intervals, :mod:`sim.metrics`),
:func:`compare` (scenarios on common random numbers, :mod:`sim.comparison`) and
:func:`cascade_tree` (who influenced whom, from a run's event log, :mod:`sim.events`);
the engines are :class:`sim.fast.WomModel` (fast, numba) and
:class:`sim.reference.ReferenceModel` (one Mesa agent per consumer). Importing the
package does no work beyond pointing numba's kernel cache at its directory
(:func:`sim.jit.configure`), which has to happen before any kernel is defined.
"""

from . import jit

jit.configure()

from .comparison import compare  # noqa: E402
from .errors import NetworkError, ScenarioError, WomError  # noqa: E402
from .events import cascade_tree, generations  # noqa: E402
from .experiment import run  # noqa: E402
from .metrics import summarize  # noqa: E402
from .scenario import Scenario, load_scenario  # noqa: E402

__all__ = ["NetworkError", "Scenario", "ScenarioError", "WomError", "cascade_tree", "compare",
           "generations", "load_scenario", "run", "summarize"]
