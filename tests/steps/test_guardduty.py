"""The guardduty step against the sandbox: every enabled Region read, judged, repaired.

Followed: GuardDuty API Reference, "ListDetectors", "GetDetector" (``Status`` ENABLED or
DISABLED), "CreateDetector" ("You can have only one detector per account per Region"),
"UpdateDetector"; AWS Security Hub User Guide, GuardDuty.1; Amazon GuardDuty pricing.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from aws_setup_wizard import assets
from aws_setup_wizard.account import Account
from aws_setup_wizard.model import Phase, Status
from aws_setup_wizard.sandbox.ec2_layer import DEFAULT_REGIONS
from aws_setup_wizard.steps.guardduty import GuardDutyStep
from tests.drift.runner import count_writes
from tests.guardrails import apply_journaled, lose_every_answer, no_waiting, powerless_user, writes
from tests.sandbox_accounts import account_on, console_clients, journaled

STEP = GuardDutyStep()
CREATE, RESUME = "guardduty:CreateDetector", "guardduty:UpdateDetector"
ALL = sorted(DEFAULT_REGIONS)


def regions_read(account: Account, operation: str) -> Counter[str]:
    """How many times ``operation`` is sent in each Region from now on."""
    seen: Counter[str] = Counter()
    lock = threading.Lock()

    def before_call(request_signer: Any, **_: Any) -> None:
        with lock:
            seen[request_signer.region_name] += 1

    account.on_every_client(f"before-call.guardduty.{operation}", before_call)
    return seen


def detectors_in(account: Account, region: str) -> list[dict[str, Any]]:
    """Every detector in ``region`` with its status, read as an owner would."""
    client = account.client("guardduty", region)
    return [
        {"id": d, "status": client.get_detector(DetectorId=d)["Status"]}
        for d in client.list_detectors()["DetectorIds"]
    ]


def powerless_user_again(box: Any) -> Account:
    """A second key of ``nobody`` (a new Account: enabled Regions are cached per account)."""
    key = console_clients(box)("iam").create_access_key(UserName="nobody")["AccessKey"]
    return journaled(
        Account.from_settings(
            region=box.region,
            endpoint_url=box.endpoint_url,
            credentials=(key["AccessKeyId"], key["SecretAccessKey"], None),
        )
    )


def suspend(account: Account, region: str) -> str:
    client = account.client("guardduty", region)
    detector_id = str(client.list_detectors()["DetectorIds"][0])
    client.update_detector(DetectorId=detector_id, Enable=False)
    return detector_id


def test_a_new_account_fails_in_every_region_and_is_turned_on_in_each(
    sandbox: Any, tmp_path: Path
) -> None:
    account = account_on(sandbox("fresh"))
    check = STEP.check(account)
    assert check.status is Status.FAIL
    assert "not in place in 17 Regions" in check.summary
    assert "no detector in " + ", ".join(ALL) in check.summary
    assert check.evidence["failing_regions"] == ALL

    plan = STEP.plan(account, {})
    assert [c.action for c in plan.changes] == [CREATE] * 17
    assert [c.call.region for c in plan.changes if c.call] == ALL
    assert all(dict(c.call.params) == {"Enable": True} for c in plan.changes if c.call)
    notes = " ".join(plan.notes)
    assert "30-day free trial" in notes and "https://aws.amazon.com/guardduty/pricing/" in notes

    path = tmp_path / "journal.jsonl"
    applied, _ = apply_journaled(STEP, account, path)
    assert applied.check is not None and applied.check.status is Status.PASS
    assert writes(path, CREATE).count((CREATE, "ok")) == 17
    assert all(d["status"] == "ENABLED" for r in ALL for d in detectors_in(account, r))
    assert any("GuardDuty turned on in eu-west-1: detector " in d for d in applied.outcome.done)

    again, _ = apply_journaled(STEP, account, path)
    assert again.plan.empty and again.outcome.done == ()
    assert writes(path, CREATE).count((CREATE, "ok")) == 17


@pytest.mark.parametrize("scenario", ["fresh", "drifted", "done"])
def test_the_check_is_read_only(sandbox: Any, scenario: str) -> None:
    box = sandbox(scenario)
    for credentials in ("console", "root") if box.root_access_key else ("console",):
        account = account_on(box, credentials)
        sent = count_writes(account)
        assert STEP.check(account).summary
        assert sent == [], f"the check wrote {sent}"


def test_the_done_scenario_passes_and_plans_nothing(sandbox: Any) -> None:
    account = account_on(sandbox("done"))
    check = STEP.check(account)
    assert check.status is Status.PASS, check.summary
    assert sorted(check.evidence["regions"]) == ALL
    assert STEP.plan(account, {}).empty


def test_each_region_is_read_once_and_a_disabled_opt_in_region_never(sandbox: Any) -> None:
    account = account_on(sandbox("done"))
    listed = regions_read(account, "ListDetectors")
    got = regions_read(account, "GetDetector")
    assert STEP.check(account).passed
    assert listed == Counter(dict.fromkeys(ALL, 1))
    assert got == Counter(dict.fromkeys(ALL, 1))
    assert "af-south-1" not in listed and "me-south-1" not in listed


def test_an_opted_in_region_is_read_and_repaired_there(sandbox: Any, tmp_path: Path) -> None:
    box = sandbox("done")
    box.root.enable_region("af-south-1")
    account = account_on(box)
    check = STEP.check(account)
    assert check.status is Status.FAIL
    assert "not in place in 1 Region: no detector in af-south-1." in check.summary
    plan = STEP.plan(account, {})
    assert [(c.action, c.call.region) for c in plan.changes if c.call] == [(CREATE, "af-south-1")]
    applied, _ = apply_journaled(STEP, account, tmp_path / "journal.jsonl")
    assert applied.check is not None and applied.check.passed
    assert len(applied.check.evidence["regions"]) == 18


def test_a_suspended_detector_is_named_and_resumed_not_recreated(
    sandbox: Any, tmp_path: Path
) -> None:
    account = account_on(sandbox("done"))
    detector_id = suspend(account, "sa-east-1")
    check = STEP.check(account)
    assert check.status is Status.FAIL
    assert "detector suspended in sa-east-1" in check.summary
    region = check.evidence["regions"]["sa-east-1"]
    assert region["evidence"]["detectors"] == [{"id": detector_id, "status": "DISABLED"}]
    plan = STEP.plan(account, {})
    (change,) = plan.changes
    assert change.call is not None and change.call.region == "sa-east-1"
    assert (change.action, dict(change.call.params)) == (
        RESUME,
        {"DetectorId": detector_id, "Enable": True},
    )
    applied, _ = apply_journaled(STEP, account, tmp_path / "journal.jsonl")
    assert applied.check is not None and applied.check.passed
    assert detectors_in(account, "sa-east-1") == [{"id": detector_id, "status": "ENABLED"}]


def test_a_region_that_answers_an_error_is_unknown_naming_it(sandbox: Any) -> None:
    account = account_on(sandbox("done"))

    def refuse(**_: Any) -> None:
        raise ClientError(
            {"Error": {"Code": "AccessDeniedException", "Message": "explicit deny in an SCP"}},
            "ListDetectors",
        )

    account.client("guardduty", "ap-northeast-3").meta.events.register(
        "before-call.guardduty.ListDetectors", refuse
    )
    check = STEP.check(account)
    assert check.status is Status.UNKNOWN
    assert "Could not read GuardDuty threat detection in 1 Region: ap-northeast-3" in check.summary
    assert "AWS denied ListDetectors" in check.summary
    assert check.evidence["unknown_regions"] == ["ap-northeast-3"]
    assert check.evidence["regions"]["eu-west-1"]["status"] == "pass"
    with pytest.raises(Exception, match="Cannot plan this step"):
        STEP.plan(account, {})


def test_an_unreadable_region_beside_a_failing_one_is_left_alone_and_said(sandbox: Any) -> None:
    account = account_on(sandbox("done"))
    suspend(account, "eu-west-3")

    def refuse(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow"}}, "x")

    account.client("guardduty", "us-west-1").meta.events.register(
        "before-call.guardduty.GetDetector", refuse
    )
    check = STEP.check(account)
    assert check.status is Status.FAIL
    assert check.summary.endswith(
        "not in place in 1 Region: detector suspended in eu-west-3; could not read 1 Region: "
        "us-west-1."
    ), check.summary
    plan = STEP.plan(account, {})
    assert [c.call.region for c in plan.changes if c.call] == ["eu-west-3"]
    assert any(note.startswith("Not changed: us-west-1") for note in plan.notes)


def test_access_denied_is_unknown_never_pass(sandbox: Any) -> None:
    """Without ec2:DescribeRegions no Region can be listed; with it, no Region can be read."""
    box = sandbox("done")
    nobody = powerless_user(box)
    check = STEP.check(nobody)
    assert check.status is Status.UNKNOWN
    assert "Could not read the account's enabled Regions" in check.summary
    assert "DescribeRegions" in check.summary, check.summary

    console_clients(box)("iam").put_user_policy(
        UserName="nobody",
        PolicyName="regions-only",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "ec2:DescribeRegions", "Resource": "*"}
                ],
            }
        ),
    )
    check = STEP.check(powerless_user_again(box))
    assert check.status is Status.UNKNOWN
    assert "Could not read GuardDuty threat detection in 17 Regions" in check.summary
    assert "the permission guardduty:ListDetectors" in check.summary, check.summary


def test_a_lost_create_answer_is_settled_by_reading_never_sent_twice(
    sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GuardDuty made the detector; the answer never came back. The dispatcher does not send
    CreateDetector again (AWS would refuse it, or worse): it reads the Region and finds it."""
    no_waiting(monkeypatch)
    box = sandbox("done")
    account = account_on(box)
    client = account.client("guardduty", "eu-central-1")
    client.delete_detector(DetectorId=client.list_detectors()["DetectorIds"][0])
    sent = lose_every_answer(account, "guardduty.CreateDetector")
    path = tmp_path / "journal.jsonl"
    applied, events = apply_journaled(STEP, account, path)
    assert len(sent) == 1, "CreateDetector must go out exactly once"
    assert applied.check is not None and applied.check.passed
    assert writes(path, CREATE)[-1] == (CREATE, "ok (made; its answer was lost)")
    assert any(e.phase is Phase.DONE and "answer was lost" in e.detail for e in events)
    assert len(detectors_in(account, "eu-central-1")) == 1


def test_a_detector_made_since_the_plan_counts_as_done(sandbox: Any, tmp_path: Path) -> None:
    """Another run turned GuardDuty on between plan and apply: AWS refuses the second create,
    and the step settles it by reading the enabled detector that is there."""
    from aws_setup_wizard import journal
    from aws_setup_wizard.writes import writing

    box = sandbox("done")
    account = account_on(box)
    client = account.client("guardduty", "us-east-2")
    client.delete_detector(DetectorId=client.list_detectors()["DetectorIds"][0])
    plan = STEP.plan(account, {})
    made = client.create_detector(Enable=True)["DetectorId"]
    events: list[Any] = []
    with writing(account, "apply guardduty", journal=journal.Journal(tmp_path / "j.jsonl")):
        outcome = STEP.apply(account, plan, events.append)
    assert outcome.done == ()
    assert any(e.phase is Phase.ALREADY and made in e.detail for e in events)
    assert detectors_in(account, "us-east-2") == [{"id": made, "status": "ENABLED"}]


def test_why_text_names_the_controls_the_cost_and_the_effects() -> None:
    why = assets.read_text("why/guardduty.md")
    for words in ("ACCT.11", "GuardDuty.1", "30-day free trial", "not free", "suspended"):
        assert words in why, words
    assert "https://aws.amazon.com/guardduty/pricing/" in why


def test_a_lost_resume_answer_is_read_back(
    sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """UpdateDetector is an overwrite (safe to repeat); when no answer ever comes back, the
    step reads the detector's status instead of guessing."""
    no_waiting(monkeypatch)
    account = account_on(sandbox("done"))
    detector_id = suspend(account, "ca-central-1")
    sent = lose_every_answer(account, "guardduty.UpdateDetector")
    path = tmp_path / "journal.jsonl"
    applied, _ = apply_journaled(STEP, account, path)
    assert sent, "the change was never sent"
    assert applied.check is not None and applied.check.passed
    assert writes(path, RESUME)[-1] == (RESUME, "ok (made; its answer was lost)")
    assert detectors_in(account, "ca-central-1") == [{"id": detector_id, "status": "ENABLED"}]
