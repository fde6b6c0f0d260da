"""The plain data that flows between steps, the runner and the front ends.

Everything here is a frozen dataclass or an enum: front ends render it, the report serialises
it, and nothing in it can call AWS.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


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
class Ref:
    """A parameter value known only while the plan is applied: an earlier change's output.

    E.g. the ARN of a KMS key the same plan creates, used by the alias and the trail.
    """

    name: str


@dataclass(frozen=True)
class ApiCall:
    """One AWS API call exactly as the dispatcher will send it.

    ``operation`` is the API's own name (``CreateGroup``); ``params`` may hold :class:`Ref`
    values, filled in from earlier changes' outputs when the call is made. ``region`` is the
    Region of the client to use (default: the account's).
    """

    service: str
    operation: str
    params: Mapping[str, Any] = field(default_factory=dict)
    region: str | None = None

    @property
    def action(self) -> str:
        """``service:Operation``, the IAM action name of the call."""
        return f"{self.service}:{self.operation}"


@dataclass(frozen=True)
class TypedConfirmation:
    """What the owner must type to confirm a deletion: ``expected`` (e.g. a key's last four
    characters), asked about ``label`` (the key, masked)."""

    label: str
    expected: str


@dataclass(frozen=True)
class Retry:
    """Refusals that mean "not yet", not "no": the dispatcher waits and sends the call again.

    For a definite refusal (HTTP 4xx: nothing was done, so sending again is safe) that AWS
    gives while an earlier change propagates, e.g. ``InsufficientS3BucketPolicyException`` from
    ``CreateTrail`` seconds after ``PutBucketPolicy``. ``why`` is told to the owner while the run
    waits; ``delays`` are the waits in seconds before each new try.
    """

    codes: frozenset[str]
    why: str
    delays: tuple[float, ...] = (1.0, 2.0, 4.0, 8.0)


@dataclass(frozen=True)
class Change:
    """One exact change a step will make: the API action, the resource it touches, and why.

    ``call`` is what the engine's dispatcher sends. The other fields tell the dispatcher how
    to treat the outcome, so no step applies its plan its own way:

    - ``already_done``: error codes by which AWS says the change is already in place (a
      re-run after an interruption);
    - ``outputs``: values a later change needs (``Ref(name)``), as dotted paths into the
      response;
    - ``secret_param``: a parameter the step generates at apply time (a password), never part
      of the plan, the journal or the report;
    - ``confirm_by_typing``: what the owner must type to confirm (a key's last characters);
    - ``ends_session``: the call deletes the credentials this run is signed with;
    - ``done``: what to say once done (``str.format`` over the outputs), else ``describe()``;
    - ``retry``: refusals to wait out and send again (see :class:`Retry`);
    - ``precondition``: a condition the step's ``prepare`` hook reads again just before the
      call is sent, and refuses the change without it (e.g. "another way in exists").
    """

    action: str
    resource: str
    why: str
    destructive: bool = False
    call: ApiCall | None = None
    already_done: frozenset[str] = frozenset()
    outputs: Mapping[str, str] = field(default_factory=dict)
    secret_param: str | None = None
    confirm_by_typing: TypedConfirmation | None = None
    ends_session: bool = False
    done: str = ""
    retry: Retry | None = None
    precondition: str | None = None

    def describe(self) -> str:
        """One line for a plan listing, e.g. ``iam:CreateGroup Administrators — why``."""
        return f"{self.action} {self.resource} — {self.why}"

    @property
    def label(self) -> str:
        """The change in a few words, for progress lines: ``iam:CreateGroup Administrators``."""
        return f"{self.action} {self.resource}"


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
    # The option values the plan was made with (stamped by ``Step``): when a target vanishes
    # between plan and apply, the runner re-plans with exactly these.
    options: Mapping[str, Any] = field(default_factory=dict)

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


class Phase(StrEnum):
    """What a progress event reports."""

    STARTED = "started"  # an API call was sent
    DONE = "done"  # it succeeded
    ALREADY = "already"  # AWS (or a read) says it was already in place
    NOTE = "note"  # anything else worth a line (re-checking, a reused resource)
    WAITING = "waiting"  # waiting on something outside this run (another wizard's lock)


@dataclass(frozen=True)
class ProgressEvent:
    """One event of a run, typed so front ends never tell events apart by their wording."""

    phase: Phase
    label: str
    detail: str = ""

    def __str__(self) -> str:
        if self.phase is Phase.STARTED:
            return f"{self.label} ..."
        if self.phase is Phase.DONE:
            return f"{self.label}: done"
        if self.phase is Phase.ALREADY:
            return f"{self.label}: {self.detail or 'already in place'}"
        return f"{self.label}: {self.detail}" if self.detail else self.label


def note(text: str) -> ProgressEvent:
    """A progress event that is just a line of text."""
    return ProgressEvent(Phase.NOTE, text)


ProgressFn = Callable[[ProgressEvent], None]
"""Receives each event as it happens so a front end can show it live."""


def no_progress(event: ProgressEvent) -> None:
    """A progress function that discards events (verify, tests)."""
