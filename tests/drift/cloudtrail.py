"""The CloudTrail step's drift catalogue, as data: how an owner or attacker breaks a finished
account, what the check must then say, and the exact repair the plan must hold.

Each entry names a drift of the sandbox's catalogue (:mod:`aws_setup_wizard.sandbox.drifts`,
which makes it with boto3 clients signed with root's console session, as the AWS CLI in
CloudShell would, on the ``done`` scenario's names; it makes only calls a person could make,
and a drift that shows only in ``GetTrailStatus`` is followed by a simulated delivery).
``reason`` is a phrase the failing summary must contain; ``repair`` the plan's actions, in
order; ``options`` are the step options the repair is planned with.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_setup_wizard.sandbox.drifts import DENY_CLOUDTRAIL
from aws_setup_wizard.sandbox.scenarios import KMS_ALIAS, TRAIL_NAME


@dataclass(frozen=True)
class Drift:
    """One catalogue entry; see the module docstring."""

    name: str
    reason: str
    repair: tuple[str, ...]
    status: str = "fail"
    options: tuple[tuple[str, str], ...] = ()


CATALOGUE: tuple[Drift, ...] = (
    Drift("trail stopped", "logging is stopped", ("cloudtrail:StartLogging",)),
    Drift(
        "made single-Region",
        "No multi-Region trail",
        ("cloudtrail:UpdateTrail",),
        # Named, so the existing trail is repaired rather than a second one created.
        options=(("trail_name", TRAIL_NAME),),
    ),
    Drift(
        "validation off",
        "log file validation is off",
        ("cloudtrail:UpdateTrail",),
    ),
    Drift(
        "write-only selectors",
        "does not record every read and write management event",
        ("cloudtrail:PutEventSelectors",),
    ),
    Drift(
        "management events excluded by advanced selectors",
        "does not record every read and write management event",
        ("cloudtrail:PutEventSelectors",),
    ),
    Drift(
        "bucket versioning suspended",
        "bucket versioning is off",
        ("s3:PutBucketVersioning",),
    ),
    Drift(
        "bucket Block Public Access removed",
        "does not block all public access",
        ("s3:PutPublicAccessBlock",),
    ),
    Drift(
        "bucket deleted",
        "does not exist",
        (
            "s3:CreateBucket",
            "s3:PutPublicAccessBlock",
            "s3:PutBucketVersioning",
            "s3:PutBucketPolicy",
        ),
    ),
    Drift(
        "KMS key disabled",
        "is disabled",
        ("kms:EnableKey",),
    ),
    Drift(
        "KMS key scheduled for deletion",
        "is scheduled for deletion",
        ("kms:CancelKeyDeletion", "kms:EnableKey"),
    ),
    Drift(
        "Deny for CloudTrail in the bucket policy",
        f"explicitly denies CloudTrail's delivery (Deny {DENY_CLOUDTRAIL})",
        ("s3:PutBucketPolicy",),
    ),
    Drift(
        "delivery error from a bucket-policy Deny",
        "latest log delivery failed (AWS reports AccessDenied)",
        ("s3:PutBucketPolicy",),
    ),
    Drift(
        "broad Deny on a condition the check cannot evaluate",
        "explicitly denies CloudTrail's delivery (Deny DenyOutsideOffice)",
        ("s3:PutBucketPolicy",),
    ),
    Drift(
        "key prefix the bucket policy does not cover",
        "does not cover the trail's key prefix audit/",
        ("s3:PutBucketPolicy",),
    ),
    Drift(
        "KMS key policy CloudTrail cannot use",
        "key policy does not let CloudTrail encrypt",
        ("kms:PutKeyPolicy",),
    ),
)

__all__ = ["CATALOGUE", "KMS_ALIAS", "Drift"]
