"""The engine under the sandbox's realistic mode: IAM reads lag writes, CloudTrail refuses a
bucket whose policy just changed. Each read-after-write spot polls instead of trusting one read.
"""

from __future__ import annotations

import time
from typing import Any

import pyotp

from aws_setup_wizard import dispatch, journal, runner
from aws_setup_wizard.model import Phase, ProgressEvent, Status
from aws_setup_wizard.sandbox import Realism
from aws_setup_wizard.steps.admin_user import AdminUserStep, begin_user_mfa, complete_user_mfa
from aws_setup_wizard.steps.cloudtrail import CloudTrailStep
from aws_setup_wizard.steps.cloudtrail.planning import POLICY_NOT_SEEN_YET
from tests.safety.test_exactly_once import lose_first_answer

ADMIN = AdminUserStep()
TRAIL = CloudTrailStep()
ADMIN_OPTIONS = {"admin_user": "admin", "admin_group": "Administrators"}


def test_create_trail_waits_out_the_bucket_policy_race_and_says_why(
    account: Any, realistic: Realism
) -> None:
    acct = account("fresh")
    plan = TRAIL.plan(acct, {})
    create = next(c for c in plan.changes if c.action == "cloudtrail:CreateTrail")
    assert create.retry is POLICY_NOT_SEEN_YET  # the plan writes the bucket's policy first
    events: list[ProgressEvent] = []
    outcome = TRAIL.apply(acct, plan, events.append)
    waits = [e for e in events if e.phase is Phase.WAITING and e.label == create.label]
    assert waits, [str(e) for e in events]
    assert "CloudTrail does not see the new bucket policy yet" in waits[0].detail
    assert "InsufficientS3BucketPolicyException" in waits[0].detail
    assert any("Created multi-Region trail" in line for line in outcome.done)
    assert runner.recheck(TRAIL, acct).passed


def test_a_create_trail_whose_plan_writes_no_policy_is_not_retried(account: Any) -> None:
    acct = account("fresh")
    first = TRAIL.plan(acct, {})
    TRAIL.apply(acct, first, lambda event: None)
    # The trail is gone but its bucket (with CloudTrail's policy) stays: CloudTrail's refusal
    # would then be about the policy itself, so nothing is waited out.
    acct.client("cloudtrail").delete_trail(Name="account-trail")
    again = TRAIL.plan(acct, {})
    create = next(c for c in again.changes if c.action == "cloudtrail:CreateTrail")
    assert not any(c.action == "s3:PutBucketPolicy" for c in again.changes)
    assert create.retry is None


def test_admin_user_recheck_outlasts_the_iam_lag(account: Any, realistic: Realism) -> None:
    acct = account("fresh")
    assert ADMIN.check(acct).status is Status.FAIL  # read before the writes: cached
    plan = ADMIN.plan(acct, ADMIN_OPTIONS)
    ADMIN.apply(acct, plan, lambda event: None)
    assert "No IAM user" in ADMIN.check(acct).summary  # one read right after: stale
    after = runner.recheck(ADMIN, acct)
    assert after.waiting_on and "first sign-in" in after.waiting_on, after.summary


def test_the_mfa_registration_recheck_polls_past_a_stale_waiting_verdict(
    account: Any, realistic: Realism
) -> None:
    acct = account("fresh")
    ADMIN.apply(acct, ADMIN.plan(acct, ADMIN_OPTIONS), lambda event: None)
    assert runner.recheck(ADMIN, acct).waiting_on  # read (and cached) before the MFA writes
    enrollment = begin_user_mfa(acct, "admin")
    totp = pyotp.TOTP(enrollment.secret_base32)
    now = time.time()
    complete_user_mfa(acct, "admin", enrollment, totp.at(now), totp.at(now + 30))
    stale = runner.recheck(ADMIN, acct)  # trusts "waiting on the admin": stale
    assert stale.waiting_on
    assert runner.recheck(ADMIN, acct, done_by_run=True).passed


def test_a_lost_create_is_found_made_although_the_first_read_is_stale(
    account: Any, realistic: Realism
) -> None:
    acct = account("fresh")
    plan = ADMIN.plan(acct, ADMIN_OPTIONS)  # reads GetUser admin: NoSuchEntity, cached
    sent = lose_first_answer(acct, "iam:CreateUser")
    events: list[ProgressEvent] = []
    ADMIN.apply(acct, plan, events.append)
    assert len(sent) == 1  # read patiently, found made: never sent twice
    assert any("its answer was lost" in e.detail for e in events), [str(e) for e in events]


def test_find_made_believes_not_made_only_after_the_back_off(monkeypatch: Any) -> None:
    waits: list[float] = []
    monkeypatch.setattr(dispatch, "sleep", waits.append)
    answers = iter([dispatch.Found(False), dispatch.Found(False), dispatch.Found(True)])

    class Step:
        def find_made(self, *args: Any) -> dispatch.Found:
            return next(answers)

    found = dispatch.find_made_patiently(Step(), None, None, {})  # type: ignore[arg-type]
    assert found is not None and found.made and waits == list(dispatch.FIND_DELAYS[:2])


def test_verify_rechecks_failures_only_right_after_this_machines_writes(
    account: Any, realistic: Realism, tmp_path: Any
) -> None:
    path = tmp_path / "journal.jsonl"
    log = journal.Journal(path)
    log.start_run("apply", "210987654321", "arn:aws:iam::210987654321:root")
    assert not journal.wrote_recently("210987654321", 60, path)
    log.record("write", outcome="ok", action="iam:CreateUser", resource="admin")
    assert journal.wrote_recently("210987654321", 60, path)
    assert not journal.wrote_recently("111111111111", 60, path)
    assert not journal.wrote_recently("210987654321", 0, path)

    acct = account("fresh")
    ADMIN.check(acct)  # cached before the writes
    ADMIN.apply(acct, ADMIN.plan(acct, ADMIN_OPTIONS), lambda event: None)
    steps = [ADMIN]
    plain = runner.verify(acct, steps)
    assert "No IAM user" in plain.results[0].check.summary  # one read: stale
    settled = runner.verify(acct, steps, recheck_failures=lambda _id: runner.EVERY_STEP)
    assert settled.results[0].check.waiting_on
