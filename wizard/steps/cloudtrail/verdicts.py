"""Verdicts: the check's pass, fail or unknown, with its summary and evidence, from ``Facts``.

Outcome first, then configuration. ``GetTrailStatus`` says what CloudTrail actually did: a
``LatestDeliveryError`` (or ``LatestDigestDeliveryError``) is a FAIL that names AWS's error,
whatever the configuration looks like, because it is the one fact that proves logs are not
arriving. The configuration checks stay, as strict as AWS (key state, key policy, an explicit
Deny in the bucket policy, the trail's key prefix), because they name the cause the plan
repairs and catch a break before the next delivery reveals it.

**No delivery yet.** A trail that logs, is configured as strictly as AWS judges, and has
not delivered yet (no ``LatestDeliveryTime``, no error) is a PASS, and its summary says exactly
that: "logging started; the first delivery is due within about 15 minutes". A FAIL would be
false (nothing is wrong) and would make every fresh setup fail its re-check for minutes; an
UNKNOWN would hide a working trail. The evidence keeps ``latest_delivery_time`` empty, so a
report shows no more than is known, and the first failed delivery turns the verdict into a FAIL.
"""

from __future__ import annotations

from typing import Any

from aws_setup_wizard.model import Check, Status
from aws_setup_wizard.steps.cloudtrail.facts import Facts, Trail
from aws_setup_wizard.steps.cloudtrail.judgements import _stamp, key_path

FIRST_DELIVERY_DUE = "logging started; the first delivery is due within about 15 minutes"

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
}


def evidence_of(facts: Facts) -> dict[str, Any]:
    """The facts a JSON report shows: what was read, each requirement, and what failed."""
    trail, status, key, bucket = facts.trail, facts.status, facts.key, facts.bucket
    return {
        "trail_name": trail.name,
        "trail_arn": trail.arn,
        "home_region": trail.home_region,
        "bucket": trail.bucket,
        "s3_key_prefix": trail.s3_key_prefix,
        "bucket_exists": bucket.exists,
        "bucket_public_access_block": dict(bucket.pab),
        "bucket_versioning_status": bucket.versioning,
        "bucket_policy_denied_by": bucket.judgement.denied_names(bucket.policy),
        "kms_key_arn": trail.kms_key_id,
        "kms_key_state": key.state,
        "kms_key_deletion_date": key.deletion_date,
        "is_logging": bool(status.get("IsLogging")),
        "logging_since": _stamp(status.get("StartLoggingTime")),
        "latest_delivery_time": _stamp(status.get("LatestDeliveryTime")),
        "latest_delivery_error": status.get("LatestDeliveryError") or None,
        "latest_digest_delivery_time": _stamp(status.get("LatestDigestDeliveryTime")),
        "latest_digest_delivery_error": status.get("LatestDigestDeliveryError") or None,
        "requirements": facts.requirements(),
        "unreadable": [n for n in (bucket.unreadable, key.unreadable) if n],
    }


def _outcome_problems(facts: Facts) -> list[str]:
    problems = []
    if facts.delivery_error:
        problems.append(f"its latest log delivery failed (AWS reports {facts.delivery_error})")
    if facts.digest_error:
        problems.append(f"its latest digest delivery failed (AWS reports {facts.digest_error})")
    return problems


def _key_problems(facts: Facts) -> list[str]:
    key = facts.key
    if key.arn is None or key.unreadable is not None:
        return []
    if not key.found:
        return [f"its KMS key {key.arn} no longer exists"]
    problems = []
    if key.state == "PendingDeletion":
        when = f" (on {key.deletion_date})" if key.deletion_date else ""
        problems.append(f"its KMS key {key.arn} is scheduled for deletion{when}")
    elif not key.enabled:
        problems.append(f"its KMS key {key.arn} is {str(key.state).lower() or 'not enabled'}")
    if key.judgement.denied_by or not key.judgement.allowed:
        problems.append("the KMS key policy does not let CloudTrail encrypt this trail's logs")
    elif not key.judgement.decrypt_ok:
        problems.append("the KMS key policy does not let this account decrypt the logs")
    if key.enabled and key.rotation is not True:
        problems.append(_MISSING["kms_key_rotation"])
    return problems


def _bucket_policy_problems(facts: Facts) -> list[str]:
    bucket, trail = facts.bucket, facts.trail
    judgement = bucket.judgement
    problems = []
    names = judgement.denied_names(bucket.policy)
    if names:
        problems.append(
            f"the bucket policy explicitly denies CloudTrail's delivery (Deny {', '.join(names)})"
        )
    if judgement.uncovered_prefix:
        problems.append(
            f"the bucket policy does not cover the trail's key prefix {key_path(trail)} "
            f"(CloudTrail writes to {bucket.name}/{key_path(trail)}AWSLogs/{trail.account_id}/)"
        )
    elif not judgement.allowed:
        problems.append("the bucket policy does not let CloudTrail deliver logs")
    return problems


def problems_of(facts: Facts) -> list[str]:
    """The phrases naming each definite failure, outcome first (unreadable parts excluded)."""
    requirements, bucket = facts.requirements(), facts.bucket
    problems = _outcome_problems(facts)
    skip = {"kms_key_rotation"}  # judged with the key, which must exist and be enabled first
    if not bucket.exists:
        problems.append(f"its bucket {bucket.name} does not exist")
        skip |= {"bucket_public_access_blocked", "bucket_versioning"}
    problems += [
        phrase
        for name, phrase in _MISSING.items()
        if requirements.get(name) is False and name not in skip
    ]
    if facts.trail.kms_key_id is not None:
        problems = [p for p in problems if p != _MISSING["kms_encrypted"]]
    problems += _key_problems(facts)
    if bucket.exists and bucket.unreadable is None:
        problems += _bucket_policy_problems(facts)
    return problems


def verdict(facts: Facts) -> Check:
    """Pass only when delivery works (or is due) and every requirement is met."""
    evidence = evidence_of(facts)
    name, problems, notes = facts.trail.name, problems_of(facts), evidence["unreadable"]
    if notes:
        extra = f"; it also falls short: {', '.join(problems)}" if problems else ""
        summary = f"Could not fully check trail {name}: {'; '.join(notes)}{extra}."
        return Check(Status.UNKNOWN, summary, evidence)
    if problems:
        return Check(Status.FAIL, f"Trail {name} falls short: {_join(problems)}.", evidence)
    since = evidence["logging_since"]
    delivered = evidence["latest_delivery_time"]
    outcome = f"last delivered logs at {delivered}" if delivered else FIRST_DELIVERY_DUE
    return Check(
        Status.PASS,
        f"Trail {name} records management events in every Region, encrypted with KMS, "
        f"with validated log files, logging{f' since {since}' if since else ''}; {outcome}.",
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
