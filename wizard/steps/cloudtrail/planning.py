"""Planning: the step's options, and only the changes that bring a trail up to standard."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from aws_setup_wizard import assets
from aws_setup_wizard.account import Account
from aws_setup_wizard.errors import WizardError, error_code
from aws_setup_wizard.model import ApiCall, Change, Ref, Retry
from aws_setup_wizard.options import Option, bucket_name, kms_alias, trail_name
from aws_setup_wizard.steps.base import OptionValues
from aws_setup_wizard.steps.cloudtrail.facts import PAB_FLAGS, Bucket, Facts, Trail
from aws_setup_wizard.steps.cloudtrail.judgements import (
    PolicyJudgement,
    _region_of,
    as_list,
    fixed_selectors,
    judge_key_policy,
    key_path,
    merged_policy,
    pick_candidate,
    without_denials,
)
from aws_setup_wizard.steps.cloudtrail.reading import (
    _FORBIDDEN,
    _NOT_FOUND,
    _key_policy,
    _rotation,
    bucket_from,
    submit_bucket_reads,
)

WANTED_TRAIL_SETTINGS: dict[str, bool] = {
    "IsMultiRegionTrail": True,
    "IncludeGlobalServiceEvents": True,
    "EnableLogFileValidation": True,
}

OPTIONS: tuple[Option, ...] = (
    Option(
        name="trail_name",
        flag="--trail-name",
        label="Trail name",
        help="Name of the trail to create (an existing multi-Region trail is repaired instead).",
        default="account-trail",
        validator=trail_name,
    ),
    Option(
        name="bucket_name",
        flag="--trail-bucket",
        label="Log bucket",
        help="S3 bucket for the logs (names are global: another account may own a name).",
        default="aws-cloudtrail-logs-{account_id}-{region}",
        validator=bucket_name,
    ),
    Option(
        name="use_kms",
        flag="--kms",
        label="Encrypt with a KMS key",
        help="Encrypt logs with a customer managed KMS key (CloudTrail.2); the key is billed.",
        default=True,
        kind="bool",
    ),
    Option(
        name="kms_alias",
        flag="--kms-alias",
        label="KMS key alias",
        help="Alias of the trail's KMS key; an existing key with this alias is reused.",
        default="alias/account-trail",
        validator=kms_alias,
    ),
)


@dataclass(frozen=True)
class Settings:
    """The step's options, typed."""

    trail_name: str
    bucket: str
    use_kms: bool
    kms_alias: str

    @classmethod
    def from_options(cls, options: OptionValues, account: Account) -> Settings:
        """Read validated options, filling defaults for any not given."""
        defaults = {o.name: o.default_for(account.account_id, account.region) for o in OPTIONS}
        merged = {**defaults, **options}
        return cls(
            trail_name=str(merged["trail_name"]),
            bucket=str(merged["bucket_name"]),
            use_kms=bool(merged["use_kms"]),
            kms_alias=str(merged["kms_alias"]),
        )


#: CloudTrail reads the bucket policy from a copy that takes a few seconds to follow a new
#: PutBucketPolicy: a CreateTrail or UpdateTrail just after it can be refused although the
#: policy is right (the refusal is definite, so the call is simply sent again).
POLICY_NOT_SEEN_YET = Retry(
    frozenset({"InsufficientS3BucketPolicyException"}),
    "CloudTrail does not see the new bucket policy yet (AWS takes a few seconds to spread it)",
)


@dataclass
class Draft:
    """A plan being built: changes in apply order, with their calls, and notes.

    ``facts`` carry what later planning needs from earlier planning (the bucket name, the
    trail's key: a literal ARN, or a :class:`Ref` to the key this plan creates).
    """

    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    def add(
        self,
        action: str,
        resource: str,
        why: str,
        params: dict[str, Any],
        *,
        region: str | None = None,
        outputs: dict[str, str] | None = None,
        done: str = "",
        retry: Retry | None = None,
    ) -> None:
        """Append one change with the exact call the dispatcher will make."""
        service, operation = action.split(":", 1)
        self.changes.append(
            Change(
                action=action,
                resource=resource,
                why=why,
                call=ApiCall(service, operation, params, region),
                outputs=outputs or {},
                done=done,
                retry=retry,
            )
        )

    def after_policy_of(self, bucket: str) -> Retry | None:
        """:data:`POLICY_NOT_SEEN_YET` when this plan writes ``bucket``'s policy, else none:
        without that write, CloudTrail's refusal is about the policy itself, not its age."""
        for change in self.changes:
            call = change.call
            if call and call.operation == "PutBucketPolicy" and call.params["Bucket"] == bucket:
                return POLICY_NOT_SEEN_YET
        return None


def choose_target(trails: tuple[Trail, ...], name: str, region: str) -> Trail | None:
    """The trail to repair: ours by name, else a multi-Region trail homed here; else none.

    Raises when the only multi-Region trail is homed in another Region: a trail is managed
    from its home Region, and a second multi-Region trail here would be billed.
    """
    local = [trail for trail in trails if trail.home_region == region]
    for trail in local:
        if trail.name == name:
            return trail
    homed_here = pick_candidate(local, region)
    if homed_here is not None:
        return homed_here
    elsewhere = pick_candidate(trails, region)
    if elsewhere is not None:
        raise WizardError(
            f"Trail {elsewhere.name} is a multi-Region trail managed from "
            f"{elsewhere.home_region}: run the wizard with --region {elsewhere.home_region} to "
            "repair it (a second multi-Region trail would be billed for every management event)."
        )
    return None


def head_bucket(account: Account, bucket: str) -> bool:
    """True when the bucket exists and is ours, False when free; raise when someone else's."""
    try:
        account.client("s3").head_bucket(Bucket=bucket)
    except ClientError as exc:
        code = error_code(exc)
        if code in _NOT_FOUND:
            return False
        if code in _FORBIDDEN:
            raise WizardError(
                f"The bucket name {bucket} belongs to another AWS account (S3 names are global): "
                "pick another name with --trail-bucket."
            ) from exc
        raise
    return True


def read_bucket(account: Account, bucket: str, trail: Trail) -> Bucket:
    """Read an existing bucket's state for planning (three calls at once)."""
    with ThreadPoolExecutor(max_workers=3, thread_name_prefix="cloudtrail-plan") as pool:
        reads = submit_bucket_reads(pool, account.client("s3"), bucket, trail.account_id)
        found = bucket_from(reads, bucket, trail)
    if found.unreadable:
        raise WizardError(f"Cannot plan this step: {found.unreadable}.")
    return found


def plan_bucket(draft: Draft, account: Account, bucket: Bucket, trail: Trail) -> None:
    """Bucket changes: create, block public access, version, and the CloudTrail policy."""
    arn = f"arn:{trail.partition}:s3:::{bucket.name}"
    region = account.region
    name = bucket.name
    draft.facts["bucket"] = name
    if not bucket.exists:
        where = "" if region == "us-east-1" else f" (LocationConstraint {region})"
        params: dict[str, Any] = {"Bucket": name}
        if region != "us-east-1":
            params["CreateBucketConfiguration"] = {"LocationConstraint": region}
        draft.add(
            "s3:CreateBucket",
            arn,
            f"a private bucket to hold the logs, in {region}{where}",
            params,
            done=f"Created S3 bucket {name} in {region}",
        )
    if not bucket.public_access_blocked:
        draft.add(
            "s3:PutPublicAccessBlock",
            arn,
            "all four Block Public Access flags on "
            "(Security Hub CloudTrail.6): audit logs must never be public",
            {"Bucket": name, "PublicAccessBlockConfiguration": {flag: True for flag in PAB_FLAGS}},
            done=f"Blocked all public access to bucket {name}",
        )
    if bucket.versioning != "Enabled":
        draft.add(
            "s3:PutBucketVersioning",
            arn,
            "versioning on, so an overwritten or deleted log file can be recovered",
            {"Bucket": name, "VersioningConfiguration": {"Status": "Enabled"}},
            done=f"Turned on versioning for bucket {name}",
        )
    if not bucket.policy_ok:
        plan_bucket_policy(draft, bucket, trail)


def _before_after(what: str, before: Any, after: Any) -> str:
    """A plan note showing a policy before and after the change, so the owner sees both."""
    shown = json.dumps(before, indent=1) if before else "(none)"
    return f"{what} before:\n{shown}\n{what} after:\n{json.dumps(after, indent=1)}"


def plan_bucket_policy(draft: Draft, bucket: Bucket, trail: Trail) -> None:
    """One PutBucketPolicy: denials removed or narrowed, CloudTrail's statements merged in.

    The write statement covers the trail's own ``S3KeyPrefix`` (``BUCKET/PREFIX/AWSLogs/…``).
    """
    arn = f"arn:{trail.partition}:s3:::{bucket.name}"
    wanted = assets.policy(
        "cloudtrail-bucket",
        key_prefix=key_path(trail),
        partition=trail.partition,
        bucket=bucket.name,
        trail_arn=trail.arn,
        account_id=trail.account_id,
    )
    cleaned, said = without_denials(bucket.policy, bucket.judgement.denied_by, trail.arn)
    policy = merged_policy(cleaned, wanted)
    kept = len(as_list(cleaned.get("Statement"))) if bucket.policy else 0
    keeping = f", keeping its {kept} other statement(s)" if kept else ""
    if bucket.judgement.uncovered_prefix:
        said.append(f"covers the trail's key prefix {key_path(trail)}")
    draft.add(
        "s3:PutBucketPolicy",
        arn,
        "; ".join(
            [
                *said,
                "lets only this trail write under "
                f"{key_path(trail)}AWSLogs/{trail.account_id}/ and refuses unencrypted "
                f"transport{keeping}",
            ]
        ),
        {"Bucket": bucket.name, "Policy": json.dumps(policy)},
        done=f"Set the policy on bucket {bucket.name} so CloudTrail can deliver logs",
    )
    if bucket.policy:
        draft.notes.append(_before_after(f"Bucket policy of {bucket.name}", bucket.policy, policy))


def find_alias(account: Account, alias: str) -> dict[str, Any] | None:
    """The key an alias points to (``DescribeKey`` metadata), or None when there is none."""
    try:
        metadata: dict[str, Any] = account.client("kms").describe_key(KeyId=alias)["KeyMetadata"]
    except ClientError as exc:
        if error_code(exc) == "NotFoundException":
            return None
        raise
    return metadata


# Tags a key with the alias it was made for, so that a run whose CreateKey answer was lost (the
# key exists, the alias does not yet) finds that key again instead of paying for a second one.
KEY_FOR_ALIAS_TAG = "aws-setup-wizard:alias"


def plan_new_key(draft: Draft, account: Account, settings: Settings, trail: Trail) -> None:
    """KMS changes when the trail has no key: reuse the alias's key, else create one."""
    metadata = find_alias(account, settings.kms_alias)
    key_arn_hint = f"{settings.kms_alias} (new key in {account.region})"
    alias = settings.kms_alias
    if metadata is None:
        key_policy = assets.policy(
            "cloudtrail-kms-key",
            partition=trail.partition,
            trail_arn=trail.arn,
            account_id=trail.account_id,
        )
        draft.facts["kms_key"] = Ref("kms_key_arn")
        draft.add(
            "kms:CreateKey",
            key_arn_hint,
            "a customer managed key that only this trail "
            "may encrypt with (Security Hub CloudTrail.2, CIS 3.5); billed monthly",
            {
                "Policy": json.dumps(key_policy),
                "Description": f"CloudTrail log encryption ({trail.arn}), made by aws-setup-wizard",
                "Tags": [
                    {"TagKey": "created-by", "TagValue": "aws-setup-wizard"},
                    {"TagKey": KEY_FOR_ALIAS_TAG, "TagValue": alias},
                ],
            },
            outputs={"kms_key_arn": "KeyMetadata.Arn"},
            done="Created KMS key {kms_key_arn}",
        )
        draft.add(
            "kms:CreateAlias",
            alias,
            "a readable name for the key, which also lets a re-run find and reuse it",
            {"AliasName": alias, "TargetKeyId": Ref("kms_key_arn")},
            done=f"Created alias {alias} for key " + "{kms_key_arn}",
        )
        draft.add(
            "kms:EnableKeyRotation",
            key_arn_hint,
            "yearly automatic rotation (Security Hub KMS.4, CIS 3.6)",
            {"KeyId": Ref("kms_key_arn")},
            done="Turned on automatic rotation for KMS key {kms_key_arn}",
        )
        return
    arn = str(metadata["Arn"])
    kms = account.client("kms", _region_of(arn, account.region))
    policy = _key_policy(kms, arn)
    judgement = judge_key_policy(policy, arn, trail)
    draft.facts["kms_key"] = arn
    fit = (
        ""
        if judgement.ok
        else (
            ": its key policy does not let CloudTrail use it for this trail, so the plan adds "
            "CloudTrail's statements to it (kms:PutKeyPolicy)"
        )
    )
    draft.notes.append(f"Reusing KMS key {arn}, found by alias {alias}{fit}.")
    plan_key_repair(
        draft,
        KeyRepair(arn, str(metadata.get("KeyState")), policy, judgement, _rotation(kms, arn)),
        trail,
        account.region,
    )


@dataclass(frozen=True)
class KeyRepair:
    """What planning needs to know about an existing key to make it usable for the trail."""

    arn: str
    state: str
    policy: dict[str, Any] | None
    judgement: PolicyJudgement
    rotation: bool | None


def plan_key_repair(draft: Draft, key: KeyRepair, trail: Trail, default_region: str) -> None:
    """Make an existing key usable, in the only order KMS accepts.

    A key pending deletion is first un-scheduled (KMS then leaves it *Disabled*), a disabled
    key is enabled, and only then is rotation turned on: KMS refuses ``EnableKeyRotation`` on
    a key that is not enabled (KMS Developer Guide, "Key states of AWS KMS keys").
    """
    region = _region_of(key.arn, default_region)
    if key.state == "PendingDeletion":
        draft.add(
            "kms:CancelKeyDeletion",
            key.arn,
            "cancels the scheduled deletion: once deleted, every log it encrypted is "
            "unreadable forever (KMS leaves the key disabled, so it is enabled next)",
            {"KeyId": key.arn},
            region=region,
            done=f"Cancelled the deletion of KMS key {key.arn}",
        )
    if key.state in ("PendingDeletion", "Disabled"):
        draft.add(
            "kms:EnableKey",
            key.arn,
            "re-enables the trail's key: while it is disabled CloudTrail cannot encrypt, so "
            "no log is delivered",
            {"KeyId": key.arn},
            region=region,
            done=f"Enabled KMS key {key.arn}",
        )
    elif key.state != "Enabled":
        raise WizardError(
            f"KMS key {key.arn} is in state {key.state}, which this tool cannot repair: "
            "give the trail another key (--kms-alias with a new alias)."
        )
    if not key.judgement.ok:
        plan_key_policy(draft, key, trail, region)
    if key.rotation is not True:
        plan_rotation(draft, key.arn, default_region)


def plan_key_policy(draft: Draft, key: KeyRepair, trail: Trail, region: str) -> None:
    """One PutKeyPolicy: denials of CloudTrail removed or narrowed, our statements merged."""
    wanted = assets.policy(
        "cloudtrail-kms-key",
        partition=trail.partition,
        trail_arn=trail.arn,
        account_id=trail.account_id,
    )
    cleaned, said = without_denials(key.policy, key.judgement.denied_by, trail.arn)
    policy = merged_policy(cleaned, wanted)
    kept = len(as_list(cleaned.get("Statement"))) if key.policy else 0
    ours = ", ".join(str(s["Sid"]) for s in as_list(wanted["Statement"]))
    draft.add(
        "kms:PutKeyPolicy",
        key.arn,
        "; ".join(
            [
                *said,
                f"adds {ours} so CloudTrail may encrypt this trail's logs and the account may "
                f"decrypt them, keeping its {kept} other statement(s)",
            ]
        ),
        {"KeyId": key.arn, "PolicyName": "default", "Policy": json.dumps(policy)},
        region=region,
        done=f"Set the key policy of {key.arn} so CloudTrail can encrypt its logs",
    )
    draft.notes.append(_before_after(f"Key policy of {key.arn}", key.policy, policy))


def plan_rotation(draft: Draft, key_arn: str, default_region: str) -> None:
    """Turn on rotation for an existing key (through a client in the key's Region)."""
    draft.add(
        "kms:EnableKeyRotation",
        key_arn,
        "yearly automatic rotation (Security Hub KMS.4, CIS 3.6)",
        {"KeyId": key_arn},
        region=_region_of(key_arn, default_region),
        done=f"Turned on automatic rotation for KMS key {key_arn}",
    )


def planned_trail(account: Account, name: str, bucket: str) -> Trail:
    """The trail the plan will create, with the ARN AWS will give it."""
    return Trail(
        name=name,
        arn=f"arn:{account.partition}:cloudtrail:{account.region}:{account.account_id}:trail/{name}",
        home_region=account.region,
        bucket=bucket,
        multi_region=False,
        global_events=False,
        validation=False,
        kms_key_id=None,
    )


def plan_new_trail(draft: Draft, account: Account, settings: Settings) -> None:
    """Everything for a new trail: bucket, key, CreateTrail, StartLogging."""
    trail = planned_trail(account, settings.trail_name, settings.bucket)
    if head_bucket(account, settings.bucket):
        bucket = read_bucket(account, settings.bucket, trail)
    else:
        bucket = Bucket(settings.bucket, exists=False)
    plan_bucket(draft, account, bucket, trail)
    settings_wanted: dict[str, Any] = dict(WANTED_TRAIL_SETTINGS)
    if settings.use_kms:
        plan_new_key(draft, account, settings, trail)
        settings_wanted["KmsKeyId"] = draft.facts["kms_key"]
    draft.add(
        "cloudtrail:CreateTrail",
        trail.arn,
        "multi-Region, global service events, log "
        "file validation" + (", KMS encryption" if settings.use_kms else ""),
        {"Name": trail.name, "S3BucketName": settings.bucket, **settings_wanted},
        done=f"Created multi-Region trail {trail.arn}",
        retry=draft.after_policy_of(settings.bucket),
    )
    draft.add(
        "cloudtrail:StartLogging",
        trail.arn,
        "a trail made through the API records nothing until logging is started",
        {"Name": trail.arn},
        done=f"Started logging on trail {trail.arn}",
    )


def plan_repair(draft: Draft, account: Account, facts: Facts, settings: Settings) -> None:
    """Changes that bring an existing trail up to standard, using its own bucket and key."""
    trail = facts.trail
    home = trail.home_region
    plan_bucket(draft, account, facts.bucket, trail)
    key = facts.key
    new_key = settings.use_kms and (trail.kms_key_id is None or not key.found)
    if new_key:
        plan_new_key(draft, account, settings, trail)
    elif key.arn is not None and key.found:
        # The trail's own key, repaired in place whatever the options say: while it is
        # unusable, no log is delivered at all.
        state = key.state or "Enabled"
        repair = KeyRepair(
            key.arn, state, dict(key.policy or {}) or None, key.judgement, key.rotation
        )
        plan_key_repair(draft, repair, trail, account.region)
    current = {
        "IsMultiRegionTrail": trail.multi_region,
        "IncludeGlobalServiceEvents": trail.global_events,
        "EnableLogFileValidation": trail.validation,
    }
    differ: dict[str, Any] = {k: v for k, v in WANTED_TRAIL_SETTINGS.items() if current[k] != v}
    if differ or new_key:
        what = [*differ, *(["KmsKeyId"] if new_key else [])]
        if new_key:
            differ["KmsKeyId"] = draft.facts["kms_key"]
        draft.add(
            "cloudtrail:UpdateTrail",
            trail.arn,
            f"sets {', '.join(what)}",
            {"Name": trail.arn, **differ},
            region=home,
            done=f"Updated trail {trail.arn}: {', '.join(what)}",
            retry=draft.after_policy_of(trail.bucket),
        )
    if not facts.management_read_write:
        draft.add(
            "cloudtrail:PutEventSelectors",
            trail.arn,
            "records every read and write "
            "management event (ReadWriteType All), keeping any data-event selectors",
            {"TrailName": trail.arn, **fixed_selectors(facts.selectors)},
            region=home,
            done=f"Trail {trail.arn} now records all read and write management events",
        )
    if not facts.status.get("IsLogging"):
        draft.add(
            "cloudtrail:StartLogging",
            trail.arn,
            "logging is stopped: nothing is recorded until it starts again",
            {"Name": trail.arn},
            region=home,
            done=f"Started logging on trail {trail.arn}",
        )


def repair_note(trail: Trail, settings: Settings) -> str:
    """Tell the owner which trail is repaired and why no second one is created."""
    ignored = []
    if settings.bucket != trail.bucket:
        ignored.append(f"its own bucket {trail.bucket}")
    if trail.kms_key_id:
        ignored.append(f"its own KMS key {trail.kms_key_id}")
    uses = f", using {' and '.join(ignored)}" if ignored else ""
    return (
        f"Repairing the existing multi-Region trail {trail.name} (homed in {trail.home_region})"
        f"{uses}: a second multi-Region trail would be charged for every management event it "
        "records."
    )
