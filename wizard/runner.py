"""Orders the steps and runs them: check, plan, apply, then re-check with a short poll.

Front ends call the runner; the runner calls steps; steps call the account. Confirmation is the
front end's job: the runner only ever applies a plan it is handed.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Collection, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aws_setup_wizard import declines as declines_module
from aws_setup_wizard import steps as steps_module
from aws_setup_wizard.account import Account
from aws_setup_wizard.declines import Decline, Declines
from aws_setup_wizard.dispatch import TargetGone
from aws_setup_wizard.errors import WizardError
from aws_setup_wizard.model import Check, Outcome, Plan, ProgressFn, Status, no_progress, note
from aws_setup_wizard.options import resolve
from aws_setup_wizard.present import ExitCode, exit_code_for, tally
from aws_setup_wizard.steps import Step
from aws_setup_wizard.steps.base import safe_check as safe_check  # the runner's too

# IAM and CloudTrail are eventually consistent: "changes take time to become visible"
# (IAM User Guide, "Changes that I make are not always immediately visible"), typically a few
# seconds. A re-check polls this long before believing a failure (seconds between tries,
# doubling): 7.75 s of waiting, twice the sandbox's default realistic lag (3 s).
RECHECK_DELAYS = (0.25, 0.5, 1.0, 2.0, 4.0)


@dataclass(frozen=True)
class StepResult:
    """One step's verdict in a verification pass.

    ``check`` is always the step's own check; ``decline`` is the owner's recorded decision
    not to do the step (``None``: not declined). DECLINED is not a :class:`Status` (a check
    can only read pass, fail or unknown); it is what this result *shows* when a declined step
    does not pass (:attr:`declined`), so the real check stays beside it in the evidence.
    """

    step: Step
    check: Check
    decline: Decline | None = None

    @property
    def declined(self) -> bool:
        """True when the step shows DECLINED: declined on the record, and not passing."""
        return self.decline is not None and not self.check.passed

    def counted(self, *, strict: bool = False) -> Status:
        """The verdict exit codes count: a declined step is a pass, or under ``strict`` a
        failure (the owner's decision is on the record; ``--strict`` wants it done)."""
        if self.declined:
            return Status.FAIL if strict else Status.PASS
        return self.check.status


@dataclass(frozen=True)
class Verification:
    """A whole verification pass: who was asked, when, and every step's verdict.

    ``declines`` is the account's record of declined steps as read beside the checks
    (``None`` when it was not read).
    """

    account_id: str
    caller: str
    region: str
    sandbox: bool
    results: tuple[StepResult, ...]
    verified_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    declines: Declines | None = None

    @property
    def exit_code(self) -> int:
        """0 when every step passes or is declined, 1 when any fails, 2 when none fails but
        one is unknown."""
        return self.exit_code_for(strict=False)

    def exit_code_for(self, *, strict: bool = False) -> int:
        """The exit code; ``strict`` counts a declined step as a failure."""
        return results_exit_code(self.results, strict=strict)

    @property
    def tally(self) -> str:
        """``"11 of 12 steps pass; 1 declined"``: the count every front end shows."""
        return tally((result.check.passed, result.declined) for result in self.results)


def exit_code(checks: Iterable[Check]) -> int:
    """The CLI's exit code for a set of verdicts (0 pass, 1 fail, 2 unknown)."""
    return exit_code_for(check.status for check in checks)


def results_exit_code(results: Iterable[StepResult], *, strict: bool = False) -> ExitCode:
    """The exit code over step results, declines counted as :meth:`StepResult.counted` says."""
    return exit_code_for(result.counted(strict=strict) for result in results)


#: A run that wrote to the account this recently makes ``verify`` re-check failures.
WROTE_RECENTLY_SECONDS = 60.0

#: ``recheck`` names every step (see :func:`verify`).
EVERY_STEP = frozenset({"*"})


def verify(
    account: Account,
    steps: Iterable[Step] | None = None,
    *,
    recheck_failures: Callable[[str], Collection[str]] | None = None,
) -> Verification:
    """Read every step's state (default: every registered step), concurrently; read-only.

    ``recheck_failures(account_id)`` names the steps (or :data:`EVERY_STEP`) that were just
    written to: a failure among them may be a stale read, so it is re-checked with back-off
    (:func:`recheck`) before it is believed.
    """
    chosen = tuple(steps_module.STEPS if steps is None else steps)
    # Every check starts at once and creates its own clients: creating a client is CPU work
    # (parsing service models) that overlaps with the other checks' network waits. The
    # caller's identity and the record of declined steps are read beside them, not before.
    with account.shared_reads(), ThreadPoolExecutor(max_workers=len(chosen) + 2) as pool:
        identity = pool.submit(account.caller)
        recorded = pool.submit(declines_module.read, account)
        checks = list(pool.map(lambda step: safe_check(step, account), chosen))
    caller = identity.result()
    declines = recorded.result()
    again = set(recheck_failures(caller.account_id)) if recheck_failures else set()
    for index, (step, check) in enumerate(zip(chosen, checks, strict=True)):
        if not check.passed and (step.id in again or again >= EVERY_STEP):
            checks[index] = recheck(step, account)  # settles the step itself
            continue
        settle(step, account, check)
    return Verification(
        account_id=caller.account_id,
        caller=caller.arn,
        region=account.region,
        sandbox=account.is_sandbox,
        results=tuple(
            StepResult(step, check, declines.by_step.get(step.id))
            for step, check in zip(chosen, checks, strict=True)
        ),
        declines=declines,
    )


def recheck(
    step: Step,
    account: Account,
    *,
    delays: tuple[float, ...] = RECHECK_DELAYS,
    sleep: Callable[[float], None] = time.sleep,
    done_by_run: bool = False,
) -> Check:
    """Check again after a write, polling briefly while IAM or CloudTrail settles.

    A failure that waits on the owner (e.g. MFA at first sign-in) is returned at once, unless
    ``done_by_run``: this run itself just did what the step waited on (registered the admin's
    MFA), so such a verdict is a stale read and the poll goes on.
    """
    check = safe_check(step, account)
    for delay in delays:
        if check.passed or (check.waiting_on and not done_by_run):
            break
        sleep(delay)
        check = safe_check(step, account)
    settle(step, account, check)
    return check


def settle(step: Step, account: Account, check: Check) -> None:
    """Let the step drop what the verdict shows is no longer needed; never fails a check."""
    # Tidying up (e.g. a keyring that refuses) must not turn a verdict into an error.
    with contextlib.suppress(Exception):
        step.after_check(account, check)


def in_apply_order(steps: Iterable[Step], account: Account | None = None) -> list[Step]:
    """``steps`` in wizard order, with any step that must write last moved to the end.

    Deleting root keys may delete the key this tool is signed with, after which every call
    fails, so it must be the last write of a run (``account`` None: assume it may).
    """
    chosen = {step.id for step in steps}
    ordered = [step for step in steps_module.STEPS if step.id in chosen]
    ordered.sort(key=lambda step: step.applied_last(account))
    return ordered


def apply_order(step_ids: Iterable[str], account: Account | None = None) -> list[Step]:
    """The steps named by ``step_ids`` (``KeyError`` for an unknown one) in apply order."""
    return in_apply_order([steps_module.step_by_id(step_id) for step_id in step_ids], account)


def resolve_options(
    steps: Iterable[Step], given: Mapping[str, Any], account_id: str, region: str
) -> dict[str, dict[str, str | bool]]:
    """Each step's option values: ``given`` validated, defaults filled in."""
    result = {}
    for step in steps:
        names = {option.name for option in step.options}
        mine = {k: v for k, v in given.items() if k in names and v is not None}
        result[step.id] = resolve(step.options, mine, account_id, region)
    return result


@dataclass(frozen=True)
class Applied:
    """What applying one step did and what the re-check then found."""

    plan: Plan
    outcome: Outcome
    check: Check | None  # None when the session ended (the signing key was deleted)


class TargetStillGone(WizardError):
    """A write's target vanished again after the runner re-planned: stop, say so."""


def apply_step(
    step: Step, account: Account, plan: Plan, progress: ProgressFn = no_progress
) -> Applied:
    """Apply one confirmed plan, then re-check (unless that ended this session).

    A write whose target vanished after the plan was made (``TargetGone``) is never counted
    as done: the step is re-checked and re-planned once, with the same options, and the new
    plan applied. If a target vanishes again, :class:`TargetStillGone` stops the run.
    """
    try:
        outcome = step.apply(account, plan, progress)
    except TargetGone as gone:
        plan, outcome = _replan_after(step, account, plan, gone, progress)
    if outcome.ended_session:
        # The key this run was signed with is gone: so is any reason to keep it.
        if account.secrets is not None:
            account.secrets.forget_root_key(account.signing_key_id() or "")
        return Applied(plan, outcome, None)
    progress(note(f"Re-checking: {step.title}"))
    return Applied(plan, outcome, recheck(step, account))


def _replan_after(
    step: Step, account: Account, plan: Plan, gone: TargetGone, progress: ProgressFn
) -> tuple[Plan, Outcome]:
    """Re-check and re-plan once after ``gone``; apply the new plan; the whole outcome."""
    progress(
        note(
            f"{gone.change.label}: its target no longer exists ({gone.code}); re-checking "
            f"and re-planning {step.title}"
        )
    )
    replanned = step.plan(account, plan.options)
    progress(note(f"New plan: {len(replanned.changes)} change(s)"))
    try:
        second = step.apply(account, replanned, progress)
    except TargetGone as again:
        raise TargetStillGone(
            f"{again.change.label}: its target vanished again after re-planning "
            f"({again.code}). Something else is changing this account right now; done so "
            f"far: {'; '.join((*gone.outcome.done, *again.outcome.done)) or 'nothing'}. "
            "Run the same command again once it has stopped."
        ) from again
    first = gone.outcome
    merged = Outcome(
        step.id,
        done=(*first.done, *second.done),
        reveal={**first.reveal, **second.reveal},
        ended_session=first.ended_session or second.ended_session,
    )
    return replanned, merged
