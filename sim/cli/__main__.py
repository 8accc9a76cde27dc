"""``python -m sim.cli``: the ``wom`` command without the console script."""

import sys

from . import main

sys.exit(main())
