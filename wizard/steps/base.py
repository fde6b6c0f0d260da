"""The step contract: check → plan → apply, then the runner re-checks.

Every step module holds one :class:`Step` subclass. Steps never prompt and never print: they
return plain data (:mod:`aws_setup_wizard.model`) and report API calls through a progress callback.
"""

from __future__ import annotations

import dataclasses
import functools
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from botocore.exceptions import ClientError

from aws_setup_wizard import assets
from aws_setup_wizard.account import Account
from aws_setup_wizard.dispatch import Found, Prepared, Recovered
from aws_setup_wizard.errors import WizardError, describe_error
from aws_setup_wizard.model import Change, Check, Outcome, Plan, ProgressFn, Status
from aws_setup_wizard.options import Option

if TYPE_CHECKING:
    from aws_setup_wizard.mfa import MfaRegistration  # pyotp: loaded only by runs that register MFA

OptionValues = Mapping[str, str | bool]


class Step(ABC):
    """One thing the wizard secures, with a read-only check, a plan and an idempotent apply.

    Everything the engine and the front ends need to know about a step is declared here, as a
    class attribute or a hook with a neutral default, so that nothing outside
    ``wizard/steps/`` names a particular step.
    """

    id: ClassVar[str]
    title: ClassVar[str]
    controls: ClassVar[tuple[str, ...]]
    options: ClassVar[tuple[Option, ...]] = ()
    # boto3 clients the check needs (benchmarks create them up front).
    services: ClassVar[tuple[str, ...]] = ("iam",)
    # The group the dashboard and the guided walk show the step in.
    group: ClassVar[str] = "Essentials"
    # True when the check covers every enabled Region rather than the account's home Region.
    regional: ClassVar[bool] = False
    # What ``verify`` checks, as short phrases: the README's table is generated from them
    # (``python -m aws_setup_wizard.docs``). Empty: the first line of ``check``'s docstring stands
    # in.
    checks: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Make every subclass's ``plan`` record the option values it was made with.

        Done here, once, so that no step and no front end has to remember it: the runner
        re-plans with ``plan.options`` when a write finds its target gone.
        """
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("plan")
        if own is not None and not getattr(own, "_records_options", False):
            cls.plan = _recording_options(own)  # type: ignore[method-assign,assignment]

    def why(self) -> str:
        """Why this step matters (Markdown from ``assets/why/ID.md``)."""
        return assets.read_text(f"why/{self.id}.md")

    @abstractmethod
    def check(self, account: Account) -> Check:
        """Read the account and judge it: pass, fail, or unknown when it cannot be read."""

    @abstractmethod
    def plan(self, account: Account, options: OptionValues) -> Plan:
        """The exact changes that would make the check pass (empty when it already does)."""

    def apply(self, account: Account, plan: Plan, progress: ProgressFn) -> Outcome:
        """Make the planned changes through the engine's one dispatcher, reporting each call."""
        from aws_setup_wizard.dispatch import apply_plan

        return apply_plan(self, account, plan, progress)

    # -- hooks the dispatcher calls -------------------------------------------------------

    def prepare(self, account: Account, change: Change, params: Mapping[str, Any]) -> Prepared:
        """Just before ``change`` is sent: the final parameters, or why it is already done.

        The default sends the planned parameters. A step overrides this to fill a secret it
        generates now (never planned, never journaled) or to find by reading that an
        interrupted run already made the resource.
        """
        return Prepared(params)

    def recover(
        self, account: Account, change: Change, error: ClientError, params: Mapping[str, Any]
    ) -> Recovered | None:
        """AWS refused ``change`` (sent with ``params``): how it is done anyway, or ``None``.

        Codes in ``change.already_done`` are handled by the dispatcher; this hook is for
        refusals that need a read or another call to settle.
        """
        return None

    def find_made(
        self, account: Account, change: Change, params: Mapping[str, Any]
    ) -> Found | None:
        """A create's answer was lost: read whether it was made (``None``: cannot tell).

        The dispatcher sends a create exactly once; after a dropped connection, a time-out
        or a server error it asks this hook before sending it again. ``None`` leaves the
        error standing (a re-run plans from what it reads), so never guess.
        """
        return None

    # -- hooks the runner and the guided flow call -----------------------------------------

    def applied_last(self, account: Account | None) -> bool:
        """True when this step must be the last to write (``account`` None: not known yet)."""
        return False

    def after_check(self, account: Account, check: Check) -> None:
        """Called with every re-check's result: drop what is no longer needed."""
        return None

    def confirmation_notes(self, account: Account, plan: Plan) -> tuple[str, ...]:
        """Notes read live just before the owner confirms ``plan`` in a guided run."""
        return ()

    def mfa_follow_up(
        self, account: Account, plan: Plan, check: Check | None
    ) -> MfaRegistration | None:
        """A virtual MFA device the guided flow may offer to register after apply."""
        return None

    def options_needed(self, account: Account) -> bool:
        """Whether the guided modes ask this step's options now (else the defaults hold)."""
        return bool(self.options)

    def console_mfa(self, account: Account, plan: Plan) -> MfaRegistration | None:
        """In the sandbox, the simulated console's MFA registration for ``plan``'s action."""
        return None

    def console_simulation(self, account: Account) -> Callable[[], str] | None:
        """In the sandbox, the simulated console doing this step's console action."""
        return None


def _recording_options(
    plan: Callable[[Any, Account, OptionValues], Plan],
) -> Callable[[Any, Account, OptionValues], Plan]:
    """``plan`` whose result carries the options it was given (unless it set its own)."""

    @functools.wraps(plan)
    def recorded(self: Any, account: Account, options: OptionValues) -> Plan:
        made = plan(self, account, options)
        return made if made.options else dataclasses.replace(made, options=dict(options))

    recorded._records_options = True  # type: ignore[attr-defined]
    return recorded


def unknown(exc: BaseException, what: str) -> Check:
    """The check result for "could not read": never a pass, always with the reason."""
    return Check(
        Status.UNKNOWN,
        f"Could not read {what}: {describe_error(exc)}",
        {"error": describe_error(exc)},
    )


def safe_check(step: Step, account: Account) -> Check:
    """Run a step's check; anything unexpected becomes ``unknown``, never ``pass``."""
    try:
        return step.check(account)
    except Exception as exc:  # noqa: BLE001 - a check must never crash its caller
        return unknown(exc, f"the state of {step.id}")


def require_known(check: Check) -> None:
    """Refuse to plan on a state that could not be read."""
    if check.status is Status.UNKNOWN:
        raise WizardError(f"Cannot plan this step: {check.summary}")
