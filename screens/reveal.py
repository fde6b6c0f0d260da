"""The administrator's initial password: shown once, never stored, copyable.

The password exists only in this screen's widgets; the report, the journal and the summary
export never see it. Once the owner continues, the screen is replaced and the text is gone.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Button, Static

from aws_setup_wizard.screens.base import WizardScreen
from aws_setup_wizard.screens.widgets import plain
from aws_setup_wizard.wording import IDENTITY_CENTER_NOTE, PASSWORD_ONCE

# Said right under the box that holds the copied text (a toast covered it at 80x24).
COPIED = (
    "{what} sent to the clipboard (OSC 52). If your terminal does not pass it on, select it "
    "in the box above with the mouse."
)
COPIED_WHAT = {"password": "Password", "signin_url": "Sign-in URL"}


class RevealScreen(WizardScreen):
    """Sign-in URL and initial password, the reminders, the IAM Identity Center note."""

    BINDINGS = [
        Binding("c", "answer('continue')", "I have saved it"),
        Binding("p", "copy('password')", "Copy password"),
        Binding("u", "copy('signin_url')", "Copy sign-in URL"),
    ]

    def __init__(self, reveal: Mapping[str, str]) -> None:
        super().__init__()
        # A copy: the caller clears its own mapping once this screen is up.
        self._reveal = dict(reveal)

    def body(self) -> ComposeResult:
        """The one-time text and the notes."""
        yield Static("Save this now: it is shown once", classes="title")
        yield plain(PASSWORD_ONCE.format(**self._reveal)).add_class("reveal")
        yield Static("", id="copied", markup=False, classes="hidden muted")
        yield plain(
            "Keep it in a password manager; do not paste it into chat or email. Whoever signs "
            "in first with it must choose a new password."
        ).add_class("muted")
        yield Static("IAM Identity Center", classes="subtitle")
        yield plain(IDENTITY_CENTER_NOTE)

    def actions(self) -> ComposeResult:
        """Copy actions and continue."""
        yield Button("I have saved it", id="continue", variant="primary")
        yield Button("Copy password", id="copy-password", classes="local")
        yield Button("Copy sign-in URL", id="copy-url", classes="local")

    def on_mount(self) -> None:
        """Continue has the focus only after the owner looked: start on the copy button."""
        self.query_one("#copy-password", Button).focus()

    @on(Button.Pressed, "#copy-password")
    def _copy_password(self) -> None:
        self.action_copy("password")

    @on(Button.Pressed, "#copy-url")
    def _copy_url(self) -> None:
        self.action_copy("signin_url")

    def action_copy(self, key: str) -> None:
        """Copy the password or the sign-in URL (OSC 52; the text stays selectable)."""
        self.app.copy_to_clipboard(self._reveal.get(key, ""))
        copied = self.query_one("#copied", Static)
        copied.update(COPIED.format(what=COPIED_WHAT.get(key, "Text")))
        copied.remove_class("hidden")
        # Just under the box: scrolled to as little as possible, the box stays in view.
        copied.scroll_visible(animate=False)

    def on_unmount(self) -> None:
        """Forget the password with the screen."""
        self._reveal.clear()
