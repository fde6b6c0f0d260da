"""Just enough resource-policy evaluation to answer "may CloudTrail write here?".

Real CloudTrail refuses ``CreateTrail`` when the bucket policy does not let
``cloudtrail.amazonaws.com`` read the bucket ACL and put objects under ``AWSLogs/ACCOUNT/``, and
when a KMS key policy does not let it generate data keys. moto checks neither, so a trainee
could "succeed" with a trail that in AWS would never be created. This evaluator follows IAM's
rules for the parts that matter here: an explicit Deny wins, otherwise an Allow is needed;
``Principal``/``Action``/``Resource`` (and their ``Not`` forms) with ``*``/``?`` wildcards; and
the common condition operators against the request context CloudTrail itself would present.
A condition on a key we do not model is treated as satisfied for Allow and unsatisfied for
Deny, i.e. we err towards letting the trainee through rather than inventing a refusal.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _wildcard(pattern: str, value: str, *, case_sensitive: bool = True) -> bool:
    # Not fnmatch: it would also treat [...] as a character class; IAM only knows * and ?.
    regex = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.fullmatch(regex, value, flags) is not None


def _principal_matches(statement: Mapping[str, Any], service: str) -> bool:
    if "NotPrincipal" in statement:
        return not _principal_in(statement["NotPrincipal"], service)
    return _principal_in(statement.get("Principal"), service)


def _principal_in(principal: Any, service: str) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, Mapping):
        if "*" in _as_list(principal.get("AWS")):
            return True
        return service in _as_list(principal.get("Service"))
    return False


def _action_matches(statement: Mapping[str, Any], action: str) -> bool:
    if "NotAction" in statement:
        return not any(
            _wildcard(p, action, case_sensitive=False) for p in _as_list(statement["NotAction"])
        )
    return any(
        _wildcard(p, action, case_sensitive=False) for p in _as_list(statement.get("Action"))
    )


def _resource_matches(statement: Mapping[str, Any], resource: str) -> bool:
    if "NotResource" in statement:
        return not any(_wildcard(p, resource) for p in _as_list(statement["NotResource"]))
    return any(_wildcard(p, resource) for p in _as_list(statement.get("Resource")))


def _condition_holds(
    condition: Mapping[str, Any], context: Mapping[str, str], *, unknown: bool
) -> bool:
    """Evaluate a Condition block; ``unknown`` is the answer for keys or operators we lack."""
    for operator, tests in condition.items():
        if not isinstance(tests, Mapping):
            return unknown
        base = operator.removesuffix("IfExists")
        for key, expected in tests.items():
            actual = _context_value(context, key)
            if actual is None:
                if operator.endswith("IfExists"):
                    continue
                return unknown
            result = _compare(base, actual, [str(v) for v in _as_list(expected)])
            if result is None:
                return unknown
            if not result:
                return False
    return True


def _context_value(context: Mapping[str, str], key: str) -> str | None:
    for name, value in context.items():
        if name.lower() == key.lower():  # condition keys are case-insensitive
            return value
    return None


def _compare(operator: str, actual: str, expected: list[str]) -> bool | None:
    if operator in ("StringEquals", "ArnEquals"):
        return actual in expected
    if operator == "StringEqualsIgnoreCase":
        return actual.lower() in [e.lower() for e in expected]
    if operator in ("StringLike", "ArnLike"):
        return any(_wildcard(e, actual) for e in expected)
    if operator in ("StringNotEquals", "ArnNotEquals"):
        return actual not in expected
    if operator in ("StringNotLike", "ArnNotLike"):
        return not any(_wildcard(e, actual) for e in expected)
    if operator == "Bool":
        return actual.lower() in [e.lower() for e in expected]
    return None


def service_allowed(
    policy: str | Mapping[str, Any] | None,
    *,
    service: str,
    action: str,
    resource: str,
    context: Mapping[str, str],
) -> bool:
    """Whether ``policy`` lets the AWS service principal ``service`` do ``action`` on ``resource``.

    ``context`` holds the condition keys the service would send (``aws:SourceArn`` …).
    """
    if policy is None:
        return False
    document: Any = json.loads(policy) if isinstance(policy, str) else policy
    if not isinstance(document, Mapping):
        return False
    allowed = False
    for statement in _as_list(document.get("Statement")):
        if not isinstance(statement, Mapping):
            continue
        if not (
            _principal_matches(statement, service)
            and _action_matches(statement, action)
            and _resource_matches(statement, resource)
        ):
            continue
        effect = statement.get("Effect")
        condition = statement.get("Condition") or {}
        if effect == "Deny" and _condition_holds(condition, context, unknown=False):
            return False
        if effect == "Allow" and _condition_holds(condition, context, unknown=True):
            allowed = True
    return allowed


__all__ = ["service_allowed"]
