"""Start: who the wizard is talking to, before anything else.

Drawn at once in a "reading…" state (the first frame, before boto3 is loaded), then filled with
the account ID, the caller, how the credentials were found, the region and the SANDBOX badge.
With no working credentials it offers, on this one screen, to practise in the sandbox or
explains how to get credentials safely.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.widgets import Button, Select, Static

from screens.base import WizardScreen
from screens.bridge import Reply
from screens.widgets import Busy, numbered, plain
from wizard.sandbox import SCENARIOS
from wizard.wording import GET_CREDENTIALS, NO_CREDENTIALS, PRACTICE_IN_SANDBOX

if TYPE_CHECKING:
    from wizard.flow import Identity

SANDBOX_NOTE = "A practice account on this machine: nothing real is touched."
REAL_NOTE = "A real AWS account: every change is shown first and asked for."


class StartScreen(WizardScreen):
    """The first screen: identity, or what to do without credentials."""

    BINDINGS = [
        Binding("c", "answer('continue')", "Continue"),
        Binding("s", "practise", "Practise in the sandbox", show=False),
    ]

    def body(self) -> ComposeResult:
        """Three parts, one shown at a time: reading, identity, no credentials."""
        yield Static("Who the wizard is talking to", classes="title")
        yield Busy("Starting…", id="start-busy")
        with Vertical(id="identity", classes="hidden"):
            yield Static("", id="badge", markup=False)
            yield Grid(id="facts")
            yield Static("", id="notices", markup=False, classes="notice")
            yield Static(
                "Next: the dashboard reads every step, read-only. Nothing is changed until you "
                "confirm it.",
                classes="muted",
            )
        with Vertical(id="no-credentials", classes="hidden"):
            yield plain(NO_CREDENTIALS).add_class("warning-text")
            yield Static("", id="problem", markup=False)
            yield Static("How to get credentials", classes="subtitle")
            yield Static(numbered(GET_CREDENTIALS), markup=False)
            yield Static("Practice account to start with", classes="subtitle")
            yield Select[str](
                [(name, name) for name in SCENARIOS],
                value="fresh",
                id="scenario",
                allow_blank=False,
            )

    def actions(self) -> ComposeResult:
        """Continue / practise / retry / quit; each shown when it applies."""
        yield Button("Continue", id="continue", variant="primary", classes="hidden")
        yield Button(PRACTICE_IN_SANDBOX, id="sandbox", variant="primary", classes="hidden")
        yield Button("Try again", id="retry", classes="hidden")
        yield Button("Quit", id="quit")

    # -- states (event loop) --------------------------------------------------------------------

    def reading(self, text: str) -> None:
        """Reading or starting something: a spinner and a sentence."""
        busy = self.query_one("#start-busy", Busy)
        busy.say(text)
        busy.remove_class("hidden")
        self.query_one("#identity").add_class("hidden")
        self.query_one("#no-credentials").add_class("hidden")
        for name in ("continue", "sandbox", "retry"):
            self.query_one(f"#{name}").add_class("hidden")

    def show_identity(self, identity: Identity, reply: Reply[Any]) -> None:
        """Account, caller, credential source, region; Continue or Quit."""
        self.refresh_bar()
        self.query_one("#start-busy").add_class("hidden")
        self.query_one("#badge", Static).update(
            f"SANDBOX  {SANDBOX_NOTE}" if identity.sandbox else REAL_NOTE
        )
        self.query_one("#badge").set_class(identity.sandbox, "-sandbox")
        facts = self.query_one("#facts", Grid)
        facts.remove_children()
        endpoint = "this machine (the built-in sandbox)" if identity.sandbox else identity.endpoint
        rows = [
            ("Account ID", identity.account_id),
            ("Caller", f"{identity.caller.describe()}\n{identity.caller.arn}"),
            ("Credentials from", identity.credential_source),
            ("Region", identity.region),
            ("Endpoint", endpoint or "AWS"),
        ]
        for label, value in rows:
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

    def no_credentials(self, problem: str | None, retry: bool, reply: Reply[Any]) -> None:
        """No credentials (or they failed): practise in the sandbox, learn how, retry, quit."""
        self.query_one("#start-busy").add_class("hidden")
        self.query_one("#identity").add_class("hidden")
        self.query_one("#problem", Static).update(problem or "")
        self.query_one("#no-credentials").remove_class("hidden")
        self.query_one("#sandbox").remove_class("hidden")
        self.query_one("#retry").set_class(not retry, "hidden")
        self.query_one("#sandbox", Button).focus()
        self.expect(reply)

    # -- answers ----------------------------------------------------------------------------------

    def answer(self, value: Any) -> None:
        """The sandbox choice carries the chosen scenario."""
        if value == "sandbox":
            value = f"sandbox:{self.query_one('#scenario', Select).value}"
        super().answer(value)

    def action_practise(self) -> None:
        """``s``: practise in the sandbox (when offered)."""
        if not self.query_one("#sandbox").has_class("hidden"):
            self.answer("sandbox")
