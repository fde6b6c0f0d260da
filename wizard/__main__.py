"""``python -m wizard`` runs the same command line as ``aws-setup-wizard``."""

import sys

from wizard.cli import main

sys.exit(main())
