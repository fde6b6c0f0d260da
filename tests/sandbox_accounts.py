"""Accounts signed with the sandbox's credentials, for tests."""

from __future__ import annotations

from wizard.account import Account
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
    return Account.from_settings(
        region=box.region,
        endpoint_url=box.endpoint_url,
        credentials=(creds.access_key_id, creds.secret_access_key, creds.session_token),
    )
