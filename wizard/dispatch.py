"""The one dispatcher: every planned change of every step is made here.

A step plans :class:`~aws_setup_wizard.model.Change`s that carry their API call; this module sends
them, in order, through the account's clients, and is the single place that

- refuses to write outside a run that holds the account's lock and journal (:func:`writing`
  sets ``account.journal``; the journal records every call from botocore's own events);
- reports typed progress events (:class:`~aws_setup_wizard.model.ProgressEvent`);
- fills a call's :class:`~aws_setup_wizard.model.Ref` parameters from earlier changes' outputs;
- treats "already in place" error codes as done (a re-run after an interruption);
- stops with :class:`TargetGone` when a write's target has vanished since the plan was made
  (``NoSuchEntity`` and kin): that is never "already in place", except for a removal, whose
  target being gone IS the change done;
- lets the step take part only through declared hooks (:meth:`Step.prepare` before a call,
  :meth:`Step.recover` after a refusal), never by applying the plan its own way;
- waits out the refusals a change declares as "not yet" (``Change.retry``: AWS has not yet
  seen an earlier change) and sends the call again, saying why it waits;
- reads with back-off, not once, whether a create whose answer was lost was made: IAM and
  other services are eventually consistent, so one "not found" just after the write may be a
  stale read (IAM User Guide, "Changes that I make are not always immediately visible").
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from botocore import xform_name
from botocore.exceptions import BotoCoreError, ClientError, ConnectionClosedError, ReadTimeoutError

from aws_setup_wizard.account import WriteOutsideRun
from aws_setup_wizard.errors import WizardError, error_code
from aws_setup_wizard.model import (
    Change,
    Outcome,
    Phase,
    Plan,
    ProgressEvent,
    ProgressFn,
    Ref,
)

if TYPE_CHECKING:
    from aws_setup_wizard.account import Account
    from aws_setup_wizard.steps.base import Step


# Error codes by which AWS says the resource a call names does not exist (IAM, S3, KMS and
# CloudTrail spellings).
GONE_CODES = frozenset(
    {"NoSuchEntity", "NoSuchBucket", "NotFoundException", "TrailNotFoundException"}
)

# Operations that take something away: their target being gone means the change is done.
REMOVING_VERBS = ("Delete", "Detach", "Remove", "Deactivate")


def removes(change: Change) -> bool:
    """True when ``change`` takes something away (a delete, detach, removal, deactivation)."""
    operation = change.call.operation if change.call else change.action.partition(":")[2]
    return change.destructive or operation.startswith(REMOVING_VERBS)


class TargetGone(WizardError):
    """A write's target vanished between plan and apply: re-check and re-plan, never "done".

    ``outcome`` holds what this apply had already done (and any value to reveal) before it
    stopped, so the runner can report the whole run after re-planning.
    """

    def __init__(self, change: Change, code: str, outcome: Outcome) -> None:
        super().__init__(
            f"{change.label} failed: its target no longer exists ({code}); something changed "
            "the account after the plan was made."
        )
        self.change = change
        self.code = code
        self.outcome = outcome


@dataclass(frozen=True)
class Prepared:
    """A change made ready to send, or found already done by reading.

    ``skip`` says why no call is needed (e.g. "alias/x already names key ...") and then
    ``outputs`` carry what later changes need; ``reveal`` holds values to show the owner once
    (the admin's initial password), never stored.
    """

    params: Mapping[str, Any] = field(default_factory=dict)
    skip: str | None = None
    outputs: Mapping[str, Any] = field(default_factory=dict)
    reveal: Mapping[str, str] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class Found:
    """What a read found after a create's answer was lost: ``made`` or not, with outputs."""

    made: bool
    outputs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Recovered:
    """A refused call that still leaves the change done (say how), with its outputs."""

    said: str
    outputs: Mapping[str, Any] = field(default_factory=dict)
    done: bool = True  # False: nothing was done (e.g. already deleted): not listed as done


def resolve(params: Mapping[str, Any], outputs: Mapping[str, Any]) -> dict[str, Any]:
    """``params`` with every :class:`Ref` replaced by the output it names."""

    def value(item: Any) -> Any:
        if isinstance(item, Ref):
            if item.name not in outputs:
                raise WizardError(f"internal: no earlier change produced {item.name!r}")
            return outputs[item.name]
        if isinstance(item, Mapping):
            return {key: value(inner) for key, inner in item.items()}
        if isinstance(item, list | tuple):
            return [value(inner) for inner in item]
        return item

    return {key: value(item) for key, item in params.items()}


def dig(response: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted ``path`` of an API response (``KeyMetadata.Arn``)."""
    current: Any = response
    for part in path.split("."):
        current = current[part]
    return current


def _done_text(change: Change, outputs: Mapping[str, Any]) -> str:
    if not change.done:
        return change.label
    try:
        return change.done.format_map(outputs)
    except (KeyError, IndexError):
        return change.label


def creates(change: Change) -> bool:
    """True when sending ``change`` twice could make two things (or a second password)."""
    return bool(change.call and change.call.operation.startswith("Create"))


def send(account: Account, change: Change, params: Mapping[str, Any]) -> Any:
    """Make one change's API call through the account's client for its service and Region.

    A create goes out exactly once (no botocore retry): see :func:`send_once`.
    """
    if change.call is None:
        raise WizardError(f"internal: change {change.label} has no API call")
    client = account.client(change.call.service, change.call.region, once=creates(change))
    return getattr(client, xform_name(change.call.operation))(**params)


# After this long without an answer, the owner is told what the run waits for.
SLOW_ANSWER_SECONDS = 2.0


@contextmanager
def waiting_notice(progress: ProgressFn, label: str) -> Iterator[None]:
    """Within the block, say once what the run waits for if AWS takes over 2 seconds."""
    timer = threading.Timer(
        SLOW_ANSWER_SECONDS,
        lambda: progress(ProgressEvent(Phase.WAITING, label, "still waiting for AWS to answer")),
    )
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def ambiguous(error: BaseException) -> bool:
    """True when a call may have been done although no answer came back.

    A dropped connection, a read time-out or a server error (5xx) say nothing about whether
    AWS did the work; a refusal (4xx) or a connection never made do.
    """
    if isinstance(error, ConnectionClosedError | ReadTimeoutError):
        return True
    if isinstance(error, ClientError):
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return int(status or 0) >= 500
    return False


#: Waits (seconds) between reads of whether a create whose answer was lost was made: a "not
#: there" is believed only once it has lasted longer than IAM takes to show a change.
FIND_DELAYS = (0.5, 1.0, 2.0, 2.0)

#: The pause function; tests replace it to run without waiting.
sleep = time.sleep


def find_made_patiently(
    step: Step, account: Account, change: Change, params: Mapping[str, Any]
) -> Found | None:
    """Ask ``step.find_made`` until it finds the resource or the back-off is spent.

    A found resource is believed at once; "not made" only when it still holds after
    :data:`FIND_DELAYS`, since a read right after the write can be stale.
    """
    found = step.find_made(account, change, params)
    for delay in FIND_DELAYS:
        if found is None or found.made:
            break
        sleep(delay)
        found = step.find_made(account, change, params)
    return found


def send_once(
    step: Step, account: Account, change: Change, params: Mapping[str, Any], progress: ProgressFn
) -> tuple[Any, Found | None]:
    """Send a change; after an ambiguous failure, read before sending again.

    Returns the response, or ``(None, found)`` when a read showed that the lost call had been
    done. A create the step cannot look for is not sent again: the error stands, and a re-run
    plans from what it reads. Any other change (an overwrite such as ``Put*``) botocore has
    already re-sent; it is settled by reading only where the step's ``find_made`` can read it
    back, else its error stands as before.
    """
    try:
        with waiting_notice(progress, change.label):
            return send(account, change, params), None
    except (ClientError, BotoCoreError) as error:
        if not ambiguous(error):
            raise
        if creates(change):
            progress(ProgressEvent(Phase.WAITING, change.label, "no answer: was it made? reading"))
        found = find_made_patiently(step, account, change, params)
        if found is None:
            raise
        if not creates(change):
            progress(ProgressEvent(Phase.WAITING, change.label, "no answer: read back instead"))
        if found.made:
            if account.journal is not None:
                # The call's own record says it failed; the read says otherwise.
                account.journal.settled(change.call, params, "ok (made; its answer was lost)")
            return None, found
        # Read, and not there: the request never took effect (a create), or it is an overwrite
        # the step declared safe to repeat by answering find_made: sending it again is safe.
        return send(account, change, params), None


def send_until_accepted(
    step: Step, account: Account, change: Change, params: Mapping[str, Any], progress: ProgressFn
) -> tuple[Any, Found | None]:
    """:func:`send_once`, waiting out and re-sending the refusals ``change.retry`` declares.

    Only a definite refusal (4xx, so nothing was done) is sent again; when the waits are spent
    AWS's refusal stands.
    """
    retry = change.retry
    waits = iter(retry.delays if retry is not None else ())
    while True:
        try:
            return send_once(step, account, change, params, progress)
        except ClientError as exc:
            if retry is None or ambiguous(exc) or error_code(exc) not in retry.codes:
                raise
            delay = next(waits, None)
            if delay is None:
                raise
            progress(
                ProgressEvent(
                    Phase.WAITING,
                    change.label,
                    f"{retry.why} ({error_code(exc)}); trying again in {delay:g} s",
                )
            )
            sleep(delay)


def require_write_context(account: Account) -> None:
    """Raise unless this account's writes are locked and journaled (see ``writes.writing``)."""
    if getattr(account, "journal", None) is None:
        raise WriteOutsideRun(
            "internal: a change was about to be made outside a confirmed run (no account "
            "lock, no journal); nothing was changed."
        )


def apply_plan(step: Step, account: Account, plan: Plan, progress: ProgressFn) -> Outcome:
    """Make every change of ``plan`` in order; the step's outcome, reveals and session end."""
    require_write_context(account)
    outputs: dict[str, Any] = {}
    done: list[str] = []
    reveal: dict[str, str] = {}
    ended = False
    for change in plan.changes:
        params = resolve(change.call.params if change.call else {}, outputs)
        prepared = step.prepare(account, change, params)
        outputs.update(prepared.outputs)
        if prepared.skip is not None:
            progress(ProgressEvent(Phase.ALREADY, change.label, prepared.skip))
            done.append(f"{change.label}: {prepared.skip}")
            continue
        progress(ProgressEvent(Phase.STARTED, change.label))
        try:
            response, found = send_until_accepted(step, account, change, prepared.params, progress)
        except ClientError as exc:
            recovered = step.recover(account, change, exc, prepared.params)
            code = error_code(exc) or ""
            if recovered is None and code in GONE_CODES and not removes(change):
                # Never "already in place": the plan was made for a state that is gone.
                so_far = Outcome(plan.step_id, tuple(done), dict(reveal), ended)
                raise TargetGone(change, code, so_far) from exc
            recovered = recovered or _already(change, exc)
            if recovered is None:
                raise
            outputs.update(recovered.outputs)
            progress(ProgressEvent(Phase.ALREADY, change.label, recovered.said))
            if recovered.done:
                done.append(f"{change.label}: {recovered.said}")
                if account.journal is not None and change.call is not None:
                    # The call's own record shows AWS's refusal; this says how it settled.
                    account.journal.settled(change.call, prepared.params, f"ok ({recovered.said})")
            ended = ended or change.ends_session
            continue
        if found is not None:
            outputs.update(found.outputs)
        else:
            for name, path in change.outputs.items():
                outputs[name] = dig(response, path)
        lost = "made (its answer was lost)" if found else ""
        progress(ProgressEvent(Phase.DONE, change.label, lost))
        reveal.update(prepared.reveal)
        done.append(_done_text(change, outputs))
        ended = ended or change.ends_session
    return Outcome(plan.step_id, done=tuple(done), reveal=reveal, ended_session=ended)


def _already(change: Change, exc: ClientError) -> Recovered | None:
    """AWS says the change is already in place: done by an earlier, interrupted run (or, for
    a removal, its target is already gone)."""
    code = error_code(exc)
    if code in GONE_CODES and removes(change):
        return Recovered(f"already gone ({code})", done=False)
    if code in change.already_done:
        return Recovered(f"already in place ({code})", done=False)
    return None
