"""Accounts signed with the sandbox's credentials, for tests."""

from __future__ import annotations

from wizard.account import Account
from wizard.sandbox import Sandbox


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
    return Account.from_settings(
        region=box.region,
        endpoint_url=box.endpoint_url,
        credentials=(creds.access_key_id, creds.secret_access_key, creds.session_token),
    )
