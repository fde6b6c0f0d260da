"""Opening the account a guided run works on: real credentials, or an in-process sandbox.

Both front ends start here, so "which account, signed how, re-verified with what" is decided in
one place.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Imported where used: a front end imports this module before its first screen, and the
    # account layer loads boto3.
    from aws_setup_wizard.account import Account


@dataclass(frozen=True)
class Launch:
    """What the command line asked for."""

    profile: str | None = None
    region: str | None = None
    endpoint_url: str | None = None
    sandbox_scenario: str | None = None  # None: a real account (or AWS_ENDPOINT_URL)
    realistic: bool = False  # the sandbox answers with AWS's delays (``--realistic``)
    #: The sandbox account's ID (``--sandbox-account-id``); None: $SANDBOX_ACCOUNT_ID or random.
    sandbox_account_id: str | None = None


@dataclass(frozen=True)
class Opened:
    """The account to work on, what re-verifies after the signing key is gone, and whether
    any credentials were found at all."""

    account: Account
    verifier: Account | None
    has_credentials: bool
    sandbox_scenario: str | None = None


def has_credentials(account: Account) -> bool:
    """True when the credential chain found something (not whether it is valid)."""
    return account.credentials() is not None


@contextmanager
def open_account(launch: Launch) -> Iterator[Opened]:
    """Yield the account for ``launch``; a sandbox is started and stopped around the run.

    In the sandbox the run is signed with the scenario's root access key when it has one (the
    path of a new owner who created a temporary root key), and re-verified afterwards with the
    root console session, as CloudShell would.
    """
    from aws_setup_wizard.account import Account

    if launch.sandbox_scenario is None:
        account = Account.from_settings(
            profile=launch.profile, region=launch.region, endpoint_url=launch.endpoint_url
        )
        yield Opened(account, None, has_credentials(account))
        return
    from aws_setup_wizard.sandbox import Sandbox

    with Sandbox(
        launch.sandbox_scenario,
        realistic=launch.realistic,
        account_id=launch.sandbox_account_id,
    ) as box:
        console = box.console_credentials
        session = Account.from_settings(
            region=box.region,
            endpoint_url=box.endpoint_url,
            credentials=(console.access_key_id, console.secret_access_key, console.session_token),
            source="the sandbox's root console session (as in CloudShell)",
        )
        key = box.root_access_key
        if key is None:
            yield Opened(session, None, True, launch.sandbox_scenario)
            return
        on_key = Account.from_settings(
            region=box.region,
            endpoint_url=box.endpoint_url,
            credentials=(key.access_key_id, key.secret_access_key, None),
            source="the sandbox's temporary root access key",
        )
        yield Opened(on_key, session, True, launch.sandbox_scenario)
