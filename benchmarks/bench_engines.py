"""Fast engine vs reference engine: steps/s, directed edges/s and their ratio.

Same as ``wom bench``; run from the repository root:

    python benchmarks/bench_engines.py [--sizes 10000,100000] [--steps 20]
"""

from __future__ import annotations

import sys

from sim.cli import main

if __name__ == "__main__":
    sys.exit(main(["bench", *sys.argv[1:]]))
