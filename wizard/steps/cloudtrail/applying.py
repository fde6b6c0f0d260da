"""Applying: what the dispatcher cannot know about CloudTrail's calls, as the step's hooks.

The planned calls are sent by the engine's dispatcher (:mod:`aws_setup_wizard.dispatch`). Here, only
what makes them safe to repeat after an interruption: a key this tool already made is found
again before ``CreateKey`` pays for another, an existing alias or trail name is adopted, and a
bucket name taken by another account is explained.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ClientError

from aws_setup_wizard.account import Account
from aws_setup_wizard.dispatch import Found, Prepared, Recovered, send
from aws_setup_wizard.errors import WizardError, error_code
from aws_setup_wizard.model import ApiCall, Change
from aws_setup_wizard.steps.cloudtrail.planning import KEY_FOR_ALIAS_TAG, find_alias


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


def _alias_of(params: Mapping[str, Any]) -> str:
    for tag in params.get("Tags", []):
        if tag.get("TagKey") == KEY_FOR_ALIAS_TAG:
            return str(tag["TagValue"])
    raise WizardError("internal: kms:CreateKey was planned without its alias tag")


def prepare(account: Account, change: Change, params: Mapping[str, Any]) -> Prepared:
    """Before ``CreateKey``: reuse the key the alias (or an interrupted run) already has."""
    if change.action != "kms:CreateKey":
        return Prepared(params)
    alias = _alias_of(params)
    existing = find_alias(account, alias)
    if existing is not None:
        return Prepared(
            skip=f"{alias} already names key {existing['Arn']}, reusing it",
            outputs={"kms_key_arn": str(existing["Arn"])},
        )
    orphan = find_key_made_for(account, alias)
    if orphan is not None:
        return Prepared(
            skip=f"key {orphan} was made for {alias} by an earlier run, reusing it",
            outputs={"kms_key_arn": orphan},
        )
    return Prepared(params)


def recover(
    account: Account, change: Change, error: ClientError, params: Mapping[str, Any]
) -> Recovered | None:
    """Refusals that still leave the change done, found by reading or a second call."""
    code = error_code(error)
    if change.action == "s3:CreateBucket":
        if code == "BucketAlreadyOwnedByYou":
            return Recovered("already ours")
        if code == "BucketAlreadyExists":
            raise WizardError(
                f"The bucket name {params.get('Bucket')} was just taken by another AWS account: "
                "pick another name with --trail-bucket."
            ) from error
    if change.action == "kms:CreateAlias" and code == "AlreadyExistsException":
        existing = find_alias(account, str(params["AliasName"]))
        if existing is not None:
            return Recovered(
                f"already exists; using its key {existing['Arn']}",
                outputs={"kms_key_arn": str(existing["Arn"])},
            )
    if change.action == "cloudtrail:CreateTrail" and code == "TrailAlreadyExistsException":
        # An interrupted run created it: bring it to the planned settings instead.
        region = change.call.region if change.call else None
        update = Change(
            "cloudtrail:UpdateTrail",
            change.resource,
            change.why,
            call=ApiCall("cloudtrail", "UpdateTrail", params, region),
        )
        send(account, update, params)
        return Recovered("already existed: updated it to multi-Region with validation")
    return None


def find_made(account: Account, change: Change, params: Mapping[str, Any]) -> Found | None:
    """Whether a create whose answer was lost was made, read from AWS (``None``: not ours).

    The key is found by the alias tag each key this tool creates carries; the bucket, alias
    and trail by their names.
    """
    operation = change.call.operation if change.call else ""
    if operation == "CreateKey":
        made = find_key_made_for(account, _alias_of(params))
        return Found(made is not None, {"kms_key_arn": made} if made else {})
    if operation == "CreateAlias":
        existing = find_alias(account, str(params["AliasName"]))
        return Found(existing is not None)
    if operation == "CreateBucket":
        try:
            account.client("s3").head_bucket(Bucket=params["Bucket"])
        except ClientError as exc:
            if error_code(exc) in {"404", "NoSuchBucket", "NotFound"}:
                return Found(made=False)
            raise
        return Found(made=True)
    if operation == "CreateTrail":
        name = str(params["Name"])
        client = account.client("cloudtrail", change.call.region if change.call else None)
        trails = client.describe_trails(trailNameList=[name]).get("trailList") or []
        return Found(any(trail.get("Name") == name for trail in trails))
    return None
