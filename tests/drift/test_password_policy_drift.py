"""Every password-policy drift, over real HTTP with the shared runner: verify names the cause,
the plan is the one UpdateAccountPasswordPolicy, apply makes it pass and keeps every stricter
setting the drift left, and a second apply sends no write.

The step is not in the registry yet (the lead engineer registers new steps): it is registered
for these tests only.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from aws_setup_wizard import steps as registry
from aws_setup_wizard.sandbox import Sandbox
from aws_setup_wizard.steps.password_policy import PasswordPolicyStep
from tests.drift.password_policy import DRIFTS
from tests.drift.runner import Drift, run_drift
from tests.sandbox_accounts import console_clients


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(registry, "STEPS", (*registry.STEPS, PasswordPolicyStep()))
    yield


@pytest.mark.parametrize("drift", DRIFTS, ids=lambda drift: drift.name)
def test_drift_is_named_and_repaired(
    drift: Drift, registered: None, sandbox_server: Sandbox
) -> None:
    run_drift(drift, sandbox_server)


def test_the_repair_keeps_what_the_drift_made_stricter(
    registered: None, sandbox_server: Sandbox
) -> None:
    """Symbols, numbers, 90-day hard expiry and "users may not change their own" survive."""
    entry = next(
        d for d in DRIFTS if d.name == "a stricter password policy lowered to 10 characters"
    )
    run_drift(entry, sandbox_server)
    got = console_clients(sandbox_server)("iam").get_account_password_policy()["PasswordPolicy"]
    kept = {k: got[k] for k in ("RequireSymbols", "RequireNumbers", "HardExpiry", "MaxPasswordAge")}
    assert kept == {
        "RequireSymbols": True,
        "RequireNumbers": True,
        "HardExpiry": True,
        "MaxPasswordAge": 90,
    }
    assert got["AllowUsersToChangePassword"] is False
    assert (got["MinimumPasswordLength"], got["PasswordReusePrevention"]) == (14, 24)
