"""Reading: the API calls that turn one trail into ``Facts`` (eight of them concurrent).

Bucket reads carry ``ExpectedBucketOwner`` (the trail's account), so S3 itself refuses to
answer for a bucket another account owns (S3 User Guide, "Verifying bucket ownership with
bucket owner condition").
"""

from __future__ import annotations

import json
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from aws_setup_wizard.account import Account
from aws_setup_wizard.errors import describe_error, error_code
from aws_setup_wizard.steps.cloudtrail.facts import PAB_FLAGS, Bucket, Facts, Key, Trail
from aws_setup_wizard.steps.cloudtrail.judgements import (
    _region_of,
    _stamp,
    judge_bucket_policy,
    judge_key_policy,
)

ReadError = (ClientError, BotoCoreError)
_NOT_FOUND = {"404", "NoSuchBucket", "NotFound"}
_FORBIDDEN = {"403", "AccessDenied", "Forbidden"}


def list_trails(account: Account) -> tuple[Trail, ...]:
    """Every trail visible from this Region, shadow trails (homed elsewhere) included."""
    response = account.client("cloudtrail").describe_trails(includeShadowTrails=True)
    return tuple(Trail.from_api(raw) for raw in response.get("trailList") or [])


def _public_access_block(s3: Any, bucket: str, owner: str) -> dict[str, bool]:
    try:
        config = s3.get_public_access_block(Bucket=bucket, ExpectedBucketOwner=owner)[
            "PublicAccessBlockConfiguration"
        ]
    except ClientError as exc:
        if error_code(exc) == "NoSuchPublicAccessBlockConfiguration":
            return {}  # a fact (nothing blocked), not a read failure
        raise
    return {flag: bool(config.get(flag)) for flag in PAB_FLAGS}


def _versioning(s3: Any, bucket: str, owner: str) -> str:
    response = s3.get_bucket_versioning(Bucket=bucket, ExpectedBucketOwner=owner)
    return str(response.get("Status") or "Off")


def _policy(s3: Any, bucket: str, owner: str) -> dict[str, Any] | None:
    try:
        text = s3.get_bucket_policy(Bucket=bucket, ExpectedBucketOwner=owner)["Policy"]
    except ClientError as exc:
        if error_code(exc) == "NoSuchBucketPolicy":
            return None
        raise
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _rotation(kms: Any, key_id: str) -> bool | None:
    try:
        return bool(kms.get_key_rotation_status(KeyId=key_id).get("KeyRotationEnabled"))
    except ClientError as exc:
        if error_code(exc) in _KEY_UNUSABLE:
            return None  # KMS will not say for a key in this state: planned once enabled
        raise


def _key_metadata(kms: Any, key_id: str) -> dict[str, Any]:
    metadata: dict[str, Any] = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    return metadata


def _key_policy(kms: Any, key_id: str) -> dict[str, Any] | None:
    text = kms.get_key_policy(KeyId=key_id, PolicyName="default").get("Policy")
    if not text:
        return None
    loaded: dict[str, Any] = json.loads(text)
    return loaded


_KEY_UNUSABLE = {"DisabledException", "KMSInvalidStateException"}


@dataclass(frozen=True)
class KeyReads:
    """The three key reads in flight: metadata (state), policy and rotation."""

    metadata: Future[dict[str, Any]]
    policy: Future[dict[str, Any] | None]
    rotation: Future[bool | None]


def submit_key_reads(pool: ThreadPoolExecutor, kms: Any, key_id: str) -> KeyReads:
    """Start DescribeKey, GetKeyPolicy and GetKeyRotationStatus at once."""
    return KeyReads(
        pool.submit(_key_metadata, kms, key_id),
        pool.submit(_key_policy, kms, key_id),
        pool.submit(_rotation, kms, key_id),
    )


def key_from(reads: KeyReads | None, key_arn: str | None, trail: Trail) -> Key:
    """Collect the key reads; a deleted key is a fact, any other error a note."""
    if reads is None or key_arn is None:
        return Key(None)
    try:
        metadata = reads.metadata.result()
        policy, rotation = reads.policy.result(), reads.rotation.result()
    except ReadError as exc:
        if error_code(exc) == "NotFoundException":
            return Key(key_arn, found=False)
        note = f"KMS key {key_arn} could not be read: {describe_error(exc)}"
        return Key(key_arn, unreadable=note)
    arn = str(metadata.get("Arn") or key_arn)
    deletion = metadata.get("DeletionDate")
    return Key(
        arn,
        found=True,
        rotation=rotation,
        state=str(metadata.get("KeyState") or ""),
        deletion_date=_stamp(deletion),
        policy=policy,
        judgement=judge_key_policy(policy, arn, trail),
    )


BucketReads = tuple[Future[dict[str, bool]], Future[str], Future[dict[str, Any] | None]]


def submit_bucket_reads(pool: ThreadPoolExecutor, s3: Any, bucket: str, owner: str) -> BucketReads:
    """Start the three bucket reads (Block Public Access, versioning, policy) at once."""
    return (
        pool.submit(_public_access_block, s3, bucket, owner),
        pool.submit(_versioning, s3, bucket, owner),
        pool.submit(_policy, s3, bucket, owner),
    )


def bucket_from(reads: BucketReads, bucket: str, trail: Trail) -> Bucket:
    """Collect the bucket reads; a missing bucket is a fact, any other error a note."""
    try:
        pab, versioning, policy = reads[0].result(), reads[1].result(), reads[2].result()
    except ReadError as exc:
        if error_code(exc) in _NOT_FOUND:
            return Bucket(bucket, exists=False)
        return Bucket(bucket, unreadable=_bucket_note(bucket, exc))
    judgement = judge_bucket_policy(policy, bucket, trail)
    return Bucket(bucket, pab=pab, versioning=versioning, policy=policy, judgement=judgement)


def _bucket_note(bucket: str, exc: BaseException) -> str:
    if error_code(exc) in _FORBIDDEN:
        return (
            f"bucket {bucket} could not be read (it may belong to another account, such as a "
            f"central log archive, whose owner must verify it): {describe_error(exc)}"
        )
    return f"bucket {bucket} could not be read: {describe_error(exc)}"


def gather(account: Account, trail: Trail) -> Facts:
    """Read the trail's status, selectors, bucket and key: eight calls, all at once.

    Trail reads that fail raise (the caller reports unknown); bucket and key reads that fail
    become notes on that part only.
    """
    cloudtrail = account.client("cloudtrail", trail.home_region)
    s3 = account.client("s3")
    key_id = trail.kms_key_id
    kms = account.client("kms", _region_of(key_id, trail.home_region)) if key_id else None
    with ThreadPoolExecutor(max_workers=8, thread_name_prefix="cloudtrail-check") as pool:
        status = pool.submit(cloudtrail.get_trail_status, Name=trail.arn)
        selectors = pool.submit(cloudtrail.get_event_selectors, TrailName=trail.arn)
        bucket_reads = submit_bucket_reads(pool, s3, trail.bucket, trail.account_id)
        key_reads = submit_key_reads(pool, kms, key_id) if kms and key_id else None
        return Facts(
            trail=trail,
            status=status.result(),
            selectors=selectors.result(),
            bucket=bucket_from(bucket_reads, trail.bucket, trail),
            key=key_from(key_reads, trail.kms_key_id, trail),
        )
