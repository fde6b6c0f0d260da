"""The flow thread's loop: start → dashboard → (primer, steps) → summary.

:class:`aws_setup_wizard.flow.GuidedRun` holds the guided logic of one step and of the summary; this
loop only adds what a full-screen front end has and a line-by-line one does not: a dashboard from
which the owner walks every step in the flow's order or jumps to one. It runs in a thread, so it may
block on AWS calls and on the owner's answers (through :class:`TuiConversation`).
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import replace
from typing import TYPE_CHECKING

from aws_setup_wizard.screens.bridge import FlowStopped
from aws_setup_wizard.screens.conversation import TuiConversation

if TYPE_CHECKING:
    from aws_setup_wizard.flow import GuidedRun, Identity
    from aws_setup_wizard.launch import Opened
    from aws_setup_wizard.runner import Verification
    from aws_setup_wizard.screens.app import WizardApp
    from aws_setup_wizard.secrets import SecretStore
    from aws_setup_wizard.steps import Step


class Navigator:
    """Drives one guided session on behalf of :class:`aws_setup_wizard.screens.app.WizardApp`."""

    def __init__(self, app: WizardApp) -> None:
        self.app = app
        self.talk = TuiConversation(app)
        # Where a typed root key is kept (keyring or memory): made when the owner may type one.
        self.secrets: SecretStore | None = None

    def run(self) -> int:
        """The whole session; returns the exit code (0 when the last verification passed)."""
        try:
            with ExitStack() as stack:
                return self._session(stack)
        except FlowStopped:
            return self.app.exit_code

    # -- start ------------------------------------------------------------------------------

    def _session(self, stack: ExitStack) -> int:
        opened = self._open(stack)
        if opened is None:
            return self.app.exit_code
        identity = self._identify(stack, opened)
        if identity is None:
            return self.app.exit_code
        opened, who = identity
        from aws_setup_wizard.present import ExitCode

        # The account answered: until something is verified, quitting is the owner's choice
        # and nothing failed (an unreadable account or a verify that failed stays UNKNOWN).
        self.app.exit_code = ExitCode.PASS
        from aws_setup_wizard.dialogue import Answer
        from aws_setup_wizard.flow import GuidedRun

        if self.talk.show_identity(who) is not Answer.CONTINUE:
            return self.app.exit_code
        run = GuidedRun(opened.account, self.talk, verifier=opened.verifier, secrets=self.secrets)
        # The account lock and journal, taken at the first confirmed write, end with the session.
        self.current: GuidedRun = run
        stack.callback(lambda: self.current.close())
        run.identity = who
        self.app.changes = run.changes
        return self._dashboard_loop(run)

    def _open(self, stack: ExitStack) -> Opened | None:
        """The account: given (tests), from the command line, or a sandbox when none exists."""
        from aws_setup_wizard.errors import describe_error

        if self.app.opened is not None:
            opened = self.app.opened
        else:
            from aws_setup_wizard.launch import Launch, open_account

            launch = self.app.launch or Launch(sandbox_scenario=self.app.scenario)
            try:
                opened = stack.enter_context(open_account(launch))
            except Exception as exc:  # noqa: BLE001 - shown, then the owner chooses
                return self._no_account(stack, describe_error(exc))
        if not opened.has_credentials:
            return self._no_account(stack, None)
        return opened

    def _no_account(self, stack: ExitStack, problem: str | None) -> Opened | None:
        """No credentials: learn how to get some, type a temporary root key, or practise."""
        opened = self._without_credentials(stack, problem)
        return opened if not isinstance(opened, str) else None

    def _without_credentials(
        self, stack: ExitStack, problem: str | None, *, retry: bool = False, practise: bool = True
    ) -> Opened | str | None:
        """The no-credentials screen until the owner's choice leads somewhere.

        Returns the opened account (a typed or kept root key, or a sandbox), ``"retry"``, or
        ``None`` to quit. What is offered and what each choice leads to (a key that does not
        work is explained and nothing is kept) is :func:`aws_setup_wizard.no_credentials.decide`'s.
        """
        from aws_setup_wizard.launch import Opened
        from aws_setup_wizard.no_credentials import Choice, decide
        from aws_setup_wizard.secrets import SecretStore

        store = self.secrets = self.secrets or SecretStore()
        launch = self.app.launch
        decision = decide(
            self.talk.no_credentials,
            store,
            region=launch.region if launch else None,
            endpoint_url=launch.endpoint_url if launch else None,
            problem=problem,
            retry=retry,
            practise=practise,
            checking=self.talk.start_loading,
        )
        if decision.account is not None:
            self.talk.key_accepted()
            return Opened(decision.account, None, True)
        if decision.choice is Choice.RETRY:
            return "retry"
        if decision.choice is not Choice.SANDBOX:
            return None
        self.talk.start_loading(f"Starting the sandbox account ({decision.scenario})…")
        return stack.enter_context(self.app.practice(decision.scenario))

    def _identify(self, stack: ExitStack, opened: Opened) -> tuple[Opened, Identity] | None:
        """Who the credentials belong to; on failure the owner retries or practises instead."""
        from aws_setup_wizard.errors import describe_error
        from aws_setup_wizard.flow import identify

        while True:
            self.talk.start_loading("Reading who you are talking to (sts:GetCallerIdentity)…")
            try:
                return opened, identify(opened.account)
            except Exception as exc:  # noqa: BLE001 - e.g. expired or invalid credentials
                # A sandbox that cannot be read is not offered again (one sandbox a process).
                chosen = self._without_credentials(
                    stack,
                    describe_error(exc),
                    retry=True,
                    practise=not opened.sandbox_scenario,
                )
            if chosen is None:
                return None
            if not isinstance(chosen, str):
                opened = chosen

    # -- dashboard ----------------------------------------------------------------------------

    def _dashboard_loop(self, run: GuidedRun) -> int:
        while True:
            verification = self._verify(run)
            if verification is None:
                if self.talk.after_summary is not None:
                    return self.app.exit_code
                choice = "summary"
            else:
                self.app.exit_code = verification.exit_code
                choice = self.talk.dashboard_choice(verification)
            if choice == "quit":
                return self.app.exit_code
            if choice == "reverify":
                continue
            try:
                run = self._act(run, choice)
            except FlowStopped:
                raise
            except Exception as exc:  # noqa: BLE001 - a bug must not lose the session
                from aws_setup_wizard.errors import describe_error

                self.talk.show_error(describe_error(exc))
            finally:
                self.app.mid_step = False
            if self.talk.after_summary == "quit":
                return self.app.exit_code

    def _verify(self, run: GuidedRun) -> Verification | None:
        """A read-only pass over every step, shown with a progress indicator."""
        from aws_setup_wizard import runner

        reader = run.verifier if run.ended_session else run.account
        if reader is None:
            return None
        self.talk.dashboard_verifying()
        while True:
            try:
                verification = runner.verify(reader)
            except Exception as exc:  # noqa: BLE001
                from aws_setup_wizard.errors import describe_error
                from aws_setup_wizard.present import ExitCode

                self.app.exit_code = ExitCode.UNKNOWN
                if self.talk.verify_failed(describe_error(exc)) != "retry":
                    return None
                continue
            # The time shown and exported comes from the app's clock (fixed in snapshots).
            return replace(verification, verified_at=self.app.clock())

    def _act(self, run: GuidedRun, choice: str) -> GuidedRun:
        """Do what the owner chose on the dashboard; returns the run to continue with."""
        from aws_setup_wizard.dialogue import Answer
        from aws_setup_wizard.steps import PRIMER, step_by_id

        self.talk.after_summary = None
        # A new choice on the dashboard: an account refused earlier is asked about again.
        run.cancelled = False
        if choice == "primer":
            self.talk.show_primer(PRIMER.text(), reading=True)
        elif choice == "walk":
            if self.talk.show_primer(PRIMER.text()) is Answer.CONTINUE:

                def before_step(number: int, count: int, _step: Step) -> None:
                    self.talk.position = (number, count)
                    self.app.mid_step = True

                try:
                    run.walk(before_step=before_step)
                finally:
                    self.talk.position = None
                    self.app.mid_step = False
                self._summary(run)
        elif choice.startswith("step:"):
            self.app.mid_step = True
            run.run_step(step_by_id(choice.split(":", 1)[1]))
        elif choice == "summary":
            self._summary(run)
        return self._after_session_end(run)

    def _summary(self, run: GuidedRun) -> None:
        # With the signing key gone and nothing to re-verify with, the summary is the end.
        self.talk.can_return = not (run.ended_session and run.verifier is None)
        self.talk.dashboard_verifying("Verifying every step for the summary (read-only)…")
        summary = run.summary()
        if summary.verification is not None:
            verification = replace(summary.verification, verified_at=self.app.clock())
            summary = replace(summary, verification=verification)
            self.app.exit_code = verification.exit_code
        self.talk.show_summary(summary)

    def _after_session_end(self, run: GuidedRun) -> GuidedRun:
        """After the signing key is deleted, carry on with the re-verifying session if any."""
        if not run.ended_session or run.verifier is None:
            return run
        from aws_setup_wizard.flow import GuidedRun, identify

        run.close()
        carried = GuidedRun(run.verifier, self.talk, secrets=self.secrets)
        carried.identity = identify(run.verifier)
        carried.changes = run.changes
        self.current = carried
        self.app.bridge.call(lambda: self.app.set_identity(carried.identity))  # type: ignore[arg-type]
        return carried
