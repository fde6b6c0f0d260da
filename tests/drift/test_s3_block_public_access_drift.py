"""Every account-level S3 Block Public Access drift, over real HTTP with the shared runner:
verify names each flag that is off, the plan is the one PutPublicAccessBlock, apply makes it
pass, and a second apply sends no write.

The step is not in the registry yet (the lead engineer registers new steps): it is registered
for these tests only.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from aws_setup_wizard import steps as registry
from aws_setup_wizard.sandbox import Sandbox
from aws_setup_wizard.steps.s3_block_public_access import S3BlockPublicAccessStep
from tests.drift.runner import Drift, run_drift
from tests.drift.s3_block_public_access import DRIFTS


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(registry, "STEPS", (*registry.STEPS, S3BlockPublicAccessStep()))
    yield


@pytest.mark.parametrize("drift", DRIFTS, ids=lambda drift: drift.name)
def test_drift_is_named_and_repaired(
    drift: Drift, registered: None, sandbox_server: Sandbox
) -> None:
    run = run_drift(drift, sandbox_server)
    assert run.final.evidence["off"] == []
