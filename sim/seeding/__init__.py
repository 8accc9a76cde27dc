"""Seeding strategies: who has adopted at step 0, and who is most influential.

Both engines call :func:`choose_seeds`, so seeds are part of the market being
simulated, not of the engine. :func:`influence_ranking` is the ordered form (most
influential first) that :func:`choose_seeds` uses; the commerce model uses it to pick
influencers with the same strategies.

Every result is a pure function of (network, settings, ``stream``). Random choices come
from the counter-based generator (:mod:`sim.rng`: the random seeds, the visiting orders
of Louvain) or, for the live-edge worlds of CELF, from a numpy generator seeded with
``(stream, Purpose.CELF)``; numpy's global random state is never used. The
stream-independent scores (PageRank, core numbers) are computed once per network.

- :mod:`sim.seeding.choose`: :func:`choose_seeds` and :func:`influence_ranking`.
- :mod:`sim.seeding.centrality`: :func:`pagerank_scores`, :func:`core_numbers`.
- :mod:`sim.seeding.communities`: :func:`communities` (blocks or Louvain).
- :mod:`sim.seeding.celf`: :func:`expected_spread`, :func:`celf_greedy`.

Influence flows from a source ``u`` to a listener ``v`` (``u`` is in row ``v`` of the
listener CSR of :class:`~sim.network.Network`). The strategies:

``random``
    A uniform random subset, new for every replication.
``degree``
    Largest out-degree (how many listeners a node reaches), ties to the lower index.
``pagerank``
    PageRank on the *listens-to* graph (edges from listener to source), see
    :func:`pagerank_scores`.
``kcore``
    Highest core number of the undirected graph (the k-shell of Kitsak et al. 2010), see
    :func:`core_numbers`; ties by out-degree, then to the lower index.
``celf``
    Greedy influence maximisation on the independent cascade with lazy-forward (CELF)
    evaluation, see :func:`celf_greedy`.
``community``
    Seeds spread round-robin over communities (SBM blocks, else Louvain), see
    :func:`communities`.

References
----------
Kempe, D., Kleinberg, J. and Tardos, E. (2003). Maximizing the spread of influence
through a social network. KDD 2003, 137-146.

Leskovec, J., Krause, A., Guestrin, C., Faloutsos, C., VanBriesen, J. and Glance, N.
(2007). Cost-effective outbreak detection in networks. KDD 2007, 420-429.

Page, L., Brin, S., Motwani, R. and Winograd, T. (1999). The PageRank citation ranking:
bringing order to the web. Stanford InfoLab technical report 1999-66.

Seidman, S. B. (1983). Network structure and minimum degree. Social Networks 5,
269-287.

Batagelj, V. and Zaversnik, M. (2003). An O(m) algorithm for cores decomposition of
networks. arXiv:cs/0310049.

Kitsak, M., Gallos, L. K., Havlin, S., Liljeros, F., Muchnik, L., Stanley, H. E. and
Makse, H. A. (2010). Identification of influential spreaders in complex networks.
Nature Physics 6, 888-893.

Blondel, V. D., Guillaume, J.-L., Lambiotte, R. and Lefebvre, E. (2008). Fast unfolding
of communities in large networks. Journal of Statistical Mechanics, P10008.

Traag, V. A., Waltman, L. and van Eck, N. J. (2019). From Louvain to Leiden: guaranteeing
well-connected communities. Scientific Reports 9, 5233.
"""

from .celf import CELF_CANDIDATES, CELF_PROBABILITY, CELF_WORLDS, celf_greedy, expected_spread
from .centrality import core_numbers, pagerank_scores
from .choose import RANKING_STRATEGIES, Strategy, choose_seeds, influence_ranking
from .communities import CommunityMethod, communities

__all__ = [
    "CELF_CANDIDATES",
    "CELF_PROBABILITY",
    "CELF_WORLDS",
    "RANKING_STRATEGIES",
    "CommunityMethod",
    "Strategy",
    "celf_greedy",
    "choose_seeds",
    "communities",
    "core_numbers",
    "expected_spread",
    "influence_ranking",
    "pagerank_scores",
]
