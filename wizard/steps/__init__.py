"""The steps in the order the wizard walks them (the primer comes first and calls no API)."""

from __future__ import annotations

from wizard.steps.admin_user import AdminUserStep
from wizard.steps.base import Step
from wizard.steps.cloudtrail import CloudTrailStep
from wizard.steps.primer import Primer
from wizard.steps.root_keys import RootAccessKeysStep
from wizard.steps.root_mfa import RootMfaStep

PRIMER = Primer()

# Verification order. Deleting root keys is listed before the admin user and CloudTrail for
# reading, but the runner always applies it last: it may delete the key the tool runs on.
STEPS: tuple[Step, ...] = (RootMfaStep(), RootAccessKeysStep(), AdminUserStep(), CloudTrailStep())
STEP_IDS: tuple[str, ...] = tuple(step.id for step in STEPS)


def step_by_id(step_id: str) -> Step:
    """The step with this id; ``KeyError`` names the valid ids."""
    for step in STEPS:
        if step.id == step_id:
            return step
    raise KeyError(f"unknown step {step_id!r}; choose from {', '.join(STEP_IDS)}")


__all__ = ["PRIMER", "STEPS", "STEP_IDS", "Step", "step_by_id"]
