"""Pure judgements: whether selectors, bucket and key policies meet the controls, and fixes.

No API calls and no state: each function answers from the values it is given.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

# One evaluator for the simulated AWS and this check, so they cannot disagree; it is pure
# (no moto), importing it loads nothing heavy.
from aws_setup_wizard.policy_eval import Principal, decide

if TYPE_CHECKING:
    from aws_setup_wizard.steps.cloudtrail.facts import Trail

SERVICE_PRINCIPAL = "cloudtrail.amazonaws.com"
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


def key_path(trail: Trail) -> str:
    """The trail's ``S3KeyPrefix`` as it starts object keys: ``"PREFIX/"``, or ``""``."""
    prefix = (trail.s3_key_prefix or "").strip("/")
    return f"{prefix}/" if prefix else ""


def _sample_keys(trail: Trail, prefix: str) -> tuple[str, str]:
    """A log and a digest object key CloudTrail writes (CloudTrail UG, "Finding your log
    files"): a bucket policy must let CloudTrail write both."""
    account, region = trail.account_id, trail.home_region
    base = f"{prefix}AWSLogs/{account}"
    return (
        f"{base}/CloudTrail/{region}/2024/01/01/"
        f"{account}_CloudTrail_{region}_20240101T0000Z_check.json.gz",
        f"{base}/CloudTrail-Digest/{region}/2024/01/01/"
        f"{account}_CloudTrail-Digest_{region}_{trail.name}_{region}_20240101T000000Z.json.gz",
    )


def _delivery_context(trail: Trail) -> dict[str, str]:
    """The condition keys CloudTrail's own delivery requests carry, as far as they are known."""
    return {
        "aws:SourceArn": trail.arn,
        "aws:SourceAccount": trail.account_id,
        "aws:SecureTransport": "true",
    }


@dataclass(frozen=True)
class PolicyJudgement:
    """Whether a resource policy lets CloudTrail do its part, and what stands in the way.

    ``denied_by`` are the indexes of Deny statements that apply to CloudTrail's requests
    (conditions we cannot evaluate count as applying); ``uncovered_prefix`` says the policy
    allows writes under ``AWSLogs/`` but not under the trail's own ``S3KeyPrefix``.
    """

    ok: bool
    allowed: bool = False
    denied_by: tuple[int, ...] = ()
    uncovered_prefix: bool = False
    decrypt_ok: bool = True

    def denied_names(self, policy: Mapping[str, Any] | None) -> list[str]:
        """The denying statements by Sid (or position), for a summary."""
        statements = as_list((policy or {}).get("Statement"))
        return [
            str(statements[i].get("Sid") or f"statement {i + 1}")
            for i in self.denied_by
            if i < len(statements)
        ]


def _decide(policy: Mapping[str, Any] | None, action: str, resource: str, context: Any) -> Any:
    return decide(
        policy,
        principal=Principal(service=SERVICE_PRINCIPAL),
        action=action,
        resource=resource,
        context=context,
        strict=True,
    )


def judge_bucket_policy(
    policy: Mapping[str, Any] | None, bucket: str, trail: Trail
) -> PolicyJudgement:
    """Judge a bucket policy as strictly as S3 would for CloudTrail's ACL check and writes."""
    if not policy:
        return PolicyJudgement(ok=False)
    base = f"arn:{trail.partition}:s3:::{bucket}"
    context = _delivery_context(trail)
    put_context = {**context, "s3:x-amz-acl": "bucket-owner-full-control"}

    def writes(prefix: str) -> list[Any]:
        return [
            _decide(policy, "s3:PutObject", f"{base}/{key}", put_context)
            for key in _sample_keys(trail, prefix)
        ]

    decisions = [_decide(policy, "s3:GetBucketAcl", base, context), *writes(key_path(trail))]
    denied = tuple(sorted({i for d in decisions for i in d.denied_by}))
    allowed = all(d.allowed_by for d in decisions)
    uncovered = bool(key_path(trail)) and not allowed and all(d.allowed_by for d in writes(""))
    return PolicyJudgement(
        ok=allowed and not denied, allowed=allowed, denied_by=denied, uncovered_prefix=uncovered
    )


def bucket_policy_ok(policy: Mapping[str, Any] | None, bucket: str, trail: Trail) -> bool:
    """True when the policy lets CloudTrail check the ACL and write its logs and digests."""
    return judge_bucket_policy(policy, bucket, trail).ok


def judge_key_policy(
    policy: Mapping[str, Any] | None, key_arn: str, trail: Trail
) -> PolicyJudgement:
    """Judge a key policy: CloudTrail may encrypt for this trail, the account may decrypt.

    CloudTrail UG, "Configure AWS KMS key policies for CloudTrail": ``kms:GenerateDataKey*``
    for the service principal with this trail's ``aws:SourceArn`` and encryption context
    ``aws:cloudtrail:arn``; ``kms:Decrypt`` for the account's principals.
    """
    if not policy:
        return PolicyJudgement(ok=False, decrypt_ok=False)
    encryption = {
        **_delivery_context(trail),
        "kms:EncryptionContext:aws:cloudtrail:arn": trail.arn,
    }
    encrypt = _decide(policy, "kms:GenerateDataKey", key_arn, encryption)
    decrypt = decide(
        policy,
        principal=Principal(account_id=trail.account_id),
        action="kms:Decrypt",
        resource=key_arn,
        context={
            "kms:CallerAccount": trail.account_id,
            "kms:EncryptionContext:aws:cloudtrail:arn": trail.arn,
        },
        strict=True,
    )
    return PolicyJudgement(
        ok=encrypt.allowed and decrypt.allowed,
        allowed=bool(encrypt.allowed_by),
        denied_by=encrypt.denied_by,
        decrypt_ok=decrypt.allowed,
    )


def _names_only_cloudtrail(statement: Mapping[str, Any]) -> bool:
    principal = statement.get("Principal")
    if not isinstance(principal, Mapping) or set(principal) != {"Service"}:
        return False
    return as_list(principal.get("Service")) == [SERVICE_PRINCIPAL]


def without_denials(
    policy: Mapping[str, Any] | None, denied_by: tuple[int, ...], trail_arn: str
) -> tuple[dict[str, Any], list[str]]:
    """The policy with each Deny that stops CloudTrail removed or narrowed, and what was done.

    A Deny aimed at CloudTrail alone is removed. A broader one is narrowed: it gains
    ``ArnNotEquals aws:SourceArn = this trail``, so it keeps applying to everyone else.
    """
    statements = [dict(s) for s in as_list((policy or {}).get("Statement"))]
    kept: list[dict[str, Any]] = []
    said: list[str] = []
    for index, statement in enumerate(statements):
        name = str(statement.get("Sid") or f"statement {index + 1}")
        if index not in denied_by:
            kept.append(statement)
        elif _names_only_cloudtrail(statement):
            said.append(f"removes Deny {name}, which refuses CloudTrail's delivery")
        else:
            condition = {k: dict(v) for k, v in (statement.get("Condition") or {}).items()}
            block = condition.setdefault("ArnNotEquals", {})
            block["aws:SourceArn"] = [*as_list(block.get("aws:SourceArn")), trail_arn]
            kept.append({**statement, "Condition": condition})
            said.append(f"narrows Deny {name} so it no longer applies to this trail's delivery")
    document = {k: v for k, v in (policy or {}).items() if k != "Statement"}
    return {"Version": "2012-10-17", **document, "Statement": kept}, said


def merged_policy(existing: Mapping[str, Any] | None, wanted: Mapping[str, Any]) -> dict[str, Any]:
    """Our statements added to the policy's own, replacing any with the same Sid."""
    ours = as_list(wanted["Statement"])
    sids = {statement.get("Sid") for statement in ours}
    kept = [s for s in as_list((existing or {}).get("Statement")) if s.get("Sid") not in sids]
    merged: dict[str, Any] = {"Version": "2012-10-17", "Statement": [*kept, *ours]}
    if existing and existing.get("Id"):
        merged = {"Version": "2012-10-17", "Id": existing["Id"], "Statement": merged["Statement"]}
    return merged


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
