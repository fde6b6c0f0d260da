"""Summary: the final verification, what changed, next steps, and the exports.

The verification can be written as Markdown and JSON to the current directory or a chosen path
(a folder gets dated default names). Exports hold the verdicts and evidence, never a secret.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, Static

from aws_setup_wizard.present import declined_line
from aws_setup_wizard.screens.base import WizardScreen
from aws_setup_wizard.screens.export import DEFAULT_EXPORT_FOLDER, write_exports
from aws_setup_wizard.screens.widgets import StatusWord, WizardInput, numbered, plain
from aws_setup_wizard.wording import NOTHING_CHANGED, SESSION_ENDED

if TYPE_CHECKING:
    from aws_setup_wizard.flow import Summary


class SummaryScreen(WizardScreen):
    """The end of a guided run; answers ``dashboard`` or ``quit``."""

    BINDINGS = [
        Binding("e", "export", "Export"),
        Binding("d", "answer('dashboard')", "Dashboard"),
    ]

    def __init__(self, summary: Summary, *, can_return: bool = True) -> None:
        super().__init__()
        self.summary = summary
        self.can_return = can_return

    def body(self) -> ComposeResult:
        """Headline, verdicts, changes, next steps, export path."""
        verification = self.summary.verification
        if verification is None:
            yield Static("Summary", classes="title")
        else:
            yield Static(
                f"Summary · {verification.tally} · verified "
                f"{verification.verified_at:%Y-%m-%d %H:%M:%S} UTC",
                classes="title",
            )
        if self.summary.ended_session:
            yield plain(SESSION_ENDED).add_class("warning-text")
        yield Static("Final verification (read-only)", classes="subtitle")
        if verification is None:
            yield plain("Not verified in this session.")
        else:
            for result in verification.results:
                with Horizontal(classes="row-head"):
                    yield StatusWord(result.check.status, declined=result.declined)
                    yield Static(result.step.title, markup=False, classes="row-title")
                if result.decline is not None and result.declined:
                    said = declined_line(
                        result.decline.reason, result.decline.by, result.decline.at
                    )
                    yield Static(said, markup=False, classes="row-summary")
                yield Static(result.check.summary, markup=False, classes="row-summary")
        yield Static("What changed", classes="subtitle")
        changes = self.summary.changes
        yield plain("\n".join(f"- {c}" for c in changes) if changes else NOTHING_CHANGED)
        yield Static("Next steps", classes="subtitle")
        yield plain(numbered(self.summary.next_steps))
        if verification is not None:
            yield Static("Export (Markdown and JSON; no secrets)", classes="subtitle")
            yield Label("Folder or file name (a new folder is made if needed)")
            yield WizardInput(DEFAULT_EXPORT_FOLDER, id="export-path")
            yield Static("", id="export-result", markup=False, classes="hidden")

    def actions(self) -> ComposeResult:
        """Export, dashboard, quit."""
        if self.summary.verification is not None:
            yield Button("Export", id="export", variant="primary", classes="local")
        if self.can_return:
            yield Button("Dashboard", id="dashboard")
        yield Button("Quit", id="quit")

    def on_mount(self) -> None:
        """Start with the main choice focused."""
        first = self.query("#actions Button").first()
        first.focus()

    @on(Button.Pressed, "#export")
    @on(Input.Submitted, "#export-path")
    def action_export(self) -> None:
        """Write the verification as Markdown and JSON (local files only)."""
        verification = self.summary.verification
        if verification is None:
            return
        chosen = self.query_one("#export-path", Input).value
        result = self.query_one("#export-result", Static)
        try:
            paths = write_exports(verification, self.summary.changes, chosen, Path.cwd())
        except OSError as exc:
            result.update(f"Could not write the export: {exc.strerror or exc}.")
            result.set_class(True, "warning-text")
        else:
            result.update("Written: " + " and ".join(str(path) for path in paths))
            result.set_class(False, "warning-text")
        result.remove_class("hidden")
        self.call_after_refresh(lambda: self.query_one("#body").scroll_end(animate=False))
