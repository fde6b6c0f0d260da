"""Every budget-alerts drift over real HTTP, played by the shared runner: the check names the
cause, the plan holds exactly the repair, apply (through the dispatcher) makes it pass, and a
second plan and apply change nothing. The step is registered for these tests only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from aws_setup_wizard import steps as registry
from aws_setup_wizard.sandbox import Sandbox
from aws_setup_wizard.steps.budget_alerts import BudgetAlertsStep
from tests.drift import budget_alerts
from tests.drift.runner import Drift, run_drift


@pytest.fixture(autouse=True)
def registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The step joins the registry for these tests only (the lead integrates it later)."""
    monkeypatch.setattr(registry, "STEPS", (*registry.STEPS, BudgetAlertsStep()))
    yield


@pytest.mark.parametrize("drift", budget_alerts.DRIFTS, ids=lambda drift: drift.id)
def test_budget_drift_is_named_and_repaired(drift: Drift, sandbox_server: Sandbox) -> None:
    run = run_drift(drift, sandbox_server)
    if drift.status == "fail":
        assert run.final.evidence["budget"]["name"] == "aws-setup-wizard-monthly"
        assert run.final.evidence["anomaly_subscriptions"]


def test_at_least_four_failures_are_judged() -> None:
    failing = [d for d in budget_alerts.DRIFTS if d.status == "fail"]
    assert len(failing) >= 4
    assert len({d.name for d in budget_alerts.DRIFTS}) == len(budget_alerts.DRIFTS)
