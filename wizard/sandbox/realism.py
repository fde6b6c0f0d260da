"""Realistic mode: the sandbox answers with AWS's delays, not instantly.

Off by default (tests and trainees get an instant account); ``--realistic`` on ``sandbox
serve``, ``--sandbox`` and ``--plain --sandbox``, :class:`~aws_setup_wizard.sandbox.Sandbox`'s
``realistic=True`` and the tests' ``realistic`` fixture switch it on. Two behaviours:

**IAM reads lag IAM writes.** "IAM uses a distributed computing model called eventual
consistency. Any change that you make in IAM … takes time to become visible from all possible
endpoints … IAM also uses caching to improve performance … The change might not be visible
until the previously cached data times out" (IAM User Guide, "Troubleshoot IAM", section
"Changes that I make are not always immediately visible",
https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency).
The model here is that cache, kept per account: every IAM read's answer (``Get*``/``List*``,
errors such as ``NoSuchEntity`` included, server errors not) is remembered under the request's
action and parameters. For :func:`iam_lag` seconds after a successful IAM write in the account,
a read identical to one answered *before* that write gets the remembered answer again: a stale
read, so a reader polling after its own write sees the old state until the lag has passed. A
read nobody made before the write is answered fresh, and every fresh answer replaces the
remembered one. Writes are never touched: they always go to moto (the primary), so nothing a
write does can be lost or doubled by this mode; only what readers see is delayed. Who signs the
read does not matter (AWS's caches do not know who will ask), so a second set of credentials
(the console session that re-verifies) is no cure. IAM writes made by the simulated console
(``/_sandbox/console``) do not start a lag: the console is outside the API this hooks.

**CloudTrail does not see a new bucket policy at once.** ``CreateTrail`` right after
``PutBucketPolicy`` can fail with ``InsufficientS3BucketPolicyException``, "Incorrect S3
bucket policy is detected for bucket: NAME", although the policy is right: owners of
Terraform and CloudFormation stacks meet exactly this race (hashicorp/terraform-provider-aws
issue 820; cloudposse/terraform-aws-cloudtrail-s3-bucket issue 90), and the CloudTrail API
Reference lists the exception under ``CreateTrail`` and ``UpdateTrail`` ("This exception is
thrown when the policy on the S3 bucket is not sufficient"). Here a ``CreateTrail``, or an
``UpdateTrail`` that names a bucket, that the sandbox would otherwise accept is refused that way
for :func:`policy_window` seconds after a successful ``PutBucketPolicy`` or
``DeleteBucketPolicy`` on that bucket. The refusal is definite (HTTP 400): nothing was made.

Delays come from the :class:`Realism` settings, else ``$SANDBOX_IAM_LAG_SECONDS`` (default
:data:`DEFAULT_IAM_LAG`) and ``$SANDBOX_BUCKET_POLICY_SECONDS`` (default
:data:`DEFAULT_POLICY_WINDOW`). The state lives in this module because moto's does too: one
sandbox per process (:class:`~aws_setup_wizard.sandbox.Sandbox` enforces it).
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from aws_setup_wizard.sandbox.call import Call, Forward, Handler, Outcome, Transform
from aws_setup_wizard.sandbox.protocol import ParsedRequest, Response, error_response

IAM_LAG_ENV = "SANDBOX_IAM_LAG_SECONDS"
POLICY_WINDOW_ENV = "SANDBOX_BUCKET_POLICY_SECONDS"
#: Seconds an IAM read may lag the last IAM write ("a few seconds" on AWS).
DEFAULT_IAM_LAG = 3.0
#: Seconds after PutBucketPolicy during which CloudTrail still refuses the bucket.
DEFAULT_POLICY_WINDOW = 5.0
#: Remembered read answers per account, oldest dropped first (a bound, not a model).
MAX_REMEMBERED = 2000

_READ_PREFIXES = ("Get", "List")
#: IAM actions that neither change state nor are cached: reports made asynchronously anyway.
_NEUTRAL_PREFIXES = ("Generate", "Simulate")
_POLICY_PARAM = "policy"
_TRAIL_ACTIONS = frozenset({"CreateTrail", "UpdateTrail"})


def _seconds(env: str, default: float) -> float:
    try:
        return max(0.0, float(os.environ.get(env, default)))
    except ValueError:
        return default


def iam_lag() -> float:
    """The IAM lag in seconds: ``$SANDBOX_IAM_LAG_SECONDS`` or :data:`DEFAULT_IAM_LAG`."""
    return _seconds(IAM_LAG_ENV, DEFAULT_IAM_LAG)


def policy_window() -> float:
    """Seconds CloudTrail refuses a bucket after its policy changed (``$SANDBOX_BUCKET_POLICY_
    SECONDS`` or :data:`DEFAULT_POLICY_WINDOW`)."""
    return _seconds(POLICY_WINDOW_ENV, DEFAULT_POLICY_WINDOW)


@dataclass(frozen=True)
class Realism:
    """How realistic the sandbox is: ``None`` delays are read from the environment."""

    iam_lag: float | None = None
    policy_window: float | None = None

    def lag(self) -> float:
        """The IAM lag in force."""
        return iam_lag() if self.iam_lag is None else max(0.0, self.iam_lag)

    def window(self) -> float:
        """The bucket-policy window in force."""
        return policy_window() if self.policy_window is None else max(0.0, self.policy_window)


@dataclass
class _Remembered:
    status: int
    body: bytes
    content_type: str
    at: float


@dataclass
class _AccountState:
    """One account's IAM read cache, last IAM write, and bucket policy writes."""

    reads: OrderedDict[tuple[Any, ...], _Remembered] = field(default_factory=OrderedDict)
    last_iam_write: float | None = None
    policy_written: dict[str, float] = field(default_factory=dict)


_lock = threading.Lock()
_settings: Realism | None = None
_accounts: dict[str, _AccountState] = {}
#: The clock; tests of the model may replace it.
clock: Callable[[], float] = time.monotonic


def enable(settings: Realism | None = None) -> None:
    """Switch realistic mode on (forgetting what an earlier run remembered)."""
    global _settings
    with _lock:
        _settings = settings or Realism()
        _accounts.clear()


def disable() -> None:
    """Switch realistic mode off: the sandbox answers instantly again."""
    global _settings
    with _lock:
        _settings = None
        _accounts.clear()


@contextmanager
def suspended() -> Iterator[None]:
    """Within the block the sandbox is instant (a scenario is seeded); afterwards the mode is
    what it was, with nothing remembered: what the scenario made was made long ago."""
    global _settings
    with _lock:
        saved, _settings = _settings, None
    try:
        yield
    finally:
        with _lock:
            _settings = saved
            _accounts.clear()


def settings() -> Realism | None:
    """The settings in force, or ``None`` when the mode is off."""
    return _settings


def wrap(
    environ: Mapping[str, Any], request: ParsedRequest, handler: Handler | None
) -> Handler | None:
    """The middleware's one hook: ``handler`` as realistic mode answers it.

    Returns ``handler`` itself (``None`` included) when the mode is off or the call is not one
    it delays; else a handler that may answer first (a stale read, a refusal) and that notes
    what the call did (a read's answer, a successful write).
    """
    chosen = _settings
    if chosen is None:
        return handler
    if request.service == "iam":
        return _iam_handler(chosen, request, handler)
    if request.service == "s3":
        bucket = _policy_bucket(environ, request)
        if bucket is not None:
            return _policy_handler(bucket, handler)
        return handler
    if request.service == "cloudtrail" and request.action in _TRAIL_ACTIONS:
        return _trail_handler(chosen, request, handler)
    return handler


# -- IAM ---------------------------------------------------------------------------------------


def _state(account_id: str) -> _AccountState:
    state = _accounts.get(account_id)
    if state is None:
        state = _accounts[account_id] = _AccountState()
    return state


def _read_key(request: ParsedRequest) -> tuple[Any, ...]:
    # Signature parts of a presigned request differ on every call: they are not "the request".
    params = sorted((k, v) for k, v in request.params.items() if not k.startswith("X-Amz-"))
    return (request.action, tuple(params))


def _inner(handler: Handler | None, call: Call) -> Outcome:
    return Forward() if handler is None else handler(call)


def _then(outcome: Outcome, after: Callable[[int, bytes, str], None]) -> Outcome:
    """``outcome`` with ``after(status, body, content_type)`` called on the final answer."""
    if isinstance(outcome, Response):
        after(outcome.status, outcome.body, outcome.content_type)
        return outcome
    previous: Transform | None = outcome.transform if isinstance(outcome, Forward) else None

    def observe(status: int, body: bytes) -> bytes:
        final = previous(status, body) if previous is not None else body
        after(status, final, "text/xml")  # every moto answer to an IAM (or S3) call is XML
        return final

    return Forward(transform=observe)


def _iam_handler(chosen: Realism, request: ParsedRequest, handler: Handler | None) -> Handler:
    action = request.action
    if action.startswith(_NEUTRAL_PREFIXES) or not action:
        return handler or (lambda call: Forward())
    if action.startswith(_READ_PREFIXES):
        return lambda call: _read(chosen, call, request, handler)
    return lambda call: _write(call, handler)


def _read(chosen: Realism, call: Call, request: ParsedRequest, handler: Handler | None) -> Outcome:
    key = _read_key(request)
    now = clock()
    with _lock:
        state = _state(call.account_id)
        remembered = state.reads.get(key)
        last_write = state.last_iam_write
    if (
        remembered is not None
        and last_write is not None
        and remembered.at < last_write
        and now - last_write < chosen.lag()
    ):
        # The answer from before the write, as a cache that has not timed out gives it.
        return Response(remembered.status, remembered.body, remembered.content_type)

    def remember(status: int, body: bytes, content_type: str) -> None:
        if status >= 500:
            return
        with _lock:
            reads = _state(call.account_id).reads
            reads[key] = _Remembered(status, body, content_type, now)
            reads.move_to_end(key)
            while len(reads) > MAX_REMEMBERED:
                reads.popitem(last=False)

    return _then(_inner(handler, call), remember)


def _write(call: Call, handler: Handler | None) -> Outcome:
    def note_write(status: int, body: bytes, content_type: str) -> None:
        if 200 <= status < 300:  # a refused write changed nothing
            with _lock:
                _state(call.account_id).last_iam_write = clock()

    return _then(_inner(handler, call), note_write)


# -- S3 bucket policy and CloudTrail ------------------------------------------------------------


def _policy_bucket(environ: Mapping[str, Any], request: ParsedRequest) -> str | None:
    """The bucket of a ``PutBucketPolicy``/``DeleteBucketPolicy`` request, else ``None``."""
    method = str(environ.get("REQUEST_METHOD", "GET")).upper()
    if method not in {"PUT", "DELETE"} or _POLICY_PARAM not in request.params:
        return None
    path = str(environ.get("PATH_INFO", "")).strip("/")
    if path:
        return unquote(path.split("/", 1)[0])  # path style: /BUCKET?policy
    host = str(environ.get("HTTP_HOST", "")).split(":", 1)[0]
    label = host.split(".", 1)[0]  # virtual-hosted style: BUCKET.s3.REGION.amazonaws.com
    return label or None


def _policy_handler(bucket: str, handler: Handler | None) -> Handler:
    def handle(call: Call) -> Outcome:
        def note_policy(status: int, body: bytes, content_type: str) -> None:
            if 200 <= status < 300:
                with _lock:
                    _state(call.account_id).policy_written[bucket] = clock()

        return _then(_inner(handler, call), note_policy)

    return handle


def _trail_handler(chosen: Realism, request: ParsedRequest, handler: Handler | None) -> Handler:
    def handle(call: Call) -> Outcome:
        outcome = _inner(handler, call)
        if isinstance(outcome, Response):
            return outcome  # the sandbox refuses it anyway, for a reason of its own
        bucket = request.json_body.get("S3BucketName")
        if not bucket:
            return outcome  # an UpdateTrail that keeps its bucket
        with _lock:
            written = _state(call.account_id).policy_written.get(str(bucket))
        if written is not None and clock() - written < chosen.window():
            return error_response(
                "cloudtrail",
                "InsufficientS3BucketPolicyException",
                f"Incorrect S3 bucket policy is detected for bucket: {bucket}",
                400,
            )
        return outcome

    return handle
