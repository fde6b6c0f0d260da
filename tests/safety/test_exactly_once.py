"""Exactly-once writes: a write whose answer is lost after AWS did the work.

The fault is made at the HTTP layer, before botocore's retry logic: the request really
reaches the sandbox and is done, then the connection drops before the answer, the way a
flaky network does it. botocore would send the request again; a create must not be. After
every case the resources are counted through the AWS CLI: nothing is duplicated, and the
journal says what happened.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import urllib3
from botocore.exceptions import ConnectionClosedError

from aws_setup_wizard import journal, runner
from aws_setup_wizard.account import Account
from aws_setup_wizard.model import Status
from aws_setup_wizard.steps import step_by_id
from tests.safety.test_fault_matrix import STEP_OPTIONS, WRITES, apply_once, scenario, signer
from tests.sandbox_accounts import account_on

CASES = [(step, op) for step, ops in WRITES.items() for op in ops]


def lose_first_answer(account: Account, operation: str) -> list[int]:
    """Do ``operation``'s first request for real, then drop the connection before the answer.

    Registered on every client of the account (the create-once clients included); returns a
    list that counts how often the operation was sent.
    """
    service, name = operation.split(":")
    sent: list[int] = []
    http = urllib3.PoolManager()

    def before_send(request: Any, **_: Any) -> None:
        sent.append(1)
        if len(sent) > 1:
            return None  # a second attempt goes through normally
        body = request.body
        if hasattr(body, "read"):
            body = body.read()
        http.urlopen(request.method, request.url, body=body, headers=dict(request.headers))
        raise ConnectionClosedError(endpoint_url=request.url)

    account.on_every_client(f"before-send.{service}.{name}", before_send)
    return sent


def aws_cli(box: Any, *args: str) -> Any:
    """One AWS CLI command on the sandbox's console session, as JSON."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({k: v for k, v in box.env().items() if not k.startswith("SANDBOX_")})
    env["AWS_CONFIG_FILE"] = env["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    done = subprocess.run(
        [sys.executable, "-m", "awscli", *args, "--output", "json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout or "{}")


def counted_by_the_aws_cli(box: Any, step_id: str) -> dict[str, int]:
    """The resources the step makes, counted through the AWS CLI (duplicates would show)."""
    if step_id == "admin-user":
        return {
            "users": len(aws_cli(box, "iam", "list-users")["Users"]),
            "groups": len(aws_cli(box, "iam", "list-groups")["Groups"]),
            "login profiles": 1
            if aws_cli(box, "iam", "get-login-profile", "--user-name", "admin")
            else 0,
        }
    if step_id == "cloudtrail":
        aliases = aws_cli(box, "kms", "list-aliases")["Aliases"]
        ours = [a for a in aliases if not a["AliasName"].startswith("alias/aws/")]
        keys = [
            k["KeyId"]
            for k in aws_cli(box, "kms", "list-keys")["Keys"]
            if aws_cli(box, "kms", "describe-key", "--key-id", k["KeyId"])["KeyMetadata"][
                "KeyManager"
            ]
            == "CUSTOMER"
        ]
        return {
            "trails": len(aws_cli(box, "cloudtrail", "describe-trails")["trailList"]),
            "buckets": len(aws_cli(box, "s3api", "list-buckets")["Buckets"]),
            "kms keys": len(keys),
            "aliases": len(ours),
        }
    return {}


EXPECTED = {
    "admin-user": {"users": 1, "groups": 1, "login profiles": 1},
    "cloudtrail": {"trails": 1, "buckets": 1, "kms keys": 1, "aliases": 1},
    "root-access-keys": {},
}


@pytest.mark.slow
@pytest.mark.parametrize(("step_id", "operation"), CASES)
def test_a_lost_answer_duplicates_nothing(sandbox, tmp_path: Path, step_id: str, operation: str):
    box = sandbox(scenario(step_id))
    account = account_on(box, signer(step_id))
    sent = lose_first_answer(account, operation)
    path = tmp_path / "journal.jsonl"
    apply_once(account, step_id, path)  # completes: the lost answer is settled, not fatal
    assert sent, f"{operation} was never sent"
    if operation.split(":")[1].startswith("Create"):
        assert len(sent) == 1, f"{operation} was sent {len(sent)} times"

    reader = account_on(box, "console")
    step = step_by_id(step_id)
    check = runner.recheck(step, reader)
    if step_id == "admin-user":
        assert check.waiting_on is not None, check.summary  # only the admin's own MFA remains
    else:
        assert check.status is Status.PASS, check.summary
    assert step.plan(reader, STEP_OPTIONS[step_id]).changes == ()
    assert counted_by_the_aws_cli(box, step_id) == EXPECTED[step_id]

    # The journal tells the truth: the write is recorded as done, once.
    writes = [r for r in journal.read(path) if r["kind"] == "write" and r["action"] == operation]
    assert any(r["outcome"].startswith("ok") for r in writes), writes
    assert journal.read(path)[-1]["outcome"] == "finished"
