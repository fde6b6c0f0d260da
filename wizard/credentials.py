"""A temporary root access key entered in the wizard: checked for shape, kept only in the
keyring (or memory), and never taken from the command line or shell history.

The safer path comes first everywhere the wizard asks for a key: CloudShell as the root user
needs no access key at all.
"""

from __future__ import annotations

import re

from aws_setup_wizard.account import Account
from aws_setup_wizard.secrets import SecretStore

_KEY_ID = re.compile(r"(AKIA|ASIA)[A-Z2-7]{16}")
_SECRET = re.compile(r"[A-Za-z0-9/+]{40}")


def access_key_id_problem(text: str) -> str | None:
    """Why ``text`` is not a root access key ID (``AKIA`` + 16 characters), or ``None``."""
    value = text.strip()
    if not value:
        return "enter the access key ID (it starts with AKIA)."
    if value.startswith("ASIA"):
        return (
            "this is a temporary key (ASIA…): use the long-term key you created, or run the "
            "wizard in CloudShell, where no key is needed."
        )
    if not _KEY_ID.fullmatch(value):
        return "an access key ID is AKIA followed by 16 capital letters and digits 2-7."
    return None


def secret_key_problem(text: str) -> str | None:
    """Why ``text`` is not a secret access key (40 characters of A-Z a-z 0-9 / +), or ``None``."""
    if not _SECRET.fullmatch(text.strip()):
        return "a secret access key is exactly 40 characters of letters, digits, '/' and '+'."
    return None


def account_from_entered_key(
    key_id: str,
    secret: str,
    *,
    region: str | None = None,
    endpoint_url: str | None = None,
    store: SecretStore | None = None,
) -> Account:
    """An account signed with an entered key; the key is kept (keyring or memory) once it
    proves valid, so a re-run after an interruption need not ask again."""
    account = Account.from_settings(
        region=region, endpoint_url=endpoint_url, credentials=(key_id.strip(), secret.strip(), None)
    )
    caller = account.caller()  # raises on a wrong key: nothing is kept then
    if store is not None and caller.is_root:
        store.keep_root_key(caller.account_id, key_id.strip(), secret.strip())
    account.secrets = store
    return account


def kept_root_key_account(
    store: SecretStore, *, region: str | None = None, endpoint_url: str | None = None
) -> Account | None:
    """The account of a temporary root key kept by an unfinished run, if one is kept."""
    kept = store.root_key()
    if kept is None:
        return None
    _account_id, key_id, secret = kept
    account = Account.from_settings(
        region=region, endpoint_url=endpoint_url, credentials=(key_id, secret, None)
    )
    account.secrets = store
    return account
