"""The CloudTrail step's drift catalogue, as data: how an owner or attacker breaks a finished
account, what the check must then say, and the exact repair the plan must hold.

Each entry's ``drift`` receives boto3 clients signed with the sandbox's console session (as
the AWS CLI in CloudShell would be) and the ``done`` scenario's names; it makes only calls a
person could make. ``reason`` is a phrase the failing summary must contain; ``repair`` the
plan's actions, in order. ``deliver`` says a simulated delivery must happen after the drift
(the failure shows in ``GetTrailStatus``) and again after the repair; ``options`` are the
step options the repair is planned with.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aws_setup_wizard.sandbox.scenarios import KMS_ALIAS, TRAIL_NAME, bucket_name

Clients = Callable[[str], Any]


@dataclass(frozen=True)
class World:
    """What a drift needs to know about the ``done`` account."""

    clients: Clients
    account_id: str
    region: str

    @property
    def bucket(self) -> str:
        """The trail's bucket."""
        return bucket_name(self.account_id)

    @property
    def trail_arn(self) -> str:
        """The trail's ARN."""
        return f"arn:aws:cloudtrail:{self.region}:{self.account_id}:trail/{TRAIL_NAME}"

    def key_arn(self) -> str:
        """The trail's KMS key ARN, as DescribeTrails shows it."""
        trail = self.clients("cloudtrail").describe_trails(trailNameList=[TRAIL_NAME])
        return str(trail["trailList"][0]["KmsKeyId"])

    def add_bucket_statement(self, statement: dict[str, Any]) -> None:
        """Append one statement to the bucket policy."""
        s3 = self.clients("s3")
        policy = json.loads(s3.get_bucket_policy(Bucket=self.bucket)["Policy"])
        policy["Statement"].append(statement)
        s3.put_bucket_policy(Bucket=self.bucket, Policy=json.dumps(policy))


@dataclass(frozen=True)
class Drift:
    """One catalogue entry; see the module docstring."""

    name: str
    drift: Callable[[World], None]
    reason: str
    repair: tuple[str, ...]
    status: str = "fail"
    deliver: bool = False
    options: tuple[tuple[str, str], ...] = ()


def _stop_logging(w: World) -> None:
    w.clients("cloudtrail").stop_logging(Name=TRAIL_NAME)


def _single_region(w: World) -> None:
    w.clients("cloudtrail").update_trail(Name=TRAIL_NAME, IsMultiRegionTrail=False)


def _validation_off(w: World) -> None:
    w.clients("cloudtrail").update_trail(Name=TRAIL_NAME, EnableLogFileValidation=False)


def _write_only(w: World) -> None:
    w.clients("cloudtrail").put_event_selectors(
        TrailName=TRAIL_NAME,
        EventSelectors=[{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}],
    )


def _advanced_without_management(w: World) -> None:
    w.clients("cloudtrail").put_event_selectors(
        TrailName=TRAIL_NAME,
        AdvancedEventSelectors=[
            {
                "Name": "S3 data events only",
                "FieldSelectors": [
                    {"Field": "eventCategory", "Equals": ["Data"]},
                    {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                ],
            }
        ],
    )


def _versioning_suspended(w: World) -> None:
    w.clients("s3").put_bucket_versioning(
        Bucket=w.bucket, VersioningConfiguration={"Status": "Suspended"}
    )


def _public_access_removed(w: World) -> None:
    w.clients("s3").delete_public_access_block(Bucket=w.bucket)


def _bucket_deleted(w: World) -> None:
    s3 = w.clients("s3")
    # The policy refuses requests without TLS (the sandbox speaks plain HTTP), so an attacker
    # with admin rights drops it first, then empties the bucket and deletes it.
    s3.delete_bucket_policy(Bucket=w.bucket)
    versions = s3.list_object_versions(Bucket=w.bucket)
    for item in [*versions.get("Versions", []), *versions.get("DeleteMarkers", [])]:
        s3.delete_object(Bucket=w.bucket, Key=item["Key"], VersionId=item["VersionId"])
    s3.delete_bucket(Bucket=w.bucket)


def _key_disabled(w: World) -> None:
    w.clients("kms").disable_key(KeyId=w.key_arn())


def _key_pending_deletion(w: World) -> None:
    w.clients("kms").schedule_key_deletion(KeyId=w.key_arn(), PendingWindowInDays=7)


DENY_CLOUDTRAIL = "DenyCloudTrailWrites"


def _deny_statement(w: World) -> None:
    w.add_bucket_statement(
        {
            "Sid": DENY_CLOUDTRAIL,
            "Effect": "Deny",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": f"arn:aws:s3:::{w.bucket}/*",
        }
    )


def _broad_deny_with_unknown_condition(w: World) -> None:
    # A Deny for everyone, on a condition the check cannot evaluate: it counts as applying,
    # and is narrowed (not removed) so it keeps applying to everyone else.
    w.add_bucket_statement(
        {
            "Sid": "DenyOutsideOffice",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:PutObject",
            "Resource": f"arn:aws:s3:::{w.bucket}/*",
            "Condition": {"NotIpAddress": {"aws:SourceIp": "192.0.2.0/24"}},
        }
    )


def _uncovered_prefix(w: World) -> None:
    w.clients("cloudtrail").update_trail(Name=TRAIL_NAME, S3KeyPrefix="audit")


def _unusable_key_policy(w: World) -> None:
    kms = w.clients("kms")
    key = w.key_arn()
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "EnableAccountAdministration",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{w.account_id}:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ],
    }
    kms.put_key_policy(KeyId=key, PolicyName="default", Policy=json.dumps(policy))


CATALOGUE: tuple[Drift, ...] = (
    Drift("trail stopped", _stop_logging, "logging is stopped", ("cloudtrail:StartLogging",)),
    Drift(
        "made single-Region",
        _single_region,
        "No multi-Region trail",
        ("cloudtrail:UpdateTrail",),
        # Named, so the existing trail is repaired rather than a second one created.
        options=(("trail_name", TRAIL_NAME),),
    ),
    Drift(
        "validation off",
        _validation_off,
        "log file validation is off",
        ("cloudtrail:UpdateTrail",),
    ),
    Drift(
        "write-only selectors",
        _write_only,
        "does not record every read and write management event",
        ("cloudtrail:PutEventSelectors",),
    ),
    Drift(
        "management events excluded by advanced selectors",
        _advanced_without_management,
        "does not record every read and write management event",
        ("cloudtrail:PutEventSelectors",),
    ),
    Drift(
        "bucket versioning suspended",
        _versioning_suspended,
        "bucket versioning is off",
        ("s3:PutBucketVersioning",),
    ),
    Drift(
        "bucket Block Public Access removed",
        _public_access_removed,
        "does not block all public access",
        ("s3:PutPublicAccessBlock",),
    ),
    Drift(
        "bucket deleted",
        _bucket_deleted,
        "does not exist",
        (
            "s3:CreateBucket",
            "s3:PutPublicAccessBlock",
            "s3:PutBucketVersioning",
            "s3:PutBucketPolicy",
        ),
        deliver=True,
    ),
    Drift(
        "KMS key disabled",
        _key_disabled,
        "is disabled",
        ("kms:EnableKey",),
        deliver=True,
    ),
    Drift(
        "KMS key scheduled for deletion",
        _key_pending_deletion,
        "is scheduled for deletion",
        ("kms:CancelKeyDeletion", "kms:EnableKey"),
        deliver=True,
    ),
    Drift(
        "Deny for CloudTrail in the bucket policy",
        _deny_statement,
        f"explicitly denies CloudTrail's delivery (Deny {DENY_CLOUDTRAIL})",
        ("s3:PutBucketPolicy",),
    ),
    Drift(
        "delivery error from a bucket-policy Deny",
        _deny_statement,
        "latest log delivery failed (AWS reports AccessDenied)",
        ("s3:PutBucketPolicy",),
        deliver=True,
    ),
    Drift(
        "broad Deny on a condition the check cannot evaluate",
        _broad_deny_with_unknown_condition,
        "explicitly denies CloudTrail's delivery (Deny DenyOutsideOffice)",
        ("s3:PutBucketPolicy",),
    ),
    Drift(
        "key prefix the bucket policy does not cover",
        _uncovered_prefix,
        "does not cover the trail's key prefix audit/",
        ("s3:PutBucketPolicy",),
        deliver=True,
    ),
    Drift(
        "KMS key policy CloudTrail cannot use",
        _unusable_key_policy,
        "key policy does not let CloudTrail encrypt",
        ("kms:PutKeyPolicy",),
        deliver=True,
    ),
)

__all__ = ["CATALOGUE", "KMS_ALIAS", "Drift", "World"]
