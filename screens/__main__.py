"""``python -m aws_setup_wizard.screens [--sandbox] [--scenario NAME]``: the TUI without the full
command line.

``aws-setup-wizard`` (``aws_setup_wizard.cli``) is the real entry point. This one exists to measure
what the TUI itself costs at start-up (benchmarks/startup.py): it imports nothing of the engine
before the first frame is drawn.
"""

from __future__ import annotations

import argparse
import sys

from aws_setup_wizard.screens.app import WizardApp


def main() -> int:
    """Parse the two guided-mode options and run the app."""
    parser = argparse.ArgumentParser(prog="python -m aws_setup_wizard.screens")
    parser.add_argument("--sandbox", action="store_true", help="practise on the sandbox")
    parser.add_argument("--scenario", default="fresh", help="the sandbox's starting state")
    args = parser.parse_args()
    app = WizardApp(scenario=args.scenario if args.sandbox else None)
    code = app.run()
    for line in app.farewell:
        print(line)
    return code if code is not None else app.return_code or 0


if __name__ == "__main__":
    sys.exit(main())
