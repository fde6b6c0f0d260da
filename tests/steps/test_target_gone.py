"""A write whose target vanished between plan and apply is never "already in place".

The dispatcher raises ``TargetGone`` (a removal whose target is gone is done instead); the
runner re-checks, re-plans once with the same options and applies the new plan, or stops with
``TargetStillGone`` when the target vanishes again.
"""

from __future__ import annotations

from typing import Any

import pytest

from aws_setup_wizard import runner
from aws_setup_wizard.model import Phase, ProgressEvent, Status
from aws_setup_wizard.steps.admin_user import AdminUserStep

step = AdminUserStep()
OPTIONS = {"admin_user": "admin", "admin_group": "Administrators"}
ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"


def delete_group(iam: Any, group: str = "Administrators") -> None:
    """Empty the group, detach its policies, delete it (as IAM requires)."""
    for user in iam.get_group(GroupName=group)["Users"]:
        iam.remove_user_from_group(GroupName=group, UserName=user["UserName"])
    for policy in iam.list_attached_group_policies(GroupName=group)["AttachedPolicies"]:
        iam.detach_group_policy(GroupName=group, PolicyArn=policy["PolicyArn"])
    iam.delete_group(GroupName=group)


def test_group_deleted_between_plan_and_apply_is_re_planned_not_already_in_place(account):
    acct = account("fresh")
    iam = acct.client("iam")
    # The group's prerequisites exist when the plan is made...
    iam.create_group(GroupName="Administrators")
    iam.attach_group_policy(GroupName="Administrators", PolicyArn=ADMIN_ARN)
    plan = step.plan(acct, OPTIONS)
    assert [c.action for c in plan.changes] == [
        "iam:CreateUser",
        "iam:AddUserToGroup",
        "iam:CreateLoginProfile",
    ]
    assert plan.options == OPTIONS
    # ...and are gone when the owner confirms.
    delete_group(iam)
    events: list[ProgressEvent] = []
    applied = runner.apply_step(step, acct, plan, events.append)

    lines = [str(event) for event in events] + list(applied.outcome.done)
    assert not any("already in place" in line for line in lines), lines
    assert any("re-planning" in line and "NoSuchEntity" in line for line in lines), lines
    assert [c.action for c in applied.plan.changes] == [
        "iam:CreateGroup",
        "iam:AttachGroupPolicy",
        "iam:AddUserToGroup",
        "iam:CreateLoginProfile",
    ]
    members = iam.get_group(GroupName="Administrators")["Users"]
    assert [m["UserName"] for m in members] == ["admin"]
    # In place: only the admin's own MFA registration is left (PASS except MFA).
    assert applied.check is not None and applied.check.status is Status.FAIL
    assert applied.check.waiting_on and "MFA" in applied.check.summary
    assert applied.outcome.reveal["user"] == "admin"


def test_a_target_that_vanishes_again_stops_with_a_clear_error(account):
    acct = account("fresh")
    iam = acct.client("iam")
    iam.create_group(GroupName="Administrators")
    plan = step.plan(acct, OPTIONS)
    delete_group(iam)
    adds: list[int] = []

    def sabotage(event: ProgressEvent) -> None:
        # Someone deletes the group again just before each membership call.
        if event.phase is Phase.STARTED and event.label.startswith("iam:AddUserToGroup"):
            adds.append(1)
            delete_group(iam)

    with pytest.raises(runner.TargetStillGone) as stopped:
        runner.apply_step(step, acct, plan, sabotage)
    assert "vanished again" in str(stopped.value)
    # The first try stopped at AttachGroupPolicy; the new plan's membership met the second
    # deletion, and the runner did not re-plan a second time.
    assert len(adds) == 1
    assert "iam:AddUserToGroup" in str(stopped.value)


def test_a_removal_whose_target_is_gone_is_done(account):
    acct = account("partial")
    iam = acct.client("iam")
    key = iam.create_access_key(UserName="admin")["AccessKey"]["AccessKeyId"]
    plan = step.plan(acct, OPTIONS)
    assert [c.action for c in plan.changes] == ["iam:DeleteAccessKey"]
    iam.delete_access_key(UserName="admin", AccessKeyId=key)  # deleted meanwhile
    events: list[ProgressEvent] = []
    applied = runner.apply_step(step, acct, plan, events.append)
    assert [(e.phase, e.detail) for e in events if e.phase is Phase.ALREADY] == [
        (Phase.ALREADY, "already gone (NoSuchEntity)")
    ]
    assert applied.outcome.done == ()
