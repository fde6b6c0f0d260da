"""The CloudTrail drift story at the command line, as separate processes over real HTTP:
the AWS CLI disables the trail's key, ``verify`` fails naming it, ``apply cloudtrail``
repairs it, ``verify`` passes, and the AWS CLI sees one multi-Region trail."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_cli_flow import run, serving

pytestmark = pytest.mark.slow


@pytest.fixture
def served_done(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A ``done`` sandbox in its own process, delivering CloudTrail logs every half second."""
    with serving(tmp_path, "done", {"SANDBOX_TRAIL_DELIVERY_SECONDS": "0.5"}) as env:
        yield env


def aws(env: dict[str, str], *args: str) -> dict[str, object]:
    """Run the AWS CLI against the sandbox; its JSON answer."""
    binary = shutil.which("aws", path=str(Path(sys.executable).parent)) or shutil.which("aws")
    if binary is None:
        pytest.skip("the AWS CLI is not installed")
    full = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    full.update({k: v for k, v in env.items() if not k.startswith("SANDBOX_")})
    full["AWS_CONFIG_FILE"] = full["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    done = subprocess.run(
        [binary, "--endpoint-url", env["AWS_ENDPOINT_URL"], "--output", "json", *args],
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    loaded: dict[str, object] = json.loads(done.stdout) if done.stdout.strip() else {}
    return loaded


def cloudtrail_of(document: dict[str, object]) -> dict[str, object]:
    steps = document["steps"]
    assert isinstance(steps, list)
    found: dict[str, object] = next(s for s in steps if s["id"] == "cloudtrail")
    return found


def disable_key(env: dict[str, str], trail: dict[str, Any]) -> None:
    aws(env, "kms", "disable-key", "--key-id", trail["KmsKeyId"])  # an ARN, as AWS accepts


def schedule_key_deletion(env: dict[str, str], trail: dict[str, Any]) -> None:
    aws(env, "kms", "schedule-key-deletion", "--key-id", trail["KmsKeyId"])


def deny_cloudtrail(env: dict[str, str], trail: dict[str, Any]) -> None:
    bucket = trail["S3BucketName"]
    policy = json.loads(str(aws(env, "s3api", "get-bucket-policy", "--bucket", bucket)["Policy"]))
    policy["Statement"].append(
        {
            "Sid": "DenyCloudTrailWrites",
            "Effect": "Deny",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": f"arn:aws:s3:::{bucket}/*",
        }
    )
    aws(env, "s3api", "put-bucket-policy", "--bucket", bucket, "--policy", json.dumps(policy))


def uncovered_prefix(env: dict[str, str], trail: dict[str, Any]) -> None:
    aws(env, "cloudtrail", "update-trail", "--name", trail["Name"], "--s3-key-prefix", "audit")


# The four causes the issue names, made with the AWS CLI as an owner or attacker would: the
# phrase verify must name, and the change apply must make.
CAUSES = [
    (disable_key, "is disabled", "kms:EnableKey"),
    (schedule_key_deletion, "is scheduled for deletion", "kms:CancelKeyDeletion"),
    (deny_cloudtrail, "explicitly denies CloudTrail's delivery", "s3:PutBucketPolicy"),
    (uncovered_prefix, "does not cover the trail's key prefix audit/", "s3:PutBucketPolicy"),
]


@pytest.mark.parametrize(
    ("drift", "reason", "repair"), CAUSES, ids=lambda c: getattr(c, "__name__", "")
)
def test_each_cause_is_named_repaired_and_proven(
    served_done: dict[str, str], drift: Any, reason: str, repair: str
) -> None:
    trails = aws(served_done, "cloudtrail", "describe-trails")["trailList"]
    assert isinstance(trails, list)
    drift(served_done, trails[0])
    time.sleep(1.2)  # the next simulated delivery sees the drift

    first = run(served_done, "verify", "--json")
    assert first.returncode == 1, first.stdout + first.stderr
    failing = cloudtrail_of(json.loads(first.stdout))
    assert failing["status"] == "fail"
    assert reason in str(failing["summary"]), failing["summary"]
    evidence = failing["evidence"]
    assert isinstance(evidence, dict)
    for field in ("latest_delivery_time", "latest_delivery_error", "kms_key_state"):
        assert field in evidence
    summary = run(served_done, "verify")
    assert reason in summary.stdout

    account_id = str(json.loads(first.stdout)["account_id"])
    applied = run(served_done, "apply", "cloudtrail", "--yes", "--account-id", account_id)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert repair in applied.stdout

    time.sleep(1.2)
    final = run(served_done, "verify", "--json")
    assert final.returncode == 0, final.stdout + final.stderr
    passing = cloudtrail_of(json.loads(final.stdout))
    assert passing["status"] == "pass"

    after = aws(served_done, "cloudtrail", "describe-trails")["trailList"]
    assert isinstance(after, list)
    assert [t["IsMultiRegionTrail"] for t in after] == [True]
