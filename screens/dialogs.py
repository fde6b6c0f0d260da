"""Dialogs: confirmations (default No), failures, the MFA offer, quitting, messages.

Every confirmation is a ``ModalScreen[bool]`` whose focused button is "No": Enter on a dialog
never writes by accident. Deleting root access keys also asks for the last four characters of
each key ID, typed by the owner.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Footer, Input, Label, Static

from aws_setup_wizard.present import account_kind, change_lines
from aws_setup_wizard.screens.base import WizardModal
from aws_setup_wizard.screens.widgets import WizardInput, plain
from aws_setup_wizard.wording import BACK, CONFIRM_ACCOUNT, OFFER_MFA, RETRY, TYPE_KEY_SUFFIX

if TYPE_CHECKING:
    from aws_setup_wizard.flow import ConfirmRequest, Identity
    from aws_setup_wizard.model import Plan
    from aws_setup_wizard.steps import Step


class YesNoScreen(WizardModal[bool]):
    """A question with "No" focused; Escape and ``n`` say no."""

    AUTO_FOCUS = "#no"
    BINDINGS = [
        Binding("escape,n", "no", "No"),
        Binding("y", "yes", "Yes"),
    ]
    yes_label = "Yes"
    no_label = "No"

    def compose(self) -> ComposeResult:
        """Title, the question's parts, then No and Yes."""
        with Vertical(classes="dialog"):
            yield from self.parts()
            with Horizontal(classes="dialog-actions"):
                yield Button(self.no_label, id="no", variant="primary")
                yield Button(self.yes_label, id="yes", variant="warning")
        yield Footer()

    def parts(self) -> ComposeResult:
        """The dialog's content."""
        yield from ()

    @on(Button.Pressed, "#no")
    def action_no(self) -> None:
        """No: nothing happens."""
        self.dismiss(False)

    @on(Button.Pressed, "#yes")
    def action_yes(self) -> None:
        """Yes, when the dialog allows it."""
        if not self.query_one("#yes", Button).disabled:
            self.dismiss(True)


class AccountConfirmScreen(YesNoScreen):
    """Before the first write of a run: is this the right account and caller?"""

    yes_label = "Yes, this account"

    def __init__(self, identity: Identity) -> None:
        super().__init__()
        self.identity = identity

    def parts(self) -> ComposeResult:
        """Account, caller, region, badge."""
        identity = self.identity
        yield Static("Before the first change", classes="dialog-title")
        yield plain(
            CONFIRM_ACCOUNT.format(
                account_id=identity.account_id, caller=identity.caller.describe()
            )
        )
        yield plain(f"Caller ARN: {identity.caller.arn}").add_class("muted")
        yield plain(f"Region: {identity.region}").add_class("muted")
        if identity.sandbox:
            yield plain(account_kind(sandbox=True)).add_class("badge-line")


class PlanConfirmScreen(YesNoScreen):
    """The exact changes and the account ID; deletions need each key's last four characters."""

    yes_label = "Yes, make these changes"

    def __init__(self, step: Step, plan: Plan, request: ConfirmRequest) -> None:
        super().__init__()
        self.step = step
        self.plan = plan
        self.request = request

    def parts(self) -> ComposeResult:
        """Question, changes, typed confirmations."""
        yield Static(f"Confirm: {self.step.title}", classes="dialog-title", markup=False)
        yield plain(self.request.question).add_class("question")
        with VerticalScroll(classes="dialog-list"):
            for line in change_lines(self.plan):
                yield plain(line)
        for index, label in enumerate(self.request.labels):
            yield Label(TYPE_KEY_SUFFIX.format(masked=label or f"#{index + 1}"))
            yield WizardInput(
                placeholder="last 4 characters",
                max_length=4,
                id=f"suffix-{index}",
                classes="suffix",
            )
        if self.request.typed_suffixes:
            yield Static("", id="suffix-problem", classes="warning-text hidden", markup=False)
            yield plain("Deleting cannot be undone.").add_class("warning-text")

    def on_mount(self) -> None:
        """With keys to type, "Yes" waits for them and the first field has the cursor.

        The cursor used to start on "No", so the characters typed went nowhere until
        Shift-Tab (issue 12, item 9); "No" is still one Tab or Escape away.
        """
        self.query_one("#yes", Button).disabled = bool(self.request.typed_suffixes)
        if self.request.typed_suffixes:
            self.query_one("#suffix-0", Input).focus()

    @on(Input.Changed, ".suffix")
    def _typed(self) -> None:
        typed = [field.value for field in self.query(".suffix").results(Input)]
        self.query_one("#yes", Button).disabled = not self.request.accepts(typed)
        # A complete but wrong suffix says so, instead of a silently disabled "Yes".
        wrong = [
            label
            for value, suffix, label in zip(
                typed, self.request.typed_suffixes, self.request.labels, strict=False
            )
            if len(value.strip()) == len(suffix) and value.strip().upper() != suffix.upper()
        ]
        problem = self.query_one("#suffix-problem", Static)
        problem.update(
            f"That is not how key {wrong[0]} ends: type its last four characters." if wrong else ""
        )
        problem.set_class(not wrong, "hidden")

    @on(Input.Submitted, ".suffix")
    def _next_field(self) -> None:
        # Enter moves on; it never confirms (the owner presses "Yes" deliberately).
        self.focus_next()


class MfaOfferScreen(YesNoScreen):
    """Register the new administrator's MFA now, or at first sign-in."""

    yes_label = "Register MFA now"
    no_label = "Leave it for first sign-in"
    # Registering now is the recommended path; refusing is not a write, so no safety concern.
    AUTO_FOCUS = "#yes"

    def __init__(self, user: str) -> None:
        super().__init__()
        self.user = user

    def parts(self) -> ComposeResult:
        """The offer."""
        yield Static("MFA for the administrator", classes="dialog-title")
        yield plain(OFFER_MFA.format(user=self.user))


class QuitScreen(YesNoScreen):
    """Quitting in the middle of a step (or of a write) asks first."""

    # Opened by the owner, not the flow: closed when the flow moves on.
    TRANSIENT = True

    yes_label = "Quit"
    no_label = "Stay"

    def __init__(self, writing: bool) -> None:
        super().__init__()
        self.writing = writing

    def parts(self) -> ComposeResult:
        """What quitting now means."""
        yield Static("Quit the wizard?", classes="dialog-title")
        if self.writing:
            yield plain(
                "A change is being made right now. Quitting stops before the next call; run "
                "the wizard again and it finds what was done and finishes the rest."
            ).add_class("warning-text")
        else:
            yield plain(
                "You are in the middle of a step. Nothing of this step was changed yet unless "
                "you confirmed it; run the wizard again at any time."
            )


class FailureScreen(WizardModal[str]):
    """A failure outside the running screen: the one sentence, then Retry or Back."""

    AUTO_FOCUS = "#retry"
    BINDINGS = [
        Binding("r", "choose('retry')", RETRY),
        Binding("escape,b", "choose('back')", BACK),
    ]

    def __init__(self, title: str, message: str, done: tuple[str, ...]) -> None:
        super().__init__()
        self.heading = title
        self.message = message
        self.done = done

    def compose(self) -> ComposeResult:
        """Message, what was done, Retry / Back."""
        with Vertical(classes="dialog"):
            yield Static(f"Problem: {self.heading}", classes="dialog-title", markup=False)
            yield plain(self.message).add_class("warning-text")
            if self.done:
                yield plain("Done before it stopped: " + "; ".join(self.done))
            with Horizontal(classes="dialog-actions"):
                yield Button(RETRY, id="retry", variant="primary")
                yield Button(BACK, id="back")
        # Its own footer: without it the screen's footer behind showed keys that do nothing here.
        yield Footer()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "back")

    def action_choose(self, answer: str) -> None:
        """Keys choose like the buttons."""
        self.dismiss(answer)


class MessageScreen(WizardModal[None]):
    """Something to read, then OK."""

    AUTO_FOCUS = "#ok"
    BINDINGS = [Binding("escape,enter", "close", "OK")]

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self.heading = title
        self.message = message

    def compose(self) -> ComposeResult:
        """Title, text, OK."""
        with Vertical(classes="dialog"):
            yield Static(self.heading, classes="dialog-title", markup=False)
            yield plain(self.message)
            with Horizontal(classes="dialog-actions"):
                yield Button("OK", id="ok", variant="primary")
        yield Footer()

    @on(Button.Pressed, "#ok")
    def action_close(self) -> None:
        """Close."""
        self.dismiss(None)


class DeclineReasonScreen(WizardModal[str | None]):
    """Why the step is declined: one line, checked as typed; Escape or "Back" go back."""

    AUTO_FOCUS = "#reason"
    BINDINGS = [Binding("escape", "back", "Back")]

    def __init__(self, step: Step) -> None:
        super().__init__()
        self.step = step

    def compose(self) -> ComposeResult:
        """Title, what a decline does, the reason's field, then Back and Record."""
        from aws_setup_wizard.declines import MAX_REASON, parameter_name

        with Vertical(classes="dialog"):
            yield Static(f"Decline: {self.step.title}", classes="dialog-title", markup=False)
            yield plain(
                f"The reason is kept in the account ({parameter_name(self.step.id)}, a free "
                "SSM parameter): verify then shows this step as DECLINED, with who, when and "
                "why. The plan is shown before anything is written."
            )
            yield Label("Why is this step declined?")
            yield WizardInput(placeholder="the reason", max_length=MAX_REASON, id="reason")
            yield Static("", id="reason-problem", classes="warning-text hidden", markup=False)
            with Horizontal(classes="dialog-actions"):
                yield Button(BACK, id="reason-back")
                yield Button("Record the decline", id="record", variant="warning", disabled=True)
        yield Footer()

    @on(Input.Changed, "#reason")
    def _typed(self, event: Input.Changed) -> None:
        from aws_setup_wizard.declines import reason_problem

        problem = reason_problem(event.value) if event.value.strip() else None
        self.query_one("#record", Button).disabled = bool(problem) or not event.value.strip()
        shown = self.query_one("#reason-problem", Static)
        shown.update(problem[:1].upper() + problem[1:] if problem else "")
        shown.set_class(not problem, "hidden")

    @on(Input.Submitted, "#reason")
    @on(Button.Pressed, "#record")
    def _record(self) -> None:
        if not self.query_one("#record", Button).disabled:
            self.dismiss(self.query_one("#reason", Input).value.strip())

    @on(Button.Pressed, "#reason-back")
    def action_back(self) -> None:
        """Back: nothing is recorded."""
        self.dismiss(None)
