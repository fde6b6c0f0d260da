"""``python -m aws_setup_wizard`` runs the same command line as ``aws-setup-wizard``."""

import sys

from aws_setup_wizard.cli import main

sys.exit(main())
