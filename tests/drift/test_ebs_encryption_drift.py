"""Every EBS encryption-by-default drift, over real HTTP with the shared runner: verify names
each Region where the setting is off (an opt-in Region enabled later included), the plan turns
it on there and only there, apply makes it pass, and a second apply sends no write.

The step is not in the registry yet (the lead engineer registers new steps): it is registered
for these tests only.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from aws_setup_wizard import steps as registry
from aws_setup_wizard.sandbox import Sandbox
from aws_setup_wizard.steps.ebs_encryption import EbsEncryptionStep
from tests.drift.ebs_encryption import DRIFTS
from tests.drift.runner import Drift, run_drift


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(registry, "STEPS", (*registry.STEPS, EbsEncryptionStep()))
    yield


@pytest.mark.parametrize("drift", DRIFTS, ids=lambda drift: drift.name)
def test_drift_is_named_and_repaired(
    drift: Drift, registered: None, sandbox_server: Sandbox
) -> None:
    run = run_drift(drift, sandbox_server)
    assert run.final.evidence["failing_regions"] == []
    assert run.final.evidence["unknown_regions"] == []
    if run.plan is not None:
        # One change per Region the check named, each sent to that Region's endpoint.
        planned = sorted(c.call.region for c in run.plan.changes if c.call and c.call.region)
        assert planned == sorted(run.drifted.evidence["failing_regions"])
