"""The fault matrix: every write of every step, under every fault a real run can meet.

Each case applies a step on a fresh sandbox with one write failing persistently (botocore's
retries included), then checks the three promises: a clear one-sentence message, a journal
that tells the truth, and a re-run without the fault that completes the step with nothing
duplicated.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import botocore.endpoint
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ConnectionClosedError

from aws_setup_wizard import dispatch, journal, runner
from aws_setup_wizard.account import Account
from aws_setup_wizard.errors import describe_error
from aws_setup_wizard.model import Status, no_progress
from aws_setup_wizard.steps import step_by_id
from aws_setup_wizard.writes import writing
from tests.sandbox_accounts import account_on

# Every write each step makes on a fresh account, in order. A test below re-discovers the list
# from a real run, so a step that starts making another call cannot escape the matrix.
WRITES: dict[str, list[str]] = {
    "admin-user": [
        "iam:CreateGroup",
        "iam:AttachGroupPolicy",
        "iam:CreateUser",
        "iam:AddUserToGroup",
        "iam:CreateLoginProfile",
    ],
    "cloudtrail": [
        "s3:CreateBucket",
        "s3:PutPublicAccessBlock",
        "s3:PutBucketVersioning",
        "s3:PutBucketPolicy",
        "kms:CreateKey",
        "kms:CreateAlias",
        "kms:EnableKeyRotation",
        "cloudtrail:CreateTrail",
        "cloudtrail:StartLogging",
    ],
    "root-access-keys": ["iam:DeleteAccessKey"],
}
STEP_OPTIONS: dict[str, dict[str, str | bool]] = {
    "admin-user": {"admin_user": "admin", "admin_group": "Administrators"},
    "cloudtrail": {
        "trail_name": "account-trail",
        "bucket_name": "aws-cloudtrail-logs-210987654321-us-east-1",
        "use_kms": True,
        "kms_alias": "alias/account-trail",
    },
    "root-access-keys": {},
}

# What the owner must read for each fault (a word of the one-sentence explanation).
FAULTS: dict[str, str] = {
    "Throttling": "throttling",
    "AccessDenied": "denied",
    "ExpiredToken": "expired",
    "InvalidClientTokenId": "does not recognise",
    "dropped-connection": "Could not reach",
    "response-lost": "Could not reach",
}

CASES = [(step, op, fault) for step, ops in WRITES.items() for op in ops for fault in FAULTS]


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.data


def error_response(protocol: str, url: str, code: str) -> AWSResponse:
    """The error AWS would send for ``code``, in the service's own protocol."""
    status = 400 if code == "Throttling" else 403
    if protocol == "json":
        body = json.dumps({"__type": code, "message": f"injected {code}"}).encode()
        headers = {"x-amzn-ErrorType": code, "Content-Type": "application/x-amz-json-1.1"}
    elif protocol == "rest-xml":
        body = f"<Error><Code>{code}</Code><Message>injected {code}</Message></Error>".encode()
        headers = {}
    else:
        body = (
            "<ErrorResponse><Error><Type>Sender</Type>"
            f"<Code>{code}</Code><Message>injected {code}</Message></Error>"
            "<RequestId>r</RequestId></ErrorResponse>"
        ).encode()
        headers = {}
    return AWSResponse(url, status, headers, _Body(body))


def inject(account: Account, operation: str, fault: str) -> Callable[[], None]:
    """Make ``operation`` fail with ``fault`` on every attempt; returns a remover.

    Registered on every client of the account, the send-once clients of creates included.
    """
    service, name = operation.split(":")
    protocol = account.client(service).meta.service_model.protocol
    active = [True]

    def before_send(request: Any, **_: Any) -> AWSResponse | None:
        if not active[0]:
            return None
        if fault == "dropped-connection":
            raise ConnectionClosedError(endpoint_url=request.url)
        return error_response(protocol, request.url, fault)

    def after_call(**_: Any) -> None:
        # The write reached AWS and was done, but its answer never came back.
        if active[0]:
            raise ConnectionClosedError(endpoint_url=account.endpoint_url or "")

    if fault == "response-lost":
        account.on_every_client(f"after-call.{service}.{name}", after_call)
    else:
        account.on_every_client(f"before-send.{service}.{name}", before_send)
    return lambda: active.__setitem__(0, False)


@pytest.fixture(autouse=True)
def _no_retry_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore's retries still happen (all five attempts), and the dispatcher still reads
    again before believing a lost create was not made; only their back-off is skipped."""
    monkeypatch.setattr(botocore.endpoint.time, "sleep", lambda _seconds: None)
    monkeypatch.setattr(dispatch, "sleep", lambda _seconds: None)


def apply_once(account: Account, step_id: str, journal_path: Path) -> None:
    """What apply does for one step: plan, then apply under the lock and the journal."""
    step = step_by_id(step_id)
    plan = step.plan(account, STEP_OPTIONS[step_id])
    with writing(account, f"apply {step_id}", journal=journal.Journal(journal_path)):
        runner.apply_step(step, account, plan, no_progress)


def inventory(account: Account) -> dict[str, int]:
    """How many of each resource the steps create exist (duplicates would show here)."""
    iam = account.client("iam")
    kms = account.client("kms")
    keys = [
        k["KeyId"]
        for k in kms.list_keys()["Keys"]
        if kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"].get("KeyManager") == "CUSTOMER"
        and kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"
    ]
    return {
        "users": len(iam.list_users()["Users"]),
        "groups": len(iam.list_groups()["Groups"]),
        "trails": len(account.client("cloudtrail").describe_trails()["trailList"]),
        "buckets": len(account.client("s3").list_buckets()["Buckets"]),
        "kms_keys": len(keys),
        "aliases": len(
            [
                a
                for a in kms.list_aliases()["Aliases"]
                if not a["AliasName"].startswith("alias/aws/")
            ]
        ),
    }


# Root's last key goes only while another way in exists: "partial" has an administrator who
# can sign in (issue 12, item 7), as every guided walk has by the time root keys come.
def scenario(step_id: str) -> str:
    """The starting account for ``step_id``'s run."""
    return "partial" if step_id == "root-access-keys" else "fresh"


def signer(step_id: str) -> str:
    # Root keys can be listed and deleted only when signed with a root key.
    return "root" if step_id == "root-access-keys" else "console"


def test_the_matrix_lists_every_write_a_real_run_makes(sandbox, tmp_path):
    for step_id in WRITES:
        box = sandbox(scenario(step_id))
        account = account_on(box, signer(step_id))
        path = tmp_path / f"{step_id}.jsonl"
        apply_once(account, step_id, path)
        made = [r["action"] for r in journal.read(path) if r.get("outcome") == "ok"]
        assert made == WRITES[step_id], step_id


@pytest.mark.parametrize(("step_id", "operation", "fault"), CASES)
def test_fault(sandbox, tmp_path, step_id, operation, fault):
    box = sandbox(scenario(step_id))
    account = account_on(box, signer(step_id))
    path = tmp_path / "journal.jsonl"
    remove = inject(account, operation, fault)
    if (step_id, fault) == ("root-access-keys", "InvalidClientTokenId"):
        # AWS's answer to deleting the key a call is signed with, when an earlier attempt
        # already deleted it: the run treats it as the expected end of its session and leaves
        # the verdict to a re-verification with other credentials (here: the console session).
        apply_once(account, step_id, path)
        remove()
        verdict = step_by_id(step_id).check(account_on(box, "console"))
        assert verdict.status is Status.FAIL  # the injected error hid a key that still exists
        apply_once(account, step_id, path)
        assert step_by_id(step_id).check(account_on(box, "console")).status is Status.PASS
        return
    if fault == "response-lost" and operation.split(":")[1].startswith("Create"):
        # A create whose answer is lost is sent once, then settled by reading: it was made,
        # so the run completes, and the journal says so after the call's own error record.
        apply_once(account, step_id, path)
        settled = [r for r in journal.read(path) if r.get("action") == operation]
        assert settled[-1]["outcome"].startswith("ok"), settled
        assert journal.read(path)[-1]["outcome"] == "finished"
        remove()
        assert_nothing_duplicated(box, step_id, STEP_OPTIONS[step_id])
        return
    with pytest.raises(Exception) as failure:
        apply_once(account, step_id, path)
    message = describe_error(failure.value)
    assert FAULTS[fault] in message, message
    assert "\n" not in message

    # The journal tells the truth: the faulted write never reads "ok", and what came before it
    # in this step did.
    records = [r for r in journal.read(path) if r["kind"] == "write"]
    outcomes = [r["outcome"] for r in records if r["action"] == operation]
    assert "ok" not in outcomes
    assert outcomes, "the faulted write is not in the journal"
    if fault != "response-lost":
        assert any(o.startswith("error") for o in outcomes), outcomes
    earlier = WRITES[step_id][: WRITES[step_id].index(operation)]
    assert [r["action"] for r in records if r["outcome"] == "ok"] == earlier
    assert journal.read(path)[-1] == {**journal.read(path)[-1], "kind": "end"}

    # A re-run without the fault completes the step, with nothing duplicated.
    remove()
    rerun = account_on(box, "console") if step_id == "root-access-keys" else account
    step = step_by_id(step_id)
    if step_id == "root-access-keys" and fault == "response-lost":
        assert step.check(rerun).status is Status.PASS  # the key was deleted after all
        return
    apply_once(account, step_id, path)
    assert_nothing_duplicated(box, step_id, STEP_OPTIONS[step_id])


def assert_nothing_duplicated(box: Any, step_id: str, options: dict[str, str | bool]) -> None:
    """The step passes (the admin waits only on MFA), plans nothing, and made one of each."""
    step = step_by_id(step_id)
    rerun = account_on(box, "console")
    check = runner.recheck(step, rerun)
    if step_id == "admin-user":
        assert check.waiting_on is not None  # only the admin's own MFA remains
    else:
        assert check.status is Status.PASS, check.summary
    assert step.plan(rerun, options).changes == ()
    counts = inventory(account_on(box, "console"))
    expected = {
        "admin-user": {"users": 1, "groups": 1},
        "cloudtrail": {"trails": 1, "buckets": 1, "kms_keys": 1, "aliases": 1},
        "root-access-keys": {},
    }[step_id]
    assert {k: counts[k] for k in expected} == expected
