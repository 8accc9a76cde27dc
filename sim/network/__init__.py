"""Influence networks: one CSR type, its generators and loaders, and the market's network.

Every network is a :class:`Network`, a compressed sparse row (CSR) adjacency indexed by
the *listener*: row ``v`` lists the nodes that can influence ``v``.

- :mod:`sim.network.csr`: the :class:`Network` type, :func:`from_edges` (the builder
  every other function goes through), :func:`from_networkx` and :func:`speaker_rows`
  (the network indexed by the speaker).
- :mod:`sim.network.generators`: :func:`mixed`, :func:`complete` and the random graph
  models (Erdos-Renyi, Barabasi-Albert, Watts-Strogatz, stochastic block,
  configuration model with :func:`powerlaw_degrees`).
- :mod:`sim.network.clustered`: :func:`clustered`, communities with hubs and clustering
  (Holme-Kim growth inside communities, preferential bridges between them).
- :mod:`sim.network.ties`: neighbourhood overlap (:func:`overlap`), the weak ties it
  picks (:func:`overlap_weak_ties`) and :func:`average_clustering`.
- :mod:`sim.network.loaders`: :func:`load_edgelist` for text, csv and tsv files.
- :mod:`sim.network.sampling`: :func:`bernoulli_positions`, the geometric-skip sampler.
- :mod:`sim.network.build`: :func:`build_network` from a scenario (with weak ties,
  :func:`tie_strengths`) and :func:`check_compatible`.
"""

from .build import build_network, check_compatible, tie_strengths
from .clustered import clustered, community_sizes
from .csr import (
    MAX_NETWORKX_EDGES,
    MAX_NODES,
    Network,
    from_edges,
    from_networkx,
    speaker_rows,
)
from .generators import (
    MAX_COMPLETE_NODES,
    barabasi_albert,
    complete,
    configuration,
    erdos_renyi,
    mixed,
    powerlaw_degrees,
    stochastic_block,
    watts_strogatz,
)
from .loaders import load_edgelist
from .sampling import bernoulli_positions
from .ties import average_clustering, common_neighbours, overlap, overlap_weak_ties

__all__ = [
    "MAX_COMPLETE_NODES",
    "MAX_NETWORKX_EDGES",
    "MAX_NODES",
    "Network",
    "average_clustering",
    "barabasi_albert",
    "bernoulli_positions",
    "build_network",
    "check_compatible",
    "clustered",
    "common_neighbours",
    "community_sizes",
    "complete",
    "configuration",
    "erdos_renyi",
    "from_edges",
    "from_networkx",
    "load_edgelist",
    "mixed",
    "overlap",
    "overlap_weak_ties",
    "powerlaw_degrees",
    "speaker_rows",
    "stochastic_block",
    "tie_strengths",
    "watts_strogatz",
]
