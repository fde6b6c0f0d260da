"""The step contract: check → plan → apply, then the runner re-checks.

Every step module holds one :class:`Step` subclass. Steps never prompt and never print: they
return plain data (:mod:`wizard.model`) and report API calls through a progress callback.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, TypeVar

import assets
from wizard.account import Account
from wizard.errors import WizardError, describe_error
from wizard.model import Check, Outcome, Plan, ProgressFn, Status
from wizard.options import Option

T = TypeVar("T")

OptionValues = Mapping[str, str | bool]


class Step(ABC):
    """One thing the wizard secures, with a read-only check, a plan and an idempotent apply."""

    id: ClassVar[str]
    title: ClassVar[str]
    controls: ClassVar[tuple[str, ...]]
    options: ClassVar[tuple[Option, ...]] = ()
    # boto3 clients the check needs; the runner creates them up front, in one thread.
    services: ClassVar[tuple[str, ...]] = ("iam",)

    def why(self) -> str:
        """Why this step matters (Markdown from ``assets/why/ID.md``)."""
        return assets.read_text(f"why/{self.id}.md")

    @abstractmethod
    def check(self, account: Account) -> Check:
        """Read the account and judge it: pass, fail, or unknown when it cannot be read."""

    @abstractmethod
    def plan(self, account: Account, options: OptionValues) -> Plan:
        """The exact changes that would make the check pass (empty when it already does)."""

    @abstractmethod
    def apply(self, account: Account, plan: Plan, progress: ProgressFn) -> Outcome:
        """Make the planned changes, idempotently, reporting each API call."""


def unknown(exc: BaseException, what: str) -> Check:
    """The check result for "could not read": never a pass, always with the reason."""
    return Check(
        Status.UNKNOWN,
        f"Could not read {what}: {describe_error(exc)}",
        {"error": describe_error(exc)},
    )


def require_known(check: Check) -> None:
    """Refuse to plan on a state that could not be read."""
    if check.status is Status.UNKNOWN:
        raise WizardError(f"Cannot plan this step: {check.summary}")


def call(progress: ProgressFn, label: str, operation: Callable[..., T], **kwargs: Any) -> T:
    """Make one API call, reporting it before and after so a front end can show it live."""
    progress(f"{label} ...")
    result = operation(**kwargs)
    progress(f"{label}: done")
    return result
