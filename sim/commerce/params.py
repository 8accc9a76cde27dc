"""The kernels' parameters, derived from the scenario schema.

numba kernels cannot read a pydantic scenario, so the fast engine passes them
:class:`Params`, a NamedTuple built from the schema itself: every number and switch of
the commerce sections (:data:`SECTIONS`) under its section-qualified name
(``ads.effect`` is ``ads_effect``), plus a few values derived from them
(:data:`DERIVED`). A key added to one of these sections reaches the kernels with no
further edit. The reference engine reads the scenario's own names
(``scenario.ads.effect``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from ..scenario import Scenario, Section
from .brand import incentive_talk
from .traits import mean_interest

# Sections that describe the run, the network, the classic presets and seeding; every
# other section of the schema belongs to the commerce model.
NOT_COMMERCE = ("population", "network", "diffusion", "seeding", "run")


def commerce_sections() -> tuple[str, ...]:
    """The scenario sections of the commerce model, in schema order: their int, float
    and bool keys are the kernels' parameters, so a new section needs no edit here."""
    return tuple(name for name, field in Scenario.model_fields.items()
                 if isinstance(field.annotation, type)
                 and issubclass(field.annotation, Section) and name not in NOT_COMMERCE)


SECTIONS = commerce_sections()
_KINDS = (bool, int, float)


# Values the kernels need that are computed from several keys.
DERIVED: dict[str, Callable[[Scenario], float]] = {
    "mean_interest": mean_interest,
    "incentive": incentive_talk,
}


def schema_fields() -> list[tuple[str, str, type]]:
    """(section, key, type) of every int, float and bool key of :data:`SECTIONS`."""
    out = []
    for section in SECTIONS:
        model = Scenario.model_fields[section].annotation
        for key, info in model.model_fields.items():
            if info.annotation in _KINDS:
                out.append((section, key, info.annotation))
    return out


_FIELDS = schema_fields()
Params = NamedTuple(  # noqa: UP014 (the fields come from the schema)
    "Params",
    [(f"{section}_{key}", kind) for section, key, kind in _FIELDS]
    + [(name, float) for name in DERIVED],
)
Params.__doc__ = ("Scalar parameters of the weekly step: the commerce sections' keys as "
                  "``<section>_<key>``, then the derived values.")


def params_of(sc: Scenario) -> Params:
    """The kernels' parameter tuple of a scenario."""
    values = [kind(getattr(getattr(sc, section), key)) for section, key, kind in _FIELDS]
    return Params(*values, *(derive(sc) for derive in DERIVED.values()))
