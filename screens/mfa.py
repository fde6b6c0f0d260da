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

from aws_setup_wizard.present import grouped_secret
from aws_setup_wizard.screens.base import WizardScreen
from aws_setup_wizard.screens.widgets import WizardInput, plain
from aws_setup_wizard.wording import FIRST_CODE, SCAN_QR, SECOND_CODE

# "Show me the codes (sandbox only)" in the plain mode; here the button exists only in the
# sandbox (whose badge is on every screen), and the long label cut "Back" off at 60 columns.
SHOW_CODES_BUTTON = "Show me the codes"

CodeSource = Callable[[], tuple[str, str]]


# Beside the QR code: the codes' column needs this many columns to keep its words whole.
CODES_WIDTH = 24
QR_BACK = (
    "Scan this QR code with your authenticator app.\n\n"
    "Then press any key, or click, to go back to the code fields."
)
QR_TOO_BIG = (
    "This window ({width}x{height}) is too small for the QR code, which needs {need_width}x"
    "{need_height}. Enlarge the window, or press any key to go back and use the secret key "
    "(Ctrl-T) instead."
)
QR_NO_ROOM = "This window is too small to show the QR code beside the code fields."
CANT_SCAN = "Ctrl-F shows the QR code alone, full-screen; Ctrl-T the secret key, to type in."


class QrScreen(Screen[None]):
    """Only the QR code and how to go back (any key, or a click)."""

    # Opened by the owner, not the flow: closed when the flow moves on.
    TRANSIENT = True

    def __init__(self, qr: list[str]) -> None:
        super().__init__()
        self.qr = qr

    def compose(self) -> ComposeResult:
        """The code, centred, with the way back beside it (or below, or instead of it)."""
        with Horizontal(id="qr-full-box"):
            yield Static("\n".join(self.qr), markup=False, id="qr-full")
            yield Static(QR_BACK, markup=False, id="qr-full-hint")

    def on_resize(self, event: events.Resize) -> None:
        """Beside the code when there is room, else below it; a sentence when it cannot fit."""
        width, height = event.size
        need_width = max((len(line) for line in self.qr), default=0)
        need_height = len(self.qr)
        hint = self.query_one("#qr-full-hint", Static)
        fits = width >= need_width and height >= need_height
        self.set_class(not fits, "-too-small")
        self.set_class(fits and width >= need_width + 2 + 24, "-side")
        self.set_class(fits and not self.has_class("-side"), "-below")
        if fits:
            hint.update(QR_BACK)
        else:
            hint.update(
                QR_TOO_BIG.format(
                    width=width, height=height, need_width=need_width, need_height=need_height
                )
            )

    def on_key(self, event: events.Key) -> None:
        """Any key goes back to the codes."""
        event.stop()
        self.dismiss(None)

    def on_click(self) -> None:
        """A click goes back too."""
        self.dismiss(None)


class MfaScreen(WizardScreen):
    """QR code and two code fields; answers ``("submit", code1, code2)`` or ``"back"``.

    Where the QR code does not fit beside the fields (80x24 is too short for it), a panel in
    its place says so and offers it full-screen (Ctrl-F) or the secret key as text (Ctrl-T).
    """

    BINDINGS = [
        Binding("escape", "answer('back')", "Back"),
        Binding("ctrl+f", "full_qr", "Full-screen QR"),
        Binding("ctrl+t", "show_secret", "Secret key"),
        Binding("ctrl+s", "show_codes", "Show codes"),
    ]

    def __init__(
        self, title: str, qr: list[str], codes: CodeSource | None, secret: str | None = None
    ) -> None:
        super().__init__()
        self.heading = title
        self.qr = qr
        self.codes = codes
        self.secret = secret

    def body(self) -> ComposeResult:
        """QR on the left (or the panel that stands for it), the codes on the right."""
        yield Static(self.heading, classes="title", markup=False)
        with Horizontal(id="mfa-row"):
            yield Static("\n".join(self.qr), markup=False, id="qr")
            with Vertical(id="qr-small") as panel:
                panel.border_title = "QR code"
                yield Static(QR_NO_ROOM, markup=False)
                yield Button("Full-screen QR (Ctrl-F)", id="full-qr", compact=True)
                if self.secret:
                    yield Button("Secret key (Ctrl-T)", id="show-secret", compact=True)
            with Vertical(id="mfa-codes"):
                yield plain(SCAN_QR)
                yield Static("", id="mfa-secret", markup=False, classes="hidden")
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
                if self.secret:
                    yield Static(CANT_SCAN, id="mfa-hint", markup=False, classes="muted")

    def actions(self) -> ComposeResult:
        """Register, show me the codes (sandbox), back."""
        yield Button("Register", id="register", variant="primary", classes="local")
        if self.codes is not None:
            yield Button(SHOW_CODES_BUTTON, id="show-codes", classes="local")
        yield Button("Back", id="back")

    def on_mount(self) -> None:
        """The cursor starts in the first code; the QR code or the panel from the first frame."""
        self.query_one("#code1", Input).focus()
        self._fit_qr()

    def on_resize(self) -> None:
        """The QR code beside the fields only where all of it fits (never cut off)."""
        self.call_after_refresh(self._fit_qr)

    def _fit_qr(self) -> None:
        if not self.is_mounted:
            return
        body = self.query_one("#body")
        width, height = body.size
        if not height:
            # Before the first layout: the window less the bar, the buttons and the footer.
            width, height = self.app.size
            bar = 1 if len(self.wizard.bar_line) + 2 <= width else 2
            height -= bar + 2 + 1
        qr_width = max((len(line) for line in self.qr), default=0)
        # The title and its margin above the row; the body's padding and a scrollbar beside it.
        tall = height >= len(self.qr) + 2
        wide = width - 4 >= qr_width + 2 + CODES_WIDTH
        self.set_class(not (tall and wide), "-cramped")

    @on(Input.Submitted, "#code1")
    def _first_entered(self) -> None:
        self.query_one("#code2", Input).focus()

    @on(Input.Submitted, "#code2")
    @on(Button.Pressed, "#register")
    def _register(self) -> None:
        first = self.query_one("#code1", Input).value
        second = self.query_one("#code2", Input).value
        self.answer(("submit", first, second))

    @on(Button.Pressed, "#full-qr")
    def action_full_qr(self) -> None:
        """The QR code alone on the screen: at 80x24 it does not fit beside the fields."""
        self.app.push_screen(QrScreen(self.qr))

    @on(Button.Pressed, "#show-secret")
    def action_show_secret(self) -> None:
        """The secret key as text, for an app that cannot scan (or a window too small)."""
        if not self.secret:
            return
        shown = self.query_one("#mfa-secret", Static)
        # On a line of its own: wrapped, if at all, between groups of four.
        shown.update(f"Secret key, to type into the app instead:\n{grouped_secret(self.secret)}")
        shown.remove_class("hidden")
        self.query_one("#code1", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """ "Show me the codes" exists only in the sandbox; the secret key only when known."""
        if action == "show_codes":
            return self.codes is not None
        if action == "show_secret":
            return bool(self.secret)
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
