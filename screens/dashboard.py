"""Dashboard: every step re-verified read-only on arrival, with its verdict as a word.

From here the owner walks every step in the flow's order, or opens one step (click it, or move
to it and press Enter). A finished account lands here all PASS, with the time it was verified.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Static

from aws_setup_wizard.present import declined_line, in_groups
from aws_setup_wizard.screens.base import WizardScreen
from aws_setup_wizard.screens.bridge import Reply
from aws_setup_wizard.screens.widgets import Busy, Chosen, StatusWord, controls_line

if TYPE_CHECKING:
    from aws_setup_wizard.declines import Decline
    from aws_setup_wizard.model import Check
    from aws_setup_wizard.runner import StepResult, Verification
    from aws_setup_wizard.steps import Step


class StepRow(Vertical, can_focus=True):
    """One step on the dashboard: verdict, title, one sentence, controls. Enter/click opens."""

    # Not in the footer (at 80 columns it pushed "q Quit" off): the dashboard's hint line and
    # Help say that Enter or a click opens a step.
    BINDINGS = [Binding("enter", "open", "Open step", show=False)]

    def __init__(self, step: Step, check: Check, decline: Decline | None = None) -> None:
        super().__init__(id=f"row-{step.id}", classes="step-row")
        self.step = step
        self.check = check
        self.decline = decline

    def compose(self) -> ComposeResult:
        """Verdict word and title on the first line; the sentence; the controls.

        A declined step shows DECLINED with who, when and why, its own check's sentence below.
        """
        declined = self.decline is not None and not self.check.passed
        with Horizontal(classes="row-head"):
            yield StatusWord(self.check.status, declined=declined)
            yield Static(self.step.title, markup=False, classes="row-title")
        if self.decline is not None:
            line = declined_line(self.decline.reason, self.decline.by, self.decline.at)
            said = line if declined else f"Passes anyway; earlier {line[0].lower()}{line[1:]}"
            yield Static(said, markup=False, classes="row-summary")
        yield Static(self.check.summary, markup=False, classes="row-summary")
        yield Static(controls_line(self.step.controls), markup=False, classes="row-controls")

    def action_open(self) -> None:
        """Open this step."""
        self.post_message(Chosen(f"step:{self.step.id}"))

    def on_click(self, event: events.Click) -> None:
        """The mouse opens the step too."""
        event.stop()
        self.action_open()


class DashboardScreen(WizardScreen):
    """All steps at a glance; the hub of the guided session."""

    BINDINGS = [
        Binding("w", "answer('walk')", "Walk every step"),
        Binding("p", "answer('primer')", "Primer"),
        Binding("r", "answer('reverify')", "Re-verify"),
        Binding("s", "answer('summary')", "Summary"),
        # Priority: the scrolling body would otherwise take Up/Down once the rows overflow it.
        Binding("down", "app.focus_next", "Next", show=False, priority=True),
        Binding("up", "app.focus_previous", "Previous", show=False, priority=True),
    ]

    def body(self) -> ComposeResult:
        """The heading, the progress indicator, the rows."""
        yield Static("Dashboard", id="dash-title", classes="title")
        yield Busy("Verifying every step (read-only)…", id="dash-busy")
        yield Static("", id="dash-problem", classes="hidden warning-text", markup=False)
        yield Vertical(id="rows")
        yield Static(
            "Open a step with Enter or a click; or walk every step in order.",
            id="dash-hint",
            classes="muted hidden",
        )

    def actions(self) -> ComposeResult:
        """Walk, primer, re-verify, summary."""
        yield Button("Walk every step", id="walk", variant="primary")
        yield Button("Primer", id="primer")
        yield Button("Re-verify", id="reverify")
        yield Button("Summary", id="summary")

    def verifying(self, text: str | None = None) -> None:
        """The read-only pass is running: show the progress indicator."""
        busy = self.query_one("#dash-busy", Busy)
        busy.say(text or "Verifying every step (read-only)…")
        busy.remove_class("hidden")
        self.query_one("#dash-problem").add_class("hidden")
        for button in self.query("#actions Button"):
            button.disabled = True
        self.refresh_bindings()

    async def show(self, verification: Verification, reply: Reply[Any]) -> None:
        """Every step's verdict, and the time of the verification.

        The old rows are removed *before* the new ones are mounted (both awaited): the rows
        carry ids per step, and mounting a second set while the first is still being removed
        fails, which emptied the dashboard on Re-verify.
        """
        self.query_one("#dash-busy").add_class("hidden")
        results = verification.results
        passed = sum(1 for result in results if result.check.passed)
        when = f"{verification.verified_at:%Y-%m-%d %H:%M:%S} UTC"
        headline = (
            f"All {len(results)} steps pass · verified {when}"
            if passed == len(results)
            else f"{verification.tally} · verified {when}"
        )
        self.query_one("#dash-title", Static).update(headline)
        rows = self.query_one("#rows", Vertical)
        await rows.remove_children()
        await rows.mount_all(self._rows(results))
        self.query_one("#dash-hint").remove_class("hidden")
        for button in self.query("#actions Button"):
            button.disabled = False
        first_failing = next((r for r in results if not r.check.passed), None)
        if first_failing is None:
            self.query_one("#summary", Button).focus()
        else:
            self.query_one("#walk", Button).focus()
        self.expect(reply)

    @staticmethod
    def _rows(results: Sequence[StepResult]) -> list[Widget]:
        """A row per step, under its group's heading when the steps are in several groups."""
        widgets: list[Widget] = []
        for group, members in in_groups(results, lambda result: result.step.group):
            if group is not None:
                widgets.append(Static(group, classes="group-heading", markup=False))
            widgets += [StepRow(result.step, result.check, result.decline) for result in members]
        return widgets

    def failed(self, message: str, reply: Reply[Any]) -> None:
        """The verification itself failed (no network…): say why; Re-verify or quit."""
        self.query_one("#dash-busy").add_class("hidden")
        problem = self.query_one("#dash-problem", Static)
        problem.update(f"Could not verify: {message}")
        problem.remove_class("hidden")
        self.query_one("#reverify", Button).disabled = False
        self.query_one("#reverify", Button).focus()
        self.expect(reply)

    @on(Chosen)
    def _chosen(self, message: Chosen) -> None:
        message.stop()
        self.answer(message.answer)
