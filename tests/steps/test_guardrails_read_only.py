"""The five guardrail steps' checks only read, in every scenario, before and after a drift.

``tests/steps/test_contract.py`` proves this for the registered steps; these steps are not in
the registry yet, so their checks are guarded here with the same rule (the journal's
:func:`~aws_setup_wizard.operations.is_write`).
"""

from __future__ import annotations

from typing import Any

import pytest

from aws_setup_wizard.model import Status
from aws_setup_wizard.operations import is_write
from aws_setup_wizard.steps.budget_alerts import BudgetAlertsStep
from aws_setup_wizard.steps.password_policy import PasswordPolicyStep
from aws_setup_wizard.steps.root_activity_alert import RootActivityAlertStep
from aws_setup_wizard.steps.s3_block_public_access import S3BlockPublicAccessStep
from aws_setup_wizard.steps.security_contact import SecurityContactStep

GUARDRAILS = (
    SecurityContactStep(),
    BudgetAlertsStep(),
    S3BlockPublicAccessStep(),
    PasswordPolicyStep(),
    RootActivityAlertStep(),
)
# A drift per step, made before the check: a failing state is read as carefully.
DRIFT = {
    "security-contact": "the security contact deleted",
    "budget-alerts": "the monthly budget deleted",
    "s3-block-public-access": "RestrictPublicBuckets turned off",
    "password-policy": "the password policy deleted",
    "root-activity-alert": "root alert rule disabled",
}


@pytest.mark.parametrize("step", GUARDRAILS, ids=lambda step: step.id)
@pytest.mark.parametrize("scenario", ["fresh", "partial", "done", "drifted", "drift"])
def test_the_check_sends_no_write(step: Any, scenario: str, sandbox: Any) -> None:
    from tests.sandbox_accounts import account_on

    box = sandbox("done" if scenario == "drift" else scenario)
    if scenario == "drift":
        box.make_drift(DRIFT[step.id])
    account = account_on(box)
    called: list[str] = []
    account.on_every_client("before-call", lambda model, **_: called.append(model.name))
    check = step.check(account)
    assert called, "the check read nothing"
    assert [name for name in called if is_write(name)] == []
    assert check.status is not Status.UNKNOWN, check.summary
    expected = Status.PASS if scenario in ("done", "drifted") else Status.FAIL
    assert check.status is expected, check.summary
