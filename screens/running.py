"""Running: each API call appears as it happens, a spinner while waiting, then the re-check.

A failure shows the engine's one sentence with Retry and Back; success shows the step's check
run again with its evidence (only a PASS there marks the step done) and what changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Button, Static

from aws_setup_wizard.screens.base import WizardScreen
from aws_setup_wizard.screens.bridge import Reply
from aws_setup_wizard.screens.widgets import Busy, CheckView, plain

if TYPE_CHECKING:
    from aws_setup_wizard.model import ProgressEvent
    from aws_setup_wizard.runner import Applied


class RunningScreen(WizardScreen):
    """The calls of one step's apply, live."""

    BINDINGS = [
        Binding("c", "answer('continue')", "Continue"),
        Binding("r", "answer('retry')", "Retry"),
        Binding("b", "answer('back')", "Back"),
    ]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.heading = title
        self.lines: list[str] = []

    def body(self) -> ComposeResult:
        """The calls so far, the spinner, then the outcome."""
        yield Static(f"Applying: {self.heading}", classes="title", markup=False)
        yield Static("", id="calls", markup=False)
        yield Busy("Calling AWS…", id="run-busy")
        yield Static("", id="run-problem", markup=False, classes="hidden warning-text")
        yield Vertical(id="outcome")

    def actions(self) -> ComposeResult:
        """Continue after success; Retry / Back after a failure."""
        yield Button("Continue", id="continue", variant="primary", classes="hidden")
        yield Button("Retry", id="retry", variant="primary", classes="hidden")
        yield Button("Back", id="back", classes="hidden")

    def add(self, event: ProgressEvent) -> None:
        """One progress event; the outcome of a call completes the line that started it."""
        from aws_setup_wizard.model import Phase, ProgressEvent

        pending = str(ProgressEvent(Phase.STARTED, event.label))
        finished = event.phase in {Phase.DONE, Phase.ALREADY}
        if finished and self.lines and self.lines[-1] == pending:
            self.lines[-1] = f"{event.label} ... {event.detail or event.phase.value}"
        else:
            self.lines.append(str(event))
        self.query_one("#calls", Static).update("\n".join(self.lines))
        self.query_one("#run-busy", Busy).say(
            "Waiting for AWS…" if event.phase is Phase.STARTED else "Working…"
        )

    def _buttons(self, *shown: str) -> None:
        for name in ("continue", "retry", "back"):
            self.query_one(f"#{name}").set_class(name not in shown, "hidden")
        if shown:
            self.query_one(f"#{shown[0]}", Button).focus()
        self.refresh_bindings()

    def finish(self, applied: Applied, ended: str | None, reply: Reply[Any]) -> None:
        """Re-verification with evidence and what changed; Continue."""
        self.query_one("#run-busy").add_class("hidden")
        outcome = self.query_one("#outcome", Vertical)
        outcome.remove_children()
        if applied.outcome.done:
            outcome.mount(Static("What changed", classes="subtitle"))
            outcome.mount(plain("\n".join(f"- {line}" for line in applied.outcome.done)))
        if applied.check is not None:
            outcome.mount(Static("Re-verified (read-only)", classes="subtitle"))
            outcome.mount(CheckView(applied.check))
            if not applied.check.passed:
                outcome.mount(
                    plain("Not done yet: only a PASS here marks the step done.").add_class("muted")
                )
        if ended:
            outcome.mount(plain(ended).add_class("warning-text"))
        self._buttons("continue")
        self.call_after_refresh(lambda: self.query_one("#body").scroll_to_widget(outcome, top=True))
        self.expect(reply)

    def fail(self, message: str, done: tuple[str, ...], reply: Reply[Any]) -> None:
        """The engine's sentence; Retry (re-plans, idempotent) or Back."""
        self.query_one("#run-busy").add_class("hidden")
        problem = self.query_one("#run-problem", Static)
        text = f"Failed: {message}"
        if done:
            text += "\nDone before it stopped: " + "; ".join(done)
        problem.update(text)
        problem.remove_class("hidden")
        self._buttons("retry", "back")
        self.expect(reply)

    def retrying(self) -> None:
        """Back to running after Retry."""
        self.query_one("#run-problem").add_class("hidden")
        busy = self.query_one("#run-busy", Busy)
        busy.say("Retrying…")
        busy.remove_class("hidden")
        self.lines.append("Retrying:")
        self.query_one("#calls", Static).update("\n".join(self.lines))
        self._buttons()
