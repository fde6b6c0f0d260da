"""Applying: one handler per planned action, each safe to repeat after an interruption."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from wizard.account import Account
from wizard.errors import WizardError, error_code
from wizard.model import ProgressFn
from wizard.steps.base import call
from wizard.steps.cloudtrail.facts import PAB_FLAGS
from wizard.steps.cloudtrail.judgements import MANAGEMENT_SELECTOR, _region_of
from wizard.steps.cloudtrail.planning import find_alias

State = dict[str, Any]
Handler = Callable[[Account, State, ProgressFn], str]


def _tolerate(codes: set[str], progress: ProgressFn, label: str, fn: Callable[[], Any]) -> bool:
    """Run ``fn``; True when it ran, False when AWS says it is already done (a re-run)."""
    try:
        fn()
    except ClientError as exc:
        if error_code(exc) not in codes:
            raise
        progress(f"{label}: already done ({error_code(exc)})")
        return False
    return True


def do_create_bucket(account: Account, state: State, progress: ProgressFn) -> str:
    """CreateBucket, with a LocationConstraint outside us-east-1; already ours is fine."""
    bucket, region = state["bucket"], account.region
    kwargs: dict[str, Any] = {"Bucket": bucket}
    if region != "us-east-1":
        kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
    s3 = account.client("s3")
    try:
        made = _tolerate(
            {"BucketAlreadyOwnedByYou"},
            progress,
            f"s3:CreateBucket {bucket}",
            lambda: call(progress, f"s3:CreateBucket {bucket}", s3.create_bucket, **kwargs),
        )
    except ClientError as exc:
        if error_code(exc) == "BucketAlreadyExists":
            raise WizardError(
                f"The bucket name {bucket} was just taken by another AWS account: pick another "
                "name with --trail-bucket."
            ) from exc
        raise
    return f"Created S3 bucket {bucket} in {region}" if made else f"Bucket {bucket} already ours"


def do_block_public_access(account: Account, state: State, progress: ProgressFn) -> str:
    """Turn on all four Block Public Access flags."""
    bucket = state["bucket"]
    call(
        progress,
        f"s3:PutPublicAccessBlock {bucket}",
        account.client("s3").put_public_access_block,
        Bucket=bucket,
        PublicAccessBlockConfiguration={flag: True for flag in PAB_FLAGS},
    )
    return f"Blocked all public access to bucket {bucket}"


def do_versioning(account: Account, state: State, progress: ProgressFn) -> str:
    """Turn on bucket versioning."""
    bucket = state["bucket"]
    call(
        progress,
        f"s3:PutBucketVersioning {bucket}",
        account.client("s3").put_bucket_versioning,
        Bucket=bucket,
        VersioningConfiguration={"Status": "Enabled"},
    )
    return f"Turned on versioning for bucket {bucket}"


def do_bucket_policy(account: Account, state: State, progress: ProgressFn) -> str:
    """Set the merged bucket policy that lets the trail deliver logs."""
    bucket = state["bucket"]
    call(
        progress,
        f"s3:PutBucketPolicy {bucket}",
        account.client("s3").put_bucket_policy,
        Bucket=bucket,
        Policy=state["bucket_policy"],
    )
    return f"Set the policy on bucket {bucket} so CloudTrail can deliver logs"


# Tags a key with the alias it was made for, so that a run whose CreateKey answer was lost (the
# key exists, the alias does not yet) finds that key again instead of paying for a second one.
KEY_FOR_ALIAS_TAG = "aws-setup-wizard:alias"


def find_key_made_for(account: Account, alias: str) -> str | None:
    """An enabled key this tool created for ``alias`` before being interrupted, if any."""
    kms = account.client("kms")
    for page in kms.get_paginator("list_keys").paginate():
        for key in page.get("Keys", []):
            tags = kms.list_resource_tags(KeyId=key["KeyId"]).get("Tags", [])
            if {"TagKey": KEY_FOR_ALIAS_TAG, "TagValue": alias} in [
                {"TagKey": t.get("TagKey"), "TagValue": t.get("TagValue")} for t in tags
            ]:
                metadata = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
                if metadata.get("KeyState") == "Enabled":
                    return str(metadata["Arn"])
    return None


def do_create_key(account: Account, state: State, progress: ProgressFn) -> str:
    """Create the trail's key, or reuse the one the alias (or an interrupted run) left."""
    alias = state["kms_alias"]
    existing = find_alias(account, alias)
    if existing is not None:
        state["kms_key_arn"] = str(existing["Arn"])
        progress(f"kms:CreateKey: {alias} already names key {existing['Arn']}, reusing it")
        return f"Reused KMS key {existing['Arn']} ({alias})"
    orphan = find_key_made_for(account, alias)
    if orphan is not None:
        state["kms_key_arn"] = orphan
        progress(f"kms:CreateKey: key {orphan} was made for {alias} by an earlier run, reusing it")
        return f"Reused KMS key {orphan} made earlier for {alias}"
    metadata = call(
        progress,
        f"kms:CreateKey (for {alias})",
        account.client("kms").create_key,
        Policy=state["key_policy"],
        Description=f"CloudTrail log encryption ({state['trail_arn']}), made by aws-setup-wizard",
        Tags=[
            {"TagKey": "created-by", "TagValue": "aws-setup-wizard"},
            {"TagKey": KEY_FOR_ALIAS_TAG, "TagValue": alias},
        ],
    )["KeyMetadata"]
    state["kms_key_arn"] = str(metadata["Arn"])
    return f"Created KMS key {metadata['Arn']}"


def do_create_alias(account: Account, state: State, progress: ProgressFn) -> str:
    """Name the key; an alias that already exists is reused (its key becomes the trail's)."""
    alias, kms = state["kms_alias"], account.client("kms")
    made = _tolerate(
        {"AlreadyExistsException"},
        progress,
        f"kms:CreateAlias {alias}",
        lambda: call(
            progress,
            f"kms:CreateAlias {alias}",
            kms.create_alias,
            AliasName=alias,
            TargetKeyId=state["kms_key_arn"],
        ),
    )
    if not made:
        existing = find_alias(account, alias)
        if existing is not None:
            state["kms_key_arn"] = str(existing["Arn"])
        return f"Alias {alias} already exists; using its key {state['kms_key_arn']}"
    return f"Created alias {alias} for key {state['kms_key_arn']}"


def do_rotation(account: Account, state: State, progress: ProgressFn) -> str:
    """Turn on automatic yearly rotation."""
    key_arn = state["kms_key_arn"]
    kms = account.client("kms", _region_of(key_arn, account.region))
    call(progress, f"kms:EnableKeyRotation {key_arn}", kms.enable_key_rotation, KeyId=key_arn)
    return f"Turned on automatic rotation for KMS key {key_arn}"


def _trail_settings(state: State) -> dict[str, Any]:
    settings = dict(state["trail_settings"])
    if state.get("set_kms_key"):
        settings["KmsKeyId"] = state["kms_key_arn"]
    return settings


def do_create_trail(account: Account, state: State, progress: ProgressFn) -> str:
    """Create the trail; when the name exists (an interrupted run), update it instead."""
    name, cloudtrail = state["trail_arn"].rsplit("/", 1)[-1], account.client("cloudtrail")
    settings = {"S3BucketName": state["bucket"], **_trail_settings(state)}
    try:
        created = call(
            progress,
            f"cloudtrail:CreateTrail {name}",
            cloudtrail.create_trail,
            Name=name,
            **settings,
        )
    except ClientError as exc:
        if error_code(exc) != "TrailAlreadyExistsException":
            raise
        created = call(
            progress,
            f"cloudtrail:UpdateTrail {name}",
            cloudtrail.update_trail,
            Name=name,
            **settings,
        )
        state["trail_arn"] = str(created["TrailARN"])
        return f"Trail {name} already existed: updated it to multi-Region with validation"
    state["trail_arn"] = str(created["TrailARN"])
    return f"Created multi-Region trail {created['TrailARN']}"


def _trail_client(account: Account, state: State) -> Any:
    return account.client("cloudtrail", _region_of(state["trail_arn"], account.region))


def do_update_trail(account: Account, state: State, progress: ProgressFn) -> str:
    """Update only the settings that differ."""
    arn, settings = state["trail_arn"], _trail_settings(state)
    client = _trail_client(account, state)
    call(progress, f"cloudtrail:UpdateTrail {arn}", client.update_trail, Name=arn, **settings)
    return f"Updated trail {arn}: {', '.join(settings)}"


def do_event_selectors(account: Account, state: State, progress: ProgressFn) -> str:
    """Record every read and write management event."""
    arn = state["trail_arn"]
    selectors = state.get("event_selectors") or {"EventSelectors": [MANAGEMENT_SELECTOR]}
    client = _trail_client(account, state)
    call(
        progress,
        f"cloudtrail:PutEventSelectors {arn}",
        client.put_event_selectors,
        TrailName=arn,
        **selectors,
    )
    return f"Trail {arn} now records all read and write management events"


def do_start_logging(account: Account, state: State, progress: ProgressFn) -> str:
    """Start logging (harmless when already logging)."""
    arn = state["trail_arn"]
    call(
        progress,
        f"cloudtrail:StartLogging {arn}",
        _trail_client(account, state).start_logging,
        Name=arn,
    )
    return f"Started logging on trail {arn}"


HANDLERS: dict[str, Handler] = {
    "s3:CreateBucket": do_create_bucket,
    "s3:PutPublicAccessBlock": do_block_public_access,
    "s3:PutBucketVersioning": do_versioning,
    "s3:PutBucketPolicy": do_bucket_policy,
    "kms:CreateKey": do_create_key,
    "kms:CreateAlias": do_create_alias,
    "kms:EnableKeyRotation": do_rotation,
    "cloudtrail:CreateTrail": do_create_trail,
    "cloudtrail:UpdateTrail": do_update_trail,
    "cloudtrail:PutEventSelectors": do_event_selectors,
    "cloudtrail:StartLogging": do_start_logging,
}
