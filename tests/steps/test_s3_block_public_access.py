"""The s3-block-public-access step against the sandbox: check, plan, apply, re-runs, faults.

Followed: Amazon S3 API Reference, "GetPublicAccessBlock" / "PutPublicAccessBlock" (S3 Control:
``AccountId`` is the caller's own account; ``NoSuchPublicAccessBlockConfiguration`` when none is
set); Amazon S3 User Guide, "Blocking public access to your Amazon S3 storage".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from aws_setup_wizard import assets, journal
from aws_setup_wizard.account import unprefix_loopback_s3control
from aws_setup_wizard.model import Phase, Status
from aws_setup_wizard.steps.s3_block_public_access import ALL_ON, S3BlockPublicAccessStep
from tests.guardrails import (
    apply_journaled,
    drop_first_sends,
    fail_reads,
    lose_every_answer,
    no_waiting,
    powerless_user,
    writes,
)
from tests.sandbox_accounts import account_on, console_clients

STEP = S3BlockPublicAccessStep()
ACTION = "s3control:PutPublicAccessBlock"


def flags_of(box: Any) -> dict[str, bool]:
    """The account's flags as an owner reads them in CloudShell."""
    s3control = console_clients(box)("s3control")
    s3control.meta.events.register("before-sign.s3-control", unprefix_loopback_s3control)
    got = s3control.get_public_access_block(AccountId=box.account_id)
    return dict(got["PublicAccessBlockConfiguration"])


def put_flags(account: Any, **off: bool) -> None:
    account.client("s3control").put_public_access_block(
        AccountId=account.account_id,
        PublicAccessBlockConfiguration={flag: off.get(flag, True) for flag in ALL_ON},
    )


def journal_action(path: Path) -> str:
    """The one action this journal's writes name: the call's own records and the record of a
    read that settled it spell it the same way, as the plan does."""
    names = {r["action"] for r in journal.read(path) if r.get("kind") == "write"}
    assert names == {ACTION}, names
    return ACTION


def test_no_configuration_fails_naming_the_cause_and_applies_once(
    sandbox: Any, tmp_path: Path
) -> None:
    box = sandbox("fresh")
    account = account_on(box)
    check = STEP.check(account)
    assert check.status is Status.FAIL
    assert "NoSuchPublicAccessBlockConfiguration" in check.summary

    plan = STEP.plan(account, {})
    assert [c.action for c in plan.changes] == [ACTION]
    assert dict(plan.changes[0].call.params) == {  # type: ignore[union-attr]
        "AccountId": box.account_id,
        "PublicAccessBlockConfiguration": ALL_ON,
    }
    notes = " ".join(plan.notes)
    assert "static website" in notes and "Costs nothing" in notes

    path = tmp_path / "journal.jsonl"
    applied, _ = apply_journaled(STEP, account, path)
    assert applied.check is not None and applied.check.status is Status.PASS
    action = journal_action(path)
    assert writes(path, action) == [(action, "started"), (action, "ok")]
    assert flags_of(box) == ALL_ON

    again, _ = apply_journaled(STEP, account, path)
    assert again.plan.empty and again.outcome.done == ()
    assert writes(path, action) == [(action, "started"), (action, "ok")]


@pytest.mark.parametrize(
    "off",
    [
        ("RestrictPublicBuckets",),
        ("BlockPublicAcls", "BlockPublicPolicy"),
        ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"),
    ],
)
def test_each_flag_that_is_off_is_named(sandbox: Any, off: tuple[str, ...]) -> None:
    account = account_on(sandbox("done"))
    put_flags(account, **{flag: False for flag in off})
    check = STEP.check(account)
    assert check.status is Status.FAIL
    for flag in ALL_ON:
        assert (f"{flag} is off" in check.summary) == (flag in off), check.summary
    assert check.evidence["off"] == list(off)
    plan = STEP.plan(account, {})
    assert plan.changes[0].call.params["PublicAccessBlockConfiguration"] == ALL_ON  # type: ignore[union-attr]


def test_the_done_scenario_passes_and_plans_nothing(sandbox: Any) -> None:
    account = account_on(sandbox("done"))
    check = STEP.check(account)
    assert check.status is Status.PASS, check.summary
    assert STEP.plan(account, {}).empty


def test_access_denied_is_unknown_never_pass(sandbox: Any) -> None:
    check = STEP.check(powerless_user(sandbox("done")))
    assert check.status is Status.UNKNOWN
    assert "Block Public Access" in check.summary
    assert "denied" in check.summary.lower(), check.summary


def test_an_unreachable_endpoint_is_unknown(sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    no_waiting(monkeypatch)
    account = account_on(sandbox("done"))
    fail_reads(account, "s3-control.GetPublicAccessBlock")
    check = STEP.check(account)
    assert check.status is Status.UNKNOWN
    assert "Could not read the account's S3 Block Public Access settings" in check.summary


def test_a_lost_answer_is_settled_by_reading(
    sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """S3 made the change; the answer never came back. The dispatcher reads the four flags
    back and journals the write as done."""
    no_waiting(monkeypatch)
    box = sandbox("fresh")
    account = account_on(box)
    sent = lose_every_answer(account, "s3-control.PutPublicAccessBlock")
    path = tmp_path / "journal.jsonl"
    applied, events = apply_journaled(STEP, account, path)
    assert sent, "the change was never sent"
    assert applied.check is not None and applied.check.status is Status.PASS
    action = journal_action(path)
    assert writes(path, action)[-1] == (action, "ok (made; its answer was lost)")
    assert any(e.phase is Phase.DONE and "answer was lost" in e.detail for e in events)
    assert flags_of(box) == ALL_ON


def test_a_change_that_never_arrived_is_read_then_sent_again(
    sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_waiting(monkeypatch)
    box = sandbox("fresh")
    account = account_on(box)
    sent = drop_first_sends(account, "s3-control.PutPublicAccessBlock", 3)
    path = tmp_path / "journal.jsonl"
    applied, _ = apply_journaled(STEP, account, path)
    assert len(sent) == 4  # botocore's three attempts, then the dispatcher's one after reading
    assert applied.check is not None and applied.check.status is Status.PASS
    action = journal_action(path)
    assert writes(path, action)[-1] == (action, "ok")


def test_why_text_names_the_controls_the_effects_and_the_cost() -> None:
    why = assets.read_text("why/s3-block-public-access.md")
    for words in ("S3.1", "2.1.4", "ACCT.08", "static website", "free", "stop granting"):
        assert words in why, words
