"""Reading: the API calls that turn one trail into ``Facts`` (six of them concurrent)."""

from __future__ import annotations

import json
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from wizard.account import Account
from wizard.errors import describe_error, error_code
from wizard.steps.cloudtrail.facts import PAB_FLAGS, Bucket, Facts, Key, Trail
from wizard.steps.cloudtrail.judgements import _region_of, bucket_policy_ok

ReadError = (ClientError, BotoCoreError)
_NOT_FOUND = {"404", "NoSuchBucket", "NotFound"}
_FORBIDDEN = {"403", "AccessDenied", "Forbidden"}


def list_trails(account: Account) -> tuple[Trail, ...]:
    """Every trail visible from this Region, shadow trails (homed elsewhere) included."""
    response = account.client("cloudtrail").describe_trails(includeShadowTrails=True)
    return tuple(Trail.from_api(raw) for raw in response.get("trailList") or [])


def _public_access_block(s3: Any, bucket: str) -> dict[str, bool]:
    try:
        config = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    except ClientError as exc:
        if error_code(exc) == "NoSuchPublicAccessBlockConfiguration":
            return {}  # a fact (nothing blocked), not a read failure
        raise
    return {flag: bool(config.get(flag)) for flag in PAB_FLAGS}


def _versioning(s3: Any, bucket: str) -> str:
    return str(s3.get_bucket_versioning(Bucket=bucket).get("Status") or "Off")


def _policy(s3: Any, bucket: str) -> dict[str, Any] | None:
    try:
        text = s3.get_bucket_policy(Bucket=bucket)["Policy"]
    except ClientError as exc:
        if error_code(exc) == "NoSuchBucketPolicy":
            return None
        raise
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _rotation(kms: Any, key_id: str) -> bool:
    return bool(kms.get_key_rotation_status(KeyId=key_id).get("KeyRotationEnabled"))


BucketReads = tuple[Future[dict[str, bool]], Future[str], Future[dict[str, Any] | None]]


def submit_bucket_reads(pool: ThreadPoolExecutor, s3: Any, bucket: str) -> BucketReads:
    """Start the three bucket reads (Block Public Access, versioning, policy) at once."""
    return (
        pool.submit(_public_access_block, s3, bucket),
        pool.submit(_versioning, s3, bucket),
        pool.submit(_policy, s3, bucket),
    )


def bucket_from(reads: BucketReads, bucket: str, trail: Trail) -> Bucket:
    """Collect the bucket reads; a missing bucket is a fact, any other error a note."""
    try:
        pab, versioning, policy = reads[0].result(), reads[1].result(), reads[2].result()
    except ReadError as exc:
        if error_code(exc) in _NOT_FOUND:
            return Bucket(bucket, exists=False)
        return Bucket(bucket, unreadable=_bucket_note(bucket, exc))
    ok = bucket_policy_ok(policy, bucket, trail)
    return Bucket(bucket, pab=pab, versioning=versioning, policy=policy, policy_ok=ok)


def _bucket_note(bucket: str, exc: BaseException) -> str:
    if error_code(exc) in _FORBIDDEN:
        return (
            f"bucket {bucket} could not be read (it may belong to another account, such as a "
            f"central log archive, whose owner must verify it): {describe_error(exc)}"
        )
    return f"bucket {bucket} could not be read: {describe_error(exc)}"


def key_from(future: Future[bool] | None, key_arn: str | None) -> Key:
    """Collect the rotation read; a deleted key is a fact, any other error a note."""
    if future is None or key_arn is None:
        return Key(None)
    try:
        return Key(key_arn, found=True, rotation=future.result())
    except ReadError as exc:
        if error_code(exc) == "NotFoundException":
            return Key(key_arn, found=False)
        note = f"KMS key {key_arn} could not be read: {describe_error(exc)}"
        return Key(key_arn, unreadable=note)


def gather(account: Account, trail: Trail) -> Facts:
    """Read the trail's status, selectors, bucket and key: six calls, all at once.

    Trail reads that fail raise (the caller reports unknown); bucket and key reads that fail
    become notes on that part only.
    """
    cloudtrail = account.client("cloudtrail", trail.home_region)
    s3 = account.client("s3")
    key_id = trail.kms_key_id
    kms = account.client("kms", _region_of(key_id, trail.home_region)) if key_id else None
    with ThreadPoolExecutor(max_workers=6, thread_name_prefix="cloudtrail-check") as pool:
        status = pool.submit(cloudtrail.get_trail_status, Name=trail.arn)
        selectors = pool.submit(cloudtrail.get_event_selectors, TrailName=trail.arn)
        bucket_reads = submit_bucket_reads(pool, s3, trail.bucket)
        rotation = pool.submit(_rotation, kms, key_id) if key_id else None
        return Facts(
            trail=trail,
            status=status.result(),
            selectors=selectors.result(),
            bucket=bucket_from(bucket_reads, trail.bucket, trail),
            key=key_from(rotation, trail.kms_key_id),
        )
