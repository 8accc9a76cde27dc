"""Views of a :class:`~sim.network.Network` shared by the seeding strategies."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from ..network import Network

__all__ = ["listeners", "undirected"]


def listeners(network: Network) -> NDArray[np.int64]:
    """The listener (row) of every stored edge.

    Parameters
    ----------
    network : Network
        Any network.

    Returns
    -------
    numpy.ndarray
        int64 array of shape ``(network.n_edges,)``, aligned with ``network.indices``.
    """
    return np.repeat(np.arange(network.n, dtype=np.int64), network.in_degree)


def undirected(network: Network, *, weighted: bool) -> sp.csr_array:
    """Symmetric CSR of the undirected simple graph: ``u - v`` if either influences the other.

    Unweighted: every entry is 1. Weighted: the weight of ``u - v`` is the sum of the
    positive weights of ``u -> v`` and ``v -> u`` (for an undirected network simply the
    positive weight of the edge); edges with no positive weight are left out.

    Parameters
    ----------
    network : Network
        Any network.
    weighted : bool
        Whether to keep the positive weights (else every tie weighs 1).

    Returns
    -------
    scipy.sparse.csr_array
        float64 ``(n, n)`` matrix with sorted indices.
    """
    n = network.n
    if weighted:
        data = np.maximum(network.weights.astype(np.float64), 0.0)
    else:
        data = np.ones(network.n_edges, dtype=np.float64)
    a = sp.csr_array((data, network.indices.astype(np.int64), network.indptr), shape=(n, n))
    if network.directed:
        a = (a + a.T).tocsr()
        if not weighted:
            a.data[:] = 1.0
    if weighted:
        a.eliminate_zeros()
    a.sort_indices()
    return a
