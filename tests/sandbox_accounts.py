"""Accounts signed with the sandbox's credentials, for tests."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3

from aws_setup_wizard.account import Account
from aws_setup_wizard.journal import Journal
from aws_setup_wizard.sandbox import Sandbox


def account_on(
    box: Sandbox, credentials: str = "console", account_id: str | None = None
) -> Account:
    """An :class:`Account` on the sandbox, signed with the console session or the root key.

    ``account_id`` picks one of the sandbox's accounts (default: its first).
    """
    root = box.root if account_id is None else box.account(account_id)
    if credentials == "console":
        creds = root.console_session
    elif credentials == "root":
        keys = root.access_keys()
        assert keys, "this scenario has no root access key"
        creds = keys[0].credentials
    else:
        raise ValueError(credentials)
    account = Account.from_settings(
        region=box.region,
        endpoint_url=box.endpoint_url,
        credentials=(creds.access_key_id, creds.secret_access_key, creds.session_token),
    )
    return journaled(account)


#: One directory for every journal a test process makes, removed when the process ends (a
#: directory each in the system's temporary folder left tens of thousands behind, and a
#: crowded temporary folder slows every Python started there).
_JOURNALS = tempfile.TemporaryDirectory(prefix="test-journals-")


def journaled(account: Account) -> Account:
    """``account``, journaled as a confirmed run is, so tests may apply steps directly.

    The dispatcher refuses to write without a journal; each such account journals to a file
    of its own (never the shared state directory, whose journal later plans read).
    """
    journal_file = Path(tempfile.mkdtemp(prefix="journal-", dir=_JOURNALS.name)) / "journal.jsonl"
    Journal(journal_file).watch(account)
    return account


def console_clients(box: Sandbox) -> Callable[[str], Any]:
    """``clients("s3")``: plain boto3 clients on root's console session, as an owner in
    CloudShell (or an attacker with those credentials) would have; not journaled."""
    creds = box.console_credentials
    session = boto3.session.Session(
        aws_access_key_id=creds.access_key_id,
        aws_secret_access_key=creds.secret_access_key,
        aws_session_token=creds.session_token,
        region_name=box.region,
    )
    return lambda service: session.client(service, endpoint_url=box.endpoint_url)
