"""The plain data that flows between steps, the runner and the front ends.

Everything here is a frozen dataclass or an enum: front ends render it, the report serialises
it, and nothing in it can call AWS.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol


class Status(StrEnum):
    """The verdict of a read-only check.

    ``UNKNOWN`` means the state could not be read (access denied, throttled, no network): it is
    never reported as a pass.
    """

    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Check:
    """The result of a step's read-only check: a verdict, one sentence, and the raw facts."""

    status: Status
    summary: str
    evidence: Mapping[str, Any] = field(default_factory=dict)
    # Set when the check fails only because of something the owner must do outside this tool
    # (e.g. the admin registers MFA at first sign-in): re-checks do not poll for it.
    waiting_on: str | None = None

    @property
    def passed(self) -> bool:
        """True only for a definite pass."""
        return self.status is Status.PASS


@dataclass(frozen=True)
class Change:
    """One exact change a step will make: the API action, the resource it touches, and why."""

    action: str
    resource: str
    why: str
    destructive: bool = False

    def describe(self) -> str:
        """One line for a plan listing, e.g. ``iam:CreateGroup Administrators — why``."""
        return f"{self.action} {self.resource} — {self.why}"


@dataclass(frozen=True)
class ConsoleAction:
    """A change AWS allows only in the console: the exact steps and a direct link."""

    title: str
    steps: tuple[str, ...]
    url: str
    sandbox_command: str | None = None

    def describe(self) -> str:
        """The console steps as numbered lines followed by the link."""
        lines = [self.title, *(f"  {n}. {text}" for n, text in enumerate(self.steps, 1))]
        lines.append(f"  Link: {self.url}")
        return "\n".join(lines)


@dataclass(frozen=True)
class Plan:
    """What a step would do now: API changes, or a console action, or nothing.

    ``notes`` carry what the owner must know before confirming (e.g. "the key this tool is
    signed with is deleted last").
    """

    step_id: str
    changes: tuple[Change, ...] = ()
    console: ConsoleAction | None = None
    notes: tuple[str, ...] = ()
    context: Mapping[str, Any] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        """True when there is nothing to do, neither API changes nor a console action."""
        return not self.changes and self.console is None

    @property
    def destructive(self) -> bool:
        """True when any change deletes something."""
        return any(change.destructive for change in self.changes)


@dataclass(frozen=True)
class Outcome:
    """What ``apply`` did: the changes made, in order, and anything to show the owner once.

    ``reveal`` holds values shown once and never stored (the admin's initial password); the
    report and journal never serialise it.
    """

    step_id: str
    done: tuple[str, ...] = ()
    reveal: Mapping[str, str] = field(default_factory=dict, repr=False)
    ended_session: bool = False


class Progress(Protocol):
    """Receives each API call as it happens so a front end can show it."""

    def __call__(self, message: str) -> None:
        """Report one event, e.g. ``"iam:CreateGroup Administrators … done"``."""


def no_progress(message: str) -> None:
    """A :class:`Progress` that discards events (verify, tests)."""


ProgressFn = Callable[[str], None]
