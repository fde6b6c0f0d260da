"""MFA registration: the QR code drawn in the terminal, then two consecutive codes.

The QR code comes from the exchange's ``otpauth://`` URI (light modules drawn as blocks, so a
phone reads it off a dark terminal). In the sandbox "Show me the codes" computes the codes an
authenticator would show, for trainees without a phone.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Static

from aws_setup_wizard.screens.base import WizardScreen
from aws_setup_wizard.screens.widgets import WizardInput, plain
from aws_setup_wizard.wording import FIRST_CODE, SCAN_QR, SECOND_CODE, SHOW_ME_THE_CODES

CodeSource = Callable[[], tuple[str, str]]


class QrScreen(Screen[None]):
    """Only the QR code, for small terminals; any key returns."""

    # Opened by the owner, not the flow: closed when the flow moves on.
    TRANSIENT = True

    def __init__(self, qr: list[str]) -> None:
        super().__init__()
        self.qr = qr

    def compose(self) -> ComposeResult:
        """The code, centred, nothing else."""
        yield Static("\n".join(self.qr), markup=False, id="qr-full")

    def on_key(self, event: events.Key) -> None:
        """Any key goes back to the codes."""
        event.stop()
        self.dismiss(None)

    def on_click(self) -> None:
        """A click goes back too."""
        self.dismiss(None)


class MfaScreen(WizardScreen):
    """QR code and two code fields; answers ``("submit", code1, code2)`` or ``"back"``."""

    BINDINGS = [
        Binding("escape", "answer('back')", "Back"),
        Binding("ctrl+f", "full_qr", "Full-screen QR"),
        Binding("ctrl+s", "show_codes", "Show me the codes"),
    ]

    def __init__(self, title: str, qr: list[str], codes: CodeSource | None) -> None:
        super().__init__()
        self.heading = title
        self.qr = qr
        self.codes = codes

    def body(self) -> ComposeResult:
        """QR on the left, the codes on the right."""
        yield Static(self.heading, classes="title", markup=False)
        with Horizontal(id="mfa-row"):
            yield Static("\n".join(self.qr), markup=False, id="qr")
            with Vertical(id="mfa-codes"):
                yield plain(SCAN_QR)
                yield plain(FIRST_CODE)
                yield WizardInput(
                    placeholder="6 digits", max_length=6, restrict=r"[0-9]*", id="code1"
                )
                yield plain(SECOND_CODE)
                yield WizardInput(
                    placeholder="6 digits", max_length=6, restrict=r"[0-9]*", id="code2"
                )
                yield Static("", id="mfa-problem", markup=False, classes="hidden warning-text")
                yield Static("", id="mfa-shown", markup=False, classes="hidden muted")

    def actions(self) -> ComposeResult:
        """Register, show me the codes (sandbox), back."""
        yield Button("Register", id="register", variant="primary", classes="local")
        if self.codes is not None:
            yield Button(SHOW_ME_THE_CODES, id="show-codes", classes="local")
        yield Button("Back", id="back")

    def on_mount(self) -> None:
        """The cursor starts in the first code."""
        self.query_one("#code1", Input).focus()

    @on(Input.Submitted, "#code1")
    def _first_entered(self) -> None:
        self.query_one("#code2", Input).focus()

    @on(Input.Submitted, "#code2")
    @on(Button.Pressed, "#register")
    def _register(self) -> None:
        first = self.query_one("#code1", Input).value
        second = self.query_one("#code2", Input).value
        self.answer(("submit", first, second))

    def action_full_qr(self) -> None:
        """The QR code alone on the screen: at 80x24 it does not fit beside the fields."""
        self.app.push_screen(QrScreen(self.qr))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """ "Show me the codes" exists only in the sandbox."""
        if action == "show_codes":
            return self.codes is not None
        return True

    @on(Button.Pressed, "#show-codes")
    def action_show_codes(self) -> None:
        """Sandbox only: fill in the two codes an authenticator would show now."""
        if self.codes is None:
            return
        first, second = self.codes()
        self.query_one("#code1", Input).value = first
        self.query_one("#code2", Input).value = second
        shown = self.query_one("#mfa-shown", Static)
        shown.update(f"Codes now: {first} then {second} (sandbox only). Press Register.")
        shown.remove_class("hidden")
        # The refusal was about the codes that are now replaced: it no longer applies.
        self.query_one("#mfa-problem").add_class("hidden")
        self.query_one("#register", Button).focus()

    def submitting(self) -> None:
        """The codes went to AWS."""
        self.query_one("#mfa-problem").add_class("hidden")
        self.query_one("#register", Button).disabled = True

    def refused(self, problem: str) -> None:
        """AWS (or the format check) refused the codes; nothing changed, try again."""
        text = self.query_one("#mfa-problem", Static)
        text.update(f"{problem} Nothing was changed; try again.")
        text.remove_class("hidden")
        self.query_one("#register", Button).disabled = False
        self.query_one("#code1", Input).focus()
