"""Every CloudTrail drift in the catalogue, over real HTTP: verify fails naming the cause, the
plan holds exactly the repair, apply makes it pass, and a second plan changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from aws_setup_wizard import runner
from aws_setup_wizard.model import Status, no_progress
from aws_setup_wizard.options import resolve
from aws_setup_wizard.sandbox import Sandbox, delivery
from aws_setup_wizard.steps.cloudtrail import CloudTrailStep
from tests.drift.cloudtrail import CATALOGUE, Drift
from tests.sandbox_accounts import account_on, console_clients

STEP = CloudTrailStep()


def verify(box: Sandbox) -> Any:
    """The step's verdict as ``verify`` computes it."""
    return runner.verify(account_on(box), [STEP]).results[0].check


@pytest.mark.parametrize("entry", CATALOGUE, ids=[entry.name for entry in CATALOGUE])
def test_drift_is_named_repaired_exactly_and_stays_repaired(entry: Drift, sandbox: Any) -> None:
    box = sandbox("done")
    delivery.deliver_now(box.account_id)
    assert verify(box).status is Status.PASS, verify(box).summary

    box.make_drift(entry.name)  # with the delivery that shows it, where it shows only there
    check = verify(box)
    assert check.status == Status(entry.status), check.summary
    assert entry.reason in check.summary, check.summary

    acct = account_on(box)
    options = resolve(STEP.options, dict(entry.options), acct.account_id, acct.region)
    plan = STEP.plan(acct, options)
    assert tuple(change.action for change in plan.changes) == entry.repair, plan.changes
    STEP.apply(acct, plan, no_progress)

    delivery.deliver_now(box.account_id)  # the next delivery proves the repair
    after = verify(box)
    assert after.status is Status.PASS, after.summary
    assert after.evidence["latest_delivery_error"] is None
    assert after.evidence["latest_delivery_time"]
    assert STEP.plan(account_on(box), options).empty
    trails = console_clients(box)("cloudtrail").describe_trails()["trailList"]
    assert [t["IsMultiRegionTrail"] for t in trails] == [True]
