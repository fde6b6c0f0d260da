"""The prompt mapping, with questionary replaced by fakes that answer by question."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import pytest

from aws_setup_wizard import plain, wording
from aws_setup_wizard import plain_render as render
from aws_setup_wizard.account import Caller
from aws_setup_wizard.flow import Answer, ConfirmRequest, Identity
from aws_setup_wizard.model import Change, Check, ConsoleAction, Phase, Plan, ProgressEvent, Status
from aws_setup_wizard.steps.admin_user import AdminUserStep
from aws_setup_wizard.steps.cloudtrail import CloudTrailStep
from aws_setup_wizard.steps.root_keys import RootAccessKeysStep
from aws_setup_wizard.steps.root_mfa import RootMfaStep


@dataclass
class FakeQuestion:
    """What questionary returns; only ``unsafe_ask`` may be called."""

    answer: Any
    validate: Any = None
    problems: list[str] = field(default_factory=list)

    def unsafe_ask(self) -> Any:
        answers = self.answer if isinstance(self.answer, list) else [self.answer]
        for candidate in answers:
            if isinstance(candidate, BaseException):
                raise candidate
            verdict = True if self.validate is None else self.validate(candidate)
            if verdict is True:
                return candidate
            self.problems.append(verdict)  # questionary shows it and asks again
        raise AssertionError(f"no valid answer among {answers!r}")

    def ask(self) -> Any:
        raise AssertionError("ask() swallows Ctrl-C as None: the plain mode uses unsafe_ask()")


@dataclass
class FakeQuestionary:
    """Answers by the first key found in the question; records every question."""

    answers: dict[str, Any]
    asked: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    questions: list[FakeQuestion] = field(default_factory=list)

    def _question(self, kind: str, message: str, **kwargs: Any) -> FakeQuestion:
        self.asked.append((kind, message, kwargs))
        for key, answer in self.answers.items():
            if key in message:
                if isinstance(answer, list):
                    # Successive answers, one per time the question is asked; the last repeats.
                    times = sum(1 for _, m, _ in self.asked if key in m) - 1
                    answer = answer[min(times, len(answer) - 1)]
                question = FakeQuestion(answer, kwargs.get("validate"))
                self.questions.append(question)
                return question
        raise AssertionError(f"unexpected question: {message!r}")

    def select(self, message: str, **kwargs: Any) -> FakeQuestion:
        return self._question("select", message, **kwargs)

    def confirm(self, message: str, **kwargs: Any) -> FakeQuestion:
        return self._question("confirm", message, **kwargs)

    def text(self, message: str, **kwargs: Any) -> FakeQuestion:
        return self._question("text", message, **kwargs)


@pytest.fixture
def fake(monkeypatch):
    def install(answers: dict[str, Any]) -> FakeQuestionary:
        replacement = FakeQuestionary(answers)
        monkeypatch.setattr(plain, "questionary", replacement)
        return replacement

    return install


def talk(**kwargs: Any) -> tuple[plain.PlainConversation, io.StringIO, io.StringIO]:
    out, saved = io.StringIO(), io.StringIO()
    return plain.PlainConversation(out, transcript=saved, width=88, **kwargs), out, saved


IDENTITY = Identity(
    account_id="123456789012",
    caller=Caller("123456789012", "arn:aws:iam::123456789012:root", "123456789012", "root", True),
    region="eu-west-1",
    credential_source="environment variables",
    sandbox=False,
    endpoint=None,
)


def test_options_are_prompted_from_their_declarations_and_validated(fake):
    step = CloudTrailStep()
    q = fake(
        {
            render.WHAT_NEXT: render.CHANGE_SETTINGS,
            "Trail name": "main-trail",
            "Log bucket": ["Bad_Bucket", "ab", "logs-123456789012"],
            "Encrypt with a KMS key": False,
            "KMS key alias": "alias/aws/x",  # reserved: re-asked
        }
    )
    q.answers["KMS key alias"] = ["alias/aws/x", "alias/trail"]
    conversation, out, _ = talk()
    defaults = {o.name: o.default_for("123456789012", "eu-west-1") for o in step.options}
    values = conversation.ask_options(step, defaults)
    assert values == {
        "trail_name": "main-trail",
        "bucket_name": "logs-123456789012",
        "use_kms": False,
        "kms_alias": "alias/trail",
    }
    kinds = {message: kind for kind, message, _ in q.asked}
    assert kinds["Encrypt with a KMS key?"] == "confirm"  # a bool option is a yes/no
    assert kinds["Log bucket"] == "text"
    # Each text prompt starts from the declared default and re-asks with the rule's message.
    bucket = next(kw for kind, m, kw in q.asked if m == "Log bucket")
    assert bucket["default"] == "aws-cloudtrail-logs-123456789012-eu-west-1"
    shown = " ".join(out.getvalue().split())  # lines are wrapped to the terminal's width
    problems = [
        "Log bucket: may contain only lowercase ASCII letters, digits, '.' and '-', and must "
        "start and end with a letter or digit.",
        "Log bucket: must be 3 to 63 characters long (this one has 2).",
        "KMS key alias: must not start with 'alias/aws/' (reserved for AWS managed keys).",
    ]
    assert shown.count("Problem: ") == len(problems)
    assert all("Problem: " + problem in shown for problem in problems)
    assert "Log bucket: aws-cloudtrail-logs-123456789012-eu-west-1" in out.getvalue()


def test_keeping_the_defaults_asks_nothing_more_and_back_means_none(fake):
    step = AdminUserStep()
    defaults = {"admin_user": "admin", "admin_group": "Administrators"}
    q = fake({render.WHAT_NEXT: render.KEEP_SETTINGS})
    assert talk()[0].ask_options(step, defaults) == defaults
    assert len(q.asked) == 1
    fake({render.WHAT_NEXT: wording.BACK})
    assert talk()[0].ask_options(step, defaults) is None


def test_a_default_that_breaks_a_rule_is_asked_for(fake):
    fake({render.WHAT_NEXT: render.KEEP_SETTINGS, "Administrator user name": "ok"})
    conversation, out, _ = talk()
    values = conversation.ask_options(
        AdminUserStep(), {"admin_user": "has space", "admin_group": "Administrators"}
    )
    assert values == {"admin_user": "ok", "admin_group": "Administrators"}
    assert "(no spaces)" in " ".join(out.getvalue().split())


def test_confirmations_default_to_no(fake):
    q = fake({"Is this the account": False, "Make 1 change": False})
    conversation, out, _ = talk()
    assert conversation.confirm_account(IDENTITY) is False
    plan = Plan("admin-user", (Change("iam:CreateUser", "alice", "daily work"),))
    request = ConfirmRequest("123456789012", "Make 1 change to account 123456789012?")
    assert conversation.confirm_plan(AdminUserStep(), plan, request) is False
    assert all(kw["default"] is False for kind, _, kw in q.asked if kind == "confirm")
    assert "Account 123456789012, as root user (temporary credentials)" in q.asked[0][1]
    assert "iam:CreateUser alice — daily work" in out.getvalue()
    assert render.NOT_CONFIRMED in out.getvalue()
    # A No to "is this the account" says what it means instead of ending in silence.
    assert " ".join(wording.NOT_THIS_ACCOUNT.split()[:8]) in " ".join(out.getvalue().split())


def deletion() -> tuple[Plan, ConfirmRequest]:
    key = "AKIAIOSFODNN7EXAMPLE"
    plan = Plan(
        "root-access-keys",
        (Change("iam:DeleteAccessKey", "root access key AKIA…MPLE", "no root key", True),),
    )
    return plan, ConfirmRequest("123456789012", "Make 1 change?", (key[-4:],), ("AKIA…MPLE",))


@pytest.mark.parametrize(("typed", "accepted"), [("mple", True), ("XXXX", False)])
def test_deletions_need_the_key_suffix_typed(fake, typed, accepted):
    plan, request = deletion()
    q = fake({"Make 1 change": True, "Type the last four characters": typed})
    conversation, out, _ = talk()
    assert conversation.confirm_plan(RootAccessKeysStep(), plan, request) is accepted
    assert q.asked[-1][1] == (
        "Type the last four characters of key AKIA…MPLE to confirm its deletion"
    )
    assert "(deletes)" in out.getvalue()  # a deletion said in words, not by colour
    assert (render.SUFFIX_MISMATCH in out.getvalue()) is not accepted


def test_saying_no_to_a_deletion_asks_for_no_suffix(fake):
    plan, request = deletion()
    q = fake({"Make 1 change": False})
    assert talk()[0].confirm_plan(RootAccessKeysStep(), plan, request) is False
    assert len(q.asked) == 1


def test_ctrl_c_is_raised_not_taken_for_no(fake):
    fake({"Is this the account": KeyboardInterrupt()})
    with pytest.raises(KeyboardInterrupt):
        talk()[0].confirm_account(IDENTITY)


def test_a_passing_step_asks_nothing_and_a_failing_one_offers_to_skip(fake):
    q = fake({render.WHAT_NEXT: render.SKIP_STEP})
    conversation, out, _ = talk()
    passed = Check(Status.PASS, "The root user has MFA.", {"account_mfa_enabled": True})
    assert conversation.show_step(RootMfaStep(), passed) is Answer.CONTINUE
    assert q.asked == []
    assert "PASS: The root user has MFA." in out.getvalue()
    assert "Account mfa enabled: yes" in out.getvalue()
    failed = Check(Status.FAIL, "No MFA.", {"account_mfa_enabled": False})
    assert conversation.show_step(RootMfaStep(), failed) is Answer.BACK
    # Shown again, the step repeats its state, not its whole explanation.
    assert out.getvalue().count("Why the root user needs MFA") == 1


def test_console_action_waits_for_enter_and_offers_the_simulated_console(fake):
    action = ConsoleAction("Delete root keys", ("Sign in.", "Delete."), "https://example.test")
    check = Check(Status.FAIL, "A root key exists.")
    q = fake({render.WHAT_NEXT: wording.CHECK_AGAIN})
    conversation, out, _ = talk()
    step = RootAccessKeysStep()
    assert conversation.console_action(step, action, check, None, None) is Answer.CONTINUE
    assert q.asked[0][2]["choices"] == [wording.CHECK_AGAIN, wording.BACK]
    assert q.asked[0][2]["default"] == wording.CHECK_AGAIN  # Enter re-checks
    assert "  1. Sign in." in out.getvalue() and "Link: https://example.test" in out.getvalue()
    # Called again for the same step: "not done yet", then the simulated console.
    q = fake({render.WHAT_NEXT: wording.DO_IN_SANDBOX_CONSOLE})
    ran: list[bool] = []

    def simulate() -> str:
        ran.append(True)
        return "The simulated console deleted 1 root access key(s)."

    assert conversation.console_action(step, action, check, None, simulate) is Answer.CONTINUE
    assert ran == [True]
    assert wording.NOT_YET.format(summary="A root key exists.") in out.getvalue()
    assert wording.DO_IN_SANDBOX_CONSOLE in q.asked[0][2]["choices"]


class FakeExchange:
    title = "Register a virtual MFA device for alice"
    practice = True

    class enrollment:  # noqa: N801 - mimics the attribute
        secret_base32 = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

    def __init__(self) -> None:
        self.tries: list[tuple[str, str]] = []

    def qr(self) -> list[str]:
        return ["█▀▀█", "█▄▄█"]

    def complete(self, code1: str, code2: str) -> str | None:
        self.tries.append((code1, code2))
        return "Those codes did not match." if len(self.tries) == 1 else None

    def practice_codes(self) -> tuple[str, str]:
        return "123456", "654321"


def test_mfa_exchange_codes_and_secrets_stay_off_the_transcript(fake):
    exchange = FakeExchange()
    q = fake(
        {
            render.WHAT_NEXT: [render.SHOW_SECRET],
            wording.FIRST_CODE: ["12345", "000000"],  # too short: re-asked
            wording.SECOND_CODE: "000001",
        }
    )
    answers = iter([render.SHOW_SECRET, render.ENTER_CODES, wording.SHOW_ME_THE_CODES])
    q.select = lambda message, **kw: FakeQuestion(next(answers))  # type: ignore[method-assign]
    conversation, out, saved = talk()
    assert conversation.register_mfa(exchange) is True  # type: ignore[arg-type]
    assert exchange.tries == [("000000", "000001"), ("000000", "000001")]
    assert "Problem: An MFA code is exactly 6 digits (0-9), as the authenticator app shows it." in (
        out.getvalue()
    )
    # A rejected code is asked for anew, not left in the prompt to be typed onto (the trainee's
    # "12345" then "1a3456" became "123451a3456"): no text prompt validates in place.
    assert not any("validate" in kw for kind, _, kw in q.asked if kind == "text")
    terminal, transcript = out.getvalue(), saved.getvalue()
    assert "JBSW Y3DP EHPK 3PXP" in terminal and "█▀▀█" in terminal
    assert "JBSW" not in transcript and "█" not in transcript
    assert "Those codes did not match." in terminal
    assert "The app would show 123456 now and 654321 next" in terminal
    firsts = [kw["default"] for kind, m, kw in q.asked if m == wording.FIRST_CODE]
    # Asked again empty after "12345"; shown codes are filled in: Enter submits them.
    assert firsts == ["", "", "123456"]


def test_ended_without_summary_or_cancel_messages():
    conversation, _, _ = talk()
    assert conversation.stopped([]) == wording.NOTHING_CHANGED
    conversation.progress(ProgressEvent(Phase.STARTED, "iam:CreateGroup Admins"))
    conversation.progress(ProgressEvent(Phase.DONE, "iam:CreateGroup Admins"))
    conversation.progress(ProgressEvent(Phase.STARTED, "iam:CreateUser alice"))
    assert conversation.stopped([]).startswith(
        "Stopped during a change. Done so far: iam:CreateGroup Admins."
    )
    conversation.writing = False
    assert conversation.stopped([]).startswith("Stopped. Done in this run: iam:CreateGroup")


def test_the_initial_password_is_never_written_to_output_that_is_not_a_terminal():
    """Plain mode piped into a file: the password is withheld and the owner told why."""
    from aws_setup_wizard.model import Outcome
    from aws_setup_wizard.runner import Applied

    conversation, out, saved = talk()  # a StringIO is not a terminal
    conversation.account_id = "123456789012"
    password = "Secret-Password-1234!xyz"
    reveal = {"user": "alice", "password": password, "signin_url": "https://example"}
    applied = Applied(
        Plan("admin-user"),
        Outcome("admin-user", ("iam:CreateLoginProfile alice",), reveal),
        Check(Status.FAIL, "no MFA yet"),
    )
    assert conversation.shows_secrets() is False
    conversation.show_applied(AdminUserStep(), applied)
    assert password not in out.getvalue() and password not in saved.getvalue()
    assert "was not printed: this output is not a terminal" in out.getvalue()
    assert "aws-setup-wizard apply admin-user" in out.getvalue()
