"""The one policy evaluator: "may this principal do this action here?".

Engine code (AWS's own rules, no simulation), so steps may use it without importing the sandbox.

Three callers share it so that they cannot disagree about what AWS decides:

- the sandbox (simulated AWS) refuses ``CreateTrail`` when the bucket or key policy would stop
  CloudTrail, and fails a simulated log delivery the way AWS would;
- the sandbox authorizes every request of an IAM principal
  (:mod:`aws_setup_wizard.sandbox.authorization` collects the identity policies and the bucket
  or key policy; :func:`authorize` decides);
- the CloudTrail step judges a trail's bucket and key policies before trusting them.

It follows IAM's policy evaluation logic (IAM User Guide, "Policy evaluation logic" and
"Determining whether a request is allowed or denied within an account"): an explicit Deny in
any matching statement wins; otherwise an Allow is needed. ``Principal``/``Action``/``Resource``
and their ``Not`` forms match with ``*``/``?`` wildcards ("IAM JSON policy elements: Action",
"Resource"); condition keys are case-insensitive ("IAM JSON policy elements: Condition
operators"). Conditions are three-valued: a key absent from the request ``context`` (one we do
not model), or an operator we do not implement, is *unknown*. The caller chooses what unknown
means: the sandbox (``strict=False``) errs towards letting a trainee through (unknown Allow
holds, unknown Deny does not), the step (``strict=True``) errs towards never claiming more than
it knows (unknown Allow does not hold, unknown Deny applies).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Principal:
    """Who makes the request: an AWS service (``cloudtrail.amazonaws.com``) or an account.

    ``account_id`` stands for principals of that account (its root ARN ``…:root`` or the bare
    account ID in a policy both name every principal of the account the account allows).
    """

    service: str | None = None
    account_id: str | None = None
    #: The principal's own ARNs: an IAM user's ARN; for a role session both the session ARN
    #: (``arn:aws:sts::…:assumed-role/ROLE/SESSION``) and the role's ARN, either of which a
    #: resource policy may name ("AWS JSON policy elements: Principal").
    arns: tuple[str, ...] = ()

    def named_by(self, principal: Any) -> bool:
        """True when a policy's ``Principal`` value covers this principal."""
        if principal == "*":
            return True
        if not isinstance(principal, Mapping):
            return False
        aws = [str(value) for value in _as_list(principal.get("AWS"))]
        if "*" in aws:
            return True
        if self.service is not None and self.service in _as_list(principal.get("Service")):
            return True
        if any(arn in aws for arn in self.arns):
            return True
        if self.account_id is not None:
            root = f":iam::{self.account_id}:root"
            return any(value == self.account_id or value.endswith(root) for value in aws)
        return False


def _principal_matches(statement: Mapping[str, Any], who: Principal | None) -> bool:
    if who is None:  # an identity-based policy: its principal is the identity it is attached to
        return True
    if "NotPrincipal" in statement:
        return not who.named_by(statement["NotPrincipal"])
    return who.named_by(statement.get("Principal"))


def _action_matches(statement: Mapping[str, Any], action: str) -> bool:
    if "NotAction" in statement:
        return not any(
            _wildcard(p, action, case_sensitive=False) for p in _as_list(statement["NotAction"])
        )
    return any(
        _wildcard(p, action, case_sensitive=False) for p in _as_list(statement.get("Action"))
    )


def _resource_matches(statement: Mapping[str, Any], resource: str) -> bool:
    if "Resource" not in statement and "NotResource" not in statement:
        # A role's trust policy names no resource: it speaks for the role it is attached to.
        return True
    if "NotResource" in statement:
        return not any(_wildcard(p, resource) for p in _as_list(statement["NotResource"]))
    return any(_wildcard(p, resource) for p in _as_list(statement.get("Resource")))


def condition_holds(condition: Mapping[str, Any], context: Mapping[str, str]) -> bool | None:
    """Evaluate a ``Condition`` block: True, False, or ``None`` when it cannot be known.

    All operators and keys must hold (AND); one that is definitely false makes the whole block
    false whatever else is unknown.
    """
    result: bool | None = True
    for operator, tests in condition.items():
        if not isinstance(tests, Mapping):
            result = None
            continue
        base = str(operator).removesuffix("IfExists")
        for key, expected in tests.items():
            actual = _context_value(context, str(key))
            if actual is None:
                if str(operator).endswith("IfExists") and base != "Null":
                    continue  # IfExists: an absent key satisfies the test
                result = None
                continue
            outcome = _compare(base, actual, [str(v) for v in _as_list(expected)])
            if outcome is False:
                return False
            if outcome is None:
                result = None
    return result


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
    if operator == "StringNotEqualsIgnoreCase":
        return actual.lower() not in [e.lower() for e in expected]
    if operator in ("StringNotLike", "ArnNotLike"):
        return not any(_wildcard(e, actual) for e in expected)
    if operator == "Bool":
        return actual.lower() in [e.lower() for e in expected]
    if operator == "Null":  # the key is present (we have its value): "false" holds
        return "false" in [e.lower() for e in expected]
    return None


@dataclass(frozen=True)
class Decision:
    """What a policy decides for one request, and which statements (by index) decided it."""

    allowed: bool
    denied_by: tuple[int, ...] = ()
    allowed_by: tuple[int, ...] = ()


def _document(policy: str | Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    if policy is None:
        return None
    document: Any = json.loads(policy) if isinstance(policy, str) else policy
    return document if isinstance(document, Mapping) else None


def decide(
    policy: str | Mapping[str, Any] | None,
    *,
    principal: Principal | None,
    action: str,
    resource: str,
    context: Mapping[str, str],
    strict: bool = False,
) -> Decision:
    """Evaluate ``policy`` for one request; see the module docstring for ``strict``.

    ``principal=None`` reads ``policy`` as an identity-based policy (it has no ``Principal``
    element: it speaks for the identity it is attached to). ``context`` holds the condition keys
    the request carries (``aws:SourceArn`` …).
    """
    try:
        document = _document(policy)
    except ValueError:  # not JSON: a policy that cannot be read allows nothing
        return Decision(False)
    if document is None:
        return Decision(False)
    denied: list[int] = []
    allowed: list[int] = []
    for index, statement in enumerate(_as_list(document.get("Statement"))):
        if not isinstance(statement, Mapping):
            continue
        if not (
            _principal_matches(statement, principal)
            and _action_matches(statement, action)
            and _resource_matches(statement, resource)
        ):
            continue
        holds = condition_holds(statement.get("Condition") or {}, context)
        effect = statement.get("Effect")
        if effect == "Deny" and (holds is True or (holds is None and strict)):
            denied.append(index)
        if effect == "Allow" and (holds is True or (holds is None and not strict)):
            allowed.append(index)
    return Decision(bool(allowed) and not denied, tuple(denied), tuple(allowed))


def service_allowed(
    policy: str | Mapping[str, Any] | None,
    *,
    service: str,
    action: str,
    resource: str,
    context: Mapping[str, str],
) -> bool:
    """Whether ``policy`` lets the AWS service principal ``service`` do ``action`` on ``resource``.

    The sandbox's lenient reading (``strict=False``): see the module docstring.
    """
    return decide(
        policy,
        principal=Principal(service=service),
        action=action,
        resource=resource,
        context=context,
    ).allowed


PolicyDocument = str | Mapping[str, Any]


@dataclass(frozen=True)
class Verdict:
    """IAM's answer to one request of an IAM principal, with the reason AWS's message gives.

    ``policy_type`` names the kind of policy AWS's refusal points at: ``identity-based`` or
    ``resource-based``; ``explicit`` is True for an explicit Deny, False for "no policy allows".
    """

    allowed: bool
    policy_type: str = ""
    explicit: bool = False

    def reason(self, action: str) -> str:
        """The tail of AWS's ``AccessDenied`` message ("because no identity-based policy …")."""
        if self.explicit:
            article = "an" if self.policy_type[:1] in "aeiou" else "a"
            return f"with an explicit deny in {article} {self.policy_type} policy"
        return f"because no {self.policy_type} policy allows the {action} action"


def authorize(
    *,
    identity_policies: Sequence[PolicyDocument],
    principal: Principal,
    action: str,
    resource: str,
    context: Mapping[str, str],
    resource_policy: PolicyDocument | None = None,
    resource_policy_required: bool = False,
) -> Verdict:
    """Decide a request of an IAM principal to a resource in its own account.

    Follows IAM User Guide, "Policy evaluation logic" ("Policy evaluation for requests within a
    single account"): an explicit Deny in any identity-based policy or in the resource-based
    policy wins; otherwise within one account an Allow in *either* the identity-based policies
    or the resource-based policy suffices. A resource policy naming only the account
    (``arn:aws:iam::ACCOUNT:root``) delegates to IAM: it grants nothing by itself
    ("AWS JSON policy elements: Principal", AWS account principals).

    ``resource_policy_required=True`` applies AWS KMS's rule instead ("Key policies in AWS
    KMS": "Unless the key policy explicitly allows it, you cannot use IAM policies to allow
    access to a KMS key"): the key policy must allow the principal itself, or allow the
    account (which lets IAM policies work) *and* an identity-based policy must allow the
    request. A role's trust
    policy works the same way for ``sts:AssumeRole`` ("How to use trust policies with IAM
    roles").

    ``principal`` carries the caller's ARNs and ``account_id``. The sandbox's lenient reading of
    conditions it cannot know applies (``strict=False``; module docstring).
    """
    identity = [
        decide(p, principal=None, action=action, resource=resource, context=context)
        for p in identity_policies
    ]
    if any(d.denied_by for d in identity):
        return Verdict(False, "identity-based", explicit=True)
    direct = Principal(arns=principal.arns)  # the caller named itself, not through its account
    by_name = decide(
        resource_policy, principal=direct, action=action, resource=resource, context=context
    )
    by_account = decide(
        resource_policy, principal=principal, action=action, resource=resource, context=context
    )
    if by_account.denied_by:
        return Verdict(False, "resource-based", explicit=True)
    identity_allows = any(d.allowed for d in identity)
    if resource_policy_required:
        if by_name.allowed or (by_account.allowed and identity_allows):
            return Verdict(True)
        if not by_account.allowed:
            return Verdict(False, "resource-based")
        return Verdict(False, "identity-based")
    if identity_allows or by_name.allowed:
        return Verdict(True)
    return Verdict(False, "identity-based")


__all__ = [
    "Decision",
    "PolicyDocument",
    "Principal",
    "Verdict",
    "authorize",
    "condition_holds",
    "decide",
    "service_allowed",
]
