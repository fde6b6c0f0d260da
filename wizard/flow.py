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

from collections.abc import Callable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from wizard import runner, wording
from wizard.account import Account, Caller
from wizard.errors import WizardError, describe_error
from wizard.journal import Journal
from wizard.lock import AccountBusy
from wizard.mfa import MfaEnrollment, code_problem, qr_lines, two_consecutive_codes
from wizard.model import Check, ConsoleAction, Outcome, Plan, Status
from wizard.secrets import SecretStore
from wizard.steps import PRIMER, STEPS, Step
from wizard.steps.admin_user import AdminUserStep, begin_user_mfa, complete_user_mfa
from wizard.steps.root_keys import RootAccessKeysStep, mask_key, signed_with_root_key
from wizard.steps.root_mfa import RootMfaStep
from wizard.writes import writing

OptionValues = dict[str, str | bool]

# Returned inside a step's walk to mean "show the step again" (the owner went back).
AGAIN = object()


class Answer(StrEnum):
    """What the owner chose on a screen or at a prompt."""

    CONTINUE = "continue"
    BACK = "back"
    CANCEL = "cancel"
    RETRY = "retry"


@dataclass(frozen=True)
class Identity:
    """Who and where, shown before anything else and confirmed before the first write."""

    account_id: str
    caller: Caller
    region: str
    credential_source: str
    sandbox: bool
    endpoint: str | None
    notices: tuple[str, ...] = ()

    def describe(self) -> str:
        """One line: account, caller, region, and SANDBOX when it is."""
        badge = "SANDBOX · " if self.sandbox else ""
        return (
            f"{badge}account {self.account_id} · {self.caller.describe()} · {self.region} · "
            f"credentials from {self.credential_source}"
        )


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


@dataclass
class MfaExchange:
    """A virtual MFA registration in progress: a QR code, then two consecutive codes.

    ``practice`` is true in the sandbox only, where "show me the codes" may compute the codes
    for a trainee without a phone.
    """

    title: str
    enrollment: MfaEnrollment
    finish: Callable[[str, str], None]
    practice: bool

    def qr(self) -> list[str]:
        """The QR code of the device's ``otpauth://`` URI as lines of text."""
        return qr_lines(self.enrollment.otpauth_uri)

    def complete(self, code1: str, code2: str) -> str | None:
        """Submit two codes; ``None`` on success, else the reason (nothing changed then)."""
        for code in (code1, code2):
            problem = code_problem(code)
            if problem:
                return problem[0].upper() + problem[1:]
        try:
            self.finish(code1.strip(), code2.strip())
        except Exception as exc:  # noqa: BLE001 - shown to the owner, who can try again
            return describe_error(exc)
        return None

    def practice_codes(self) -> tuple[str, str]:
        """The two codes an authenticator would show now (sandbox only)."""
        if not self.practice:
            raise WizardError("Codes are computed only in the sandbox; use your authenticator.")
        return two_consecutive_codes(self.enrollment.secret_base32)


class Conversation(Protocol):
    """What a front end must render and ask. It never calls AWS and decides nothing."""

    def show_identity(self, identity: Identity) -> Answer:
        """Show account, caller, credential source, region (SANDBOX badge); CONTINUE/CANCEL."""

    def show_primer(self, markdown: str) -> Answer:
        """Show the shared responsibility primer; CONTINUE or CANCEL."""

    def show_step(self, step: Step, check: Check) -> Answer:
        """Show why the step matters and its current state; CONTINUE to act, BACK to skip."""

    def ask_options(self, step: Step, defaults: Mapping[str, str | bool]) -> OptionValues | None:
        """Ask the step's options (validated with ``Option.validate``); ``None`` = back."""

    def confirm_account(self, identity: Identity) -> bool:
        """Before the first write of a run: is this the right account and caller? Default No."""

    def confirm_plan(self, step: Step, plan: Plan, request: ConfirmRequest) -> bool:
        """Show the exact changes and ask; default No; deletions need the typed suffixes."""

    def progress(self, message: str) -> None:
        """One API call as it happens (called from the flow's thread)."""

    def show_applied(self, step: Step, applied: runner.Applied) -> None:
        """The re-verification, what changed, and ``outcome.reveal`` shown once."""

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


@dataclass(frozen=True)
class ConfirmRequest:
    """What a confirmation must show and, for deletions, what the owner must type."""

    account_id: str
    question: str
    typed_suffixes: tuple[str, ...] = ()

    def accepts(self, typed: list[str]) -> bool:
        """True when every key suffix was typed, in order (case-insensitive)."""
        return [t.strip().upper() for t in typed] == [s.upper() for s in self.typed_suffixes]


def confirm_request(plan: Plan, identity: Identity) -> ConfirmRequest:
    """The question and, for root key deletions, the last four characters of each key."""
    count = len(plan.changes)
    noun = "change" if count == 1 else "changes"
    suffixes = tuple(str(key)[-4:] for key in plan.context.get("key_ids", ()))
    return ConfirmRequest(
        account_id=identity.account_id,
        question=f"Make {count} {noun} to account {identity.account_id}?",
        typed_suffixes=suffixes if plan.destructive else (),
    )


NEXT_STEPS = (
    "Set up AWS Organizations and IAM Identity Center for people's sign-in "
    "(AWS's recommendation over IAM users).",
    "Set an IAM password policy (CIS 1.8 length 14, 1.9 no reuse).",
    "Turn on account-level S3 Block Public Access and IAM Access Analyzer.",
    "Create a budget with an alert so a surprise bill is caught early.",
    "Re-run 'aws-setup-wizard verify' now and then: it is read-only.",
)


@dataclass
class Summary:
    """The end of a guided run."""

    verification: runner.Verification | None
    changes: list[str] = field(default_factory=list)
    ended_session: bool = False
    next_steps: tuple[str, ...] = NEXT_STEPS


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
        self.account_confirmed = False
        self.changes: list[str] = []
        self.ended_session = False
        self.cancelled = False
        self.secrets = secrets or SecretStore()
        self.journal: Journal | None = None
        # The account lock and the journal, held from the first confirmed write to close().
        self._writes = ExitStack()

    def close(self) -> None:
        """Release the account lock and end the journal's run record."""
        self._writes.close()

    def __enter__(self) -> GuidedRun:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- order -----------------------------------------------------------------------------

    def steps_in_order(self) -> list[Step]:
        """The steps, with root key deletion moved last when the tool runs on a root key."""
        ordered = list(STEPS)
        if signed_with_root_key(self.account):
            ordered.sort(key=lambda step: isinstance(step, RootAccessKeysStep))
        return ordered

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
                verification = runner.verify(reader)
        return Summary(verification, list(self.changes), self.ended_session)

    # -- one step --------------------------------------------------------------------------

    def run_step(self, step: Step) -> Check | None:
        """Walk one step until it passes or the owner goes back; returns the last check."""
        if self.identity is None:
            self.identity = identify(self.account)
        while True:
            check = runner.safe_check(step, self.account)
            if self.talk.show_step(step, check) is not Answer.CONTINUE or check.passed:
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
            plan = self._with_way_in_note(step, plan)
            if not self._confirmed(step, plan):
                return runner.safe_check(step, self.account) if self.cancelled else AGAIN
            applied = self._apply(step, plan, values)
            if applied is None:
                return runner.safe_check(step, self.account)
            self.talk.show_applied(step, applied)
            if applied.outcome.reveal and self.journal is not None:
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

    def _options(self, step: Step) -> OptionValues | None:
        if not step.options:
            return {}
        assert self.identity is not None
        defaults = {
            option.name: option.default_for(self.identity.account_id, self.identity.region)
            for option in step.options
        }
        return self.talk.ask_options(step, defaults)

    def _confirmed(self, step: Step, plan: Plan) -> bool:
        assert self.identity is not None
        # The plan first (the owner sees what would change), then, before the run's first
        # write, the account and caller.
        if not self.talk.confirm_plan(step, plan, confirm_request(plan, self.identity)):
            return False
        if not self.account_confirmed:
            if not self.talk.confirm_account(self.identity):
                # Not the right account: no step of this run may write.
                self.cancelled = True
                return False
            try:
                self.journal = self._writes.enter_context(
                    writing(self.account, "guided", on_wait=self.talk.progress)
                )
            except AccountBusy as exc:
                self.talk.show_failure(step, str(exc), ())
                self.cancelled = True
                return False
            self.account.secrets = self.secrets
            self.account_confirmed = True
        return True

    def _apply(self, step: Step, plan: Plan, values: OptionValues) -> runner.Applied | None:
        """Apply; on failure explain and offer a retry, which re-plans (apply is idempotent)."""
        while True:
            try:
                applied = runner.apply_step(step, self.account, plan, self.talk.progress)
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

    def _with_way_in_note(self, step: Step, plan: Plan) -> Plan:
        """Before deleting the key this tool runs on, say which other ways in exist."""
        signing = self.account.signing_key_id()
        if not isinstance(step, RootAccessKeysStep) or signing not in plan.context.get(
            "key_ids", ()
        ):
            return plan
        ways = []
        if runner.safe_check(RootMfaStep(), self.account).passed:
            ways.append("the root user's console password with MFA")
        admin = runner.safe_check(AdminUserStep(), self.account)
        if admin.evidence.get("admin_users"):
            names = ", ".join(a["user_name"] for a in admin.evidence["admin_users"])
            ways.append(f"the administrator {names} ({admin.evidence.get('signin_url')})")
        note = (
            "Other ways in after this: " + "; ".join(ways) + "."
            if ways
            else "WARNING: no other way in was found (no root MFA, no administrator). Only "
            "the root password remains; set up the admin user first if you can."
        )
        return Plan(plan.step_id, plan.changes, plan.console, (*plan.notes, note), plan.context)

    def _follow_up(self, step: Step, plan: Plan, check: Check | None) -> Check | None:
        """Console actions and MFA registration, until the step passes or the owner goes back."""
        if isinstance(step, AdminUserStep):
            user = str(plan.context.get("user") or _waiting_user(check))
            # The admin step plans a console action exactly when the user still lacks MFA.
            if user and plan.console is not None and self.talk.offer_mfa(step, user):
                exchange = self._user_mfa_exchange(user)
                if exchange is not None and self.talk.register_mfa(exchange):
                    check = runner.recheck(step, self.account)
                    self.talk.show_rechecked(step, check)
                    if check.passed:
                        return check
        if plan.console is None:
            return check if check is not None else runner.safe_check(step, self.account)
        latest = check or runner.safe_check(step, self.account)
        while True:
            mfa = self._root_mfa_exchange() if isinstance(step, RootMfaStep) else None
            simulate = self._simulated(step)
            answer = self.talk.console_action(step, plan.console, latest, mfa, simulate)
            if answer is not Answer.CONTINUE:
                return latest
            latest = runner.recheck(step, self.account)
            self.talk.show_rechecked(step, latest)
            if latest.passed:
                return latest

    def _simulated(self, step: Step) -> Callable[[], str] | None:
        """In the sandbox, the simulated console's root key deletion."""
        endpoint = self.account.effective_endpoint
        if not self.account.is_sandbox or not endpoint or not isinstance(step, RootAccessKeysStep):
            return None
        from wizard.sandbox import console

        def delete_keys() -> str:
            deleted = console.delete_root_keys(endpoint)
            return f"The simulated console deleted {len(deleted)} root access key(s)."

        return delete_keys

    def _root_mfa_exchange(self) -> MfaExchange | None:
        """In the sandbox, the simulated console's root MFA registration."""
        if not self.account.is_sandbox or not self.account.effective_endpoint:
            return None
        from wizard.sandbox import console

        endpoint = self.account.effective_endpoint
        try:
            enrollment = console.begin_root_mfa(endpoint)
        except console.SandboxConsoleError:
            return None

        def finish(code1: str, code2: str) -> None:
            console.complete_root_mfa(endpoint, enrollment, code1, code2)

        return MfaExchange(
            "Assign a virtual MFA device to the root user (sandbox console)",
            enrollment,
            finish,
            practice=True,
        )

    def _user_mfa_exchange(self, user: str) -> MfaExchange | None:
        try:
            enrollment = begin_user_mfa(self.account, user)
        except Exception as exc:  # noqa: BLE001
            self.talk.show_failure(AdminUserStep(), describe_error(exc), ())
            return None

        def finish(code1: str, code2: str) -> None:
            complete_user_mfa(self.account, user, enrollment, code1, code2)

        return MfaExchange(
            f"Register a virtual MFA device for {user}",
            enrollment,
            finish,
            practice=self.account.is_sandbox,
        )


def _waiting_user(check: Check | None) -> str:
    if check is None or not check.waiting_on:
        return ""
    return check.waiting_on.split(" ", 1)[0]
