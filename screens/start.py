"""Start: who the wizard is talking to, before anything else.

Drawn at once in a "reading…" state (the first frame, before boto3 is loaded), then filled with
the account ID, the caller, how the credentials were found, the region and the SANDBOX badge.
With no working credentials it explains, on this one screen, how to get credentials safely
(CloudShell first: no access key at all), then takes a temporary root access key typed into a
masked field (or the one an unfinished run kept), and offers to practise in the sandbox.

The typed secret lives only in the masked field and in the answer handed to the flow thread,
which opens the account with it: it is never drawn, logged, exported or put in a ``repr``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from aws_setup_wizard.present import account_kind, identity_facts
from aws_setup_wizard.screens.base import WizardScreen
from aws_setup_wizard.screens.bridge import Reply
from aws_setup_wizard.screens.widgets import Busy, WizardInput, numbered, plain
from aws_setup_wizard.wording import (
    ACCESS_KEY_ID,
    ENTER_ROOT_KEY,
    GET_CREDENTIALS,
    KEY_DID_NOT_WORK,
    NO_CREDENTIALS,
    PRACTICE_IN_SANDBOX,
    SECRET_ACCESS_KEY,
    TRY_AGAIN,
)

if TYPE_CHECKING:
    from textual.widget import AwaitMount

    from aws_setup_wizard.flow import Identity
    from aws_setup_wizard.no_credentials import Offer

USE_KEY = "Use this key"
# The kept key's button id: ``no_credentials.Choice.KEPT_KEY``'s value, written out because that
# module (~5 ms of dataclasses) is imported only when the screen needs it, after the first frame.
KEPT_KEY = "kept-key"


# After the first frame: long enough for it to be written out, short enough to be done
# before the credentials are read.
REST_DELAY = 0.02


def _problem(text: str | None) -> str | None:
    return text[0].upper() + text[1:] if text else None


class StartScreen(WizardScreen):
    """The first screen: identity, or what to do without credentials."""

    _rest: AwaitMount | None = None

    BINDINGS = [
        Binding("c", "answer('continue')", "Continue"),
        Binding("s", "practise", "Practise in the sandbox", show=False),
    ]

    def body(self) -> ComposeResult:
        """The first frame: the title and "Starting…"; the rest mounts just after it."""
        yield Static("Who the wizard is talking to", classes="title")
        yield Busy("Starting…", id="start-busy")

    def on_mount(self) -> None:
        """Mount the identity and no-credentials parts once the first frame is out.

        Styling their ~50 widgets cost more than a third of the first paint (issue 13), and
        neither is seen before the flow thread has read the credentials. A timer rather than
        ``call_after_refresh``: the frame must be written to the terminal first.
        """
        self.set_timer(REST_DELAY, self._mount_rest)

    async def _mount_rest(self) -> None:
        """Mount the hidden parts (once; every state that shows them awaits this first)."""
        if self._rest is None:
            self.wizard.load_later_styles()  # the parts' styles are in its second part
            self._rest = self.query_one("#body").mount_all(
                (self._identity_part(), self._no_credentials_part())
            )
        await self._rest

    @staticmethod
    def _identity_part() -> Vertical:
        return Vertical(
            Static("", id="badge", markup=False),
            Grid(id="facts"),
            Static("", id="notices", markup=False, classes="notice"),
            Static(
                "Next: the dashboard reads every step, read-only. Nothing is changed until you "
                "confirm it.",
                classes="muted",
            ),
            id="identity",
            classes="hidden",
        )

    @staticmethod
    def _no_credentials_part() -> Vertical:
        # Imported here, after the first frame: the sandbox package costs ~35 ms to load.
        from aws_setup_wizard.sandbox import SCENARIOS

        return Vertical(
            plain(NO_CREDENTIALS).add_class("warning-text"),
            Static("", id="problem", markup=False),
            Static("How to get credentials", classes="subtitle"),
            Static(numbered(GET_CREDENTIALS), markup=False),
            Static(ENTER_ROOT_KEY, classes="subtitle", markup=False),
            Static("", id="key-store", markup=False, classes="muted"),
            Vertical(
                Label(ACCESS_KEY_ID, classes="field-label"),
                WizardInput(id="key-id", placeholder="AKIA…", max_length=40),
                Static("", classes="field-error hidden", markup=False),
                classes="field",
                id="key-id-field",
            ),
            Vertical(
                Label(SECRET_ACCESS_KEY, classes="field-label"),
                WizardInput(id="key-secret", password=True, max_length=80),
                Static("", classes="field-error hidden", markup=False),
                classes="field",
                id="key-secret-field",
            ),
            Static("", id="key-problem", markup=False, classes="hidden warning-text"),
            Horizontal(
                Button(USE_KEY, id="use-key", compact=True, disabled=True),
                Button("", id=KEPT_KEY, compact=True, classes="hidden"),
                id="key-buttons",
            ),
            Vertical(
                Static("Practice account to start with", classes="subtitle"),
                Select[str](
                    [(name, name) for name in SCENARIOS],
                    value="fresh",
                    id="scenario",
                    allow_blank=False,
                ),
                id="practice",
            ),
            id="no-credentials",
            classes="hidden",
        )

    def actions(self) -> ComposeResult:
        """Continue / practise / retry / quit; each shown when it applies."""
        yield Button("Continue", id="continue", variant="primary", classes="hidden")
        yield Button(PRACTICE_IN_SANDBOX, id="sandbox", variant="primary", classes="hidden")
        yield Button(TRY_AGAIN, id="retry", classes="hidden")
        yield Button("Quit", id="quit")

    # -- states (event loop) --------------------------------------------------------------------

    def reading(self, text: str) -> None:
        """Reading or starting something: a spinner and a sentence."""
        busy = self.query_one("#start-busy", Busy)
        busy.say(text)
        busy.remove_class("hidden")
        # (the parts may not be mounted yet: ``query`` then finds nothing to hide)
        self.query("#identity, #no-credentials").add_class("hidden")
        for name in ("continue", "sandbox", "retry"):
            self.query_one(f"#{name}").add_class("hidden")

    async def show_identity(self, identity: Identity, reply: Reply[Any]) -> None:
        """Account, caller, credential source, region; Continue or Quit."""
        await self._mount_rest()
        self.refresh_bar()
        self.query_one("#start-busy").add_class("hidden")
        self.query_one("#badge", Static).update(account_kind(identity.sandbox))
        self.query_one("#badge").set_class(identity.sandbox, "-sandbox")
        facts = self.query_one("#facts", Grid)
        facts.remove_children()
        for label, value in identity_facts(identity):
            facts.mount(Static(label, classes="fact-label"))
            facts.mount(Static(value, markup=False, classes="fact-value"))
        notices = self.query_one("#notices", Static)
        notices.update("\n\n".join(identity.notices))
        notices.set_class(not identity.notices, "hidden")
        self.query_one("#identity").remove_class("hidden")
        button = self.query_one("#continue", Button)
        button.remove_class("hidden")
        button.focus()
        self.expect(reply)

    async def no_credentials(self, offer: Offer, reply: Reply[Any]) -> None:
        """No credentials (or they failed): learn how, enter a key, practise, retry, quit.

        Only the choices ``offer`` holds are shown; ``offer.key_problem`` (why the key just
        tried did not open the account) is shown beside the form, which keeps what was typed.
        """
        from aws_setup_wizard.no_credentials import Choice

        await self._mount_rest()
        self.query_one("#start-busy").add_class("hidden")
        self.query_one("#identity").add_class("hidden")
        self.query_one("#problem", Static).update(offer.problem or "")
        self.query_one("#key-store", Static).update(offer.secrets_note)
        kept = self.query_one(f"#{KEPT_KEY}", Button)
        if Choice.KEPT_KEY in offer.choices:
            kept.label = offer.label(Choice.KEPT_KEY)
        kept.set_class(Choice.KEPT_KEY not in offer.choices, "hidden")
        note = self.query_one("#key-problem", Static)
        key_problem = offer.key_problem
        note.update(KEY_DID_NOT_WORK.format(problem=key_problem) if key_problem else "")
        note.set_class(not key_problem, "hidden")
        self.query_one("#no-credentials").remove_class("hidden")
        practise = Choice.SANDBOX in offer.choices
        self.query_one("#sandbox").set_class(not practise, "hidden")
        self.query_one("#practice").set_class(not practise, "hidden")
        self.query_one("#retry").set_class(Choice.RETRY not in offer.choices, "hidden")
        if key_problem or not practise:
            self.query_one("#key-id", Input).focus()
        else:
            self.query_one("#sandbox", Button).focus()
        self.expect(reply)

    # -- the typed root key (event loop) ------------------------------------------------------

    def _key_problems(self) -> tuple[str | None, str | None]:
        """Why the typed key ID and secret are not usable yet (``None`` each when they are)."""
        # Imported here: aws_setup_wizard.credentials loads boto3, which the first frame must not
        # wait for (by the time the owner types, the flow thread has loaded it).
        from aws_setup_wizard.credentials import access_key_id_problem, secret_key_problem

        key_id = self.query_one("#key-id", Input).value
        secret = self.query_one("#key-secret", Input).value
        return _problem(access_key_id_problem(key_id)), _problem(secret_key_problem(secret))

    @on(Input.Changed, "#key-id, #key-secret")
    def _key_changed(self, event: Input.Changed) -> None:
        """Validate as the owner types; an empty field is not an error yet."""
        event.stop()
        problems = dict(zip(("key-id", "key-secret"), self._key_problems(), strict=True))
        for name, why in problems.items():
            typed = bool(self.query_one(f"#{name}", Input).value)
            shown = why if typed else None
            box = self.query_one(f"#{name}-field")
            box.set_class(shown is not None, "-invalid")
            error = box.query_one(".field-error", Static)
            error.update(shown or "")
            error.set_class(shown is None, "hidden")
        self.query_one("#use-key", Button).disabled = any(problems.values())
        self.query_one("#key-problem").add_class("hidden")

    @on(Input.Submitted, "#key-id")
    def _key_id_entered(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#key-secret", Input).focus()

    @on(Input.Submitted, "#key-secret")
    @on(Button.Pressed, "#use-key")
    def _use_key(self, event: Input.Submitted | Button.Pressed) -> None:
        """Hand the typed key to the flow thread, which opens the account with it."""
        from aws_setup_wizard.no_credentials import Choice, EnteredKey, Picked

        event.stop()
        if any(self._key_problems()) or not self.asking:
            return
        key_id = self.query_one("#key-id", Input).value.strip()
        secret = self.query_one("#key-secret", Input).value.strip()
        self.answer(Picked(Choice.ENTER_KEY, EnteredKey(key_id, secret)))

    @on(Button.Pressed, f"#{KEPT_KEY}")
    def _kept_key(self, event: Button.Pressed) -> None:
        from aws_setup_wizard.no_credentials import Choice, Picked

        event.stop()
        self.answer(Picked(Choice.KEPT_KEY))

    def forget_key(self) -> None:
        """The key opened the account: nothing of it stays in the form."""
        for name in ("key-id", "key-secret"):
            self.query_one(f"#{name}", Input).value = ""

    # -- answers ----------------------------------------------------------------------------------

    def answer(self, value: Any) -> None:
        """The sandbox choice carries the chosen scenario."""
        from aws_setup_wizard.no_credentials import Choice, Picked

        if value == "sandbox":
            value = Picked(Choice.SANDBOX, scenario=str(self.query_one("#scenario", Select).value))
        super().answer(value)

    def action_practise(self) -> None:
        """``s``: practise in the sandbox (when offered)."""
        if not self.query_one("#sandbox").has_class("hidden"):
            self.answer("sandbox")
