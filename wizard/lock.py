"""One writer per account: a second wizard on the same account waits or exits, never interleaves.

An advisory ``flock`` on ``STATE_DIR/locks/ACCOUNT.lock``; the kernel releases it when the
process ends, however it ends (Ctrl-C, a crash, SIGKILL), so a stale lock cannot block a re-run.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from aws_setup_wizard.errors import WizardError
from aws_setup_wizard.journal import state_dir


class AccountBusy(WizardError):
    """Another wizard holds the account's lock."""


def _holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError:
        return "another aws-setup-wizard"
    return f"another aws-setup-wizard ({text})" if text else "another aws-setup-wizard"


@contextmanager
def account_lock(
    account_id: str,
    *,
    wait_seconds: float = 0.0,
    on_wait: Callable[[str], None] | None = None,
    directory: Path | None = None,
) -> Iterator[None]:
    """Hold the write lock of ``account_id`` for the block.

    If another process holds it, tell ``on_wait`` once and retry until ``wait_seconds`` have
    passed, then raise :class:`AccountBusy` saying who holds it; nothing has been written then.
    """
    folder = directory or state_dir() / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{account_id}.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + wait_seconds
    told = False
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = _holder(path)
                if time.monotonic() >= deadline:
                    raise AccountBusy(
                        f"{holder[0].upper()}{holder[1:]} is changing account {account_id}: "
                        "wait for it to finish, then run the wizard again; nothing was changed."
                    ) from None
                if on_wait and not told:
                    on_wait(f"Waiting for {holder}, which is changing account {account_id}…")
                    told = True
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()}, since {time.strftime('%H:%M:%S')}".encode())
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
