"""The registry: the steps in the order the wizard verifies them (the primer comes first).

Adding a step is one line here. Everything else reads ``STEPS`` through this module at call
time (``steps.STEPS``), never a copy, so the engine and every front end see the same list.
"""

from __future__ import annotations

from aws_setup_wizard.steps.access_analyzer import AccessAnalyzerStep
from aws_setup_wizard.steps.admin_user import AdminUserStep
from aws_setup_wizard.steps.base import Step
from aws_setup_wizard.steps.budget_alerts import BudgetAlertsStep
from aws_setup_wizard.steps.cloudtrail import CloudTrailStep
from aws_setup_wizard.steps.ebs_encryption import EbsEncryptionStep
from aws_setup_wizard.steps.guardduty import GuardDutyStep
from aws_setup_wizard.steps.password_policy import PasswordPolicyStep
from aws_setup_wizard.steps.primer import Primer
from aws_setup_wizard.steps.root_activity_alert import RootActivityAlertStep
from aws_setup_wizard.steps.root_keys import RootAccessKeysStep
from aws_setup_wizard.steps.root_mfa import RootMfaStep
from aws_setup_wizard.steps.s3_block_public_access import S3BlockPublicAccessStep
from aws_setup_wizard.steps.security_contact import SecurityContactStep

PRIMER = Primer()

# Verification order: the Essentials of the design card, then the account-wide Guardrails
# (each step's ``group``). Deleting root keys is listed second for reading, but the runner
# always applies it last, after the guardrails too: it may delete the key the tool runs on.
STEPS: tuple[Step, ...] = (
    RootMfaStep(),
    RootAccessKeysStep(),
    AdminUserStep(),
    CloudTrailStep(),
    SecurityContactStep(),
    BudgetAlertsStep(),
    S3BlockPublicAccessStep(),
    PasswordPolicyStep(),
    RootActivityAlertStep(),
    EbsEncryptionStep(),
    AccessAnalyzerStep(),
    GuardDutyStep(),
)


def step_ids() -> tuple[str, ...]:
    """The ids of the registered steps, in verification order."""
    return tuple(step.id for step in STEPS)


def step_by_id(step_id: str) -> Step:
    """The step with this id; ``KeyError`` names the valid ids."""
    for step in STEPS:
        if step.id == step_id:
            return step
    raise KeyError(f"unknown step {step_id!r}; choose from {', '.join(step_ids())}")


__all__ = ["PRIMER", "STEPS", "Step", "step_by_id", "step_ids"]
