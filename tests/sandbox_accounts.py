"""Accounts signed with the sandbox's credentials, for tests."""

from __future__ import annotations

import tempfile
from pathlib import Path

from wizard.account import Account
from wizard.journal import Journal
from wizard.sandbox import Sandbox


def account_on(box: Sandbox, credentials: str = "console") -> Account:
    """An :class:`Account` on the sandbox, signed with the console session or the root key."""
    if credentials == "console":
        creds = box.console_credentials
    elif credentials == "root":
        assert box.root_access_key is not None, "this scenario has no root access key"
        creds = box.root_access_key
    else:
        raise ValueError(credentials)
    account = Account.from_settings(
        region=box.region,
        endpoint_url=box.endpoint_url,
        credentials=(creds.access_key_id, creds.secret_access_key, creds.session_token),
    )
    return journaled(account)


def journaled(account: Account) -> Account:
    """``account``, journaled as a confirmed run is, so tests may apply steps directly.

    The dispatcher refuses to write without a journal; each such account journals to a file
    of its own (never the shared state directory, whose journal later plans read).
    """
    journal_file = Path(tempfile.mkdtemp(prefix="test-journal-")) / "journal.jsonl"
    Journal(journal_file).watch(account)
    return account
