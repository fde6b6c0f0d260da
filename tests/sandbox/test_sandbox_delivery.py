"""Simulated CloudTrail delivery and KMS key states, as a trainee meets them over HTTP."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from aws_setup_wizard.sandbox import Sandbox, delivery
from aws_setup_wizard.sandbox.scenarios import TRAIL_NAME, bucket_name
from tests.sandbox_accounts import console_clients


def clients(box: Sandbox) -> Any:
    return console_clients(box)


def key_arn(client: Any) -> str:
    return str(client("cloudtrail").describe_trails()["trailList"][0]["KmsKeyId"])


def test_a_logging_trail_delivers_on_the_timer_and_a_deny_fails_the_next_delivery(
    sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert delivery.DEFAULT_INTERVAL <= 60  # "a delivery within 60 s" in real time
    monkeypatch.setenv(delivery.INTERVAL_ENV, "0.3")
    box = sandbox("done")
    client = clients(box)
    cloudtrail, s3 = client("cloudtrail"), client("s3")
    time.sleep(0.4)
    status = cloudtrail.get_trail_status(Name=TRAIL_NAME)
    assert status["LatestDeliveryTime"] and status["LatestDigestDeliveryTime"]
    assert "LatestDeliveryError" not in status
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket_name(box.account_id))["Contents"]]
    prefix = f"AWSLogs/{box.account_id}/"
    assert any(k.startswith(f"{prefix}CloudTrail/{box.region}/") for k in keys)
    assert any(k.startswith(f"{prefix}CloudTrail-Digest/{box.region}/") for k in keys)

    policy = json.loads(s3.get_bucket_policy(Bucket=bucket_name(box.account_id))["Policy"])
    policy["Statement"].append(
        {
            "Effect": "Deny",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": f"arn:aws:s3:::{bucket_name(box.account_id)}/*",
        }
    )
    s3.put_bucket_policy(Bucket=bucket_name(box.account_id), Policy=json.dumps(policy))
    time.sleep(0.4)
    status = cloudtrail.get_trail_status(Name=TRAIL_NAME)
    assert status["LatestDeliveryError"] == "AccessDenied"
    assert status["LatestDigestDeliveryError"] == "AccessDenied"


def test_a_stopped_trail_delivers_nothing(sandbox: Any) -> None:
    box = sandbox("done")
    client = clients(box)
    client("cloudtrail").stop_logging(Name=TRAIL_NAME)
    delivery.deliver_now(box.account_id)
    assert "LatestDeliveryTime" not in client("cloudtrail").get_trail_status(Name=TRAIL_NAME)


@pytest.mark.parametrize(
    ("break_key", "error"),
    [
        (lambda kms, arn: kms.disable_key(KeyId=arn), "KMS.DisabledException"),
        (
            lambda kms, arn: kms.schedule_key_deletion(KeyId=arn, PendingWindowInDays=7),
            "KMS.KMSInvalidStateException",
        ),
    ],
    ids=["disabled", "pending deletion"],
)
def test_an_unusable_key_fails_log_delivery_but_not_digests(
    sandbox: Any, break_key: Any, error: str
) -> None:
    box = sandbox("done")
    client = clients(box)
    break_key(client("kms"), key_arn(client))
    delivery.deliver_now(box.account_id)
    status = client("cloudtrail").get_trail_status(Name=TRAIL_NAME)
    assert status["LatestDeliveryError"] == error
    assert "LatestDigestDeliveryError" not in status  # digests use SSE-S3


def test_a_deleted_bucket_is_no_such_bucket(sandbox: Any) -> None:
    box = sandbox("done")
    client = clients(box)
    s3, bucket = client("s3"), bucket_name(box.account_id)
    s3.delete_bucket_policy(Bucket=bucket)
    s3.delete_bucket(Bucket=bucket)
    delivery.deliver_now(box.account_id)
    status = client("cloudtrail").get_trail_status(Name=TRAIL_NAME)
    assert status["LatestDeliveryError"] == "NoSuchBucket"


def test_kms_state_changes_take_key_arns_and_follow_key_states(sandbox: Any) -> None:
    box = sandbox("done")
    client = clients(box)
    kms, arn = client("kms"), key_arn(client)

    def state() -> str:
        return str(kms.describe_key(KeyId=arn)["KeyMetadata"]["KeyState"])

    kms.disable_key(KeyId=arn)  # moto alone: KeyError, HTTP 500
    assert state() == "Disabled"
    with pytest.raises(ClientError, match="DisabledException"):
        kms.enable_key_rotation(KeyId=arn)
    kms.schedule_key_deletion(KeyId=arn, PendingWindowInDays=7)
    assert state() == "PendingDeletion"
    with pytest.raises(ClientError, match="KMSInvalidStateException"):
        kms.enable_key(KeyId=arn)
    kms.cancel_key_deletion(KeyId=arn)
    assert state() == "Disabled"  # as in AWS: cancelled, not yet enabled
    kms.enable_key(KeyId=arn)
    assert state() == "Enabled"
    with pytest.raises(ClientError, match="KMSInvalidStateException"):
        kms.cancel_key_deletion(KeyId=arn)


def test_a_trail_cannot_be_pointed_at_a_disabled_key(sandbox: Any) -> None:
    box = sandbox("done")
    client = clients(box)
    arn = key_arn(client)
    client("kms").disable_key(KeyId=arn)
    with pytest.raises(ClientError, match="KmsException"):
        client("cloudtrail").update_trail(Name=TRAIL_NAME, KmsKeyId=arn)
