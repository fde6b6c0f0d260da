"""Primer: who secures what (the shared responsibility model), with its sources.

Rendered from ``assets/primer.md`` with Textual's Markdown widget inside the scrolling body, so
it reads with the keyboard (arrows, Page Up/Down) or the mouse wheel at any terminal size.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Button, Markdown

from aws_setup_wizard.screens.base import WizardScreen


class PrimerScreen(WizardScreen):
    """The primer; Continue starts the steps (or, when only reading, goes back)."""

    BINDINGS = [
        Binding("c", "answer('continue')", "Continue"),
        Binding("escape,b", "answer('back')", "Back"),
        # The button has the focus (Enter continues); the arrows still scroll the text.
        Binding("down", "scroll_text(1)", "Scroll", show=False),
        Binding("up", "scroll_text(-1)", "Scroll", show=False),
    ]

    def __init__(self, markdown: str, *, reading: bool = False) -> None:
        super().__init__()
        self.markdown = markdown
        self.reading = reading

    def body(self) -> ComposeResult:
        """The primer text, sources included."""
        yield Markdown(self.markdown, id="primer-text")

    def actions(self) -> ComposeResult:
        """Continue to the steps, or back to the dashboard."""
        label = "Back to the dashboard" if self.reading else "Continue to the steps"
        yield Button(label, id="continue", variant="primary")
        if not self.reading:
            yield Button("Back", id="back")

    def on_mount(self) -> None:
        """The main button has the focus, so Enter does what it says (issue 12, item 9)."""
        self.query_one("#continue", Button).focus()

    def _offered(self, value: str) -> bool:
        """Read from the dashboard there is no Back button, but Escape still goes back."""
        return (value == "back" and self.reading) or super()._offered(value)

    def action_scroll_text(self, lines: int) -> None:
        """Up/Down scroll the primer whatever has the focus."""
        body = self.query_one("#body")
        body.scroll_relative(y=lines, animate=False)
