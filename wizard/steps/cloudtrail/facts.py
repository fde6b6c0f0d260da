"""Facts: what the check read about one trail, its bucket and its key, as plain values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aws_setup_wizard.model import Check
from aws_setup_wizard.steps.cloudtrail.judgements import (
    PolicyJudgement,
    records_all_management_events,
)

PAB_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


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
    s3_key_prefix: str | None = None

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
            s3_key_prefix=str(raw["S3KeyPrefix"]) if raw.get("S3KeyPrefix") else None,
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
    judgement: PolicyJudgement = PolicyJudgement(ok=False)
    unreadable: str | None = None

    @property
    def policy_ok(self) -> bool:
        """True when the policy lets CloudTrail deliver and no Deny stops it."""
        return self.judgement.ok

    @property
    def public_access_blocked(self) -> bool:
        """True when all four Block Public Access flags are on."""
        return all(self.pab.get(flag) is True for flag in PAB_FLAGS)


@dataclass(frozen=True)
class Key:
    """The trail's KMS key: exists, its state, its policy, rotation; ``unreadable`` when unknown.

    ``rotation`` is ``None`` when KMS would not say (a key pending deletion): it is planned
    again once the key is enabled.
    """

    arn: str | None
    found: bool = False
    rotation: bool | None = False
    state: str | None = None
    deletion_date: str | None = None
    policy: Mapping[str, Any] | None = None
    judgement: PolicyJudgement = PolicyJudgement(ok=False)
    unreadable: str | None = None

    @property
    def enabled(self) -> bool:
        """True when KMS can use the key (``KeyState`` is ``Enabled``)."""
        return self.state == "Enabled"

    def requirements(self) -> dict[str, bool | None]:
        """Encrypted, usable (enabled, a policy CloudTrail can use) and rotating."""
        names = ("kms_encrypted", "kms_key_enabled", "kms_key_policy_ok", "kms_key_rotation")
        if self.arn is None:  # no key: its state and policy do not apply
            return {"kms_encrypted": False, "kms_key_rotation": False}
        if self.unreadable is not None:
            return dict.fromkeys(names, None)
        if not self.found:
            return dict.fromkeys(names, False)
        return {
            "kms_encrypted": True,
            "kms_key_enabled": self.enabled,
            "kms_key_policy_ok": self.judgement.ok,
            "kms_key_rotation": self.rotation is True,
        }


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

    @property
    def delivery_error(self) -> str | None:
        """AWS's error for the latest log delivery, if it failed."""
        return str(self.status.get("LatestDeliveryError") or "") or None

    @property
    def digest_error(self) -> str | None:
        """AWS's error for the latest digest delivery, if it failed (validation on only)."""
        if not self.trail.validation:
            return None
        return str(self.status.get("LatestDigestDeliveryError") or "") or None

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
            "latest_delivery_succeeded": self.delivery_error is None,
            "latest_digest_delivery_succeeded": self.digest_error is None,
        }


@dataclass(frozen=True)
class Inspection:
    """A check's reads and verdict, kept so that ``plan`` does not read everything twice."""

    trails: tuple[Trail, ...]
    facts: Facts | None
    check: Check
