"""What surrounds every run that may write: the account lock and the journal.

The CLI's ``apply`` and the guided flow both journal their run from the owner's account
confirmation on, and both make every write while holding the account's lock with the journal
attached (the dispatcher refuses a write otherwise), so the two cannot differ in how they guard
a change. The CLI holds the lock for its whole short run (:func:`writing`); the guided flow
holds it only while a step's writes run (:func:`locked`), so a wizard left open on its dashboard
never keeps another from the account.
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
def journaled(
    account: Account, command: str, *, journal: Journal | None = None
) -> Iterator[Journal]:
    """One run record in the journal, ended truthfully: finished, failed or interrupted."""
    caller = account.caller()
    log = journal or Journal()
    log.start_run(command, caller.account_id, caller.arn)
    try:
        yield log
    except KeyboardInterrupt:
        log.end("interrupted")
        raise
    except BaseException as exc:
        log.end(f"failed: {type(exc).__name__}")
        raise
    log.end(f"failed: {log.failure}" if log.failure else "finished")


@contextmanager
def locked(
    account: Account,
    journal: Journal,
    *,
    on_wait: Callable[[str], None] | None = None,
    wait_seconds: float = LOCK_WAIT_SECONDS,
) -> Iterator[bool]:
    """Hold the account's lock with ``journal`` seeing every call; yields whether it waited.

    A run that waited must re-plan before writing: the other wizard may have changed the
    account meanwhile. Raises :class:`~aws_setup_wizard.lock.AccountBusy` after
    ``wait_seconds``, before anything is written.
    """
    caller = account.caller()
    waited = False

    def waiting(message: str) -> None:
        nonlocal waited
        waited = True
        if on_wait is not None:
            on_wait(message)

    with account_lock(caller.account_id, wait_seconds=wait_seconds, on_wait=waiting):
        journal.waited_for_lock = waited
        journal.watch(account)
        try:
            yield waited
        finally:
            # Outside the lock no change may be made (the dispatcher checks for a journal).
            account.attach_journal(None)


@contextmanager
def writing(
    account: Account,
    command: str,
    *,
    on_wait: Callable[[str], None] | None = None,
    wait_seconds: float = LOCK_WAIT_SECONDS,
    journal: Journal | None = None,
) -> Iterator[Journal]:
    """A whole run under the account's lock, every write journaled (the CLI's ``apply``)."""
    log = journal or Journal()
    # The lock first: a run that cannot get it has written nothing, not even a journal record.
    with (
        locked(account, log, on_wait=on_wait, wait_seconds=wait_seconds),
        journaled(account, command, journal=log),
    ):
        yield log
