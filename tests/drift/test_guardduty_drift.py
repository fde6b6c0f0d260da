"""Every GuardDuty drift over real HTTP, played by the shared runner: the check names each
Region at fault and its cause, the plan holds one change per such Region (in that Region), apply
(through the dispatcher) makes every Region pass, and a second plan and apply change nothing.
The step is registered for these tests only (the lead engineer registers new steps)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from aws_setup_wizard import steps as registry
from aws_setup_wizard.sandbox import Sandbox
from aws_setup_wizard.sandbox.drifts_guardduty import DELETED_REGION, SUSPENDED_REGION
from aws_setup_wizard.steps.guardduty import GuardDutyStep
from tests.drift import guardduty
from tests.drift.runner import Drift, run_drift


@pytest.fixture(autouse=True)
def registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The step joins the registry for these tests only."""
    monkeypatch.setattr(registry, "STEPS", (*registry.STEPS, GuardDutyStep()))
    yield


@pytest.mark.parametrize("drift", guardduty.DRIFTS, ids=lambda drift: drift.id)
def test_guardduty_drift_is_named_and_repaired_in_its_region(
    drift: Drift, sandbox_server: Sandbox
) -> None:
    run = run_drift(drift, sandbox_server)
    regions = run.final.evidence["regions"]
    assert len(regions) == 17 and run.final.evidence["failing_regions"] == []
    if run.plan is None:
        return
    changed = {change.call.region for change in run.plan.changes if change.call}
    assert changed == set(run.drifted.evidence["failing_regions"])
    assert changed <= {SUSPENDED_REGION, DELETED_REGION}
    # The cost is said before confirming, with its source.
    assert any("30-day free trial" in note and "pricing" in note for note in run.plan.notes)


def test_at_least_three_failures_are_judged() -> None:
    failing = [d for d in guardduty.DRIFTS if d.status == "fail"]
    assert len(failing) >= 3
    assert len({d.name for d in guardduty.DRIFTS}) == len(guardduty.DRIFTS)
