"""CloudTrail as AWS really answers it, where moto is more forgiving.

moto overwrites a trail of the same name, creates trails whose bucket CloudTrail could never
write to or whose KMS key does not exist, returns no event selectors for a new trail and
ignores the name filter of ``DescribeTrails``, and reports a fresh delivery on every
``GetTrailStatus`` whatever the bucket and key allow (delivery is simulated in
:mod:`aws_setup_wizard.sandbox.delivery`). Each of those would teach a trainee something
false about AWS, so each is corrected here, before (or, for the filter, after) moto answers.
"""

from __future__ import annotations

import json
import re
from datetime import UTC
from typing import Any

from aws_setup_wizard.policy_eval import service_allowed
from aws_setup_wizard.sandbox import backends, delivery
from aws_setup_wizard.sandbox.call import Call, Forward, Handler, Outcome
from aws_setup_wizard.sandbox.protocol import error_response, json_response

CLOUDTRAIL = "cloudtrail.amazonaws.com"
_VALID_NAME = re.compile(r"[0-9a-zA-Z][.\-_0-9a-zA-Z]{1,126}[0-9a-zA-Z]")

#: What AWS reports for a trail nobody has set selectors on: all management events.
DEFAULT_EVENT_SELECTOR: dict[str, Any] = {
    "ReadWriteType": "All",
    "IncludeManagementEvents": True,
    "DataResources": [],
    "ExcludeManagementEventSources": [],
}


def _refuse(code: str, message: str) -> Outcome:
    return error_response("cloudtrail", code, message, 400)


def _trail_arn(call: Call, name: str) -> str:
    return f"arn:aws:cloudtrail:{call.region}:{call.account_id}:trail/{name}"


def _bucket_refusal(call: Call, bucket_name: str, prefix: str | None, trail_arn: str) -> Outcome:
    """InsufficientS3BucketPolicyException unless CloudTrail may check the ACL and write logs."""
    try:
        bucket = backends.s3(call.account_id).get_bucket(bucket_name)
    except Exception:  # noqa: BLE001 - moto raises its own "bucket does not exist" error
        return None
    policy = bucket.policy.decode() if bucket.policy else None
    key_prefix = f"{prefix.strip('/')}/" if prefix else ""
    # A sample of the object keys CloudTrail writes: a policy must cover it.
    sample_key = (
        f"{key_prefix}AWSLogs/{call.account_id}/CloudTrail/{call.region}/2024/01/01/"
        f"{call.account_id}_CloudTrail_{call.region}_20240101T0000Z_sandbox.json.gz"
    )
    context = {
        "aws:SourceArn": trail_arn,
        "aws:SourceAccount": call.account_id,
        "aws:SecureTransport": "true",
    }
    acl_ok = service_allowed(
        policy,
        service=CLOUDTRAIL,
        action="s3:GetBucketAcl",
        resource=f"arn:aws:s3:::{bucket_name}",
        context=context,
    )
    write_ok = service_allowed(
        policy,
        service=CLOUDTRAIL,
        action="s3:PutObject",
        resource=f"arn:aws:s3:::{bucket_name}/{sample_key}",
        context={**context, "s3:x-amz-acl": "bucket-owner-full-control"},
    )
    if acl_ok and write_ok:
        return None
    return _refuse(
        "InsufficientS3BucketPolicyException",
        f"Incorrect S3 bucket policy is detected for bucket: {bucket_name}",
    )


def _kms_refusal(call: Call, key_id: str, trail_arn: str) -> Outcome:
    """KmsKeyNotFoundException / InsufficientEncryptionPolicyException as CloudTrail checks."""
    kms = backends.kms(call.account_id, call.region)
    try:
        key = kms.describe_key(key_id)
    except Exception:  # noqa: BLE001 - any lookup failure means "no such key" here
        return _refuse(
            "KmsKeyNotFoundException",
            f"KMS key {key_id} does not exist, or it is not in the same Region as the trail.",
        )
    if key.key_state != "Enabled":
        # CloudTrail validates the key when it is set (API Reference, KmsException: "an issue
        # with the specified KMS key and the trail can't be updated"); a disabled key or one
        # pending deletion cannot encrypt (KMS Developer Guide, "Key states of AWS KMS keys").
        return _refuse("KmsException", f"KMS key {key.arn} is {key.key_state}.")
    context = {
        "aws:SourceArn": trail_arn,
        "aws:SourceAccount": call.account_id,
        "kms:EncryptionContext:aws:cloudtrail:arn": trail_arn,
    }
    if service_allowed(
        key.policy,
        service=CLOUDTRAIL,
        action="kms:GenerateDataKey",
        resource=key.arn,
        context=context,
    ):
        return None
    return _refuse(
        "InsufficientEncryptionPolicyException",
        "Insufficient permissions to access S3 bucket or KMS key.",
    )


def _check_destinations(call: Call, name: str) -> Outcome:
    trail_arn = _trail_arn(call, name)
    bucket = call.field("S3BucketName")
    if bucket:
        refusal = _bucket_refusal(call, str(bucket), call.field("S3KeyPrefix"), trail_arn)
        if refusal:
            return refusal
    key_id = call.field("KmsKeyId")
    if key_id:
        refusal = _kms_refusal(call, str(key_id), trail_arn)
        if refusal:
            return refusal
    return None


def create_trail(call: Call) -> Outcome:
    """Refuse an existing name, an unwritable bucket, a missing or closed KMS key."""
    name = str(call.field("Name") or "")
    if not _VALID_NAME.fullmatch(name):
        return Forward()  # AWS rejects a bad name first; moto's message for it is right
    if name in backends.cloudtrail(call.account_id, call.region).trails:
        return _refuse(
            "TrailAlreadyExistsException",
            f"Trail {name} already exists for customer: {call.account_id}",
        )
    return _check_destinations(call, name) or Forward()


def update_trail(call: Call) -> Outcome:
    """A new bucket or KMS key on an existing trail is checked the same way."""
    name_or_arn = str(call.field("Name") or "")
    name = name_or_arn.rsplit("/", 1)[-1] if name_or_arn.startswith("arn:") else name_or_arn
    return _check_destinations(call, name) or Forward()


def get_event_selectors(call: Call) -> Outcome:
    """Give a trail with no selectors AWS's default one before moto reads it."""
    name_or_arn = str(call.field("TrailName") or "")
    trails = backends.cloudtrail(call.account_id, call.region).trails
    for trail in trails.values():
        unset = not trail.event_selectors and not trail.advanced_event_selectors
        if name_or_arn in (trail.trail_name, trail.arn) and unset:
            trail.event_selectors = [dict(DEFAULT_EVENT_SELECTOR)]
    return Forward()


def describe_trails(call: Call) -> Outcome:
    """Honour ``trailNameList`` (names or ARNs); moto returns every trail."""
    wanted = call.field("trailNameList")
    if not wanted:
        return Forward()
    names = {str(n) for n in wanted}

    def keep_named(status: int, body: bytes) -> bytes:
        if status != 200:
            return body
        document = json.loads(body)
        document["trailList"] = [
            t
            for t in document.get("trailList", [])
            if t.get("Name") in names or t.get("TrailARN") in names
        ]
        return json.dumps(document).encode()

    return Forward(transform=keep_named)


def _find_trail(call: Call, name_or_arn: str) -> Any | None:
    """The trail named by ``name_or_arn`` in its home Region's backend (any Region)."""
    for backend in backends.cloudtrail_regions(call.account_id):
        for trail in backend.trails.values():
            if name_or_arn in (trail.trail_name, trail.arn):
                return trail
    return None


def get_trail_status(call: Call) -> Outcome:
    """Report what delivery really did (see :mod:`aws_setup_wizard.sandbox.delivery`), not moto's
    fiction.

    moto reports a fresh ``LatestDeliveryTime`` on every call of a logging trail; AWS reports
    the last actual delivery and its error (CloudTrail API Reference, GetTrailStatus).
    """
    trail = _find_trail(call, str(call.field("Name") or ""))
    if trail is None:
        return Forward()  # moto's TrailNotFoundException is AWS's answer
    delivery.catch_up(call.account_id)
    status = trail.status
    answer: dict[str, Any] = {"IsLogging": bool(status.is_logging)}
    if status.started is not None:
        answer["StartLoggingTime"] = status.started.replace(tzinfo=UTC)
    if status.stopped is not None:
        answer["StopLoggingTime"] = status.stopped.replace(tzinfo=UTC)
    answer.update(delivery.status_fields(trail))
    return json_response(answer)


CLOUDTRAIL_HANDLERS: dict[str, Handler] = {
    "GetTrailStatus": get_trail_status,
    "CreateTrail": create_trail,
    "UpdateTrail": update_trail,
    "GetEventSelectors": get_event_selectors,
    "DescribeTrails": describe_trails,
}
