"""The :class:`aws_setup_wizard.flow.Conversation` rendered with Textual screens.

Every method runs in the flow's thread. It hands a screen to the app through the
:class:`~aws_setup_wizard.screens.bridge.Bridge` and blocks until the owner answers; it renders and
asks, and decides nothing (the flow decides). Work the flow hands over (``exchange.complete``, the
sandbox console's ``simulate``) also runs here, in the flow's thread, never on the event loop.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from aws_setup_wizard.dialogue import Answer
from aws_setup_wizard.screens.bridge import Reply
from aws_setup_wizard.screens.console import ConsoleScreen
from aws_setup_wizard.screens.dashboard import DashboardScreen
from aws_setup_wizard.screens.dialogs import (
    AccountConfirmScreen,
    FailureScreen,
    MessageScreen,
    MfaOfferScreen,
    PlanConfirmScreen,
)
from aws_setup_wizard.screens.mfa import MfaScreen
from aws_setup_wizard.screens.primer import PrimerScreen
from aws_setup_wizard.screens.reveal import RevealScreen
from aws_setup_wizard.screens.running import RunningScreen
from aws_setup_wizard.screens.start import StartScreen
from aws_setup_wizard.screens.step import StepScreen
from aws_setup_wizard.screens.summary import SummaryScreen

if TYPE_CHECKING:
    from textual.screen import ModalScreen, Screen

    from aws_setup_wizard.dialogue import ConfirmRequest, Identity, MfaExchange, Summary
    from aws_setup_wizard.model import Check, ConsoleAction, Plan, ProgressEvent
    from aws_setup_wizard.no_credentials import Offer, Picked
    from aws_setup_wizard.runner import Applied, Verification
    from aws_setup_wizard.screens.app import WizardApp
    from aws_setup_wizard.steps import Step

S = TypeVar("S", bound="Screen[Any]")
T = TypeVar("T")


class TuiConversation:
    """Renders the guided flow on screens; see :class:`aws_setup_wizard.flow.Conversation`."""

    def __init__(self, app: WizardApp) -> None:
        self.app = app
        self.bridge = app.bridge
        self.position: tuple[int, int] | None = None  # step n of m while walking every step
        self.after_summary: str | None = None
        self.can_return = True
        self._step_screen: StepScreen | None = None
        self._running: RunningScreen | None = None
        self._console: ConsoleScreen | None = None
        self._dashboard: DashboardScreen | None = None
        self._not_yet: set[str] = set()
        # The plan was confirmed: the write starts with its first call (after the account
        # confirmation the flow may still ask, and the account lock).
        self._armed = False

    # -- plumbing ----------------------------------------------------------------------------

    def _main(self, make: Callable[[], S]) -> S:
        """Create ``make()`` on the event loop and make it the main screen."""

        async def setup(reply: Reply[S]) -> None:
            screen = make()
            await self.app.show_main(screen)
            reply.set(screen)

        return self.bridge.ask(setup)

    def _main_ask(self, make: Callable[[], S]) -> tuple[S, Any]:
        """Show ``make()`` and ask on it in one go: no key press can fall in between."""
        shown: list[S] = []

        async def setup(reply: Reply[Any]) -> None:
            screen = make()
            shown.append(screen)
            await self.app.show_main(screen)
            screen.expect(reply)  # type: ignore[attr-defined]

        answer = self.bridge.ask(setup)
        return shown[0], answer

    def _ask_again(self, screen: Any, before: Callable[[], object] | None = None) -> Any:
        """Ask again on a shown screen, after ``before()`` (same event-loop turn)."""

        def setup(reply: Reply[Any]) -> None:
            if before is not None:
                before()
            screen.expect(reply)

        return self.bridge.ask(setup)

    def _modal(self, make: Callable[[], ModalScreen[T]]) -> T | None:
        """Push a dialog and wait for the value it is dismissed with."""

        def setup(reply: Reply[T | None]) -> None:
            self.app.push_screen(make(), reply.set)

        return self.bridge.ask(setup)

    def _is_main(self, screen: Screen[Any]) -> bool:
        return self.app.main is screen

    def _on_ui(self, action: Callable[[], object]) -> None:
        self.bridge.call(action)

    def _leave_running(self) -> None:
        self._running = None
        self._armed = False
        self.app.writing = False

    @property
    def start(self) -> StartScreen:
        """The start screen (the first main screen)."""
        main = self.app.main
        assert isinstance(main, StartScreen)
        return main

    # -- start (not part of the Conversation protocol) -----------------------------------------

    def start_loading(self, text: str) -> None:
        """Show what the start screen is waiting for."""
        self._on_ui(lambda: self.start.reading(text))

    def no_credentials(self, offer: Offer) -> Picked:
        """No (working) credentials: the start screen shows ``offer``; the owner's pick.

        :func:`aws_setup_wizard.no_credentials.decide` asks this and decides what the pick leads to.
        """
        from aws_setup_wizard.no_credentials import Choice, Picked

        start = self.start
        answer: Any = self.bridge.ask(lambda reply: start.no_credentials(offer, reply))
        if isinstance(answer, Picked):
            return answer
        # The screen's plain buttons (Try again, Quit) answer with their ids.
        return Picked(Choice.RETRY if answer == "retry" else Choice.QUIT)

    def key_accepted(self) -> None:
        """The typed key opened the account: clear the form."""
        start = self.start
        self._on_ui(start.forget_key)

    # -- dashboard (not part of the protocol) ----------------------------------------------------

    def dashboard_verifying(self, text: str | None = None) -> None:
        """Show the dashboard with its progress indicator while every step is read."""
        current = self._dashboard
        if current is not None and self._is_main(current):
            shown: DashboardScreen = current
        else:
            shown = self._main(DashboardScreen)
            self._dashboard = shown
        self._on_ui(lambda: shown.verifying(text))

    def dashboard_choice(self, verification: Verification) -> str:
        """Show the verdicts; the owner walks, jumps to a step, reads, re-verifies or quits."""
        dashboard = self._dashboard
        assert dashboard is not None
        return self.bridge.ask(lambda reply: dashboard.show(verification, reply))

    def verify_failed(self, message: str) -> str:
        """The verification itself failed: ``retry`` or ``quit``."""
        dashboard = self._dashboard
        assert dashboard is not None
        choice: Any = self.bridge.ask(lambda reply: dashboard.failed(message, reply))
        return "retry" if choice == "reverify" else str(choice)

    def show_error(self, message: str) -> None:
        """Something unexpected: say it in one sentence, then back to the dashboard."""
        self._leave_running()
        self._modal(lambda: MessageScreen("Something went wrong", message))

    # -- the Conversation protocol ---------------------------------------------------------------

    def show_identity(self, identity: Identity) -> Answer:
        """The start screen shows who and where; CONTINUE or CANCEL."""
        self._on_ui(lambda: self.app.set_identity(identity))
        start = self.start
        choice: Any = self.bridge.ask(lambda reply: start.show_identity(identity, reply))
        return Answer.CONTINUE if choice == Answer.CONTINUE else Answer.CANCEL

    def show_primer(self, markdown: str, *, reading: bool = False) -> Answer:
        """The shared responsibility primer (CONTINUE starts the steps; CANCEL goes back)."""
        _, choice = self._main_ask(lambda: PrimerScreen(markdown, reading=reading))
        self._dashboard = None
        return Answer.CONTINUE if choice == Answer.CONTINUE else Answer.CANCEL

    def show_step(self, step: Step, check: Check) -> Answer:
        """Why the step matters and its current state; CONTINUE to act, BACK to move on."""
        self._leave_running()
        self._dashboard = None
        self._console = None
        self._not_yet.discard(step.id)
        position = self.position
        screen, choice = self._main_ask(lambda: StepScreen(step, check, position))
        self._step_screen = screen
        if choice == Answer.DECLINE:
            return Answer.DECLINE
        return Answer.CONTINUE if choice == Answer.CONTINUE else Answer.BACK

    def ask_decline_reason(self, step: Step) -> str | None:
        """The reason, in a dialog over the step; ``None`` = back."""
        from aws_setup_wizard.screens.dialogs import DeclineReasonScreen

        reason: str | None = self._modal(lambda: DeclineReasonScreen(step))
        return reason or None

    def _step_for(self, step: Step) -> StepScreen:
        current = self._step_screen
        if current is not None and current.step.id == step.id and self._is_main(current):
            return current
        from aws_setup_wizard.model import Check, Status

        placeholder = Check(Status.FAIL, "Not read yet.")
        position = self.position
        fresh = self._main(lambda: StepScreen(step, placeholder, position))
        self._step_screen = fresh
        return fresh

    def ask_options(self, step: Step, defaults: Mapping[str, str | bool]) -> dict[str, Any] | None:
        """The step's form, validated as the owner types; ``None`` = back."""
        screen = self._step_for(step)
        values: dict[str, Any] | None = self.bridge.ask(
            lambda reply: screen.ask_options(defaults, reply)
        )
        return values

    def confirm_account(self, identity: Identity) -> bool:
        """Is this the account to change? A dialog whose default is No.

        The flow asks it after the plan was confirmed, once per run before the first write.
        """
        answer: bool | None = self._modal(lambda: AccountConfirmScreen(identity))
        if not answer:
            self._armed = False
        return bool(answer)

    def confirm_plan(self, step: Step, plan: Plan, request: ConfirmRequest) -> bool:
        """The plan on the step screen, then a dialog (default No; typed key suffixes)."""
        screen = self._step_for(step)
        self._on_ui(lambda: screen.show_plan(plan))
        answer: bool | None = self._modal(lambda: PlanConfirmScreen(step, plan, request))
        confirmed = bool(answer)
        self._armed = confirmed
        return confirmed

    def progress(self, event: ProgressEvent) -> None:
        """One API call as it happens, on the running screen (created on the first call)."""
        from aws_setup_wizard.model import Phase
        from aws_setup_wizard.screens.bridge import FlowStopped

        message = str(event)
        if self.bridge.closed:
            # The owner quit mid-write: stop before the next call rather than after the plan.
            raise FlowStopped
        if self._armed:
            # The first call of a confirmed plan (or the wait for another wizard's lock).
            self._armed = False
            self.app.writing = True
            self.app.done_in_write = []
        if not self.app.writing and self._running is None:
            # Not a planned write: say it, briefly.
            self._on_ui(lambda: self.app.notify(message, title="Waiting"))
            return
        if event.phase is Phase.DONE:
            self.app.done_in_write.append(event.label)
        running = self._running
        if running is None:
            step = self._step_screen.step if self._step_screen else None
            title = step.title if step else "Applying"
            running = self._running = self._main(lambda: RunningScreen(title))
        self.bridge.post(lambda: running.add(event))

    def show_applied(self, step: Step, applied: Applied) -> None:
        """The re-verification and what changed; then the admin's password, once."""
        running = self._running
        if running is None:
            running = self._running = self._main(lambda: RunningScreen(step.title))
        self.app.writing = False
        from aws_setup_wizard.wording import SESSION_ENDED

        ended = SESSION_ENDED if applied.check is None else None
        self.bridge.ask(lambda reply: running.finish(applied, ended, reply))
        self._leave_running()
        reveal = dict(applied.outcome.reveal)
        if reveal:
            self._main_ask(lambda: RevealScreen(reveal))
            # The password lives only in that screen; it is gone once the screen is replaced.
            reveal.clear()

    def shows_secrets(self) -> bool:
        """The full-screen interface runs only on a terminal: the reveal screen shows it."""
        return True

    def show_failure(self, step: Step, message: str, done: tuple[str, ...]) -> Answer:
        """A failed call or an unreadable state: RETRY or BACK."""
        self.app.writing = False
        running = self._running
        if running is not None:
            choice: Any = self.bridge.ask(lambda reply: running.fail(message, done, reply))
            if choice == "retry":
                self.app.writing = True
                self._on_ui(running.retrying)
            else:
                self._leave_running()
        else:
            choice = self._modal(lambda: FailureScreen(step.title, message, done))
        return Answer.RETRY if choice == Answer.RETRY else Answer.BACK

    def console_action(
        self,
        step: Step,
        action: ConsoleAction,
        check: Check,
        mfa: MfaExchange | None,
        simulate: Callable[[], str] | None,
    ) -> Answer:
        """The console steps and link; in the sandbox, the simulated console does it here."""
        self._leave_running()
        helper = "mfa" if mfa is not None else "simulate" if simulate is not None else None
        again = step.id in self._not_yet
        self._not_yet.add(step.id)
        screen, choice = self._main_ask(
            lambda: ConsoleScreen(step, action, check, helper, again=again)
        )
        self._console = screen
        while True:
            if choice == "check":
                self._on_ui(screen.checking)
                return Answer.CONTINUE
            if choice != "sandbox":
                return Answer.BACK
            if mfa is not None:
                if self.register_mfa(mfa):
                    return Answer.CONTINUE
                screen, choice = self._main_ask(
                    lambda: ConsoleScreen(step, action, check, helper, again=again)
                )
                continue
            if simulate is not None:
                try:
                    done = simulate()
                except Exception as exc:  # noqa: BLE001 - the sandbox console said no
                    from aws_setup_wizard.errors import describe_error

                    choice = self._note(screen, describe_error(exc))
                    continue
                self._notify(done)
                self._on_ui(screen.checking)
                return Answer.CONTINUE
            return Answer.BACK

    def show_rechecked(self, step: Step, check: Check) -> None:
        """The flow checked the step again (after "check again" or an MFA registration).

        The verdict is the flow's: shown on the console screen when it is up, and as a notice
        that outlives the screen (the flow moves on when it passed, asks again when not).
        """
        from aws_setup_wizard.model import Status
        from aws_setup_wizard.present import status_word

        text = f"{step.title}: {status_word(check.status)}. {check.summary}"
        console = self._console
        if console is not None and console.step.id == step.id and self._is_main(console):
            self._on_ui(lambda: console.rechecked(check))
        passed = check.status is Status.PASS
        self._on_ui(
            lambda: self.app.notify(
                text,
                title="Checked again (read-only)",
                severity="information" if passed else "warning",
                markup=False,
            )
        )

    def _notify(self, text: str) -> None:
        self._on_ui(lambda: self.app.notify(text, title="Sandbox console"))

    def _refuse(self, screen: MfaScreen, problem: str) -> Any:
        return self._ask_again(screen, lambda: screen.refused(problem))

    def _note(self, screen: ConsoleScreen, problem: str) -> Any:
        return self._ask_again(screen, lambda: screen.note(problem))

    def offer_mfa(self, step: Step, user_name: str) -> bool:
        """Register the admin's MFA now, or leave it for the first sign-in?"""
        self._leave_running()
        answer: bool | None = self._modal(lambda: MfaOfferScreen(user_name))
        return bool(answer)

    def register_mfa(self, exchange: MfaExchange) -> bool:
        """QR code and two codes; ``exchange.complete`` runs here, in the flow's thread."""
        lines = exchange.qr()
        codes = exchange.practice_codes if exchange.practice else None
        secret = exchange.enrollment.secret_base32
        screen, answer = self._main_ask(
            lambda: MfaScreen(exchange.title, lines, codes, secret=secret)
        )
        while True:
            if not isinstance(answer, tuple):
                return False
            _, first, second = answer
            self._on_ui(screen.submitting)
            problem = exchange.complete(first, second)
            if problem is None:
                return True
            answer = self._refuse(screen, problem)

    def show_summary(self, summary: Summary) -> None:
        """Final verification, what changed, next steps, exports."""
        self._leave_running()
        self._dashboard = None
        can_return = self.can_return
        _, choice = self._main_ask(lambda: SummaryScreen(summary, can_return=can_return))
        self.after_summary = str(choice)
