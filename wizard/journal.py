"""The journal: every run and every write, on disk, so what happened can always be told.

One JSON object per line in ``$XDG_STATE_HOME/aws-setup-wizard/journal.jsonl`` (default
``~/.local/state``). Writes are recorded from botocore's own events, so nothing a step does can
escape it, and an error is recorded as an error. Only identifiers go in: never a parameter
value that could be a secret (passwords, secret keys, session tokens, MFA codes or seeds), nor
one AWS's model marks ``sensitive`` (an alternate contact's name, title, e-mail and phone: a
contact is recorded as its type and account).
"""

from __future__ import annotations

import json
import os
import sys
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aws_setup_wizard.account import Account
from aws_setup_wizard.operations import READ_PREFIXES, is_write
from aws_setup_wizard.present import mask_key

__all__ = [
    "READ_PREFIXES",
    "Journal",
    "insensitive",
    "is_write",
    "read",
    "resource_of",
    "state_dir",
    "wrote_recently",
]


# Parameters that name a resource (safe to record), by priority.
_RESOURCE_PARAMS = (
    "UserName",
    "GroupName",
    "PolicyArn",
    "Name",
    "TrailName",
    "Bucket",
    "AliasName",
    "KeyId",
    "AccessKeyId",
    "SerialNumber",
    "VirtualMFADeviceName",
)


def state_dir() -> Path:
    """The wizard's state directory (XDG Base Directory spec)."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "aws-setup-wizard"


def resource_of(service: str, params: dict[str, Any], account_id: str, region: str) -> str:
    """An ARN (or the clearest identifier) of what a write touches; never a secret."""
    partition = "aws"
    if "AccessKeyId" in params:
        owner = params.get("UserName")
        return f"access key {mask_key(str(params['AccessKeyId']))}" + (
            f" of user {owner}" if owner else " of the root user"
        )
    if service == "iam" and "UserName" in params:
        return f"arn:{partition}:iam::{account_id}:user/{params['UserName']}"
    if service == "iam" and "GroupName" in params:
        return f"arn:{partition}:iam::{account_id}:group/{params['GroupName']}"
    if service == "cloudtrail" and ("Name" in params or "TrailName" in params):
        name = str(params.get("Name") or params.get("TrailName"))
        if name.startswith("arn:"):
            return name
        return f"arn:{partition}:cloudtrail:{region}:{account_id}:trail/{name}"
    if service == "accessanalyzer" and "analyzerName" in params:
        name = params["analyzerName"]
        return f"arn:{partition}:access-analyzer:{region}:{account_id}:analyzer/{name}"
    if service == "s3" and "Bucket" in params:
        return f"arn:{partition}:s3:::{params['Bucket']}"
    if service == "account":
        # Alternate contacts: the type and the account, never the person (their ``Name`` is
        # personal data, not a resource name).
        kind = params.get("AlternateContactType", "?")
        target = params.get("AccountId") or account_id
        return f"{kind} alternate contact of arn:{partition}:account::{target}:account"
    for name in _RESOURCE_PARAMS:
        if name in params:
            return f"{name}={params[name]}"
    return f"{service} account {account_id}"


def insensitive(model: Any, params: dict[str, Any]) -> dict[str, Any]:
    """``params`` without the members AWS's model marks ``sensitive`` (personal data, secrets).

    Whatever a service names its fields, a value its own model calls sensitive never reaches
    the journal, even as a resource name.
    """
    shape = getattr(model, "input_shape", None)
    members = getattr(shape, "members", None) or {}
    return {
        name: value
        for name, value in params.items()
        if not (name in members and members[name].metadata.get("sensitive"))
    }


class Journal:
    """Appends run and write records to the journal file, thread-safely."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or state_dir() / "journal.jsonl"
        self.run_id = uuid.uuid4().hex[:12]
        # Set by ``mark_failed``: the run's end record then says it failed, and why.
        self.failure: str | None = None
        # Set by ``writes.writing`` when the run had to wait for another wizard's lock.
        self.waited_for_lock = False
        self._lock = threading.Lock()

    def record(self, kind: str, **fields: Any) -> None:
        """Append one record (flushed at once, so a crash loses nothing written before it)."""
        entry = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "run": self.run_id,
            "kind": kind,
            **fields,
        }
        line = json.dumps(entry, default=str)
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # 0600: the journal names the account's resources; it is the owner's business.
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            with os.fdopen(fd, "a", encoding="utf-8") as handle:
                handle.write(line + "\n")
                handle.flush()

    def start_run(self, command: str, account_id: str, caller: str) -> None:
        """Record the start of a run that may write."""
        self.record("run", command=command, account_id=account_id, caller=caller)

    def mark_failed(self, reason: str) -> None:
        """The run ends in failure though nothing was raised (a change failed, exit 3)."""
        self.failure = reason

    def end(self, outcome: str) -> None:
        """Record how the run ended: ``finished``, ``failed: …`` or ``interrupted``."""
        self.record("end", outcome=outcome)

    def writes_done(self) -> list[str]:
        """The writes this run made that AWS confirmed, in order (``action resource``)."""
        return [
            f"{entry['action']} {entry['resource']}"
            for entry in read(self.path)
            if entry.get("run") == self.run_id
            and entry.get("kind") == "write"
            and entry.get("outcome") == "ok"
        ]

    def watch(self, account: Account) -> None:
        """Record every write made through any of ``account``'s clients, with its outcome.

        The entry is built from the API parameters (``before-parameter-build``) and carried in
        the request context to the call's outcome; a retried call is one entry.
        """
        self._account = account
        account.attach_journal(self)

    def settled(self, call: Any, params: dict[str, Any] | Any, outcome: str) -> None:
        """Record what a read settled about a write whose own outcome was unknown."""
        caller = getattr(self._account, "_caller", None)
        account_id = caller.account_id if caller else "unknown"
        self.record(
            "write",
            outcome=outcome,
            action=call.action,
            resource=resource_of(
                call.service, dict(params), account_id, call.region or self._account.region
            ),
        )

    def handle(self, event_name: str, **kwargs: Any) -> None:
        """One botocore event of the watched account's clients (see ``JOURNAL_EVENTS``)."""
        if event_name.startswith("before-parameter-build"):
            self._describe(**kwargs)
        elif event_name.startswith("before-call"):
            self._before(**kwargs)
        elif event_name.startswith("after-call-error"):
            self._failed(**kwargs)
        elif event_name.startswith("after-call"):
            self._after(**kwargs)

    def _describe(
        self, model: Any, params: dict[str, Any], context: dict[str, Any], **_: Any
    ) -> None:
        if not is_write(model.name):
            return
        # The client's service name, as a Change's action spells it (``settled`` records use
        # that): S3 Control's endpoint prefix is ``s3-control``, its name ``s3control``.
        service = model.service_model.service_name
        caller = getattr(self._account, "_caller", None)
        account_id = caller.account_id if caller else "unknown"
        context["journal"] = {
            "action": f"{service}:{model.name}",
            # The client's own Region: a regional step writes in every enabled Region.
            "resource": resource_of(
                service,
                insensitive(model, params),
                account_id,
                str(context.get("client_region") or self._account.region),
            ),
        }

    def _before(self, context: dict[str, Any], **_: Any) -> None:
        if "journal" in context:
            self.record("write", outcome="started", **context["journal"])

    def _after(self, context: dict[str, Any], parsed: Any, **_: Any) -> None:
        if "journal" not in context:
            return
        error = parsed.get("Error", {}).get("Code") if isinstance(parsed, dict) else None
        outcome = f"error {error}" if error else "ok"
        self.record("write", outcome=outcome, **context["journal"])

    def _failed(self, context: dict[str, Any], exception: Exception, **_: Any) -> None:
        if "journal" in context:
            self.record("write", outcome=f"error {type(exception).__name__}", **context["journal"])


def read(path: Path | None = None) -> list[dict[str, Any]]:
    """Every record of the journal (for tests, the summary and support).

    A damaged line (a crash mid-write, a disk that filled up) is skipped with a warning that
    names the file and the line: one bad line must not stop every later run. The records are
    shared with later reads of the unchanged file: read them, never change them.
    """
    target = path or state_dir() / "journal.jsonl"
    try:
        found = target.stat()
    except OSError:
        return []
    # ``verify`` asks twice (a recent write? a password kept here?): a journal that has not
    # changed since is not parsed again. It only grows, so size and time tell a change (and
    # the inode a file replaced by another).
    version = (found.st_ino, found.st_size, found.st_mtime_ns)
    with _PARSED_LOCK:
        parsed = _PARSED.get(target)
    if parsed is not None and parsed[0] == version:
        return list(parsed[1])
    records = _parse(target)
    with _PARSED_LOCK:
        _PARSED[target] = (version, records)
    return list(records)


#: The last parse of each journal file read by this process, with the version it was read at.
_PARSED: dict[Path, tuple[tuple[int, int, int], list[dict[str, Any]]]] = {}
_PARSED_LOCK = threading.Lock()


def _parse(target: Path) -> list[dict[str, Any]]:
    try:
        text = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    records = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            record = None
        if not isinstance(record, dict):
            print(
                f"aws-setup-wizard: skipped damaged line {number} of {target}",
                file=sys.stderr,
            )
            continue
        records.append(record)
    return records


def wrote_recently(
    account_id: str, seconds: float, path: Path | None = None, *, ignoring: tuple[str, ...] = ()
) -> bool:
    """True when a run on this machine wrote to ``account_id`` within the last ``seconds``.

    A read right after a write may be stale (IAM User Guide, "Changes that I make are not
    always immediately visible"): ``verify`` then re-checks a failure before believing it.
    Writes whose action starts with one of ``ignoring`` (``ssm:``: a recorded decline,
    which no step's check reads) do not count.
    """
    accounts: dict[str, str] = {}
    latest: datetime | None = None
    for entry in read(path):
        run = str(entry.get("run", ""))
        if entry.get("kind") == "run":
            accounts[run] = str(entry.get("account_id", ""))
        elif entry.get("kind") == "write" and accounts.get(run) == account_id:
            if ignoring and str(entry.get("action", "")).startswith(ignoring):
                continue
            try:
                when = datetime.fromisoformat(str(entry.get("time")))
            except ValueError:
                continue
            latest = when if latest is None or when > latest else latest
    return latest is not None and (datetime.now(UTC) - latest).total_seconds() < seconds
