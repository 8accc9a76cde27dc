"""wom-sim: agent-based simulation of word-of-mouth commerce.

The public entry points are :func:`load_scenario` and :func:`run`, with
:func:`summarize` (KPIs with confidence intervals) and :func:`compare` (scenarios on
common random numbers) in :mod:`sim.metrics`; the engines are
:class:`sim.model.WomModel` (fast, numba) and :class:`sim.reference.ReferenceModel`
(one Mesa agent per consumer). Importing the package does no work.
"""

from .errors import NetworkError, ScenarioError, WomError
from .experiment import run
from .metrics import compare, summarize
from .scenario import Scenario, load_scenario

__all__ = ["NetworkError", "Scenario", "ScenarioError", "WomError", "compare", "load_scenario",
           "run", "summarize"]
