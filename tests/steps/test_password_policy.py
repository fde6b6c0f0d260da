"""The password-policy step against the sandbox: check, plan, apply, re-check, re-runs, faults.

Followed: IAM User Guide, "Set an account password policy for IAM users"; IAM API Reference,
"GetAccountPasswordPolicy" (``NoSuchEntity`` when none is set) and "UpdateAccountPasswordPolicy"
(replaces the whole policy; parameters left out take their defaults).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from aws_setup_wizard import assets, journal
from aws_setup_wizard.model import Phase, Status, no_progress
from aws_setup_wizard.runner import apply_step
from aws_setup_wizard.steps.password_policy import PasswordPolicyStep, desired_params
from aws_setup_wizard.writes import writing
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

STEP = PasswordPolicyStep()
ACTION = "iam:UpdateAccountPasswordPolicy"


def policy_of(box: Any) -> dict[str, Any]:
    """The policy as an owner reads it in CloudShell."""
    return dict(console_clients(box)("iam").get_account_password_policy()["PasswordPolicy"])


def set_policy(box: Any, **settings: Any) -> None:
    console_clients(box)("iam").update_account_password_policy(**settings)


def test_no_policy_fails_naming_the_cause_and_applies_once(sandbox: Any, tmp_path: Path) -> None:
    box = sandbox("fresh")
    account = account_on(box)
    check = STEP.check(account)
    assert check.status is Status.FAIL
    assert "no password policy" in check.summary
    assert check.evidence["password_policy"] is None

    plan = STEP.plan(account, {})
    assert [c.action for c in plan.changes] == [ACTION]
    assert dict(plan.changes[0].call.params) == {  # type: ignore[union-attr]
        "MinimumPasswordLength": 14,
        "PasswordReusePrevention": 24,
        "AllowUsersToChangePassword": True,
    }
    notes = " ".join(plan.notes)
    assert "next time each user sets or changes a password" in notes
    assert "Costs nothing" in notes

    path = tmp_path / "journal.jsonl"
    applied, _ = apply_journaled(STEP, account, path)
    assert applied.check is not None and applied.check.status is Status.PASS
    assert writes(path, ACTION) == [(ACTION, "started"), (ACTION, "ok")]
    got = policy_of(box)
    assert (got["MinimumPasswordLength"], got["PasswordReusePrevention"]) == (14, 24)

    # A second apply changes nothing: the plan is empty, and no write is sent.
    assert STEP.plan(account, {}).empty
    again, _ = apply_journaled(STEP, account, path)
    assert again.plan.empty and again.outcome.done == ()
    assert writes(path, ACTION) == [(ACTION, "started"), (ACTION, "ok")]


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"MinimumPasswordLength": 8, "PasswordReusePrevention": 24}, "minimum length is 8"),
        ({"MinimumPasswordLength": 14}, "reuse is allowed"),
        (
            {"MinimumPasswordLength": 14, "PasswordReusePrevention": 5},
            "only the last 5 passwords are blocked",
        ),
    ],
)
def test_each_broken_rule_is_named(sandbox: Any, settings: dict[str, Any], named: str) -> None:
    box = sandbox("fresh")
    set_policy(box, **settings)
    check = STEP.check(account_on(box))
    assert check.status is Status.FAIL
    assert named in check.summary, check.summary


def test_both_rules_broken_are_both_named(sandbox: Any) -> None:
    box = sandbox("fresh")
    set_policy(box, MinimumPasswordLength=10)
    summary = STEP.check(account_on(box)).summary
    assert "minimum length is 10, below 14 (IAM.15)" in summary
    assert "reuse is allowed; 24 are needed (IAM.16)" in summary


def test_the_done_scenario_passes_and_plans_nothing(sandbox: Any) -> None:
    account = account_on(sandbox("done"))
    check = STEP.check(account)
    assert check.status is Status.PASS, check.summary
    assert "14 characters" in check.summary
    assert STEP.plan(account, {}).empty


def test_the_plan_carries_every_stricter_setting_over(sandbox: Any, tmp_path: Path) -> None:
    """The call replaces the whole policy: what the account has survives, only minimums rise."""
    box = sandbox("fresh")
    stricter = {
        "RequireSymbols": True,
        "RequireNumbers": True,
        "RequireUppercaseCharacters": True,
        "RequireLowercaseCharacters": True,
        "AllowUsersToChangePassword": False,
        "MaxPasswordAge": 60,
        "HardExpiry": True,
    }
    set_policy(box, MinimumPasswordLength=9, PasswordReusePrevention=3, **stricter)
    account = account_on(box)
    plan = STEP.plan(account, {})
    params = dict(plan.changes[0].call.params)  # type: ignore[union-attr]
    assert params == {**stricter, "MinimumPasswordLength": 14, "PasswordReusePrevention": 24}
    assert any("60 days" in note and "at once" in note for note in plan.notes)

    apply_journaled(STEP, account, tmp_path / "journal.jsonl")
    got = policy_of(box)
    assert {key: got[key] for key in stricter} == stricter
    assert (got["MinimumPasswordLength"], got["PasswordReusePrevention"]) == (14, 24)
    assert got["ExpirePasswords"] is True


def test_a_longer_minimum_is_kept_and_no_expiry_is_added(sandbox: Any) -> None:
    box = sandbox("fresh")
    set_policy(box, MinimumPasswordLength=30)
    params = dict(STEP.plan(account_on(box), {}).changes[0].call.params)  # type: ignore[union-attr]
    assert params["MinimumPasswordLength"] == 30
    assert "MaxPasswordAge" not in params  # 0 is outside IAM's range: "no expiry" is an omission


def test_a_setting_made_stricter_after_the_plan_is_not_reverted(
    sandbox: Any, tmp_path: Path
) -> None:
    """Between plan and apply someone requires symbols: the replacement keeps that too."""
    box = sandbox("fresh")
    set_policy(box, MinimumPasswordLength=8)
    account = account_on(box)
    plan = STEP.plan(account, {})
    set_policy(box, MinimumPasswordLength=8, RequireSymbols=True, MaxPasswordAge=30)
    with writing(account, "apply", journal=journal.Journal(tmp_path / "j.jsonl")):
        applied = apply_step(STEP, account, plan, no_progress)
    assert applied.check is not None and applied.check.passed
    got = policy_of(box)
    assert got["RequireSymbols"] is True
    assert got["MaxPasswordAge"] == 30


def test_access_denied_is_unknown_never_pass(sandbox: Any) -> None:
    # Not from "done": AllowUsersToChangePassword lets every IAM user read the policy (IAM
    # User Guide, "Set an account password policy"), and the sandbox grants that as AWS does.
    box = sandbox("fresh")
    set_policy(box, MinimumPasswordLength=14, PasswordReusePrevention=24)
    check = STEP.check(powerless_user(box))
    assert check.status is Status.UNKNOWN
    assert "password policy" in check.summary
    assert "denied" in check.summary.lower(), check.summary


def test_an_unreachable_endpoint_is_unknown(sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    no_waiting(monkeypatch)
    account = account_on(sandbox("done"))
    fail_reads(account, "iam.GetAccountPasswordPolicy")
    check = STEP.check(account)
    assert check.status is Status.UNKNOWN
    assert "Could not read the account password policy" in check.summary


def test_a_lost_answer_is_settled_by_reading(
    sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """IAM made the change each time; no answer came back. The dispatcher reads the policy
    back, finds it in place, and journals the write as done."""
    no_waiting(monkeypatch)
    box = sandbox("fresh")
    account = account_on(box)
    sent = lose_every_answer(account, "iam.UpdateAccountPasswordPolicy")
    path = tmp_path / "journal.jsonl"
    applied, events = apply_journaled(STEP, account, path)
    assert sent, "the change was never sent"
    assert applied.check is not None and applied.check.status is Status.PASS
    records = writes(path, ACTION)
    assert records[-1] == (ACTION, "ok (made; its answer was lost)"), records
    assert any(e.phase is Phase.DONE and "answer was lost" in e.detail for e in events)


def test_a_change_that_never_arrived_is_read_then_sent_again(
    sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every botocore attempt dropped before reaching IAM: the read finds nothing changed, and
    the overwrite is sent once more (safe: it replaces, it creates nothing)."""
    no_waiting(monkeypatch)
    box = sandbox("fresh")
    account = account_on(box)
    sent = drop_first_sends(account, "iam.UpdateAccountPasswordPolicy", 3)
    path = tmp_path / "journal.jsonl"
    applied, _ = apply_journaled(STEP, account, path)
    assert len(sent) == 4  # botocore's three attempts, then the dispatcher's one after reading
    assert applied.check is not None and applied.check.status is Status.PASS
    assert writes(path, ACTION)[-1] == (ACTION, "ok")


def test_desired_params_without_a_policy_and_why_text() -> None:
    assert desired_params(None)["MinimumPasswordLength"] == 14
    why = assets.read_text("why/password-policy.md")
    for words in ("IAM.15", "IAM.16", "1.7", "1.8", "ACCT.06", "free", "next time"):
        assert words in why, words


def test_a_policy_already_in_place_at_apply_time_is_not_sent_again(
    sandbox: Any, tmp_path: Path
) -> None:
    """An interrupted run (or the owner) set exactly the planned policy before this apply: the
    dispatcher's prepare hook reads it and sends nothing."""
    box = sandbox("fresh")
    account = account_on(box)
    plan = STEP.plan(account, {})
    set_policy(box, **plan.changes[0].call.params)  # type: ignore[union-attr]
    events: list[Any] = []
    path = tmp_path / "journal.jsonl"
    with writing(account, "apply", journal=journal.Journal(path)):
        applied = apply_step(STEP, account, plan, events.append)
    assert applied.check is not None and applied.check.passed
    assert writes(path, ACTION) == []
    assert [e.phase for e in events if e.label.startswith(ACTION)] == [Phase.ALREADY]
