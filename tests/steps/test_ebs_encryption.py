"""The ebs-encryption step against the sandbox: every enabled Region read, judged, repaired.

Followed: Amazon EC2 API Reference, "GetEbsEncryptionByDefault", "EnableEbsEncryptionByDefault",
"GetEbsDefaultKmsKeyId" (per account, per Region); Amazon EBS User Guide, "Enable Amazon EBS
encryption by default" (a Region-specific setting); AWS Account Management Reference Guide,
"Enable or disable AWS Regions in your account" (a disabled Region is not the account's to use).
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from aws_setup_wizard import assets
from aws_setup_wizard.account import Account
from aws_setup_wizard.errors import WizardError
from aws_setup_wizard.model import Status
from aws_setup_wizard.sandbox.ec2_layer import DEFAULT_REGIONS
from aws_setup_wizard.steps.ebs_encryption import AWS_MANAGED_KEY, EbsEncryptionStep
from tests.drift.runner import count_writes
from tests.guardrails import (
    apply_journaled,
    lose_every_answer,
    no_waiting,
    powerless_user,
    writes,
)
from tests.sandbox_accounts import account_on, console_clients

STEP = EbsEncryptionStep()
ACTION = "ec2:EnableEbsEncryptionByDefault"
EVERY_REGION = sorted(DEFAULT_REGIONS)


def turn_off(account: Account, *regions: str) -> None:
    for region in regions:
        account.client("ec2", region).disable_ebs_encryption_by_default()


def refuse_in(account: Account, region: str, code: str = "UnauthorizedOperation") -> None:
    """``GetEbsEncryptionByDefault`` fails in one Region only, as a Region-scoped Deny would."""

    def deny(**_: object) -> None:
        raise ClientError(
            {"Error": {"Code": code, "Message": "not here"}}, "GetEbsEncryptionByDefault"
        )

    account.client("ec2", region).meta.events.register(
        "before-call.ec2.GetEbsEncryptionByDefault", deny
    )


def regions_read(account: Account) -> list[str]:
    """The Region of every GetEbsEncryptionByDefault sent from now on (from its signature)."""
    seen: list[str] = []
    lock = threading.Lock()

    def before_send(request: Any, **_: Any) -> None:
        header = request.headers["Authorization"]
        text = header.decode() if isinstance(header, bytes) else str(header)
        scope = re.search(r"Credential=[^/]+/\d+/([a-z0-9-]+)/ec2/", text)
        assert scope is not None, text
        with lock:
            seen.append(scope.group(1))

    account.on_every_client("before-send.ec2.GetEbsEncryptionByDefault", before_send)
    return seen


def test_a_new_account_fails_in_every_region_and_one_change_per_region_repairs_it(
    sandbox: Any, tmp_path: Path
) -> None:
    account = account_on(sandbox("fresh"))
    check = STEP.check(account)
    assert check.status is Status.FAIL
    assert "17 Regions" in check.summary and "unencrypted" in check.summary
    assert check.evidence["failing_regions"] == EVERY_REGION

    plan = STEP.plan(account, {})
    assert [c.call.region for c in plan.changes if c.call] == EVERY_REGION
    assert {c.action for c in plan.changes} == {ACTION}
    assert all(AWS_MANAGED_KEY in c.why for c in plan.changes)
    notes = " ".join(plan.notes)
    assert "existing unencrypted volumes" in notes and "Costs nothing" in notes
    assert "17 Region(s)" in STEP.confirmation_notes(account, plan)[0]

    path = tmp_path / "journal.jsonl"
    applied, _ = apply_journaled(STEP, account, path)
    assert applied.check is not None and applied.check.status is Status.PASS, applied.check
    assert writes(path, ACTION).count((ACTION, "ok")) == 17
    for region in EVERY_REGION:
        answer = account.client("ec2", region).get_ebs_encryption_by_default()
        assert answer["EbsEncryptionByDefault"] is True, region

    again, _ = apply_journaled(STEP, account, path)
    assert again.plan.empty and again.outcome.done == ()
    assert writes(path, ACTION).count((ACTION, "ok")) == 17


def test_the_done_scenario_passes_with_each_regions_default_key_as_evidence(sandbox: Any) -> None:
    account = account_on(sandbox("done"))
    check = STEP.check(account)
    assert check.status is Status.PASS, check.summary
    assert check.evidence["default_kms_keys"] == {r: AWS_MANAGED_KEY for r in EVERY_REGION}
    region = check.evidence["regions"]["eu-west-2"]
    assert region["evidence"]["key_kind"] == "AWS managed"
    assert STEP.plan(account, {}).empty


def test_one_region_turned_off_is_named_and_planned_alone(sandbox: Any) -> None:
    account = account_on(sandbox("done"))
    turn_off(account, "eu-west-2")
    check = STEP.check(account)
    assert check.status is Status.FAIL
    assert "1 Region: eu-west-2" in check.summary
    plan = STEP.plan(account, {})
    assert [(c.action, c.call.region) for c in plan.changes if c.call] == [(ACTION, "eu-west-2")]


def test_a_customer_default_key_is_reported_and_warned_about(sandbox: Any) -> None:
    account = account_on(sandbox("done"))
    key = account.client("kms", "eu-west-2").create_key()["KeyMetadata"]["Arn"]
    account.client("ec2", "eu-west-2").modify_ebs_default_kms_key_id(KmsKeyId=key)
    passing = STEP.check(account)
    assert passing.passed
    assert passing.evidence["default_kms_keys"]["eu-west-2"] == key
    assert f"{key}, customer managed" in passing.evidence["regions"]["eu-west-2"]["summary"]

    turn_off(account, "eu-west-2")
    plan = STEP.plan(account, {})
    assert key in plan.changes[0].why
    assert any("customer managed default key" in note for note in plan.notes)


def test_an_unreadable_default_key_is_said_but_the_verdict_rests_on_the_flag(sandbox: Any) -> None:
    account = account_on(sandbox("done"))

    def deny(**_: object) -> None:
        raise ClientError(
            {"Error": {"Code": "UnauthorizedOperation", "Message": "no"}}, "GetEbsDefaultKmsKeyId"
        )

    for region in ("eu-west-1", "eu-west-2"):
        account.client("ec2", region).meta.events.register(
            "before-call.ec2.GetEbsDefaultKmsKeyId", deny
        )
    check = STEP.check(account)
    assert check.passed, check.summary
    region = check.evidence["regions"]["eu-west-1"]
    assert "denied" in region["evidence"]["default_kms_key_error"]
    assert "eu-west-1" not in check.evidence["default_kms_keys"]

    turn_off(account, "eu-west-2")
    plan = STEP.plan(account, {})
    assert "default key (not readable: AWS denied" in plan.changes[0].why


def test_a_region_that_answers_an_error_is_unknown_naming_it_never_pass(sandbox: Any) -> None:
    account = account_on(sandbox("done"))
    refuse_in(account, "ap-south-1")
    check = STEP.check(account)
    assert check.status is Status.UNKNOWN
    assert (
        "1 Region: ap-south-1" in check.summary
        and "AWS denied GetEbsEncryptionByDefault" in check.summary
    )
    assert check.evidence["unknown_regions"] == ["ap-south-1"]
    with pytest.raises(WizardError):
        STEP.plan(account, {})


def test_a_region_scoped_deny_makes_that_region_unknown_over_real_http(sandbox: Any) -> None:
    """A user allowed the reads everywhere but in ap-south-1 (IAM User Guide, "AWS global
    condition context keys", ``aws:RequestedRegion``): the sandbox refuses there as EC2 does."""
    box = sandbox("done")
    user = powerless_user(box)
    console_clients(box)("iam").put_user_policy(
        UserName="nobody",
        PolicyName="ebs-reads-not-in-ap-south-1",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": ["ec2:DescribeRegions", "ec2:GetEbs*"],
                        "Resource": "*",
                    },
                    {
                        "Effect": "Deny",
                        "Action": "ec2:*",
                        "Resource": "*",
                        "Condition": {"StringEquals": {"aws:RequestedRegion": "ap-south-1"}},
                    },
                ],
            }
        ),
    )
    check = STEP.check(user)
    assert check.status is Status.UNKNOWN, check.summary
    assert "in 1 Region: ap-south-1" in check.summary
    assert "AWS denied" in check.summary and "Deny" in check.summary
    assert check.evidence["unknown_regions"] == ["ap-south-1"]


def test_an_unreadable_region_beside_a_failing_one_plans_only_what_it_read(sandbox: Any) -> None:
    account = account_on(sandbox("done"))
    turn_off(account, "eu-west-2")
    refuse_in(account, "ap-south-1", "RequestLimitExceeded")
    check = STEP.check(account)
    assert check.status is Status.FAIL
    assert "eu-west-2" in check.summary and "could not read 1 Region: ap-south-1" in check.summary
    plan = STEP.plan(account, {})
    assert [c.call.region for c in plan.changes if c.call] == ["eu-west-2"]
    assert any("ap-south-1" in note for note in plan.notes)


def test_a_disabled_opt_in_region_is_never_read_and_an_opted_in_one_is(sandbox: Any) -> None:
    box = sandbox("done")
    account = account_on(box)
    seen = regions_read(account)
    assert STEP.check(account).passed
    assert sorted(seen) == EVERY_REGION  # each enabled Region once, no opt-in Region

    box.root.enable_region("af-south-1")  # opted in after the scenario was seeded
    later = account_on(box)
    seen = regions_read(later)
    check = STEP.check(later)
    assert check.status is Status.FAIL and "1 Region: af-south-1" in check.summary
    assert sorted(seen) == sorted([*EVERY_REGION, "af-south-1"])


def test_no_permission_to_list_regions_is_unknown(sandbox: Any) -> None:
    check = STEP.check(powerless_user(sandbox("done")))
    assert check.status is Status.UNKNOWN
    assert "enabled Regions" in check.summary and "denied" in check.summary.lower()


def test_a_lost_answer_is_settled_by_reading_the_flag_back(
    sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_waiting(monkeypatch)
    account = account_on(sandbox("done"))
    turn_off(account, "eu-west-2")
    sent = lose_every_answer(account, "ec2.EnableEbsEncryptionByDefault")
    path = tmp_path / "journal.jsonl"
    applied, _ = apply_journaled(STEP, account, path)
    assert sent, "the change was never sent"
    assert applied.check is not None and applied.check.passed
    assert writes(path, ACTION)[-1] == (ACTION, "ok (made; its answer was lost)")
    answer = account.client("ec2", "eu-west-2").get_ebs_encryption_by_default()
    assert answer["EbsEncryptionByDefault"] is True


@pytest.mark.parametrize("scenario", ["fresh", "drifted", "done"])
def test_check_is_read_only_for_root_and_the_console(scenario: str, sandbox: Any) -> None:
    """The contract test's read-only case (tests/steps/test_contract.py parametrizes over the
    registry, which this step is not in yet)."""
    box = sandbox(scenario)
    for credentials in ("console", "root") if box.root_access_key else ("console",):
        account = account_on(box, credentials)
        sent = count_writes(account)
        assert STEP.check(account).summary
        assert sent == [], f"check wrote {sent}"


def test_why_text_names_the_controls_the_effects_and_the_cost() -> None:
    why = assets.read_text("why/ebs-encryption.md")
    for words in ("EC2.7", "5.1.1", "WKLD.08", "alias/aws/ebs", "Existing unencrypted", "free"):
        assert words in why, words
