"""``python -m pipeline`` is the ``zhnews`` command."""

import sys

from pipeline.cli import main

sys.exit(main())
