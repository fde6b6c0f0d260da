"""Pure judgements: whether selectors and bucket policies meet the controls, and fixes.

No API calls and no state: each function answers from the values it is given.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wizard.steps.cloudtrail.facts import Trail

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
