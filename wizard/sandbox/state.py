"""The root user of each sandbox account, and the set of accounts: what moto has no notion of.

moto models IAM users, but an AWS account also has a root user with its own access keys
(at most two), its own MFA and the console session it signs in with. This module keeps that
state in memory, behind a lock because the server answers requests on several threads. It
imports neither moto nor werkzeug.

A sandbox holds one account or several (:class:`SandboxAccounts`); every set of credentials
belongs to exactly one of them, as in AWS, where an access key identifies its account.
"""

from __future__ import annotations

import secrets
import string
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from aws_setup_wizard.sandbox.credentials import SandboxCredentials

#: AWS allows a principal (root included) at most two access keys.
MAX_ROOT_KEYS = 2

_KEY_ALPHABET = string.ascii_uppercase + "234567"
_SECRET_ALPHABET = string.ascii_letters + string.digits + "+/"

MfaKind = Literal["virtual", "hardware"]


def new_key_id(prefix: str) -> str:
    """Return a fresh 20-character access key ID such as ``AKIA…`` or ``ASIA…``."""
    return prefix + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(20 - len(prefix)))


def new_secret(length: int = 40) -> str:
    """Return a random secret access key in AWS's alphabet."""
    return "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(length))


#: moto's default account: never a sandbox's, so code that assumes that ID shows up.
MOTO_DEFAULT_ACCOUNT_ID = "123456789012"


def random_account_id(taken: frozenset[str] = frozenset()) -> str:
    """A random 12-digit AWS account ID, not in ``taken`` and never moto's default.

    AWS account IDs may start with 0; these never do, so that no tool along the way (a
    spreadsheet, a shell's arithmetic, JSON read as a number) silently drops the digit.
    """
    while True:
        candidate = secrets.choice("123456789") + "".join(
            secrets.choice(string.digits) for _ in range(11)
        )
        if candidate != MOTO_DEFAULT_ACCOUNT_ID and candidate not in taken:
            return candidate


def utcnow() -> datetime:
    """Return the current time, timezone-aware, second precision (as IAM reports it)."""
    return datetime.now(UTC).replace(microsecond=0)


@dataclass
class RootAccessKey:
    """One root access key with the metadata IAM reports for it."""

    access_key_id: str
    secret_access_key: str
    status: str = "Active"
    create_date: datetime = field(default_factory=utcnow)
    last_used_date: datetime | None = None
    last_used_region: str | None = None
    last_used_service: str | None = None

    @property
    def credentials(self) -> SandboxCredentials:
        """The key as credentials a client can sign with."""
        return SandboxCredentials(self.access_key_id, self.secret_access_key)


@dataclass
class RootMfa:
    """The root user's MFA device; the seed of a virtual one stays in server memory only."""

    kind: MfaKind
    serial_number: str
    enable_date: datetime = field(default_factory=utcnow)
    seed_base32: str | None = None


class RootAccountError(Exception):
    """A root-account operation AWS would refuse; ``code`` is the AWS error code."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


class RootAccount:
    """The root user of one sandbox account: access keys, console session and MFA."""

    def __init__(
        self,
        account_id: str,
        partition: str = "aws",
        console_session: SandboxCredentials | None = None,
    ) -> None:
        self.account_id = account_id
        self.partition = partition
        self.created = utcnow()
        self._lock = threading.RLock()
        self._keys: list[RootAccessKey] = []
        self.mfa: RootMfa | None = None
        # Pending virtual-MFA enrollments started in the simulated console: serial -> seed.
        self.pending_mfa: dict[str, str] = {}
        # The console session may outlive a reset, so that clients built from ``env()`` in
        # another process keep working when a test reseeds the account.
        self.console_session = console_session or SandboxCredentials(
            new_key_id("ASIA"), new_secret(), new_secret(356)
        )
        self.credential_report_time: datetime | None = None
        # Opt-in Regions (launched after March 2019) the owner has enabled; none in a new account.
        self._opted_in_regions: set[str] = set()
        # EBS encryption by default, per Region (aws_setup_wizard.sandbox.ebs_layer): the
        # Regions where it is on, and each Region's customer managed default key (its ARN);
        # a Region absent from the latter uses the AWS managed key.
        self.ebs_encrypted_regions: set[str] = set()
        self.ebs_default_keys: dict[str, str] = {}
        # What the sandbox's own service layers keep per Region (analyzers, detectors…), by
        # kind, then Region: see regional().
        self._regional: dict[str, dict[str, dict[str, Any]]] = {}

    @property
    def arn(self) -> str:
        """The root user's ARN, ``arn:aws:iam::ACCOUNT:root``."""
        return f"arn:{self.partition}:iam::{self.account_id}:root"

    @property
    def lock(self) -> threading.RLock:
        """The lock guarding this state (re-entrant: handlers nest calls)."""
        return self._lock

    def regional(self, kind: str, region: str) -> dict[str, Any]:
        """The account's resources of ``kind`` in ``region`` (e.g. GuardDuty detectors by ID),
        made empty on first use. A layer keeps them here so that a sandbox reset (a new
        RootAccount) wipes them; callers hold :attr:`lock` while they change them."""
        with self._lock:
            return self._regional.setdefault(kind, {}).setdefault(region, {})

    # -- access keys -------------------------------------------------------------------------

    def access_keys(self) -> list[RootAccessKey]:
        """A snapshot of root's access keys, oldest first."""
        with self._lock:
            return list(self._keys)

    def find_key(self, access_key_id: str) -> RootAccessKey | None:
        """Return root's key with that ID, or ``None`` (deleted keys are simply gone)."""
        with self._lock:
            return next((k for k in self._keys if k.access_key_id == access_key_id), None)

    def create_key(self) -> RootAccessKey:
        """Create a root access key, refusing a third one as AWS does."""
        with self._lock:
            if len(self._keys) >= MAX_ROOT_KEYS:
                raise RootAccountError(
                    "LimitExceeded",
                    f"Cannot exceed quota for AccessKeysPerUser: {MAX_ROOT_KEYS}",
                    409,
                )
            key = RootAccessKey(new_key_id("AKIA"), new_secret())
            self._keys.append(key)
            return key

    def delete_key(self, access_key_id: str) -> None:
        """Delete one of root's keys; an unknown ID is ``NoSuchEntity`` as in IAM."""
        with self._lock:
            key = self.find_key(access_key_id)
            if key is None:
                raise _no_such_key(access_key_id)
            self._keys.remove(key)

    def delete_all_keys(self) -> list[str]:
        """Delete every root key (the console's way) and return their IDs."""
        with self._lock:
            ids = [k.access_key_id for k in self._keys]
            self._keys.clear()
            return ids

    def update_key(self, access_key_id: str, status: str) -> None:
        """Set a root key Active or Inactive."""
        if status not in ("Active", "Inactive"):
            raise RootAccountError(
                "ValidationError",
                f"1 validation error detected: Value '{status}' at 'status' failed to satisfy "
                "constraint: Member must satisfy enum value set: [Active, Inactive]",
            )
        with self._lock:
            key = self.find_key(access_key_id)
            if key is None:
                raise _no_such_key(access_key_id)
            key.status = status

    def mark_used(self, key: RootAccessKey, region: str, service: str) -> None:
        """Record a use of a key, as IAM's last-used tracking does."""
        with self._lock:
            key.last_used_date = utcnow()
            key.last_used_region = region
            key.last_used_service = service

    @property
    def access_keys_present(self) -> bool:
        """``AccountAccessKeysPresent``: any root key, active or not."""
        with self._lock:
            return bool(self._keys)

    # -- MFA ---------------------------------------------------------------------------------

    @property
    def mfa_enabled(self) -> bool:
        """``AccountMFAEnabled``: root has an MFA device of any kind."""
        return self.mfa is not None

    def enable_virtual_mfa(self, serial_number: str, seed_base32: str) -> RootMfa:
        """Record a virtual MFA device as root's (after the console checked the codes)."""
        with self._lock:
            self.mfa = RootMfa("virtual", serial_number, seed_base32=seed_base32)
            self.pending_mfa.pop(serial_number, None)
            return self.mfa

    def enable_hardware_mfa(self, serial_number: str = "GAHT12345678") -> RootMfa:
        """Give root a hardware MFA device (not listed among virtual devices, as in AWS)."""
        with self._lock:
            self.mfa = RootMfa("hardware", serial_number)
            return self.mfa

    def disable_mfa(self) -> None:
        """Remove root's MFA device."""
        with self._lock:
            self.mfa = None

    # -- Regions -----------------------------------------------------------------------------

    def opted_in_regions(self) -> frozenset[str]:
        """The opt-in Regions this account has enabled (a new account has none)."""
        with self._lock:
            return frozenset(self._opted_in_regions)

    def enable_region(self, region: str) -> None:
        """Opt in to a Region, as the owner does under Account → AWS Regions."""
        with self._lock:
            self._opted_in_regions.add(region)


def _no_such_key(access_key_id: str) -> RootAccountError:
    return RootAccountError(
        "NoSuchEntity", f"The Access Key with id {access_key_id} cannot be found", 404
    )


class SandboxAccounts:
    """The accounts one sandbox holds: the first (default) one, then any added.

    Read on every request by the server's threads while a test may add an account, so the
    list is replaced, never changed in place, and reads take a snapshot.
    """

    def __init__(self, default: RootAccount) -> None:
        self._lock = threading.Lock()
        self._accounts: tuple[RootAccount, ...] = (default,)

    @property
    def default(self) -> RootAccount:
        """The sandbox's first account (unsigned requests and the console land here)."""
        return self._accounts[0]

    def all(self) -> tuple[RootAccount, ...]:
        """Every account, the default first."""
        return self._accounts

    def get(self, account_id: str) -> RootAccount | None:
        """The account with that ID, or ``None``."""
        return next((a for a in self._accounts if a.account_id == account_id), None)

    def add(self, root: RootAccount) -> None:
        """Hold one more account; its ID must be new."""
        with self._lock:
            if any(a.account_id == root.account_id for a in self._accounts):
                raise ValueError(f"the sandbox already holds account {root.account_id}")
            self._accounts = (*self._accounts, root)

    def new_account_id(self) -> str:
        """A random 12-digit account ID not yet used (nor moto's default 123456789012)."""
        return random_account_id(frozenset(a.account_id for a in self._accounts))
