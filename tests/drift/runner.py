"""The drift catalogue's shared runner: make a drift, judge it, repair it, prove the repair.

A catalogue entry is DATA (a :class:`Drift`): which drift of the sandbox's catalogue
(:mod:`aws_setup_wizard.sandbox.drifts`, the same name: how an owner or attacker changes a
finished account, which trainers' scenario files name too), the verdict and reason the step's
check must then give, and the repair its plan must propose. :func:`run_drift` plays one entry
over real HTTP against the sandbox:

1. reset the sandbox to ``scenario`` (default ``done``) and confirm the step passes there;
2. ``make`` the drift (boto3 calls, the sandbox console, or the root layer: what AWS allows);
3. ``check`` → ``status`` with ``reason`` in its summary;
4. for a failure: plan with ``options``, signed with ``credentials``; apply it through the
   runner (the one dispatcher, journaled); if the plan is a console action, do what the
   guided flow would do in the sandbox (the step's console simulation, its simulated console
   MFA, or its MFA follow-up). The changes made, plus :data:`CONSOLE` if the console was
   used, must equal ``repair``;
5. re-check → PASS; a second plan is empty and applying it sends no write.

Nothing here names a step's internals: a step takes part only through the contract
(``check``, ``plan``, ``apply``) and its hooks, so any step's catalogue can use this runner.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aws_setup_wizard import runner
from aws_setup_wizard.account import Account
from aws_setup_wizard.journal import is_write
from aws_setup_wizard.mfa import MfaRegistration, two_consecutive_codes
from aws_setup_wizard.model import Check, Plan, ProgressEvent, Status, no_progress
from aws_setup_wizard.sandbox import Sandbox
from aws_setup_wizard.steps import step_by_id
from aws_setup_wizard.steps.base import Step
from tests.sandbox_accounts import account_on

#: In ``Drift.repair``: the repair includes the console action the guided flow would use.
CONSOLE = "console"


@dataclass(frozen=True)
class Drift:
    """One drift of one step, as data.

    - ``name``: what happened, in words (the test id), and the name of the sandbox drift that
      makes it (:data:`aws_setup_wizard.sandbox.drifts.DRIFTS`);
    - ``step_id``: the step whose verdict must change;
    - ``reason``: text the check's summary must contain (the named cause);
    - ``repair``: the plan's change actions in order (``iam:AddUserToGroup``), plus
      :data:`CONSOLE` last when a console action completes it; ``()`` for a pass;
    - ``status``: the verdict expected after the drift (``"pass"`` for a change that must not
      be reported as a failure);
    - ``scenario``: the sandbox scenario to start from (the step must pass there);
    - ``options``: the step's option values for the plan (e.g. the scenario's user name);
    - ``credentials``: who plans and applies the repair: ``"console"`` (root's console
      session) or ``"root"`` (a root access key).
    """

    name: str
    step_id: str
    reason: str
    repair: tuple[str, ...]
    status: str = "fail"
    scenario: str = "done"
    options: Mapping[str, str | bool] = field(default_factory=dict)
    credentials: str = "console"

    @property
    def id(self) -> str:
        """``step-id: name``, for pytest ids."""
        return f"{self.step_id}: {self.name}"

    def make(self, box: Sandbox) -> None:
        """Do the drift to a running sandbox, as an owner or attacker could."""
        box.make_drift(self.name)


@dataclass(frozen=True)
class DriftRun:
    """What :func:`run_drift` saw: the verdict after the drift, the repair, the final check."""

    drifted: Check
    plan: Plan | None
    repair: tuple[str, ...]
    progress: tuple[ProgressEvent, ...]
    final: Check


def count_writes(account: Account) -> list[str]:
    """Every write call the account's clients send from now on (independent of the journal)."""
    seen: list[str] = []
    lock = threading.Lock()

    def before(model: Any, **_: Any) -> None:
        if is_write(model.name):
            with lock:
                seen.append(model.name)

    account.on_every_client("before-call", before)
    return seen


def options_for(step: Step, drift: Drift, account: Account) -> dict[str, str | bool]:
    """The step's option values: the entry's, validated, defaults for the rest."""
    resolved = runner.resolve_options(
        [step], dict(drift.options), account.account_id, account.region
    )
    return resolved[step.id]


def _register(registration: MfaRegistration) -> None:
    """Register a virtual MFA device as an authenticator app would: two consecutive codes."""
    enrollment = registration.begin()
    registration.finish(enrollment, *two_consecutive_codes(enrollment.secret_base32))


def console_action(step: Step, account: Account, plan: Plan, check: Check) -> None:
    """Do the plan's console action the way the guided flow does it in the sandbox."""
    simulation = step.console_simulation(account)
    if simulation is not None:
        simulation()
        return
    registration = step.console_mfa(account, plan) or step.mfa_follow_up(account, plan, check)
    if registration is None:
        raise AssertionError(f"{step.id}: a console action the sandbox cannot perform")
    _register(registration)


def run_drift(drift: Drift, box: Sandbox) -> DriftRun:
    """Play one catalogue entry against ``box`` and assert every stage (see module doc)."""
    step = step_by_id(drift.step_id)
    box.reset(drift.scenario)
    reader = account_on(box, "console")
    assert step.check(reader).passed, f"{drift.step_id} must pass in {drift.scenario!r} first"

    drift.make(box)
    # Checked as a later verify would be, by a run of its own: an Account lists the enabled
    # Regions once in its life, and a drift may opt in to a Region.
    reader = account_on(box, "console")
    drifted = step.check(reader)
    assert drifted.status is Status(drift.status), drifted.summary
    assert drift.reason in drifted.summary, f"{drift.reason!r} not in {drifted.summary!r}"
    if drifted.passed:
        assert step.plan(reader, options_for(step, drift, reader)).empty
        assert drift.repair == ()
        return DriftRun(drifted, None, (), (), drifted)

    applier = account_on(box, drift.credentials)
    plan = step.plan(applier, options_for(step, drift, applier))
    events: list[ProgressEvent] = []
    made: list[str] = [change.action for change in plan.changes]
    check, acting = drifted, applier
    if plan.changes:
        applied = runner.apply_step(step, applier, plan, events.append)
        if applied.check is None:
            # The repair deleted the key it ran on: carry on with the console session.
            acting, check = reader, runner.recheck(step, reader)
        else:
            check = applied.check
    if not check.passed and plan.console is not None:
        console_action(step, acting, plan, check)
        made.append(CONSOLE)
    assert tuple(made) == drift.repair, f"repair was {made}"

    final = runner.recheck(step, reader)
    assert final.passed, final.summary
    second = step.plan(reader, options_for(step, drift, reader))
    assert second.empty, f"a second plan still wants {second.changes or second.console}"
    writes = count_writes(reader)
    step.apply(reader, second, no_progress)
    assert writes == [], f"a second apply wrote {writes}"
    return DriftRun(drifted, plan, tuple(made), tuple(events), final)
