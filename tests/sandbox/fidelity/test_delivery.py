"""Simulated CloudTrail delivery and KMS key states, as a trainee meets them over HTTP.

The sources, named again in each test: CloudTrail API Reference, GetTrailStatus
(https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetTrailStatus.html);
CloudTrail User Guide, "Amazon S3 bucket policy for CloudTrail"
(https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html),
"Finding your CloudTrail log files" and "CloudTrail digest files"; KMS Developer Guide, "Key
states of AWS KMS keys". The first tests wait for the sandbox's own timer over real HTTP
(nothing calls ``deliver_now``): the issue's "a delivery within 60 s".
"""

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


def _status_when(cloudtrail: Any, ready: Any, within: float) -> dict[str, Any]:
    """Poll ``GetTrailStatus`` (each call lets due deliveries happen) until ``ready(status)``."""
    deadline = time.monotonic() + within
    while True:
        status: dict[str, Any] = cloudtrail.get_trail_status(Name=TRAIL_NAME)
        if ready(status) or time.monotonic() > deadline:
            return status
        time.sleep(0.25)


def _log_keys(box: Sandbox, s3: Any) -> list[str]:
    listed = s3.list_objects_v2(Bucket=bucket_name(box.account_id)).get("Contents", [])
    return [str(o["Key"]) for o in listed]


def test_after_logging_starts_get_trail_status_shows_a_delivery_within_60_seconds(
    sandbox: Any,
) -> None:
    """CloudTrail API Reference, GetTrailStatus: ``LatestDeliveryTime`` "the date and time that
    CloudTrail last delivered log files to an account's Amazon S3 bucket" and
    ``LatestDigestDeliveryTime`` for digests; CloudTrail User Guide, "Finding your CloudTrail
    log files" (``AWSLogs/ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/``) and "CloudTrail digest files"
    (``AWSLogs/ACCOUNT/CloudTrail-Digest/REGION/…``). On the sandbox's default timer, with
    nothing forcing a delivery."""
    assert delivery.interval() == delivery.DEFAULT_INTERVAL <= 60
    box = sandbox("done")
    client = clients(box)
    cloudtrail, s3 = client("cloudtrail"), client("s3")
    cloudtrail.stop_logging(Name=TRAIL_NAME)
    cloudtrail.start_logging(Name=TRAIL_NAME)
    started = time.monotonic()
    assert "LatestDeliveryTime" not in cloudtrail.get_trail_status(Name=TRAIL_NAME)
    status = _status_when(cloudtrail, lambda s: "LatestDeliveryTime" in s, within=60)
    assert "LatestDeliveryTime" in status and time.monotonic() - started < 60
    assert status["LatestDigestDeliveryTime"] and "LatestDeliveryError" not in status
    day = status["LatestDeliveryTime"].strftime("%Y/%m/%d")
    keys = _log_keys(box, s3)
    logs = f"AWSLogs/{box.account_id}/CloudTrail/{box.region}/{day}/"
    digests = f"AWSLogs/{box.account_id}/CloudTrail-Digest/{box.region}/{day}/"
    assert any(k.startswith(logs) and k.endswith(".json.gz") for k in keys), keys
    assert any(k.startswith(digests) and k.endswith(".json.gz") for k in keys), keys


def test_a_deny_for_cloudtrail_in_the_bucket_policy_fails_the_next_delivery(
    sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CloudTrail API Reference, GetTrailStatus: ``LatestDeliveryError`` "any Amazon S3 error
    that CloudTrail encountered when attempting to deliver log files"; CloudTrail User Guide,
    "Amazon S3 bucket policy for CloudTrail": CloudTrail needs ``s3:PutObject`` there, and an
    explicit Deny for ``cloudtrail.amazonaws.com`` wins (IAM User Guide, "Policy evaluation
    logic"): the next delivery fails with ``AccessDenied``, the last good time stays."""
    monkeypatch.setenv(delivery.INTERVAL_ENV, "1")
    box = sandbox("done")
    client = clients(box)
    cloudtrail, s3 = client("cloudtrail"), client("s3")
    delivered = _status_when(cloudtrail, lambda s: "LatestDeliveryTime" in s, within=10)
    bucket = bucket_name(box.account_id)
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    policy["Statement"].append(
        {
            "Sid": "NoCloudTrail",
            "Effect": "Deny",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": f"arn:aws:s3:::{bucket}/*",
        }
    )
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    status = _status_when(cloudtrail, lambda s: "LatestDeliveryError" in s, within=10)
    assert status["LatestDeliveryError"] == "AccessDenied"
    assert status["LatestDeliveryTime"] >= delivered["LatestDeliveryTime"]


def test_a_disabled_kms_key_fails_the_next_delivery_with_the_kms_error(
    sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CloudTrail User Guide, "Configure AWS KMS key policies for CloudTrail" and KMS Developer
    Guide, "Key states of AWS KMS keys" (a disabled key cannot be used: ``DisabledException``):
    GetTrailStatus's ``LatestDeliveryError`` names the KMS error on the next delivery."""
    monkeypatch.setenv(delivery.INTERVAL_ENV, "1")
    box = sandbox("done")
    client = clients(box)
    cloudtrail = client("cloudtrail")
    _status_when(cloudtrail, lambda s: "LatestDeliveryTime" in s, within=10)
    client("kms").disable_key(KeyId=key_arn(client))
    status = _status_when(cloudtrail, lambda s: "LatestDeliveryError" in s, within=10)
    assert status["LatestDeliveryError"] == "KMS.DisabledException"


def test_a_logging_trail_delivers_on_the_timer_and_a_deny_fails_the_next_delivery(
    sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CloudTrail API Reference, GetTrailStatus (``LatestDeliveryTime``,
    ``LatestDigestDeliveryTime``, ``LatestDeliveryError``, ``LatestDigestDeliveryError``);
    CloudTrail User Guide, "Amazon S3 bucket policy for CloudTrail": a Deny on the log prefix
    fails log and digest delivery alike."""
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
    """CloudTrail User Guide, "How CloudTrail works": a trail whose logging is stopped
    records and delivers nothing (GetTrailStatus shows no delivery)."""
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
    """KMS Developer Guide, "Key states of AWS KMS keys" (disabled: ``DisabledException``;
    pending deletion: ``KMSInvalidStateException``); CloudTrail User Guide, "CloudTrail digest
    files": digests use SSE-S3, so only log delivery fails."""
    box = sandbox("done")
    client = clients(box)
    break_key(client("kms"), key_arn(client))
    delivery.deliver_now(box.account_id)
    status = client("cloudtrail").get_trail_status(Name=TRAIL_NAME)
    assert status["LatestDeliveryError"] == error
    assert "LatestDigestDeliveryError" not in status  # digests use SSE-S3


def test_a_deleted_bucket_is_no_such_bucket(sandbox: Any) -> None:
    """CloudTrail User Guide, "Troubleshooting CloudTrail" (the trail's bucket was deleted):
    GetTrailStatus's ``LatestDeliveryError`` is ``NoSuchBucket``."""
    box = sandbox("done")
    client = clients(box)
    s3, bucket = client("s3"), bucket_name(box.account_id)
    s3.delete_bucket_policy(Bucket=bucket)
    s3.delete_bucket(Bucket=bucket)
    delivery.deliver_now(box.account_id)
    status = client("cloudtrail").get_trail_status(Name=TRAIL_NAME)
    assert status["LatestDeliveryError"] == "NoSuchBucket"


def test_kms_state_changes_take_key_arns_and_follow_key_states(sandbox: Any) -> None:
    """KMS API Reference, DisableKey/EnableKey/ScheduleKeyDeletion/CancelKeyDeletion (``KeyId``:
    "key ID or key ARN"); KMS Developer Guide, "Key states of AWS KMS keys"."""
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
    """CloudTrail API Reference, UpdateTrail → Errors: ``KmsException`` ("an issue with the
    specified KMS key and the trail can't be updated")."""
    box = sandbox("done")
    client = clients(box)
    arn = key_arn(client)
    client("kms").disable_key(KeyId=arn)
    with pytest.raises(ClientError, match="KmsException"):
        client("cloudtrail").update_trail(Name=TRAIL_NAME, KmsKeyId=arn)
