"""The types a front end exchanges with the guided flow, importable without botocore.

Screens and prompts answer with :class:`Answer` (never a string), show an :class:`Identity`,
a :class:`ConfirmRequest`, an :class:`MfaExchange` and a :class:`Summary`. Nothing here calls
AWS or loads boto3, so a front end can import it before its first frame is drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from aws_setup_wizard.caller import Caller
from aws_setup_wizard.errors import WizardError, describe_error
from aws_setup_wizard.mfa import MfaEnrollment, code_problem, qr_lines, two_consecutive_codes
from aws_setup_wizard.model import Plan

if TYPE_CHECKING:
    from aws_setup_wizard.runner import Verification


class Answer(StrEnum):
    """What the owner chose on a screen or at a prompt."""

    CONTINUE = "continue"
    BACK = "back"
    CANCEL = "cancel"
    RETRY = "retry"
    # Decline the step, with a reason, on the record (``Conversation.ask_decline_reason``).
    DECLINE = "decline"


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


@dataclass(frozen=True)
class ConfirmRequest:
    """What a confirmation must show and, for deletions, what the owner must type.

    ``typed_labels`` name each thing to type for, in order (a masked key ID), so a front end
    never has to parse a change's wording.
    """

    account_id: str
    question: str
    typed_suffixes: tuple[str, ...] = ()
    typed_labels: tuple[str, ...] = ()

    @property
    def labels(self) -> tuple[str, ...]:
        """One label per suffix to type (``#1``, ``#2`` when none was given)."""
        if len(self.typed_labels) == len(self.typed_suffixes):
            return self.typed_labels
        return tuple(f"#{number}" for number in range(1, len(self.typed_suffixes) + 1))

    def accepts(self, typed: list[str]) -> bool:
        """True when every key suffix was typed, in order (case-insensitive)."""
        return [t.strip().upper() for t in typed] == [s.upper() for s in self.typed_suffixes]


def confirm_request(plan: Plan, identity: Identity) -> ConfirmRequest:
    """The question and, for each change that must be confirmed by typing, what to type."""
    count = len(plan.changes)
    noun = "change" if count == 1 else "changes"
    typed = [c.confirm_by_typing for c in plan.changes if c.confirm_by_typing is not None]
    return ConfirmRequest(
        account_id=identity.account_id,
        question=f"Make {count} {noun} to account {identity.account_id}?",
        typed_suffixes=tuple(confirmation.expected for confirmation in typed),
        typed_labels=tuple(confirmation.label for confirmation in typed),
    )


NEXT_STEPS = (
    "Set up AWS Organizations and IAM Identity Center for people's sign-in "
    "(AWS's recommendation over IAM users).",
    # What the registered steps do is not repeated here (their verdicts say it); these are
    # beyond them.
    "Re-run 'aws-setup-wizard verify' now and then: it is read-only.",
)


@dataclass
class Summary:
    """The end of a guided run."""

    verification: Verification | None
    changes: list[str] = field(default_factory=list)
    ended_session: bool = False
    next_steps: tuple[str, ...] = NEXT_STEPS
