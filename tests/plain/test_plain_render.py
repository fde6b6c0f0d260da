"""Plain text rendering, colour rules and when the plain mode is chosen."""

from __future__ import annotations

import argparse
import io
import re
import sys

import pytest

from aws_setup_wizard import plain, plain_render, present
from aws_setup_wizard.cli import wants_plain
from aws_setup_wizard.model import Check, Status
from aws_setup_wizard.steps import PRIMER, STEPS

ANSI = re.compile(r"\x1b\[")


def test_markdown_becomes_readable_text():
    markdown = (
        "# Title\n\nSome **bold** and *emphasis* and `code`, a [link](https://example.test/a)"
        "\nthat goes on.\n\n## Part\n\n- one item\n  continued\n- two, see <https://x.test>\n"
        "1. first\n"
    )
    assert plain_render.markdown_to_text(markdown) == [
        "Title",
        "",
        "Some bold and emphasis and code, a link (https://example.test/a) that goes on.",
        "",
        "Part",
        "",
        "  - one item continued",
        "  - two, see https://x.test",
        "  1. first",
    ]


def test_the_primer_and_every_why_render_without_markup():
    for markdown in [PRIMER.text(), *(step.why() for step in STEPS)]:
        text = "\n".join(plain_render.markdown_to_text(markdown, width=72))
        assert "**" not in text and "](" not in text and not re.search(r"^#", text, re.M)
        assert all(len(line) <= 72 or "://" in line for line in text.splitlines())


def test_long_words_and_links_are_never_broken():
    url = "https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-best-practices.html"
    lines = plain_render.wrap_line(f"  - See {url} for more about it", width=40)
    assert lines == ["  - See", f"    {url}", "    for more about it"]


def test_evidence_is_labelled_facts():
    evidence = {
        "account_access_keys_present": True,
        "keys": [{"access_key_id": "AKIA…MPLE", "status": "Active"}],
        "trails": [],
        "requirements": {"is_logging": False},
        "multi_region_trail": None,
    }
    assert present.evidence_lines(evidence, plain_render.INDENT) == [
        "  Account access keys present: yes",
        "  Keys:",
        "    1. Access key id: AKIA…MPLE",
        "       Status: Active",
        "  Trails: none",
        "  Requirements:",
        "    Is logging: no",
        "  Multi region trail: none",
    ]


def test_status_is_a_word():
    for status in Status:
        line = present.status_line(Check(status, "Summary."))
        assert line == f"{present.status_word(status)}: Summary."


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_without_no_color(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    saved = io.StringIO()
    screen = Terminal()
    plain.PlainConversation(screen, transcript=saved).say("PASS: fine", "FAIL: not")
    assert ANSI.search(screen.getvalue())
    assert "PASS" in screen.getvalue()  # the word stays: colour only repeats it
    assert not ANSI.search(saved.getvalue())
    monkeypatch.setenv("NO_COLOR", "1")
    screen = Terminal()
    plain.PlainConversation(screen).say("PASS: fine")
    assert not ANSI.search(screen.getvalue())
    monkeypatch.delenv("NO_COLOR")
    piped = io.StringIO()
    plain.PlainConversation(piped).say("PASS: fine")
    assert not ANSI.search(piped.getvalue())


class TTY:
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("term", "plain_mode"), [("dumb", True), ("", True), ("xterm", False)])
def test_plain_is_chosen_for_a_dumb_terminal(monkeypatch, term, plain_mode):
    monkeypatch.setenv("TERM", term)
    monkeypatch.setattr(sys, "stdin", TTY())
    monkeypatch.setattr(sys, "stdout", TTY())
    assert wants_plain(argparse.Namespace(plain=False)) is plain_mode
    assert wants_plain(argparse.Namespace(plain=True)) is True


def test_plain_is_chosen_without_a_terminal(monkeypatch):
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setattr(sys, "stdin", io.StringIO())
    assert wants_plain(argparse.Namespace(plain=False)) is True
