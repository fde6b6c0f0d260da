"""Simulated CloudTrail log delivery: what a logging trail writes, and what GetTrailStatus says.

AWS CloudTrail "typically delivers logs within an average of about 5 minutes of an API call"
and publishes log files "about every 5 minutes" (CloudTrail User Guide, "How CloudTrail
works" / "CloudTrail log file examples"); digest files come hourly when log file validation
is on ("CloudTrail digest files"). ``GetTrailStatus`` then reports the outcome:
``LatestDeliveryTime`` on success, ``LatestDeliveryError`` with "any Amazon S3 error that
CloudTrail encountered when attempting to deliver log files to the designated bucket"
(CloudTrail API Reference, GetTrailStatus), and the same pair for digests. moto writes nothing
and reports a fresh delivery on every call; a trainee would learn that a trail whose bucket
denies CloudTrail "works".

Here a logging trail delivers on a short timer (``SANDBOX_TRAIL_DELIVERY_SECONDS``, default
:data:`DEFAULT_INTERVAL`): the deliveries that are due are made lazily whenever the account is
called (:func:`catch_up`), so there is no thread to start or stop and a reset loses nothing.
Each attempt decides as AWS would, in the order CloudTrail needs things:

1. the bucket exists (else ``NoSuchBucket``; "Troubleshooting CloudTrail": deleted bucket);
2. the bucket policy lets ``cloudtrail.amazonaws.com`` check the ACL and put the object under
   ``[PREFIX/]AWSLogs/ACCOUNT/`` with ``s3:x-amz-acl=bucket-owner-full-control`` and this
   trail's ``aws:SourceArn`` (CloudTrail UG, "Amazon S3 bucket policy for CloudTrail"), an
   explicit Deny winning (else ``AccessDenied``);
3. for an SSE-KMS trail, the key exists, is ``Enabled`` and its policy lets CloudTrail call
   ``kms:GenerateDataKey*`` with this trail's encryption context (CloudTrail UG, "Configure
   AWS KMS key policies for CloudTrail"; KMS Developer Guide, "Key states of AWS KMS keys":
   a disabled key raises ``DisabledException``, one pending deletion
   ``KMSInvalidStateException``). Digest files are encrypted with SSE-S3 only ("CloudTrail
   digest files"), so a KMS problem fails log files and not digests.

Tests call :func:`deliver_now` instead of waiting.
"""

from __future__ import annotations

import gzip
import json
import os
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aws_setup_wizard.policy_eval import service_allowed
from aws_setup_wizard.sandbox import backends

CLOUDTRAIL = "cloudtrail.amazonaws.com"
INTERVAL_ENV = "SANDBOX_TRAIL_DELIVERY_SECONDS"
#: Seconds between simulated deliveries: AWS's ~5 minutes, shortened so a trainee sees it.
DEFAULT_INTERVAL = 5.0

_lock = threading.Lock()


def interval() -> float:
    """Seconds between deliveries: ``$SANDBOX_TRAIL_DELIVERY_SECONDS`` or the default."""
    try:
        return max(0.0, float(os.environ.get(INTERVAL_ENV, DEFAULT_INTERVAL)))
    except ValueError:
        return DEFAULT_INTERVAL


@dataclass
class DeliveryState:
    """What the last delivery attempts of one trail did (kept on moto's trail object)."""

    last_attempt: float | None = None
    delivery_time: datetime | None = None
    delivery_error: str | None = None
    digest_time: datetime | None = None
    digest_error: str | None = None


def state_of(trail: Any) -> DeliveryState:
    """The trail's delivery state; it lives on moto's object so a reset wipes it too."""
    state = getattr(trail, "_sandbox_delivery", None)
    if state is None:
        state = DeliveryState()
        trail._sandbox_delivery = state
    return state


def _trails(account_id: str) -> list[Any]:
    """Every trail of the account, in its home Region's backend (no shadow copies)."""
    found: list[Any] = []
    for backend in list(backends.cloudtrail_regions(account_id)):
        found.extend(list(backend.trails.values()))
    return found


def _due(trail: Any, now: float) -> bool:
    status = trail.status
    if not status.is_logging or status.started is None:
        return False
    started_at: datetime = status.started
    if started_at.tzinfo is None:  # moto keeps naive UTC datetimes
        started_at = started_at.replace(tzinfo=UTC)
    started = started_at.timestamp()
    last = state_of(trail).last_attempt
    since = max(started, last) if last is not None else started
    return now - since >= interval()


def catch_up(account_id: str, now: float | None = None) -> None:
    """Make every delivery that is due by ``now`` (one per trail, as a batch would)."""
    moment = time.time() if now is None else now
    with _lock:
        for trail in _trails(account_id):
            if _due(trail, moment):
                attempt(account_id, trail, moment)


def deliver_now(account_id: str) -> None:
    """Test hook: every logging trail of the account attempts a delivery at once."""
    moment = time.time()
    with _lock:
        for trail in _trails(account_id):
            if trail.status.is_logging:
                attempt(account_id, trail, moment)


def _bucket(account_id: str, name: str) -> Any | None:
    try:
        return backends.s3(account_id).get_bucket(name)
    except Exception:  # noqa: BLE001 - moto raises its own "no such bucket" error
        return None


def _prefix(trail: Any) -> str:
    prefix = str(trail.s3_key_prefix or "").strip("/")
    return f"{prefix}/" if prefix else ""


def object_keys(trail: Any, account_id: str, when: datetime) -> tuple[str, str]:
    """The log and digest object keys CloudTrail uses for a delivery at ``when``.

    CloudTrail UG, "Finding your CloudTrail log files" and "CloudTrail digest file structure".
    """
    region, day = trail.region_name, when.strftime("%Y/%m/%d")
    stamp = when.strftime("%Y%m%dT%H%MZ")
    base = f"{_prefix(trail)}AWSLogs/{account_id}"
    log = (
        f"{base}/CloudTrail/{region}/{day}/"
        f"{account_id}_CloudTrail_{region}_{stamp}_{uuid.uuid4().hex[:16]}.json.gz"
    )
    digest = (
        f"{base}/CloudTrail-Digest/{region}/{day}/{account_id}_CloudTrail-Digest_{region}_"
        f"{trail.trail_name}_{region}_{when.strftime('%Y%m%dT%H%M%SZ')}.json.gz"
    )
    return log, digest


def _bucket_error(account_id: str, trail: Any, key: str) -> str | None:
    bucket = _bucket(account_id, str(trail.bucket_name))
    if bucket is None:
        return "NoSuchBucket"
    policy = bucket.policy.decode() if bucket.policy else None
    context = {
        "aws:SourceArn": trail.arn,
        "aws:SourceAccount": account_id,
        "aws:SecureTransport": "true",
    }
    acl = service_allowed(
        policy,
        service=CLOUDTRAIL,
        action="s3:GetBucketAcl",
        resource=f"arn:aws:s3:::{trail.bucket_name}",
        context=context,
    )
    put = service_allowed(
        policy,
        service=CLOUDTRAIL,
        action="s3:PutObject",
        resource=f"arn:aws:s3:::{trail.bucket_name}/{key}",
        context={**context, "s3:x-amz-acl": "bucket-owner-full-control"},
    )
    return None if acl and put else "AccessDenied"


def _key_error(account_id: str, trail: Any) -> str | None:
    key_id = str(trail.kms_key_id or "")
    if not key_id:
        return None
    parts = key_id.split(":")
    region = parts[3] if key_id.startswith("arn:") and len(parts) > 5 else trail.region_name
    try:
        key = backends.kms(account_id, region).describe_key(key_id)
    except Exception:  # noqa: BLE001 - any lookup failure: the key is gone
        return "KMS.NotFoundException"
    if key.key_state == "Disabled":
        return "KMS.DisabledException"
    if key.key_state != "Enabled":
        return "KMS.KMSInvalidStateException"
    allowed = service_allowed(
        key.policy,
        service=CLOUDTRAIL,
        action="kms:GenerateDataKey",
        resource=key.arn,
        context={
            "aws:SourceArn": trail.arn,
            "aws:SourceAccount": account_id,
            "kms:EncryptionContext:aws:cloudtrail:arn": trail.arn,
        },
    )
    return None if allowed else "KMS.AccessDeniedException"


def _records(trail: Any, account_id: str, when: datetime) -> bytes:
    record = {
        "eventVersion": "1.10",
        "eventTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventSource": "sts.amazonaws.com",
        "eventName": "GetCallerIdentity",
        "awsRegion": trail.region_name,
        "recipientAccountId": account_id,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "readOnly": True,
        "eventCategory": "Management",
    }
    return gzip.compress(json.dumps({"Records": [record]}).encode())


def attempt(account_id: str, trail: Any, now: float) -> None:
    """One delivery attempt: write the log (and digest) objects, or record AWS's error."""
    state = state_of(trail)
    state.last_attempt = now
    when = datetime.fromtimestamp(now, UTC)
    log_key, digest_key = object_keys(trail, account_id, when)
    s3 = backends.s3(account_id)
    error = _bucket_error(account_id, trail, log_key) or _key_error(account_id, trail)
    if error is None:
        kms = {"encryption": "aws:kms", "kms_key_id": trail.kms_key_id} if trail.kms_key_id else {}
        s3.put_object(
            trail.bucket_name,
            log_key,
            _records(trail, account_id, when),
            disable_notification=True,
            **kms,
        )
        state.delivery_time, state.delivery_error = when, None
    else:
        state.delivery_error = error
    if not trail.log_validation:
        return
    digest_error = _bucket_error(account_id, trail, digest_key)
    if digest_error is None:
        digest = {"awsAccountId": account_id, "digestEndTime": when.isoformat(), "logFiles": []}
        s3.put_object(
            trail.bucket_name,
            digest_key,
            gzip.compress(json.dumps(digest).encode()),
            disable_notification=True,
        )
        state.digest_time, state.digest_error = when, None
    else:
        state.digest_error = digest_error


def status_fields(trail: Any) -> dict[str, Any]:
    """The delivery part of ``GetTrailStatus`` for ``trail`` (absent fields: never happened)."""
    state = state_of(trail)
    fields: dict[str, Any] = {
        "LatestDeliveryTime": state.delivery_time,
        "LatestDeliveryError": state.delivery_error,
        "LatestDigestDeliveryTime": state.digest_time,
        "LatestDigestDeliveryError": state.digest_error,
    }
    return {name: value for name, value in fields.items() if value is not None}
