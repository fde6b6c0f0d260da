"""Verdicts: the check's pass, fail or unknown, with its summary and evidence, from ``Facts``."""

from __future__ import annotations

from typing import Any

from wizard.model import Check, Status
from wizard.steps.cloudtrail.facts import Facts, Trail
from wizard.steps.cloudtrail.judgements import _stamp

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
