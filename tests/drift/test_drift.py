"""The drift catalogue of root MFA, root keys and the administrator, played over real HTTP.

Each entry (data in ``root_mfa.py``, ``root_keys.py``, ``admin_user.py``): make the drift in the
sandbox → verify gives the expected verdict and names the cause → apply (or the sandbox console
action the guided flow would use) makes exactly the expected repair → PASS → a second apply
sends no write.
"""

from __future__ import annotations

from collections import Counter

import pytest

from aws_setup_wizard.sandbox import Sandbox, drifts
from aws_setup_wizard.steps import step_ids
from tests.drift import (
    access_analyzer,
    admin_user,
    budget_alerts,
    cloudtrail,
    ebs_encryption,
    guardduty,
    password_policy,
    root_activity_alert,
    root_keys,
    root_mfa,
    s3_block_public_access,
    security_contact,
)
from tests.drift.runner import Drift, run_drift

CATALOGUE: tuple[Drift, ...] = (*root_mfa.DRIFTS, *root_keys.DRIFTS, *admin_user.DRIFTS)


@pytest.mark.parametrize("drift", CATALOGUE, ids=lambda drift: drift.id)
def test_drift_is_named_and_repaired(drift: Drift, sandbox_server: Sandbox) -> None:
    run_drift(drift, sandbox_server)


def test_the_catalogue_covers_these_steps_with_at_least_twelve_failures() -> None:
    failing = Counter(d.step_id for d in CATALOGUE if d.status == "fail")
    assert set(failing) == {"root-mfa", "root-access-keys", "admin-user"}
    assert sum(failing.values()) >= 12
    assert all(d.step_id in step_ids() for d in CATALOGUE)
    assert len({d.id for d in CATALOGUE}) == len(CATALOGUE), "entry names are unique per step"


def test_every_sandbox_drift_is_judged_here_and_every_entry_is_a_sandbox_drift() -> None:
    """The sandbox owns how each drift is made (trainers name them in scenario files); this
    catalogue owns what the wizard must say and do about it: one list of names for both."""
    judged = (
        {(d.name, d.step_id) for d in CATALOGUE}
        | {(d.name, "cloudtrail") for d in cloudtrail.CATALOGUE}
        # Judged in test_security_contact_drift.py, which registers that step for its tests.
        | {(d.name, d.step_id) for d in security_contact.DRIFTS}
        | {(d.name, d.step_id) for d in root_activity_alert.DRIFTS}
        # the guardrails' own catalogues, played by their own test modules
        | {(d.name, d.step_id) for d in password_policy.DRIFTS}
        | {(d.name, d.step_id) for d in s3_block_public_access.DRIFTS}
        | {(d.name, d.step_id) for d in budget_alerts.DRIFTS}
        # the regional steps' catalogues, played by their own test modules
        | {(d.name, d.step_id) for d in guardduty.DRIFTS}
        | {(d.name, d.step_id) for d in access_analyzer.DRIFTS}
        | {(d.name, d.step_id) for d in ebs_encryption.DRIFTS}
    )
    made = {(d.name, d.step_id) for d in drifts.CATALOGUE}
    assert judged == made
    assert len(drifts.DRIFTS) == len(drifts.CATALOGUE), "sandbox drift names are unique"
