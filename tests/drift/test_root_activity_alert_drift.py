"""The root activity alert's drift catalogue, played over real HTTP with the shared runner.

The step is not in the registry yet (the lead registers new steps), so these tests register it
for themselves; the runner then finds it by id like any other step.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from aws_setup_wizard import steps as registry
from aws_setup_wizard.sandbox import Sandbox, console
from aws_setup_wizard.steps.root_activity_alert import RootActivityAlertStep
from tests.drift.root_activity_alert import DRIFTS
from tests.drift.runner import Drift, run_drift


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[RootActivityAlertStep]:
    step = RootActivityAlertStep()
    monkeypatch.setattr(registry, "STEPS", (*registry.STEPS, step))
    yield step


@pytest.mark.parametrize("drift", DRIFTS, ids=lambda drift: drift.id)
def test_drift_is_named_and_repaired(
    drift: Drift, sandbox_server: Sandbox, registered: RootActivityAlertStep
) -> None:
    run = run_drift(drift, sandbox_server)
    if run.drifted.waiting_on:
        # Only the owner's click was missing: the verdict says so, and polling would not help.
        assert "Confirm subscription" in run.drifted.waiting_on
    # The repaired alert really e-mails: a root console sign-in lands in the owner's inbox.
    before = len(console.inbox(sandbox_server.endpoint_url))
    console.delete_root_keys(sandbox_server.endpoint_url)
    arrived = console.inbox(sandbox_server.endpoint_url)[before:]
    assert [m["to"] for m in arrived if m["kind"] == "notification"] == ["owner@example.com"]


def test_at_least_three_failures_each_named_differently() -> None:
    failing = [d for d in DRIFTS if d.status == "fail"]
    assert len(failing) >= 3
    assert len({d.reason for d in failing}) == len(failing)
