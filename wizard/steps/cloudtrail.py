"""CloudTrail: one multi-Region trail recording every management event, stored safely.

Security Hub CloudTrail.1/.2/.4/.6 and KMS.4, CIS AWS Foundations v3.0 3.1, 3.2, 3.5 and 3.6.
The check reads one trail (a multi-Region trail, preferably homed in this Region) with at most
seven API calls, six of them concurrent. The plan repairs an existing multi-Region trail rather
than creating a second one, because CloudTrail charges for every copy of management events
after the first.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from fnmatch import fnmatchcase
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

import assets
from wizard.account import Account
from wizard.errors import WizardError, describe_error, error_code
from wizard.model import Change, Check, Outcome, Plan, ProgressFn, Status
from wizard.options import Option, bucket_name, kms_alias, trail_name
from wizard.steps.base import OptionValues, Step, call, require_known, unknown

SERVICE_PRINCIPAL = "cloudtrail.amazonaws.com"
PAB_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
# The selector AWS gives a new trail: all management events, read and write.
MANAGEMENT_SELECTOR: dict[str, Any] = {
    "ReadWriteType": "All",
    "IncludeManagementEvents": True,
    "DataResources": [],
}
MANAGEMENT_ADVANCED_SELECTOR: dict[str, Any] = {
    "Name": "Management events (read and write)",
    "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}],
}
WANTED_TRAIL_SETTINGS: dict[str, bool] = {
    "IsMultiRegionTrail": True,
    "IncludeGlobalServiceEvents": True,
    "EnableLogFileValidation": True,
}
ReadError = (ClientError, BotoCoreError)
_NOT_FOUND = {"404", "NoSuchBucket", "NotFound"}
_FORBIDDEN = {"403", "AccessDenied", "Forbidden"}


# -- facts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trail:
    """One trail as ``DescribeTrails`` shows it (shadow trails included)."""

    name: str
    arn: str
    home_region: str
    bucket: str
    multi_region: bool
    global_events: bool
    validation: bool
    kms_key_id: str | None

    @classmethod
    def from_api(cls, raw: Mapping[str, Any]) -> Trail:
        """Build from one ``trailList`` entry."""
        arn = str(raw["TrailARN"])
        return cls(
            name=str(raw["Name"]),
            arn=arn,
            home_region=str(raw.get("HomeRegion") or arn.split(":")[3]),
            bucket=str(raw.get("S3BucketName") or ""),
            multi_region=bool(raw.get("IsMultiRegionTrail")),
            global_events=bool(raw.get("IncludeGlobalServiceEvents")),
            validation=bool(raw.get("LogFileValidationEnabled")),
            kms_key_id=str(raw["KmsKeyId"]) if raw.get("KmsKeyId") else None,
        )

    @property
    def account_id(self) -> str:
        """The account that owns the trail (from its ARN: no STS call needed)."""
        return self.arn.split(":")[4]

    @property
    def partition(self) -> str:
        """The trail's ARN partition."""
        return self.arn.split(":")[1]


@dataclass(frozen=True)
class Bucket:
    """What the trail's bucket looks like; ``unreadable`` says why a part could not be read."""

    name: str
    exists: bool = True
    pab: Mapping[str, bool] = field(default_factory=dict)
    versioning: str = "Off"
    policy: Mapping[str, Any] | None = None
    policy_ok: bool = False
    unreadable: str | None = None

    @property
    def public_access_blocked(self) -> bool:
        """True when all four Block Public Access flags are on."""
        return all(self.pab.get(flag) is True for flag in PAB_FLAGS)


@dataclass(frozen=True)
class Key:
    """The trail's KMS key: whether it exists and rotates; ``unreadable`` when unknown."""

    arn: str | None
    found: bool = False
    rotation: bool = False
    unreadable: str | None = None

    def requirements(self) -> dict[str, bool | None]:
        """Encrypted (a key is set and exists) and rotating; ``None`` where unreadable."""
        if self.arn is None:
            return {"kms_encrypted": False, "kms_key_rotation": False}
        if self.unreadable is not None:
            return {"kms_encrypted": None, "kms_key_rotation": None}
        return {"kms_encrypted": self.found, "kms_key_rotation": self.found and self.rotation}


@dataclass(frozen=True)
class Facts:
    """Everything the check read about one trail."""

    trail: Trail
    status: Mapping[str, Any]
    selectors: Mapping[str, Any]
    bucket: Bucket
    key: Key

    @property
    def management_read_write(self) -> bool:
        """True when the selectors record every read and write management event."""
        return records_all_management_events(self.selectors)

    def requirements(self) -> dict[str, bool | None]:
        """Each requirement as a bool; ``None`` where it could not be read."""
        trail, bucket = self.trail, self.bucket
        bucket_known = bucket.unreadable is None
        return {
            "multi_region": trail.multi_region,
            "include_global_service_events": trail.global_events,
            "is_logging": bool(self.status.get("IsLogging")),
            "management_events_read_write": self.management_read_write,
            "log_file_validation": trail.validation,
            **self.key.requirements(),
            "bucket_public_access_blocked": bucket.public_access_blocked if bucket_known else None,
            "bucket_versioning": bucket.versioning == "Enabled" if bucket_known else None,
            "bucket_policy_ok": bucket.policy_ok if bucket_known else None,
        }


@dataclass(frozen=True)
class Inspection:
    """A check's reads and verdict, kept so that ``plan`` does not read everything twice."""

    trails: tuple[Trail, ...]
    facts: Facts | None
    check: Check


# -- pure judgements -------------------------------------------------------------------------


def as_list(value: Any) -> list[Any]:
    """IAM policy fields hold a string or a list: always a list."""
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def records_all_management_events(selectors: Mapping[str, Any]) -> bool:
    """True when classic or advanced selectors record all read+write management events."""
    for selector in selectors.get("EventSelectors") or []:
        if (
            selector.get("ReadWriteType") == "All"
            and selector.get("IncludeManagementEvents") is True
            and not selector.get("ExcludeManagementEventSources")
        ):
            return True
    return any(_is_full_management(s) for s in selectors.get("AdvancedEventSelectors") or [])


def _is_full_management(selector: Mapping[str, Any]) -> bool:
    fields = {f.get("Field"): f for f in selector.get("FieldSelectors") or []}
    category = fields.get("eventCategory") or {}
    # A readOnly or eventSource filter means some management events are not recorded.
    return category.get("Equals") == ["Management"] and not {"readOnly", "eventSource"} & set(
        fields
    )


def _principal_is_cloudtrail(statement: Mapping[str, Any]) -> bool:
    principal = statement.get("Principal")
    if not isinstance(principal, Mapping):
        return False
    return SERVICE_PRINCIPAL in as_list(principal.get("Service"))


def _matches(patterns: Iterable[Any], value: str, *, ignore_case: bool = False) -> bool:
    if ignore_case:
        return any(fnmatchcase(value.lower(), str(p).lower()) for p in patterns)
    return any(fnmatchcase(value, str(p)) for p in patterns)


def _conditions_allow(conditions: Mapping[str, Any], trail_arn: str, account_id: str) -> bool:
    """False when a SourceArn/SourceAccount condition names another trail or account."""
    expected = {"aws:sourcearn": trail_arn, "aws:sourceaccount": account_id}
    for operator, block in conditions.items():
        like = "Like" in operator
        for key, values in (block or {}).items():
            wanted = expected.get(str(key).lower())
            if wanted is None:
                continue  # e.g. s3:x-amz-acl, which CloudTrail always sends
            patterns = as_list(values)
            if not (_matches(patterns, wanted) if like else wanted in patterns):
                return False
    return True


def _allows(statement: Mapping[str, Any], action: str, resource: str, trail: Trail) -> bool:
    return (
        statement.get("Effect") == "Allow"
        and _principal_is_cloudtrail(statement)
        and _matches(as_list(statement.get("Action")), action, ignore_case=True)
        and _matches(as_list(statement.get("Resource")), resource)
        and _conditions_allow(statement.get("Condition") or {}, trail.arn, trail.account_id)
    )


def bucket_policy_ok(policy: Mapping[str, Any] | None, bucket: str, trail: Trail) -> bool:
    """True when the policy lets CloudTrail check the ACL and write under AWSLogs/ACCOUNT/."""
    if not policy:
        return False
    base = f"arn:{trail.partition}:s3:::{bucket}"
    needed = (
        ("s3:GetBucketAcl", base),
        ("s3:PutObject", f"{base}/AWSLogs/{trail.account_id}/*"),
    )
    statements = as_list(policy.get("Statement"))
    return all(
        any(_allows(statement, action, resource, trail) for statement in statements)
        for action, resource in needed
    )


def merged_policy(existing: Mapping[str, Any] | None, wanted: Mapping[str, Any]) -> dict[str, Any]:
    """Our statements added to the bucket's own, replacing any with the same Sid."""
    ours = as_list(wanted["Statement"])
    sids = {statement.get("Sid") for statement in ours}
    kept = [s for s in as_list((existing or {}).get("Statement")) if s.get("Sid") not in sids]
    return {"Version": "2012-10-17", "Statement": [*kept, *ours]}


def fixed_selectors(current: Mapping[str, Any]) -> dict[str, Any]:
    """Selectors recording all management events, keeping any data-event selectors."""
    advanced = current.get("AdvancedEventSelectors") or []
    if advanced:
        data = [s for s in advanced if not _is_management(s)]
        return {"AdvancedEventSelectors": [MANAGEMENT_ADVANCED_SELECTOR, *data]}
    data_only = [
        {
            **{k: v for k, v in s.items() if k != "ExcludeManagementEventSources"},
            "IncludeManagementEvents": False,
        }
        for s in current.get("EventSelectors") or []
        if s.get("DataResources")
    ]
    return {"EventSelectors": [MANAGEMENT_SELECTOR, *data_only]}


def _is_management(selector: Mapping[str, Any]) -> bool:
    fields = {f.get("Field"): f for f in selector.get("FieldSelectors") or []}
    return (fields.get("eventCategory") or {}).get("Equals") == ["Management"]


def pick_candidate(trails: Iterable[Trail], region: str) -> Trail | None:
    """The multi-Region trail to judge: one homed in this Region first, then by name."""
    multi = [trail for trail in trails if trail.multi_region]
    multi.sort(key=lambda trail: (trail.home_region != region, trail.name))
    return multi[0] if multi else None


def _region_of(arn: str | None, default: str) -> str:
    parts = (arn or "").split(":")
    return parts[3] if len(parts) > 5 and parts[0] == "arn" and parts[3] else default


def _stamp(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value) if value else None


# -- reading ---------------------------------------------------------------------------------


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


# -- verdicts --------------------------------------------------------------------------------

_MISSING = {
    "multi_region": "it records only its home Region",
    "include_global_service_events": "global service events (IAM, STS, CloudFront) are off",
    "is_logging": "logging is stopped",
    "management_events_read_write": "it does not record every read and write management event",
    "log_file_validation": "log file validation is off",
    "kms_encrypted": "its logs are not encrypted with a KMS key",
    "kms_key_rotation": "KMS key rotation is off",
    "bucket_public_access_blocked": "its bucket does not block all public access",
    "bucket_versioning": "bucket versioning is off",
    "bucket_policy_ok": "the bucket policy does not let CloudTrail deliver logs",
}


def evidence_of(facts: Facts) -> dict[str, Any]:
    """The facts a JSON report shows: what was read, each requirement, and what failed."""
    trail, status = facts.trail, facts.status
    return {
        "trail_name": trail.name,
        "trail_arn": trail.arn,
        "home_region": trail.home_region,
        "bucket": trail.bucket,
        "bucket_exists": facts.bucket.exists,
        "bucket_public_access_block": dict(facts.bucket.pab),
        "bucket_versioning_status": facts.bucket.versioning,
        "kms_key_arn": trail.kms_key_id,
        "is_logging": bool(status.get("IsLogging")),
        "logging_since": _stamp(status.get("StartLoggingTime")),
        "latest_delivery_error": status.get("LatestDeliveryError") or None,
        "requirements": facts.requirements(),
        "unreadable": [n for n in (facts.bucket.unreadable, facts.key.unreadable) if n],
    }


def problems_of(facts: Facts) -> list[str]:
    """The phrases naming each definite failure (parts that could not be read excluded)."""
    requirements, key, bucket = facts.requirements(), facts.key, facts.bucket
    problems: list[str] = []
    skip: set[str] = set()
    if requirements["kms_encrypted"] is False:
        skip.add("kms_key_rotation")  # rotation means nothing without a key
    if key.arn is not None and requirements["kms_encrypted"] is False:
        problems.append(f"its KMS key {key.arn} no longer exists")
        skip.add("kms_encrypted")
    if not bucket.exists:
        problems.append(f"its bucket {bucket.name} does not exist")
        skip |= {"bucket_public_access_blocked", "bucket_versioning", "bucket_policy_ok"}
    problems += [
        phrase
        for name, phrase in _MISSING.items()
        if requirements[name] is False and name not in skip
    ]
    return problems


def verdict(facts: Facts) -> Check:
    """Pass only when every requirement is met; unknown when any part could not be read."""
    evidence = evidence_of(facts)
    name, problems, notes = facts.trail.name, problems_of(facts), evidence["unreadable"]
    if notes:
        extra = f"; it also falls short: {', '.join(problems)}" if problems else ""
        summary = f"Could not fully check trail {name}: {'; '.join(notes)}{extra}."
        return Check(Status.UNKNOWN, summary, evidence)
    if problems:
        return Check(Status.FAIL, f"Trail {name} falls short: {_join(problems)}.", evidence)
    since = evidence["logging_since"]
    return Check(
        Status.PASS,
        f"Trail {name} records management events in every Region, encrypted with KMS, "
        f"with validated log files, logging{f' since {since}' if since else ''}.",
        evidence,
    )


def _join(phrases: list[str]) -> str:
    return phrases[0] if len(phrases) == 1 else f"{', '.join(phrases[:-1])} and {phrases[-1]}"


def no_trail(trails: tuple[Trail, ...]) -> Check:
    """The failing check when no multi-Region trail exists (naming single-Region ones)."""
    names = [f"{trail.name} ({trail.home_region})" for trail in trails]
    found = f"; single-Region trails found: {', '.join(names)}" if names else ""
    return Check(
        Status.FAIL,
        f"No multi-Region trail records this account's activity{found}.",
        {"trails": [trail.arn for trail in trails], "multi_region_trail": None},
    )


# -- planning --------------------------------------------------------------------------------


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


@dataclass
class Draft:
    """A plan being built: changes in apply order, notes, and the context apply needs."""

    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)

    def add(self, action: str, resource: str, why: str) -> None:
        """Append one change."""
        self.changes.append(Change(action=action, resource=resource, why=why))


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
        found = bucket_from(submit_bucket_reads(pool, account.client("s3"), bucket), bucket, trail)
    if found.unreadable:
        raise WizardError(f"Cannot plan this step: {found.unreadable}.")
    return found


def plan_bucket(draft: Draft, account: Account, bucket: Bucket, trail: Trail) -> None:
    """Bucket changes: create, block public access, version, and the CloudTrail policy."""
    arn = f"arn:{trail.partition}:s3:::{bucket.name}"
    region = account.region
    draft.context["bucket"] = bucket.name
    if not bucket.exists:
        where = "" if region == "us-east-1" else f" (LocationConstraint {region})"
        draft.add("s3:CreateBucket", arn, f"a private bucket to hold the logs, in {region}{where}")
    if not bucket.public_access_blocked:
        draft.add(
            "s3:PutPublicAccessBlock",
            arn,
            "all four Block Public Access flags on "
            "(Security Hub CloudTrail.6): audit logs must never be public",
        )
    if bucket.versioning != "Enabled":
        draft.add(
            "s3:PutBucketVersioning",
            arn,
            "versioning on, so an overwritten or deleted log file can be recovered",
        )
    if not bucket.policy_ok:
        wanted = assets.policy(
            "cloudtrail-bucket",
            partition=trail.partition,
            bucket=bucket.name,
            trail_arn=trail.arn,
            account_id=trail.account_id,
        )
        draft.context["bucket_policy"] = json.dumps(merged_policy(bucket.policy, wanted))
        kept = len(as_list((bucket.policy or {}).get("Statement")))
        keeping = f", keeping its {kept} existing statement(s)" if kept else ""
        draft.add(
            "s3:PutBucketPolicy",
            arn,
            "lets only this trail write under "
            f"AWSLogs/{trail.account_id}/ and refuses unencrypted transport{keeping}",
        )


def find_alias(account: Account, alias: str) -> dict[str, Any] | None:
    """The key an alias points to (``DescribeKey`` metadata), or None when there is none."""
    try:
        metadata: dict[str, Any] = account.client("kms").describe_key(KeyId=alias)["KeyMetadata"]
    except ClientError as exc:
        if error_code(exc) == "NotFoundException":
            return None
        raise
    return metadata


def plan_new_key(draft: Draft, account: Account, settings: Settings, trail: Trail) -> None:
    """KMS changes when the trail has no key: reuse the alias's key, else create one."""
    metadata = find_alias(account, settings.kms_alias)
    key_arn_hint = f"{settings.kms_alias} (new key in {account.region})"
    draft.context["kms_alias"] = settings.kms_alias
    if metadata is None:
        draft.context["key_policy"] = json.dumps(
            assets.policy(
                "cloudtrail-kms-key",
                partition=trail.partition,
                trail_arn=trail.arn,
                account_id=trail.account_id,
            )
        )
        draft.add(
            "kms:CreateKey",
            key_arn_hint,
            "a customer managed key that only this trail "
            "may encrypt with (Security Hub CloudTrail.2, CIS 3.5); billed monthly",
        )
        draft.add(
            "kms:CreateAlias",
            settings.kms_alias,
            "a readable name for the key, which also lets a re-run find and reuse it",
        )
        draft.add(
            "kms:EnableKeyRotation",
            key_arn_hint,
            "yearly automatic rotation (Security Hub KMS.4, CIS 3.6)",
        )
        return
    if metadata.get("KeyState") != "Enabled":
        raise WizardError(
            f"{settings.kms_alias} points to a KMS key in state {metadata.get('KeyState')}: "
            "pick another alias with --kms-alias."
        )
    draft.context["kms_key_arn"] = str(metadata["Arn"])
    draft.notes.append(f"Reusing KMS key {metadata['Arn']}, found by alias {settings.kms_alias}.")
    if not _rotation(account.client("kms"), str(metadata["Arn"])):
        plan_rotation(draft, str(metadata["Arn"]))


def plan_rotation(draft: Draft, key_arn: str) -> None:
    """Turn on rotation for an existing key."""
    draft.context["kms_key_arn"] = key_arn
    draft.add(
        "kms:EnableKeyRotation", key_arn, "yearly automatic rotation (Security Hub KMS.4, CIS 3.6)"
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
    if settings.use_kms:
        plan_new_key(draft, account, settings, trail)
        draft.context["set_kms_key"] = True
    draft.context.update(trail_exists=False, trail_settings=dict(WANTED_TRAIL_SETTINGS))
    draft.add(
        "cloudtrail:CreateTrail",
        trail.arn,
        "multi-Region, global service events, log "
        "file validation" + (", KMS encryption" if settings.use_kms else ""),
    )
    draft.add(
        "cloudtrail:StartLogging",
        trail.arn,
        "a trail made through the API records nothing until logging is started",
    )
    draft.context["trail_arn"] = trail.arn


def plan_repair(draft: Draft, account: Account, facts: Facts, settings: Settings) -> None:
    """Changes that bring an existing trail up to standard, using its own bucket and key."""
    trail = facts.trail
    plan_bucket(draft, account, facts.bucket, trail)
    new_key = settings.use_kms and (trail.kms_key_id is None or not facts.key.found)
    if new_key:
        plan_new_key(draft, account, settings, trail)
        draft.context["set_kms_key"] = True
    elif settings.use_kms and trail.kms_key_id and not facts.key.rotation:
        plan_rotation(draft, trail.kms_key_id)
    current = {
        "IsMultiRegionTrail": trail.multi_region,
        "IncludeGlobalServiceEvents": trail.global_events,
        "EnableLogFileValidation": trail.validation,
    }
    differ = {k: v for k, v in WANTED_TRAIL_SETTINGS.items() if current[k] != v}
    draft.context.update(trail_exists=True, trail_settings=differ, trail_arn=trail.arn)
    if differ or new_key:
        what = [*differ, *(["KmsKeyId"] if new_key else [])]
        draft.add("cloudtrail:UpdateTrail", trail.arn, f"sets {', '.join(what)}")
    if not facts.management_read_write:
        draft.context["event_selectors"] = fixed_selectors(facts.selectors)
        draft.add(
            "cloudtrail:PutEventSelectors",
            trail.arn,
            "records every read and write "
            "management event (ReadWriteType All), keeping any data-event selectors",
        )
    if not facts.status.get("IsLogging"):
        draft.add(
            "cloudtrail:StartLogging",
            trail.arn,
            "logging is stopped: nothing is recorded until it starts again",
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


# -- applying --------------------------------------------------------------------------------

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


# -- the step --------------------------------------------------------------------------------

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


class CloudTrailStep(Step):
    """Record every management event, in every Region, into a locked-down bucket."""

    id = "cloudtrail"
    title = "Record account activity with CloudTrail"
    controls = (
        "Security Hub CloudTrail.1",
        "CIS AWS Foundations v3.0 3.1",
        "Security Hub CloudTrail.2",
        "CIS AWS Foundations v3.0 3.5",
        "Security Hub CloudTrail.4",
        "CIS AWS Foundations v3.0 3.2",
        "Security Hub CloudTrail.6",
        "Security Hub KMS.4",
        "CIS AWS Foundations v3.0 3.6",
    )
    options = OPTIONS
    services = ("cloudtrail", "s3", "kms")

    def inspect(self, account: Account) -> Inspection:
        """Read the best multi-Region trail and judge it (at most seven calls)."""
        try:
            trails = list_trails(account)
        except ReadError as exc:
            return Inspection((), None, unknown(exc, "the account's trails"))
        candidate = pick_candidate(trails, account.region)
        if candidate is None:
            return Inspection(trails, None, no_trail(trails))
        try:
            facts = gather(account, candidate)
        except ReadError as exc:
            return Inspection(trails, None, unknown(exc, f"the status of trail {candidate.name}"))
        return Inspection(trails, facts, verdict(facts))

    def check(self, account: Account) -> Check:
        """Pass only when a multi-Region trail meets every requirement of the controls."""
        return self.inspect(account).check

    def plan(self, account: Account, options: OptionValues) -> Plan:
        """Repair the existing trail or create one: only the changes that are needed."""
        inspection = self.inspect(account)
        require_known(inspection.check)
        if inspection.check.passed:
            return Plan(self.id)
        settings = Settings.from_options(options, account)
        draft = Draft(context={"use_kms": settings.use_kms})
        try:
            self._draft(draft, account, inspection, settings)
        except ReadError as exc:
            raise WizardError(f"Cannot plan this step: {describe_error(exc)}") from exc
        if not settings.use_kms:
            draft.notes.append(
                "Without a KMS key the logs are encrypted with S3-managed keys only: the check "
                "keeps failing Security Hub CloudTrail.2 and CIS 3.5 until a key is added."
            )
        return Plan(self.id, tuple(draft.changes), notes=tuple(draft.notes), context=draft.context)

    def _draft(
        self, draft: Draft, account: Account, inspection: Inspection, settings: Settings
    ) -> None:
        target = choose_target(inspection.trails, settings.trail_name, account.region)
        if target is None:
            plan_new_trail(draft, account, settings)
            return
        facts = inspection.facts
        if facts is None or facts.trail != target:
            facts = gather(account, target)
        if facts.bucket.unreadable or facts.key.unreadable:
            raise WizardError(
                f"Cannot plan this step: {facts.bucket.unreadable or facts.key.unreadable}."
            )
        if target.multi_region:
            draft.notes.append(repair_note(target, settings))
        elif any(trail.multi_region for trail in inspection.trails):
            draft.notes.append(
                f"Trail {target.name} becomes a second multi-Region trail: CloudTrail charges "
                "for every management event it records (the first copy is free)."
            )
        plan_repair(draft, account, facts, settings)

    def apply(self, account: Account, plan: Plan, progress: ProgressFn) -> Outcome:
        """Make each planned change in order; every one is safe to repeat after a stop."""
        state: State = dict(plan.context)
        done = [HANDLERS[change.action](account, state, progress) for change in plan.changes]
        return Outcome(self.id, done=tuple(done))
