"""The benchmark suite of ``wom bench`` (sim/bench/, docs/performance.md).

Same as ``wom bench``; run from the repository root:

    python benchmarks/bench_engines.py [--quick] [--json FILE] [--sizes 10000,100000]
"""

from __future__ import annotations

import sys

from sim.cli import main

if __name__ == "__main__":
    sys.exit(main(["bench", *sys.argv[1:]]))
