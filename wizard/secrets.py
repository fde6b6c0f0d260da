"""Secrets kept between runs: the OS keyring, honestly detected, or memory for this run only.

Only two secrets are ever kept: a temporary root access key while the setup is unfinished, and
the admin's initial password until the owner confirms the first sign-in. Both are removed as soon
as they are no longer needed. There is never a plaintext file fallback: a ``fail``, ``null`` or
plaintext backend counts as "no keyring", as poetry does.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from typing import Any

SERVICE = "aws-setup-wizard"

# Backends that store nothing, or store it in a readable file: not a keyring for secrets.
_REFUSED_BACKENDS = {
    "keyring.backends.fail.Keyring": "no keyring backend is installed",
    "keyring.backends.null.Keyring": "the keyring is disabled (null backend)",
    "keyrings.alt.file.PlaintextKeyring": "the only keyring stores secrets in a plaintext file",
}


def _qualified_name(backend: Any) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def refusal_reason(backend: Any) -> str | None:
    """Why ``backend`` cannot hold secrets (``None`` when it can).

    A chainer counts only through the backends it chains; plaintext is detected by name or by
    a backend declaring itself unencrypted.
    """
    children = getattr(backend, "backends", None)
    if isinstance(children, list | tuple):
        reasons = [refusal_reason(child) for child in children]
        if children and any(reason is None for reason in reasons):
            return None
        return reasons[0] if reasons and reasons[0] else "no usable keyring backend"
    name = _qualified_name(backend)
    if name in _REFUSED_BACKENDS:
        return _REFUSED_BACKENDS[name]
    if "plaintext" in name.lower() or getattr(backend, "encrypted", True) is False:
        return f"{type(backend).__name__} stores secrets unencrypted"
    return None


# One per machine user: a new owner sets up one account at a time, and on a re-run the account
# is not known until the kept key has been used to ask.
ROOT_KEY_ENTRY = "temporary-root-access-key"


def admin_password_entry(account_id: str, user: str) -> str:
    """Keyring entry name of an admin's initial password."""
    return f"{account_id}/initial-password/{user}"


@dataclass
class SecretStore:
    """The OS keyring when usable, else memory for this run only (and says so).

    ``backend`` is injected in tests; by default it is ``keyring.get_keyring()``, imported
    lazily so that commands that keep no secret never load the keyring machinery.
    """

    backend: Any = None
    _memory: dict[str, str] = field(default_factory=dict, repr=False)
    reason: str | None = None

    def __post_init__(self) -> None:
        if self.backend is None:
            try:
                import keyring

                self.backend = keyring.get_keyring()
            except Exception as exc:  # noqa: BLE001 - a broken keyring install is "no keyring"
                self.reason = f"the keyring could not be loaded ({exc})"
                return
        self.reason = refusal_reason(self.backend)

    @property
    def uses_keyring(self) -> bool:
        """True while secrets go to the OS keyring."""
        return self.reason is None and self.backend is not None

    def describe(self) -> str:
        """One sentence for the owner: where secrets are kept."""
        if self.uses_keyring:
            backend = type(self.backend).__name__
            return f"Secrets the wizard must keep are stored in your OS keyring ({backend})."
        return (
            f"No usable OS keyring ({self.reason}): secrets stay in memory for this run only "
            "and are never written to a file."
        )

    def _fallback(self, exc: Exception) -> None:
        # A locked or failing keyring: switch to memory for the rest of the run, and say why.
        self.reason = f"the keyring refused ({type(exc).__name__}: {exc})"

    def put(self, entry: str, value: str) -> bool:
        """Keep ``value``; True when it went to the keyring, False when only to memory."""
        if self.uses_keyring:
            try:
                self.backend.set_password(SERVICE, entry, value)
                return True
            except Exception as exc:  # noqa: BLE001 - locked, denied, D-Bus errors…
                self._fallback(exc)
        self._memory[entry] = value
        return False

    def get(self, entry: str) -> str | None:
        """The kept value, or ``None``."""
        if entry in self._memory:
            return self._memory[entry]
        if self.uses_keyring:
            try:
                value = self.backend.get_password(SERVICE, entry)
            except Exception as exc:  # noqa: BLE001
                self._fallback(exc)
                return None
            return str(value) if value is not None else None
        return None

    def delete(self, entry: str) -> None:
        """Forget ``entry`` everywhere it may be; missing entries are fine."""
        self._memory.pop(entry, None)
        if self.backend is not None and refusal_reason(self.backend) is None:
            # Absent or locked: there is nothing more to remove.
            with contextlib.suppress(Exception):
                self.backend.delete_password(SERVICE, entry)

    # -- the two secrets -------------------------------------------------------------------

    def keep_root_key(self, account_id: str, key_id: str, secret: str) -> bool:
        """Keep a temporary root access key (entered in the wizard) until it is deleted."""
        value = json.dumps({"account_id": account_id, "id": key_id, "secret": secret})
        return self.put(ROOT_KEY_ENTRY, value)

    def root_key(self) -> tuple[str, str, str] | None:
        """The kept temporary root access key as (account ID, key ID, secret), if any."""
        raw = self.get(ROOT_KEY_ENTRY)
        if not raw:
            return None
        try:
            data = json.loads(raw)
            return str(data["account_id"]), str(data["id"]), str(data["secret"])
        except (ValueError, KeyError, TypeError):
            return None

    def forget_root_key(self, key_id: str) -> None:
        """The key ``key_id`` is deleted: remove it from the keyring if it is the kept one."""
        kept = self.root_key()
        if kept is not None and kept[1] == key_id:
            self.delete(ROOT_KEY_ENTRY)
