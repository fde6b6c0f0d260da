"""Authorization as AWS does it, for the IAM principals of a sandbox account.

Every request signed by a key moto issued (an IAM user's access key, assumed-role credentials)
is authorized here before it reaches moto: :func:`refusal` works out who the principal is,
collects its identity-based policies (IAM User Guide, "Identity-based policies and
resource-based policies"): for a user its inline policies, its attached managed policies and
those of its groups; for a role session the role's inline and attached policies; a managed
policy counts with its default version, AWS managed ones such as ``AdministratorAccess``
included), adds the resource policy AWS consults for the resource (an S3 bucket policy, a KMS
key policy, a role's trust policy for ``sts:AssumeRole``), and asks the one evaluator,
:func:`aws_setup_wizard.policy_eval.authorize`. A refusal is AWS's ``AccessDenied`` in
the service's protocol, naming the principal, the action, the resource and the reason.

Root (by access key or console session) is never evaluated: IAM policies do not apply to the
root user. ``sts:GetCallerIdentity`` is never evaluated either: "No permissions are required to
perform this operation" (AWS STS API Reference, GetCallerIdentity), even under an explicit Deny.

Why not moto's own machinery (``moto/iam/access_control.py``, switched on through
``INITIAL_NO_AUTH_ACTION_COUNT`` and run from ``moto/core/responses.py``): it is one switch for
the whole process, so it would also judge root's keys and console session, which moto does not
know (every root call would fail with ``InvalidClientTokenId``); it authorizes every non-S3
action against resource ``*``, ignores ``Resource`` scoping beyond that, consults no bucket or
key policy, knows a handful of condition operators, treats a ``Deny`` whose ``Principal`` does
not match as a denial, and its messages omit the resource and the reason AWS gives. Using it
would also have made a second evaluator beside :mod:`aws_setup_wizard.policy_eval`, which the
CloudTrail bucket and key policy checks already use. What it does well, finding the policies
that apply to a user or a role session, is done here the same way, reading moto's IAM backend
directly.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from moto.sts.models import sts_backends

from aws_setup_wizard.policy_eval import PolicyDocument, Principal, Verdict, authorize
from aws_setup_wizard.sandbox import backends
from aws_setup_wizard.sandbox.call import Caller
from aws_setup_wizard.sandbox.protocol import ParsedRequest, Response, error_response, protocol_of
from aws_setup_wizard.sandbox.targets import Asker, Target, key_reference, target_of

log = logging.getLogger(__name__)

#: Actions AWS lets every authenticated principal perform, whatever its policies say.
ALWAYS_ALLOWED = frozenset({"sts:GetCallerIdentity"})


@dataclass(frozen=True)
class Identity:
    """An IAM principal of a sandbox account and the identity-based policies that apply to it."""

    arn: str
    account_id: str
    principal_type: str  # aws:PrincipalType: "User" or "AssumedRole"
    user_name: str | None = None
    #: The role's ARN for a role session (resource policies may name the role).
    role_arn: str | None = None
    policies: tuple[PolicyDocument, ...] = field(default_factory=tuple)

    @property
    def principal(self) -> Principal:
        """This identity as a resource policy's ``Principal`` would name it."""
        arns = (self.arn,) if self.role_arn is None else (self.arn, self.role_arn)
        return Principal(account_id=self.account_id, arns=arns)

    def context(self, region: str) -> dict[str, str]:
        """Global condition keys every request of this identity carries."""
        values = {
            "aws:PrincipalArn": self.role_arn or self.arn,
            "aws:PrincipalAccount": self.account_id,
            "aws:PrincipalType": self.principal_type,
            "aws:RequestedRegion": region,
            # AWS's endpoints are HTTPS; the sandbox stands for them.
            "aws:SecureTransport": "true",
        }
        if self.user_name:
            values["aws:username"] = self.user_name
        return values


def _default_document(policy: Any) -> str | None:
    """A managed policy's default version document (the only version IAM evaluates)."""
    for version in getattr(policy, "versions", []):
        if version.is_default:
            return str(version.document)
    return None


def _documents(entity: Any) -> list[PolicyDocument]:
    """The inline and attached managed policy documents of a moto user, group or role."""
    documents: list[PolicyDocument] = [str(d) for d in getattr(entity, "policies", {}).values()]
    for managed in getattr(entity, "managed_policies", {}).values():
        document = _default_document(managed)
        if document is not None:
            documents.append(document)
    return documents


def _own_password_grant(iam: Any, account_id: str, user_name: str) -> list[PolicyDocument]:
    """What "Allow users to change their own password" grants every IAM user.

    IAM User Guide, "Set an account password policy for IAM users": with
    ``AllowUsersToChangePassword`` every IAM user may change their own password without a
    policy of their own; the grant is the one AWS's ``IAMUserChangePassword`` managed policy
    makes (``iam:ChangePassword`` on the user itself, ``iam:GetAccountPasswordPolicy``).
    """
    policy = getattr(iam, "account_password_policy", None)
    if policy is None or not getattr(policy, "allow_users_to_change_password", False):
        return []
    grant = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "iam:ChangePassword",
                "Resource": f"arn:aws:iam::{account_id}:user/{user_name}",
            },
            {"Effect": "Allow", "Action": "iam:GetAccountPasswordPolicy", "Resource": "*"},
        ],
    }
    return [json.dumps(grant)]


def identify(account_id: str, access_key_id: str) -> Identity:
    """The principal a key moto issued belongs to, with its identity-based policies.

    A key moto issued without an owner it can name (its documentation key for
    ``GetSessionToken``) is a principal with no policies, named as moto names it.
    """
    iam = backends.iam(account_id)
    key = iam.access_keys.get(access_key_id)
    user_name = getattr(key, "user_name", None)
    if user_name and user_name in iam.users:
        user = iam.users[user_name]
        policies = _documents(user)
        for group in iam.groups.values():
            if user in group.users:
                policies += _documents(group)
        policies += _own_password_grant(iam, account_id, str(user.name))
        return Identity(str(user.arn), account_id, "User", user.name, policies=tuple(policies))
    role_arn = getattr(key, "role_arn", None)
    if role_arn:
        session = sts_backends[account_id][backends.PARTITION].get_assumed_role_from_access_key(
            access_key_id
        )
        role_name = str(role_arn).split("/")[-1]
        session_name = session.session_name if session is not None else "session"
        role = next((r for r in iam.roles.values() if r.arn == role_arn), None)
        return Identity(
            f"arn:aws:sts::{account_id}:assumed-role/{role_name}/{session_name}",
            account_id,
            "AssumedRole",
            role_arn=str(role_arn),
            policies=tuple(_documents(role)) if role is not None else (),
        )
    return Identity(f"arn:aws:sts::{account_id}:user/moto", account_id, "User")


def _resource_policy(
    action: str, resource: str, account_id: str, region: str
) -> tuple[PolicyDocument | None, bool]:
    """The resource-based policy AWS consults for ``resource``, and whether it must allow.

    Only resources of the caller's own account are looked at: the sandbox evaluates requests
    within one account ("Policy evaluation for requests within a single account").
    """
    if resource.startswith("arn:aws:s3:::"):
        bucket = backends.s3(account_id).buckets.get(resource[len("arn:aws:s3:::") :].split("/")[0])
        policy = getattr(bucket, "policy", None)
        text = policy.decode() if isinstance(policy, bytes) else policy
        return text, False
    if resource.startswith("arn:aws:kms:") and ":key/" in resource:
        _, key = key_reference(account_id, region, resource)
        if key is None or resource.split(":")[4] != account_id:
            return None, False  # no such key here: moto answers NotFoundException
        return str(key.policy), True
    if action.startswith("sts:AssumeRole") and f"::{account_id}:role/" in resource:
        role = next((r for r in backends.iam(account_id).roles.values() if r.arn == resource), None)
        if role is not None:
            return str(role.assume_role_policy_document), True
    return None, False


def decide(identity: Identity, target: Target, region: str) -> tuple[str, Verdict]:
    """The verdict for ``target``: the first resource refused and why, or an allow."""
    context = {**identity.context(region), **target.context}
    for resource in target.resources:
        policy, required = _resource_policy(target.action, resource, identity.account_id, region)
        verdict = authorize(
            identity_policies=identity.policies,
            principal=identity.principal,
            action=target.action,
            resource=resource,
            context=context,
            resource_policy=policy,
            resource_policy_required=required,
        )
        if not verdict.allowed:
            return resource, verdict
    return "*", Verdict(True)


def denial_message(identity: Identity, action: str, resource: str, verdict: Verdict) -> str:
    """AWS's sentence for an authorization failure (IAM, STS, KMS, CloudTrail, EC2, S3)."""
    on = ""
    if resource != "*":
        # S3's same-account messages quote the resource ("Troubleshoot access denied (403
        # Forbidden) errors in Amazon S3", access denied message examples).
        shown = f'"{resource}"' if action.startswith("s3:") else resource
        on = f" on resource: {shown}"
    return (
        f"User: {identity.arn} is not authorized to perform: {action}{on} {verdict.reason(action)}"
    )


def access_denied(service: str, message: str) -> Response:
    """AWS's refusal in the protocol ``service`` speaks."""
    protocol = protocol_of(service)
    if protocol == "json":
        return error_response(service, "AccessDeniedException", message, 400)
    if protocol == "rest-json":
        # Account Management API Reference, "AccessDeniedException": HTTP 403.
        return error_response(service, "AccessDeniedException", message, 403)
    if protocol == "ec2":
        return error_response(
            service,
            "UnauthorizedOperation",
            f"You are not authorized to perform this operation. {message}",
            403,
        )
    return error_response(service, "AccessDenied", message, 403)


def refusal(
    request: ParsedRequest, caller: Caller, account_id: str, environ: Mapping[str, Any], region: str
) -> Response | None:
    """AWS's ``AccessDenied`` for a request IAM would refuse, else ``None`` (let it through).

    Only principals moto issued keys to are evaluated; root and unsigned requests pass.
    """
    if caller.kind != "moto":
        return None
    try:
        identity = identify(account_id, caller.access_key_id)
        target = target_of(request, environ, Asker(account_id, identity.user_name), region)
        if target.action in ALWAYS_ALLOWED:
            return None
        resource, verdict = decide(identity, target, region)
    except Exception:  # noqa: BLE001 - fail closed, and answer rather than hang the client
        log.exception("authorizing %s:%s failed", request.service, request.action)
        return error_response(
            request.service, "InternalFailure", "The sandbox could not authorize this call.", 500
        )
    if verdict.allowed:
        return None
    message = denial_message(identity, target.action, resource, verdict)
    return access_denied(request.service, message)


__all__ = [
    "ALWAYS_ALLOWED",
    "Identity",
    "access_denied",
    "decide",
    "denial_message",
    "identify",
    "refusal",
]
