"""Facts: what the check read about one trail, its bucket and its key, as plain values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from wizard.model import Check
from wizard.steps.cloudtrail.judgements import records_all_management_events

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
