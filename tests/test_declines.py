"""Declining a step, on the record: kept in the account, seen by every verify, over real HTTP.

A throwaway step (a practice SSM parameter) is registered for these tests only, so that the
``done`` scenario passes everything but it; the real steps (cloudtrail) are declined too.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from typing import Any

import pytest

from aws_setup_wizard import cli, declines, journal, report, runner
from aws_setup_wizard import steps as registry
from aws_setup_wizard.account import Account
from aws_setup_wizard.dialogue import Answer
from aws_setup_wizard.flow import GuidedRun
from aws_setup_wizard.model import Check, Status
from aws_setup_wizard.present import ExitCode
from aws_setup_wizard.sandbox import Sandbox
from aws_setup_wizard.steps.base import Step
from tests.sandbox_accounts import account_on, console_clients, journaled
from tests.test_flow import Scripted
from tests.test_new_step import PracticeParameterStep

PARAMETER = "/practice/declinable"
REASON = "GuardDuty costs more than this hobby account is worth"


class DeclinableStep(PracticeParameterStep):
    """Keeps one SSM parameter set to ``on``: fails in every scenario until applied."""

    id = "practice-declinable"
    title = "Keep the declinable parameter on"
    controls = ("Practice 2",)
    parameter = PARAMETER
    noun = "declinable parameter"

    def why(self) -> str:
        """A short why, in place of an asset."""
        return "# Why\n\nA throwaway step an owner may decline."


@pytest.fixture
def declinable(monkeypatch: pytest.MonkeyPatch) -> Iterator[DeclinableStep]:
    step = DeclinableStep()
    monkeypatch.setattr(registry, "STEPS", (*registry.STEPS, step))
    yield step


def run_cli(*arguments: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli.main(list(arguments))
    return code, out.getvalue(), err.getvalue()


def verify_json(*arguments: str) -> tuple[int, dict[str, Any]]:
    code, out, _ = run_cli("verify", "--json", *arguments)
    return code, json.loads(out)


def by_id(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {step["id"]: step for step in document["steps"]}


def on_the_sandbox(box: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in box.env().items():
        monkeypatch.setenv(name, value)


def user_account(box: Sandbox, name: str, deny: str | None = None) -> Account:
    """An Account signed by a new IAM user with AdministratorAccess (less ``deny``)."""
    iam = console_clients(box)("iam")
    iam.create_user(UserName=name)
    iam.attach_user_policy(UserName=name, PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    if deny is not None:
        statement = {"Effect": "Deny", "Action": deny, "Resource": "*"}
        iam.put_user_policy(
            UserName=name,
            PolicyName="denied",
            PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [statement]}),
        )
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return journaled(
        Account.from_settings(
            region=box.region,
            endpoint_url=box.endpoint_url,
            credentials=(key["AccessKeyId"], key["SecretAccessKey"], None),
        )
    )


def ssm_writes() -> list[tuple[str, str, str]]:
    return [
        (e["action"], e["resource"], e["outcome"])
        for e in journal.read()
        if e.get("kind") == "write" and str(e.get("action", "")).startswith("ssm:")
    ]


def test_decline_verify_strict_second_machine_and_withdraw(declinable, sandbox, monkeypatch):
    box = sandbox("done")
    on_the_sandbox(box, monkeypatch)
    code, document = verify_json()
    assert code == ExitCode.FAIL
    assert by_id(document)[declinable.id]["status"] == "fail"

    code, out, err = run_cli("decline", declinable.id, "--reason", REASON, "--yes")
    assert code == ExitCode.PASS, out + err
    name = declines.parameter_name(declinable.id)
    assert f"ssm:PutParameter {name}" in out
    # The journal has the write, started and confirmed.
    assert [(a, o) for a, r, o in ssm_writes()] == [
        ("ssm:PutParameter", "started"),
        ("ssm:PutParameter", "ok"),
    ]

    code, document = verify_json()
    assert code == ExitCode.PASS  # every other step passes: the declined one does not fail
    mine = by_id(document)[declinable.id]
    assert mine["status"] == "declined"
    assert mine["check_status"] == "fail"  # the real check stays beside the decline
    assert mine["summary"] == "The declinable parameter is not on."
    caller = account_on(box).caller()
    assert mine["declined"]["reason"] == REASON
    assert mine["declined"]["by"] == caller.arn
    assert mine["declined"]["at"].endswith("+00:00")
    assert document["declines"] == {
        "readable": True,
        "unreadable": None,
        "problems": [],
        "steps": [declinable.id],
    }
    assert by_id(document)["cloudtrail"]["status"] == "pass"
    assert "declined" not in by_id(document)["cloudtrail"]

    code, _ = verify_json("--strict")
    assert code == ExitCode.FAIL
    code, text, _ = run_cli("verify")
    assert code == ExitCode.PASS
    assert f"DECLINED Keep the declinable parameter on ({declinable.id})" in text
    assert f"Declined by {caller.arn} at " in text and REASON in text
    assert "Check: The declinable parameter is not on." in text
    assert "steps pass; 1 declined." in text

    # A second machine: another Account, signed by an administrator IAM user, sees it.
    other = user_account(box, "second-machine")
    verification = runner.verify(other)
    result = next(r for r in verification.results if r.step.id == declinable.id)
    assert result.declined and result.decline is not None and result.decline.reason == REASON
    assert verification.exit_code == ExitCode.PASS
    assert verification.exit_code_for(strict=True) == ExitCode.FAIL
    exported = report.to_markdown(verification)
    assert f"| DECLINED | Keep the declinable parameter on (`{declinable.id}`) | Declined by" in (
        exported
    )
    assert "steps pass; 1 declined" in exported

    code, out, err = run_cli("decline", declinable.id, "--withdraw", "--yes")
    assert code == ExitCode.PASS, out + err
    assert f"ssm:DeleteParameter {name}" in out and "(deletes)" in out
    code, document = verify_json()
    assert code == ExitCode.FAIL
    assert by_id(document)[declinable.id]["status"] == "fail"
    assert "declined" not in by_id(document)[declinable.id]
    assert [(a, o) for a, _, o in ssm_writes()][-2:] == [
        ("ssm:DeleteParameter", "started"),
        ("ssm:DeleteParameter", "ok"),
    ]
    # Withdrawing again: nothing to do, no write.
    before = len(ssm_writes())
    code, out, _ = run_cli("decline", declinable.id, "--withdraw", "--yes")
    assert code == ExitCode.PASS and "is not declined" in out
    assert len(ssm_writes()) == before


def test_a_real_step_declined_in_a_fresh_account(sandbox, monkeypatch):
    box = sandbox("fresh")
    on_the_sandbox(box, monkeypatch)
    code, out, err = run_cli("decline", "cloudtrail", "--reason", "Logs go elsewhere", "--yes")
    assert code == ExitCode.PASS, out + err
    code, document = verify_json("cloudtrail")
    assert code == ExitCode.PASS
    trail = by_id(document)["cloudtrail"]
    assert (trail["status"], trail["check_status"]) == ("declined", "fail")
    assert trail["declined"]["reason"] == "Logs go elsewhere"
    # Declining again overwrites the reason (PutParameter with Overwrite).
    code, out, err = run_cli("decline", "cloudtrail", "--reason", "Changed my mind: later", "--yes")
    assert code == ExitCode.PASS, out + err
    _, document = verify_json("cloudtrail")
    assert by_id(document)["cloudtrail"]["declined"]["reason"] == "Changed my mind: later"


def test_a_declined_step_that_passes_shows_pass(declinable, sandbox, monkeypatch):
    box = sandbox("done")
    on_the_sandbox(box, monkeypatch)
    assert run_cli("decline", "cloudtrail", "--reason", "Not needed", "--yes")[0] == 0
    code, document = verify_json("cloudtrail")
    trail = by_id(document)["cloudtrail"]
    assert code == ExitCode.PASS
    assert (trail["status"], trail["check_status"]) == ("pass", "pass")
    assert trail["declined"]["reason"] == "Not needed"
    assert verify_json("cloudtrail", "--strict")[0] == ExitCode.PASS
    _, text, _ = run_cli("verify", "cloudtrail")
    assert "PASS     CloudTrail" in text or text.count("PASS") == 1
    assert "Passes anyway; earlier declined by" in text


@pytest.mark.parametrize(
    ("reason", "said"),
    [
        ("", "the reason is required"),
        ("   ", "the reason is required"),
        ("x" * 501, "at most 500"),
        ("two\nlines", "printable"),
        ("bell\x07", "printable"),
    ],
)
def test_a_bad_reason_is_refused_before_any_call(reason, said, monkeypatch):
    def no_account(_args: Any) -> Account:
        raise AssertionError("an account was made: a call could follow")

    monkeypatch.setattr(cli, "_account", no_account)
    code, out, err = run_cli("decline", "cloudtrail", "--reason", reason, "--yes")
    assert code == ExitCode.USAGE
    assert said in err and "Nothing was read or changed." in err
    assert journal.read() == [] or not ssm_writes()


def test_an_unknown_step_is_refused_with_the_ids(monkeypatch):
    def no_account(_args: Any) -> Account:
        raise AssertionError("an account was made")

    monkeypatch.setattr(cli, "_account", no_account)
    code, _, err = run_cli("decline", "guard-duty", "--reason", "no")
    assert code == ExitCode.USAGE
    assert "unknown step 'guard-duty'" in err and "cloudtrail" in err and "root-mfa" in err
    err = io.StringIO()
    with redirect_stderr(err), pytest.raises(SystemExit) as stopped:
        cli.main(["decline", "cloudtrail"])  # neither --reason nor --withdraw
    assert stopped.value.code == ExitCode.USAGE and "--reason" in err.getvalue()


def test_yes_needs_the_account_id_off_the_sandbox_and_a_wrong_one_is_refused(sandbox, monkeypatch):
    box = sandbox("fresh")
    on_the_sandbox(box, monkeypatch)
    code, _, err = run_cli(
        "decline", "cloudtrail", "--reason", "r", "--yes", "--account-id", "111122223333"
    )
    assert code == ExitCode.ERROR and "not 111122223333" in err
    assert not ssm_writes()
    code, _, err = run_cli("decline", "cloudtrail", "--reason", "r", "--account-id", "12")
    assert code == ExitCode.USAGE


def test_a_record_that_is_not_valid_is_reported_and_declines_nothing(declinable, sandbox):
    box = sandbox("done")
    ssm = console_clients(box)("ssm")
    ssm.put_parameter(Name=declines.parameter_name(declinable.id), Value="not json", Type="String")
    ssm.put_parameter(
        Name=declines.parameter_name("cloudtrail"),
        Value=json.dumps({"reason": "no by"}),
        Type="String",
    )
    verification = runner.verify(account_on(box))
    assert verification.declines is not None
    assert not verification.declines.by_step
    problems = " ".join(verification.declines.problems)
    assert "its value is not JSON" in problems and "no by, at" in problems
    assert verification.exit_code == ExitCode.FAIL
    text = report.to_text(verification)
    assert "Declined steps: ignored /setup-wizard/declined/practice-declinable" in text
    assert "DECLINED" not in text


def test_many_declines_are_read_across_pages(sandbox):
    box = sandbox("fresh")
    ssm = console_clients(box)("ssm")
    ids = registry.step_ids()
    for step_id in ids:
        record = {"reason": f"not {step_id}", "by": "arn:aws:iam::1:root", "at": "2026-01-01"}
        ssm.put_parameter(
            Name=declines.parameter_name(step_id), Value=json.dumps(record), Type="String"
        )
    calls: list[str] = []
    acct = account_on(box)
    acct.on_every_client("before-call", lambda event_name, **_: calls.append(event_name))
    found = declines.read(acct)
    assert set(found.by_step) == set(ids) and len(ids) > 5
    # GetParametersByPath answers at most 10 a page: more than one page, all read.
    pages = [c for c in calls if c.endswith("GetParametersByPath")]
    assert len(pages) == -(-len(ids) // 10)


def test_an_unreadable_record_is_unknown_and_steps_keep_their_verdicts(sandbox):
    box = sandbox("fresh")
    clients = console_clients(box)
    clients("ssm").put_parameter(
        Name=declines.parameter_name("cloudtrail"),
        Value=json.dumps({"reason": "r", "by": "arn:aws:iam::1:root", "at": "2026-01-01"}),
        Type="String",
    )
    reader = user_account(box, "no-ssm", deny="ssm:GetParametersByPath")
    verification = runner.verify(reader, [registry.step_by_id("cloudtrail")])
    assert verification.declines is not None
    assert verification.declines.unreadable is not None
    assert "ssm:GetParametersByPath" in verification.declines.unreadable
    (result,) = verification.results
    assert result.decline is None and result.check.status is Status.FAIL
    assert verification.exit_code == ExitCode.FAIL
    document = report.to_json(verification)
    assert document["declines"]["readable"] is False
    assert "Declined steps: UNKNOWN" in report.to_text(verification)


class Declining(Scripted):
    """The scripted owner of tests/test_flow.py, who declines the declinable step."""

    def __init__(self, reasons: list[str | None], *, confirm: bool = True) -> None:
        super().__init__(confirm=confirm)
        self.reasons = reasons

    def show_step(self, step: Step, check: Check) -> Answer:
        self.log.append(f"step {step.id} {check.status}")
        if step.id == DeclinableStep.id and not check.passed and self.reasons:
            return Answer.DECLINE
        return Answer.BACK if not check.passed else Answer.CONTINUE

    def ask_decline_reason(self, step: Step) -> str | None:
        reason = self.reasons.pop(0)
        self.log.append(f"reason {step.id} {reason}")
        return reason


def test_the_guided_flow_declines_after_the_account_confirmation(declinable, sandbox):
    box = sandbox("done")
    # First "back" from the reason, then a reason: the step is shown again between them.
    talk = Declining([None, REASON])
    summary = GuidedRun(account_on(box), talk).run()
    log = talk.log
    assert log.index(f"reason {declinable.id} None") < log.index(f"reason {declinable.id} {REASON}")
    # The plan is confirmed, then the account (before the run's first write), then written.
    confirm = log.index(f"confirm {declinable.id} 1")
    assert confirm < log.index("confirm-account")
    started = next(i for i, line in enumerate(log) if "ssm:PutParameter" in line)
    assert log.index("confirm-account") < started
    assert any(line.startswith(f"applied {declinable.id} pass") for line in log)
    assert summary.verification is not None
    result = next(r for r in summary.verification.results if r.step.id == declinable.id)
    assert result.declined and result.check.status is Status.FAIL
    assert summary.verification.exit_code == ExitCode.PASS
    assert summary.changes == [f"declined: recorded {declinable.id} as declined"]


def test_the_guided_flow_writes_nothing_when_the_account_is_refused(declinable, sandbox):
    box = sandbox("done")
    talk = Declining([REASON], confirm=False)
    summary = GuidedRun(account_on(box), talk).run()
    assert not ssm_writes() and not summary.changes
    assert summary.verification is not None
    result = next(r for r in summary.verification.results if r.step.id == declinable.id)
    assert result.decline is None and not result.declined
