"""Small widgets every screen shares: the identity bar, status words, evidence, inputs.

The words and lines come from :mod:`aws_setup_wizard.present`; these widgets only lay them out.

Colours come from ``assets/wizard.tcss`` through CSS classes; the words themselves always carry
the meaning (PASS / FAIL / UNKNOWN), so NO_COLOR and colour-blind owners lose nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, LoadingIndicator, Static

from aws_setup_wizard.model import Check, Status
from aws_setup_wizard.present import evidence_lines, status_word

STATUS_CLASS = {Status.PASS: "-pass", Status.FAIL: "-fail", Status.UNKNOWN: "-unknown"}


def plain(text: str) -> Static:
    """A Static whose text is shown as is (ARNs and policy names may contain brackets)."""
    return Static(text, markup=False)


class StatusWord(Static):
    """PASS, FAIL or UNKNOWN as a word, coloured by class."""

    def __init__(self, status: Status, **kwargs: Any) -> None:
        super().__init__(status_word(status), markup=False, **kwargs)
        self.add_class("status", STATUS_CLASS[status])


class IdentityBar(Static):
    """The top line of every screen: who the wizard is talking to, with the SANDBOX badge."""

    def __init__(self, line: str, sandbox: bool) -> None:
        super().__init__(line, markup=False, id="identity-bar")
        self.set_class(sandbox, "-sandbox")


class CheckView(Widget):
    """A check: its status word, its one sentence, and its evidence."""

    def __init__(self, check: Check, *, evidence: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.check = check
        self.show_evidence = evidence

    def compose(self) -> ComposeResult:
        """Status and sentence on one row, evidence below."""
        with Horizontal(classes="check-row"):
            yield StatusWord(self.check.status)
            yield Static(self.check.summary, markup=False, classes="check-summary")
        if self.show_evidence and self.check.evidence:
            yield Static(
                "\n".join(evidence_lines(self.check.evidence)), markup=False, classes="evidence"
            )


def controls_line(controls: Iterable[str]) -> str:
    """Controls grouped by framework: ``Security Hub IAM.9, IAM.6 · CIS … v3.0 1.5, 1.6``."""
    groups: dict[str, list[str]] = {}
    for control in controls:
        framework, _, number = control.rpartition(" ")
        groups.setdefault(framework, []).append(number)
    return " · ".join(f"{framework} {', '.join(numbers)}" for framework, numbers in groups.items())


def numbered(lines: Iterable[str]) -> str:
    """``1. first`` / ``2. second`` as one block of text."""
    return "\n".join(f"{number}. {line}" for number, line in enumerate(lines, 1))


class WizardInput(Input):
    """An Input that follows the app's cursor blink setting (off in tests and snapshots)."""

    def on_mount(self) -> None:
        """Apply the app's ``CURSOR_BLINK`` (an App attribute Textual itself does not read)."""
        self.cursor_blink = bool(getattr(self.app, "CURSOR_BLINK", True))


class Busy(Widget):
    """A spinner with a sentence; without animation (reduced motion) only the sentence."""

    def __init__(self, text: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.text = text

    def compose(self) -> ComposeResult:
        """The spinner only when animations are on: reduced motion means no moving dots."""
        with Horizontal(classes="busy-row"):
            if self.app.animation_level != "none":
                yield LoadingIndicator()
            yield Static(self.text, markup=False, classes="busy-text")

    def say(self, text: str) -> None:
        """Change the sentence."""
        self.text = text
        self.query_one(".busy-text", Static).update(text)


class Chosen(Message):
    """A screen's button or key chose an answer."""

    def __init__(self, answer: str) -> None:
        super().__init__()
        self.answer = answer
