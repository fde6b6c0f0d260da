"""Which identity policies keep an administrator from being one: an explicit Deny on everything.

IAM evaluates every policy that applies to a user (inline and managed, on the user and on each
of its groups) and an explicit Deny beats any Allow (IAM User Guide, "Policy evaluation logic").
So a user in a group with AdministratorAccess whose user or group also carries a statement
denying every action on every resource is not an administrator. This module finds exactly those
statements. A Deny with a condition (e.g. the common "deny everything unless signed in with MFA"
pattern) or one limited to some actions or resources is left alone: it narrows an administrator,
it does not disarm one, and judging it would need the request context.

Pure functions over the shapes ``GetAccountAuthorizationDetails`` returns, plus one reader for
the documents of AWS managed policies (which that call does not return without fetching every
AWS managed policy).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import unquote

PolicyDocuments = Callable[[str], Any]
"""Returns the default version's document of a managed policy, by ARN (None if unknown)."""


def parse_document(document: Any) -> dict[str, Any]:
    """A policy document as a dict: IAM sends it URL-encoded JSON, boto3 sometimes decodes it."""
    if isinstance(document, Mapping):
        return dict(document)
    if isinstance(document, str):
        for text in (document, unquote(document)):
            try:
                loaded = json.loads(text)
            except ValueError:
                continue
            if isinstance(loaded, dict):
                return loaded
    return {}


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _everything(patterns: Iterable[Any]) -> bool:
    return any(str(pattern) in ("*", "*:*") for pattern in patterns)


def denies_everything(statement: Mapping[str, Any]) -> bool:
    """True for an unconditional Deny of every action (or all but a few) on every resource."""
    if statement.get("Effect") != "Deny" or statement.get("Condition"):
        return False
    # NotAction in a Deny denies everything except the listed actions: an administrator no more.
    actions = "NotAction" in statement or _everything(_as_list(statement.get("Action")))
    resources = "NotResource" in statement or _everything(_as_list(statement.get("Resource")))
    return actions and resources


def blocks_admin(document: Any) -> bool:
    """True when any statement of ``document`` denies every action on every resource."""
    statements = _as_list(parse_document(document).get("Statement"))
    return any(isinstance(s, Mapping) and denies_everything(s) for s in statements)


def local_documents(policies: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Customer managed policies' default documents by ARN (``LocalManagedPolicy`` details)."""
    documents = {}
    for policy in policies:
        for version in policy.get("PolicyVersionList", []):
            if version.get("IsDefaultVersion"):
                documents[str(policy["Arn"])] = version.get("Document")
    return documents


def denials(
    user: Mapping[str, Any],
    groups: Mapping[str, Mapping[str, Any]],
    document_of: PolicyDocuments,
) -> list[dict[str, str]]:
    """Every policy on ``user`` or its groups that denies it everything, described.

    Each entry: ``kind`` (inline or managed), ``policy`` (name or ARN), ``on`` (user or group)
    and ``principal`` (the user's or group's name): what the plan removes or detaches.
    """
    holders: list[tuple[str, Mapping[str, Any]]] = [("user", user)]
    holders += [("group", groups[name]) for name in user.get("GroupList", []) if name in groups]
    found = []
    for on, holder in holders:
        principal = str(holder.get("UserName") or holder.get("GroupName") or "")
        inline = holder.get("UserPolicyList") or holder.get("GroupPolicyList") or []
        for policy in inline:
            if blocks_admin(policy.get("PolicyDocument")):
                found.append(_denial("inline", str(policy["PolicyName"]), on, principal))
        for attached in holder.get("AttachedManagedPolicies", []):
            arn = str(attached["PolicyArn"])
            if blocks_admin(document_of(arn)):
                found.append(_denial("managed", arn, on, principal))
    return found


def _denial(kind: str, policy: str, on: str, principal: str) -> dict[str, str]:
    return {"kind": kind, "policy": policy, "on": on, "principal": principal}


def describe(denial: Mapping[str, str]) -> str:
    """``inline policy DenyAll on group Admins``, for a verdict's sentence."""
    return f"{denial['kind']} policy {denial['policy']} on {denial['on']} {denial['principal']}"
