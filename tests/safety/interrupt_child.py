"""Runs ``aws-setup-wizard`` and kills itself with a signal right after a chosen write.

Test harness only (never imported by the tool): ``python -m tests.safety.interrupt_child
SIGNAL ACTION -- apply …``. Hooking the write from inside the process makes the kill point
exact, which a timer outside the process could never be.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

from aws_setup_wizard import cli
from aws_setup_wizard.account import Account


def main() -> int:
    """Install the hook on every client the tool creates, then run the real command line."""
    sig_name, action, separator, *argv = sys.argv[1:]
    assert separator == "--"
    service, operation = action.split(":")
    sig = getattr(signal, sig_name)
    # Ctrl-C as a shell delivers it: Python's own handler. A child inherits "ignore SIGINT"
    # from a parent that ignores it (then Python installs no handler), and the signal this
    # harness sends would be lost and the run would simply finish.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    original = Account.client

    def kill_after(model: Any, **_: Any) -> None:
        if model.name == operation:
            os.kill(os.getpid(), sig)

    def client(self: Account, name: str, region: str | None = None, *, once: bool = False) -> Any:
        made = original(self, name, region, once=once)
        if name == service and not getattr(made, "_interrupt_hooked", False):
            # On the generic event and last (botocore calls more specific events' handlers
            # first), so the journal has recorded the write as done before the signal lands.
            made.meta.events.register_last("after-call", kill_after)
            made._interrupt_hooked = True
        return made

    Account.client = client  # type: ignore[method-assign]
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main())
