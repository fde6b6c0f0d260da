"""Console-only actions (root MFA; root keys under temporary credentials).

The exact console steps, the direct link (copy it with ``l``: OSC 52, and the link is always
plain selectable text as the fallback), then "I've done it: check again", after which the flow
re-checks, polling briefly while AWS settles. In the sandbox, the simulated console does the
console's part from here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Button, Static

from aws_setup_wizard.present import status_word
from aws_setup_wizard.screens.base import WizardScreen
from aws_setup_wizard.screens.widgets import Busy, CheckView, numbered, plain
from aws_setup_wizard.wording import CHECK_AGAIN, DO_IN_SANDBOX_CONSOLE, NOT_YET

if TYPE_CHECKING:
    from aws_setup_wizard.model import Check, ConsoleAction
    from aws_setup_wizard.steps import Step

LINK_HEADING = "Direct link (press l to copy, or select it)"
# Said beside the link itself (a toast covered it at 80x24).
COPIED = (
    "Direct link: sent to the clipboard (OSC 52). If your terminal does not pass it on, "
    "select the link with the mouse (Shift+drag in most terminals)."
)


class ConsoleScreen(WizardScreen):
    """What to do in the AWS console, and the way back here."""

    BINDINGS = [
        Binding("d", "answer('check')", "Done: check again"),
        Binding("l", "copy_link", "Copy link"),
        Binding("s", "answer('sandbox')", "Sandbox console"),
        Binding("escape,b", "answer('back')", "Back"),
    ]

    def __init__(
        self,
        step: Step,
        action: ConsoleAction,
        check: Check,
        helper: str | None,
        *,
        again: bool = False,
    ) -> None:
        super().__init__()
        self.step = step
        self.action = action
        self.check = check
        self.helper = helper
        self.again = again

    def body(self) -> ComposeResult:
        """Title, state, steps, link, sandbox note."""
        yield Static(self.action.title, classes="title", markup=False)
        if self.again:
            yield plain(NOT_YET.format(summary=self.check.summary)).add_class("warning-text")
        else:
            yield CheckView(self.check, evidence=False)
        yield Static("In the AWS console", classes="subtitle")
        yield Static(numbered(self.action.steps), markup=False, id="console-steps")
        yield Static(LINK_HEADING, classes="subtitle", id="console-link-heading")
        yield Static(self.action.url, markup=False, id="console-link")
        if self.helper:
            yield plain(
                f"Sandbox: no real console exists here. {DO_IN_SANDBOX_CONSOLE}: press s or "
                "choose Simulated console."
            ).add_class("muted")
        yield Busy("Checking again (read-only, polling while AWS settles)…", id="console-busy")
        yield Static("", id="console-verdict", markup=False, classes="hidden")
        yield Static("", id="console-note", markup=False, classes="hidden warning-text")

    def actions(self) -> ComposeResult:
        """Check again, sandbox console (sandbox only), copy link, back."""
        if self.helper:
            yield Button("Simulated console", id="sandbox", variant="primary")
        yield Button(CHECK_AGAIN, id="check", variant="default" if self.helper else "primary")
        yield Button("Copy link", id="copy", classes="local")
        yield Button("Back", id="back")

    def on_mount(self) -> None:
        """Not checking yet; the main choice has the focus."""
        self.query_one("#console-busy").add_class("hidden")
        self.query_one("#sandbox" if self.helper else "#check", Button).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``s`` exists only where the sandbox console can do this action: hidden otherwise,
        so the footer never offers a key that does nothing."""
        if action == "answer" and parameters == ("sandbox",) and not self.helper:
            return False
        return super().check_action(action, parameters)

    def action_answer(self, value: str) -> None:
        """``s`` only where the sandbox console exists."""
        if value == "sandbox" and not self.helper:
            return
        super().action_answer(value)

    @on(Button.Pressed, "#copy")
    def action_copy_link(self) -> None:
        """Copy the link through OSC 52; the text stays selectable as the fallback."""
        self.app.copy_to_clipboard(self.action.url)
        self.query_one("#console-link-heading", Static).update(COPIED)
        self.query_one("#console-link").scroll_visible(animate=False)

    def checking(self) -> None:
        """The flow is checking again."""
        self.query_one("#console-note").add_class("hidden")
        self.query_one("#console-verdict").add_class("hidden")
        self.query_one("#console-busy").remove_class("hidden")
        for button in self.query("#actions Button"):
            button.disabled = True

    def rechecked(self, check: Check) -> None:
        """The flow's verdict after checking again: the status word and its sentence."""
        self.query_one("#console-busy").add_class("hidden")
        verdict = self.query_one("#console-verdict", Static)
        verdict.update(f"Checked again: {status_word(check.status)}. {check.summary}")
        verdict.remove_class("hidden")

    def note(self, text: str) -> None:
        """Something the sandbox console said (a refusal)."""
        note = self.query_one("#console-note", Static)
        note.update(text)
        note.remove_class("hidden")
