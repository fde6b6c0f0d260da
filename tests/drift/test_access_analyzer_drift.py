"""Every access-analyzer drift over real HTTP, played by the shared runner: the check names the
Region at fault, the plan holds exactly the repair in that Region, apply (through the
dispatcher) makes it pass, and a second plan and apply change nothing. The step is registered
for these tests only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from aws_setup_wizard import steps as registry
from aws_setup_wizard.sandbox import Sandbox
from aws_setup_wizard.steps.access_analyzer import AccessAnalyzerStep
from tests.drift import access_analyzer
from tests.drift.runner import Drift, run_drift


@pytest.fixture(autouse=True)
def registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The step joins the registry for these tests only (the lead integrates it later)."""
    monkeypatch.setattr(registry, "STEPS", (*registry.STEPS, AccessAnalyzerStep()))
    yield


def _region(drift: Drift) -> str:
    return drift.reason.rsplit(": ", 1)[1]


@pytest.mark.parametrize("drift", access_analyzer.DRIFTS, ids=lambda drift: drift.id)
def test_analyzer_drift_is_named_and_repaired(drift: Drift, sandbox_server: Sandbox) -> None:
    run = run_drift(drift, sandbox_server)
    region = _region(drift)
    # The verdict is per Region: only the drifted one fails, the others keep passing.
    assert run.drifted.evidence["failing_regions"] == [region]
    assert run.drifted.evidence["regions"]["us-east-1"]["status"] == "pass"
    # Every change of the repair is sent to that Region's endpoint, nowhere else.
    assert run.plan is not None
    assert {change.call.region for change in run.plan.changes if change.call} == {region}
    assert run.final.evidence["regions"][region]["status"] == "pass"


def test_at_least_three_failures_are_judged() -> None:
    failing = [d for d in access_analyzer.DRIFTS if d.status == "fail"]
    assert len(failing) >= 3
    assert len({d.name for d in access_analyzer.DRIFTS}) == len(access_analyzer.DRIFTS)
