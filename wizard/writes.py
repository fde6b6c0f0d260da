"""What surrounds every run that may write: the account lock and the journal.

The CLI's ``apply`` and the guided flow both enter :func:`writing` after the owner confirmed the
account and before the first write, so the two cannot differ in how they guard a change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from aws_setup_wizard.account import Account
from aws_setup_wizard.journal import Journal
from aws_setup_wizard.lock import account_lock

# How long a second wizard on the same account waits before giving up.
LOCK_WAIT_SECONDS = 60.0


@contextmanager
def writing(
    account: Account,
    command: str,
    *,
    on_wait: Callable[[str], None] | None = None,
    wait_seconds: float = LOCK_WAIT_SECONDS,
    journal: Journal | None = None,
) -> Iterator[Journal]:
    """Hold the account's lock and journal every write made through ``account``."""
    caller = account.caller()
    waited = False

    def waiting(message: str) -> None:
        nonlocal waited
        waited = True
        if on_wait is not None:
            on_wait(message)

    with account_lock(caller.account_id, wait_seconds=wait_seconds, on_wait=waiting):
        log = journal or Journal()
        # Another wizard may have changed the account while this one waited: the caller
        # re-plans before writing.
        log.waited_for_lock = waited
        log.start_run(command, caller.account_id, caller.arn)
        log.watch(account)
        try:
            yield log
        except KeyboardInterrupt:
            log.end("interrupted")
            raise
        except BaseException as exc:
            log.end(f"failed: {type(exc).__name__}")
            raise
        finally:
            # Outside the lock no change may be made (the guard checks for a journal).
            account.attach_journal(None)
        log.end(f"failed: {log.failure}" if log.failure else "finished")
