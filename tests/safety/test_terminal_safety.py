"""Text from the account never drives the terminal: control, C1 and bidi characters escaped."""

from __future__ import annotations

import io
from typing import Any

import pytest

from aws_setup_wizard import cli, report, runner
from aws_setup_wizard.model import Check, Status
from aws_setup_wizard.present import SafeStream, terminal_safe
from aws_setup_wizard.steps import STEPS

HOSTILE = "admin\x1b[2J\x9b31m\u202eevil\u2066x\u0007"


def verification_with(summary: str) -> runner.Verification:
    results = tuple(
        runner.StepResult(step, Check(Status.FAIL, summary, {"name": summary})) for step in STEPS
    )
    caller = "arn:aws:iam::123456789012:root"
    return runner.Verification("123456789012", caller, "us-east-1", False, results)


def assert_inert(text: str) -> None:
    for char in ("\x1b", "\x9b", "\u202e", "\u2066", "\x07"):
        assert char not in text, repr(char)


def test_terminal_safe_escapes_controls_and_keeps_layout():
    assert terminal_safe(HOSTILE) == "admin\\x1b[2J\\x9b31m\\u202eevil\\u2066x\\x07"
    assert terminal_safe("a\tb\nc") == "a\tb\nc"
    assert terminal_safe("Café ✓ 日本") == "Café ✓ 日本"


def test_report_text_and_markdown_are_inert():
    verification = verification_with(HOSTILE)
    assert_inert(report.to_text(verification))
    assert_inert(report.to_markdown(verification))


def test_verify_output_is_inert(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    monkeypatch.setattr(runner, "verify", lambda account, **_: verification_with(HOSTILE))
    assert cli.main(["verify", "--region", "us-east-1"]) == 1
    out = capsys.readouterr().out
    assert "evil" in out
    assert_inert(out)
    assert cli.main(["verify", "--json", "--region", "us-east-1"]) == 1
    assert_inert(capsys.readouterr().out)


def test_plain_mode_and_its_transcript_are_inert():
    from aws_setup_wizard import plain

    out, saved = io.StringIO(), io.StringIO()
    talk = plain.PlainConversation(out, transcript=saved, width=88, color=True)
    talk.say(f"FAIL: Administrator {HOSTILE} has no MFA")
    assert_inert(out.getvalue().replace("\x1b[1;31m", "").replace("\x1b[0m", ""))
    assert "\x1b[1;31mFAIL\x1b[0m" in out.getvalue()  # our own colour, after escaping
    assert_inert(saved.getvalue())


def test_safe_stream_keeps_isatty_and_flush():
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = SafeStream(Tty())
    stream.write(HOSTILE)
    stream.flush()
    assert stream.isatty()
