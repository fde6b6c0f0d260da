"""The guided flow every front end walks: identity, primer, each step, summary.

The flow holds all the logic and wording of the guided mode; a front end (the Textual app, the
plain questionary prompts, a test) implements :class:`Conversation`, which only *renders* and
*asks*. So the TUI and the plain mode cannot drift apart: neither decides anything.

For one step the flow runs: current state → options → plan → account confirmation (once per
run, before the first write) → plan confirmation (default No) → apply with live progress →
re-verification → console-only follow-ups (root MFA, the admin's MFA) until the check passes or
the owner goes back.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from typing import Protocol

from aws_setup_wizard import runner, wording
from aws_setup_wizard import steps as steps_module
from aws_setup_wizard.account import Account
from aws_setup_wizard.declines import DeclineRecord
from aws_setup_wizard.dialogue import (
    NEXT_STEPS,
    Answer,
    ConfirmRequest,
    Identity,
    MfaExchange,
    Summary,
    confirm_request,
)
from aws_setup_wizard.errors import describe_error
from aws_setup_wizard.journal import Journal
from aws_setup_wizard.lock import AccountBusy
from aws_setup_wizard.mfa import MfaRegistration
from aws_setup_wizard.model import (
    Check,
    ConsoleAction,
    Outcome,
    Phase,
    Plan,
    ProgressEvent,
    Status,
    note,
)
from aws_setup_wizard.present import mask_key
from aws_setup_wizard.secrets import SecretStore
from aws_setup_wizard.steps import PRIMER, Step
from aws_setup_wizard.writes import journaled, locked

__all__ = [
    "NEXT_STEPS",
    "Answer",
    "ConfirmRequest",
    "Conversation",
    "GuidedRun",
    "Identity",
    "MfaExchange",
    "Summary",
    "confirm_request",
    "identify",
]

OptionValues = dict[str, str | bool]

# Returned inside a step's walk to mean "show the step again" (the owner went back).
AGAIN = object()


def identify(account: Account) -> Identity:
    """Read who is calling (one STS call); raises on no/invalid credentials."""
    caller = account.caller()
    notices = []
    if caller.is_root and not caller.temporary:
        notices.append(wording.ROOT_KEY_NOTICE.format(key=mask_key(account.signing_key_id() or "")))
    elif not caller.is_root:
        notices.append(wording.NOT_ROOT_NOTICE)
    return Identity(
        account_id=caller.account_id,
        caller=caller,
        region=account.region,
        credential_source=account.credential_source(),
        sandbox=account.is_sandbox,
        endpoint=account.effective_endpoint,
        notices=tuple(notices),
    )


class Conversation(Protocol):
    """What a front end must render and ask. It never calls AWS and decides nothing."""

    def show_identity(self, identity: Identity) -> Answer:
        """Show account, caller, credential source, region (SANDBOX badge); CONTINUE/CANCEL."""

    def show_primer(self, markdown: str) -> Answer:
        """Show the shared responsibility primer; CONTINUE or CANCEL."""

    def show_step(self, step: Step, check: Check) -> Answer:
        """Show why the step matters and its current state; CONTINUE to act, BACK to skip,
        DECLINE to decline it with a reason (offered only for a step that does not pass)."""

    def ask_decline_reason(self, step: Step) -> str | None:
        """The reason to record for declining ``step`` (checked with
        :func:`aws_setup_wizard.declines.reason_problem` as typed); ``None`` = back."""

    def ask_options(self, step: Step, defaults: Mapping[str, str | bool]) -> OptionValues | None:
        """Ask the step's options (validated with ``Option.validate``); ``None`` = back."""

    def confirm_account(self, identity: Identity) -> bool:
        """Before the first write of a run: is this the right account and caller? Default No."""

    def confirm_plan(self, step: Step, plan: Plan, request: ConfirmRequest) -> bool:
        """Show the exact changes and ask; default No; deletions need the typed suffixes."""

    def progress(self, event: ProgressEvent) -> None:
        """One event as it happens, e.g. an API call sent or done (from the flow's thread)."""

    def show_applied(self, step: Step, applied: runner.Applied) -> None:
        """The re-verification, what changed, and ``outcome.reveal`` shown once."""

    def shows_secrets(self) -> bool:
        """True when ``show_applied`` shows ``outcome.reveal`` (only ever on a terminal)."""

    def show_failure(self, step: Step, message: str, done: tuple[str, ...]) -> Answer:
        """A failed call: what happened and what to do; RETRY or BACK."""

    def console_action(
        self,
        step: Step,
        action: ConsoleAction,
        check: Check,
        mfa: MfaExchange | None,
        simulate: Callable[[], str] | None,
    ) -> Answer:
        """Console-only steps and link; CONTINUE = "I've done it: check again"; BACK.

        In the sandbox, ``mfa`` (root MFA) or ``simulate`` (other console actions; returns
        what it did) let the trainee do the console's part from here.
        """

    def show_rechecked(self, step: Step, check: Check) -> None:
        """The step checked again after a console action or an MFA registration."""

    def offer_mfa(self, step: Step, user_name: str) -> bool:
        """Register the admin's MFA now (True) or leave it for the first sign-in (False)?"""

    def register_mfa(self, exchange: MfaExchange) -> bool:
        """QR code, two codes, ``exchange.complete``; True once it succeeded, False = back."""

    def show_summary(self, summary: Summary) -> None:
        """Final verification, what changed, next steps."""


class GuidedRun:
    """One guided run over one account, driven through a :class:`Conversation`.

    ``verifier`` re-verifies at the end when the run deleted the key it was signed with (in
    the sandbox: the root console session); without one, the owner is told how to re-verify.
    """

    def __init__(
        self,
        account: Account,
        conversation: Conversation,
        *,
        verifier: Account | None = None,
        secrets: SecretStore | None = None,
    ) -> None:
        self.account = account
        self.talk = conversation
        self.verifier = verifier
        self.identity: Identity | None = None
        # Option values the owner gave for earlier steps, by name: asked once, reused.
        self._answered: dict[str, str | bool] = {}
        self.account_confirmed = False
        self.changes: list[str] = []
        self.ended_session = False
        self.cancelled = False
        self.secrets = secrets or SecretStore()
        self.journal: Journal | None = None
        # The journal's run record, open from the account confirmation to close(); the
        # account's lock is held only while writes run (``_locked``), so a run that sits on
        # its dashboard never keeps another wizard from the account.
        self._writes = ExitStack()

    def close(self) -> None:
        """End the journal's run record."""
        self._writes.close()

    def __enter__(self) -> GuidedRun:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- order -----------------------------------------------------------------------------

    def steps_in_order(self) -> list[Step]:
        """The steps, with any that must write last (root key deletion) moved to the end."""
        return runner.in_apply_order(steps_module.STEPS, self.account)

    # -- the whole run ---------------------------------------------------------------------

    def run(self) -> Summary:
        """Identity, primer, every step in order, then the summary."""
        self.identity = identify(self.account)
        if self.talk.show_identity(self.identity) is not Answer.CONTINUE:
            return self.summary(verify=False)
        if self.talk.show_primer(PRIMER.text()) is not Answer.CONTINUE:
            return self.summary(verify=False)
        try:
            self.walk()
        finally:
            self.close()
        summary = self.summary()
        self.talk.show_summary(summary)
        return summary

    def walk(self, before_step: Callable[[int, int, Step], None] | None = None) -> None:
        """Every step in the run's order, stopping when the session ends or is cancelled.

        ``before_step(number, count, step)`` lets a front end show "step 2 of 4".
        """
        steps = self.steps_in_order()
        for number, step in enumerate(steps, 1):
            if before_step is not None:
                before_step(number, len(steps), step)
            self.run_step(step)
            if self.ended_session or self.cancelled:
                break

    def summary(self, *, verify: bool = True) -> Summary:
        """What this run changed and, with ``verify``, a fresh read-only verification."""
        verification = None
        if verify:
            reader = self.verifier if self.ended_session else self.account
            if reader is not None:
                # A step this run changed may still read as before (IAM shows a change after a
                # few seconds): its failure is re-checked with back-off before it is shown.
                changed = {line.split(":", 1)[0] for line in self.changes}
                verification = runner.verify(reader, recheck_failures=lambda _id: changed)
        return Summary(verification, list(self.changes), self.ended_session)

    # -- one step --------------------------------------------------------------------------

    def run_step(self, step: Step) -> Check | None:
        """Walk one step until it passes or the owner goes back; returns the last check."""
        if self.identity is None:
            self.identity = identify(self.account)
        while True:
            check = runner.safe_check(step, self.account)
            answer = self.talk.show_step(step, check)
            if answer is Answer.DECLINE and not check.passed:
                declined = self._decline(step)
                if declined is AGAIN:
                    continue
                return declined  # type: ignore[return-value]
            if answer is not Answer.CONTINUE or check.passed:
                return check
            if check.status is Status.UNKNOWN:
                if self.talk.show_failure(step, check.summary, ()) is Answer.RETRY:
                    continue
                return check
            outcome = self._act(step)
            if outcome is not AGAIN:
                return outcome  # type: ignore[return-value]

    def _act(self, step: Step) -> Check | None | object:
        """Options, plan, confirmation, apply, follow-ups; ``AGAIN`` shows the step again.

        ``None`` means the run deleted the key it was signed with: nothing more can be read.
        """
        assert self.identity is not None
        values = self._options(step)
        if values is None:
            return AGAIN
        try:
            plan = step.plan(self.account, values)
        except Exception as exc:  # noqa: BLE001 - explained, then the owner chooses
            answer = self.talk.show_failure(step, describe_error(exc), ())
            return AGAIN if answer is Answer.RETRY else runner.safe_check(step, self.account)
        check: Check | None = None
        if plan.changes:
            notes = step.confirmation_notes(self.account, plan)
            if notes:
                # replace(), not a new Plan: the plan keeps its options for a re-plan.
                plan = dataclasses.replace(plan, notes=(*plan.notes, *notes))
            if not self._confirmed(step, plan):
                return runner.safe_check(step, self.account) if self.cancelled else AGAIN
            applied = self._apply(step, plan, values)
            if applied is None:
                return runner.safe_check(step, self.account)
            self.talk.show_applied(step, applied)
            if applied.outcome.reveal and self.journal is not None and self.talk.shows_secrets():
                # The fact, never the value: lets a later run know the password was seen.
                self.journal.record(
                    "revealed",
                    account_id=self.identity.account_id,
                    user=applied.outcome.reveal.get("user"),
                )
            if applied.check is None:
                self.ended_session = True
                return None
            check = applied.check
            if check.passed:
                return check
        return self._follow_up(step, plan, check)

    def _decline(self, step: Step) -> Check | object:
        """Ask the reason, show the one change, confirm (the account first, as every write),
        record it through the dispatcher; the step's own check after, or ``AGAIN``."""
        assert self.identity is not None
        reason = self.talk.ask_decline_reason(step)
        if reason is None:
            return AGAIN
        record = DeclineRecord(step)
        values: OptionValues = {"reason": reason, "by": self.identity.caller.arn}
        try:
            plan = record.plan(self.account, values)
        except Exception as exc:  # noqa: BLE001 - explained, then the owner chooses
            self.talk.show_failure(step, describe_error(exc), ())
            return AGAIN
        if not self._confirmed(step, plan):
            return runner.safe_check(step, self.account) if self.cancelled else AGAIN
        applied = self._apply(record, plan, values)
        if applied is None:
            return runner.safe_check(step, self.account)
        self.talk.show_applied(step, applied)
        # The step's own verdict: the dashboard and the summary show it DECLINED beside it.
        return runner.safe_check(step, self.account)

    def _options(self, step: Step) -> OptionValues | None:
        if not step.options:
            return {}
        assert self.identity is not None
        defaults = {
            option.name: self._answered.get(
                option.name, option.default_for(self.identity.account_id, self.identity.region)
            )
            for option in step.options
        }
        if not step.options_needed(self.account) or all(
            option.name in self._answered for option in step.options
        ):
            # Nothing to decide here now (or every option was answered for an earlier step,
            # like the contact e-mail): those values, without a question.
            return {o.name: o.validate(defaults[o.name]) for o in step.options}
        values = self.talk.ask_options(step, defaults)
        if values is not None:
            self._answered.update(values)
        return values

    def _confirmed(self, step: Step, plan: Plan) -> bool:
        assert self.identity is not None
        # The plan first (the owner sees what would change), then, before the run's first
        # write, the account and caller.
        if not self.talk.confirm_plan(step, plan, confirm_request(plan, self.identity)):
            return False
        return self._account_confirmed(step)

    def _account_confirmed(self, step: Step) -> bool:
        """Before the run's first write: the account and caller, then the lock and journal."""
        assert self.identity is not None
        if self.account_confirmed:
            return True
        if not self.talk.confirm_account(self.identity):
            # Not the right account: no step of this run may write.
            self.cancelled = True
            return False
        self.journal = self._writes.enter_context(journaled(self.account, "guided"))
        self.account.secrets = self.secrets
        self.account_confirmed = True
        return True

    @contextmanager
    def _locked(self) -> Iterator[bool]:
        """The account's lock for one burst of writes; yields whether it had to wait."""
        assert self.journal is not None, "writes only after the account confirmation"
        with locked(self.account, self.journal, on_wait=self._waiting) as waited:
            yield waited

    def _plan_after_wait(self, step: Step, plan: Plan, values: OptionValues) -> Plan | None:
        """The plan to apply after waiting for another wizard; None if the owner declines it.

        The other wizard may have changed the account meanwhile: the step is planned again,
        and a plan that changed is shown and confirmed before anything is written.
        """
        assert self.identity is not None
        fresh = step.plan(self.account, values)
        if fresh.changes == plan.changes:
            return plan
        self.talk.progress(note("The account changed while this run waited."))
        if fresh.changes and not self.talk.confirm_plan(
            step, fresh, confirm_request(fresh, self.identity)
        ):
            return None
        return fresh

    @contextmanager
    def _writes_guarded(self) -> Iterator[None]:
        """The lock around an MFA registration's writes once the account is confirmed.

        Before the confirmation only the sandbox's simulated console is offered, which writes
        as the console would, not through this run's account.
        """
        if self.journal is None:
            yield
            return
        with self._locked():
            yield

    def _waiting(self, message: str) -> None:
        self.talk.progress(ProgressEvent(Phase.WAITING, message))

    def _apply(self, step: Step, plan: Plan, values: OptionValues) -> runner.Applied | None:
        """Apply; on failure explain and offer a retry, which re-plans (apply is idempotent)."""
        while True:
            try:
                with self._locked() as waited:
                    if waited:
                        fresh = self._plan_after_wait(step, plan, values)
                        if fresh is None:
                            return None
                        plan = fresh
                    if not plan.changes:
                        # The other wizard did it all.
                        return runner.Applied(
                            plan, Outcome(step.id), runner.recheck(step, self.account)
                        )
                    applied = runner.apply_step(step, self.account, plan, self.talk.progress)
            except AccountBusy as exc:
                self.talk.show_failure(step, str(exc), ())
                return None
            except Exception as exc:  # noqa: BLE001 - every failure becomes one sentence
                answer = self.talk.show_failure(step, describe_error(exc), ())
                if answer is not Answer.RETRY:
                    return None
                try:
                    plan = step.plan(self.account, values)
                except Exception as again:  # noqa: BLE001
                    self.talk.show_failure(step, describe_error(again), ())
                    return None
                if not plan.changes:
                    return runner.Applied(
                        plan, Outcome(step.id), runner.recheck(step, self.account)
                    )
                continue
            self.changes += [f"{step.id}: {line}" for line in applied.outcome.done]
            return applied

    def _follow_up(self, step: Step, plan: Plan, check: Check | None) -> Check | None:
        """Console actions and MFA registration, until the step passes or the owner goes back."""
        registration = step.mfa_follow_up(self.account, plan, check)
        if (
            registration is not None
            and self.talk.offer_mfa(step, registration.user)
            # Creating the device is a write: only after the account confirmation, in the
            # run's lock and journal, like every other write.
            and self._account_confirmed(step)
        ):
            exchange = self._exchange(step, registration, report=True)
            if exchange is not None and self.talk.register_mfa(exchange):
                # A write of this run like any other: the summary's "What changed" says so.
                self.changes.append(
                    f"{step.id}: registered virtual MFA device {exchange.enrollment.serial_number}"
                    f" for {registration.user}"
                )
                # The device was just enabled: "waiting on MFA" now can only be a stale read.
                check = runner.recheck(step, self.account, done_by_run=True)
                self.talk.show_rechecked(step, check)
                if check.passed:
                    return check
        if plan.console is None or self.cancelled:
            # Not the account the owner meant: nothing more happens to it in this run, not
            # even a console action the sandbox would play.
            return check if check is not None else runner.safe_check(step, self.account)
        latest = check or runner.safe_check(step, self.account)
        while True:
            console_mfa = step.console_mfa(self.account, plan)
            mfa = self._exchange(step, console_mfa) if console_mfa is not None else None
            simulate = step.console_simulation(self.account)
            answer = self.talk.console_action(step, plan.console, latest, mfa, simulate)
            if answer is not Answer.CONTINUE:
                return latest
            latest = runner.recheck(step, self.account)
            self.talk.show_rechecked(step, latest)
            if latest.passed:
                return latest

    def _exchange(
        self, step: Step, registration: MfaRegistration, *, report: bool = False
    ) -> MfaExchange | None:
        """Begin a registration (creating the device); ``None`` when that failed.

        ``report`` says why to the owner; a simulated console that cannot start is simply
        not offered.
        """
        try:
            with self._writes_guarded():
                enrollment = registration.begin()
        except Exception as exc:  # noqa: BLE001 - explained (or not offered) and skipped
            if report:
                self.talk.show_failure(step, describe_error(exc), ())
            return None

        def finish(code1: str, code2: str) -> None:
            with self._writes_guarded():
                registration.finish(enrollment, code1, code2)

        return MfaExchange(registration.title, enrollment, finish, registration.practice)
