"""What a request asks IAM to authorize: the action, the resource ARNs, the condition keys.

AWS authorizes each API call as an IAM *action* (``iam:CreateUser``) on the resources its
Service Authorization Reference lists for that action ("Actions, resources, and condition keys
for AWS Identity and Access Management", "… for Amazon S3", "… for AWS Key Management Service",
"… for AWS CloudTrail", "… for AWS Security Token Service", "… for Amazon EC2"). This module
maps the requests the sandbox receives to those: every operation the wizard calls is mapped to
the resource AWS names; an operation not mapped here is authorized against ``*`` (the resource
an action without resource types uses), which an ``"Resource": "*"`` Allow covers and a policy
scoped to particular ARNs does not.

Only the names are worked out here: an ARN is built from the request's parameters and, where a
resource already exists, read from moto (an IAM user's ARN carries its path, a KMS alias points
at a key). Nothing is changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote

from aws_setup_wizard.sandbox import backends
from aws_setup_wizard.sandbox.protocol import ParsedRequest


@dataclass(frozen=True)
class Target:
    """One action on one or more resources (all must be allowed), with request condition keys."""

    action: str
    resources: tuple[str, ...] = ("*",)
    context: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Asker:
    """The parts of the caller a mapping needs: the account and, for an IAM user, its name."""

    account_id: str
    user_name: str | None = None


def _names(words: str) -> frozenset[str]:
    """A set of operation names written as one space-separated string (easier to scan)."""
    return frozenset(words.split())


# IAM actions whose resource is a user (absent ``UserName`` means the calling user).
_IAM_USER_ACTIONS = _names(
    "CreateUser GetUser DeleteUser UpdateUser TagUser UntagUser ListUserTags CreateLoginProfile "
    "GetLoginProfile UpdateLoginProfile DeleteLoginProfile ListMFADevices EnableMFADevice "
    "DeactivateMFADevice ResyncMFADevice ListAccessKeys CreateAccessKey DeleteAccessKey "
    "UpdateAccessKey ListUserPolicies GetUserPolicy PutUserPolicy DeleteUserPolicy "
    "ListAttachedUserPolicies AttachUserPolicy DetachUserPolicy ListGroupsForUser "
    "PutUserPermissionsBoundary DeleteUserPermissionsBoundary ChangePassword "
    "ListSigningCertificates ListSSHPublicKeys ListServiceSpecificCredentials"
)
_IAM_GROUP_ACTIONS = _names(
    "CreateGroup GetGroup DeleteGroup UpdateGroup AddUserToGroup RemoveUserFromGroup "
    "ListGroupPolicies GetGroupPolicy PutGroupPolicy DeleteGroupPolicy ListAttachedGroupPolicies "
    "AttachGroupPolicy DetachGroupPolicy"
)
_IAM_ROLE_ACTIONS = _names(
    "CreateRole GetRole DeleteRole UpdateRole UpdateAssumeRolePolicy ListRolePolicies "
    "GetRolePolicy PutRolePolicy DeleteRolePolicy ListAttachedRolePolicies AttachRolePolicy "
    "DetachRolePolicy TagRole UntagRole ListRoleTags"
)
_IAM_POLICY_ACTIONS = _names(
    "GetPolicy GetPolicyVersion DeletePolicy CreatePolicyVersion DeletePolicyVersion "
    "ListPolicyVersions SetDefaultPolicyVersion ListEntitiesForPolicy TagPolicy UntagPolicy "
    "ListPolicyTags"
)
# KMS actions on a key named by ``KeyId`` (ID, key ARN, alias name or alias ARN).
_KMS_KEY_ACTIONS = _names(
    "DescribeKey GetKeyPolicy PutKeyPolicy ListKeyPolicies EnableKeyRotation DisableKeyRotation "
    "GetKeyRotationStatus EnableKey DisableKey ScheduleKeyDeletion CancelKeyDeletion "
    "ListResourceTags TagResource UntagResource Encrypt Decrypt ReEncrypt GenerateDataKey "
    "GenerateDataKeyWithoutPlaintext GenerateDataKeyPair GenerateMac VerifyMac Sign Verify "
    "ListGrants CreateGrant RevokeGrant RetireGrant UpdateKeyDescription GetPublicKey"
)
# CloudTrail actions on a trail named by ``Name`` or ``TrailName`` (a name or an ARN).
_TRAIL_ACTIONS = _names(
    "CreateTrail UpdateTrail DeleteTrail GetTrail GetTrailStatus StartLogging StopLogging "
    "GetEventSelectors PutEventSelectors GetInsightSelectors PutInsightSelectors"
)


def target_of(
    request: ParsedRequest, environ: Mapping[str, Any], asker: Asker, region: str
) -> Target:
    """The action, resources and condition keys IAM authorizes ``request`` as."""
    service = request.service
    if service == "iam":
        return _iam(request, asker)
    if service == "sts":
        return _sts(request)
    if service == "kms":
        return _kms(request, asker.account_id, region)
    if service == "cloudtrail":
        return _cloudtrail(request, asker.account_id, region)
    if service == "s3":
        return _s3(environ)
    if service == "account":
        return _account(request, asker.account_id)
    if service == "budgets":
        return _budgets(request, asker.account_id)
    if service == "guardduty":
        return _guardduty(request, asker.account_id, region)
    # EC2 (DescribeRegions, the EBS default-encryption calls …) and anything else: actions
    # without a resource type, or not mapped here; authorized against "*".
    return Target(f"{service}:{request.action or '*'}")


def _iam_arn(account_id: str, kind: str, name: str, path: str | None = "/") -> str:
    return f"arn:aws:iam::{account_id}:{kind}{path or '/'}{name}"


def _iam(request: ParsedRequest, asker: Asker) -> Target:
    action, params, account = request.action, request.params, asker.account_id
    iam = backends.iam(account)
    context: dict[str, str] = {}
    if params.get("PolicyArn"):
        context["iam:PolicyARN"] = params["PolicyArn"]  # Attach*/Detach* condition key
    resource = "*"
    if action in _IAM_USER_ACTIONS:
        name = params.get("UserName") or asker.user_name
        if name:
            user = iam.users.get(name)
            resource = user.arn if user else _iam_arn(account, "user", name, params.get("Path"))
    elif action in _IAM_GROUP_ACTIONS and params.get("GroupName"):
        name = params["GroupName"]
        group = iam.groups.get(name)
        resource = group.arn if group else _iam_arn(account, "group", name, params.get("Path"))
    elif action in _IAM_ROLE_ACTIONS and params.get("RoleName"):
        name = params["RoleName"]
        role = next((r for r in iam.roles.values() if r.name == name), None)
        resource = role.arn if role else _iam_arn(account, "role", name, params.get("Path"))
    elif action in _IAM_POLICY_ACTIONS and params.get("PolicyArn"):
        resource = params["PolicyArn"]
    elif action == "CreatePolicy" and params.get("PolicyName"):
        resource = _iam_arn(account, "policy", params["PolicyName"], params.get("Path"))
    elif action == "CreateVirtualMFADevice" and params.get("VirtualMFADeviceName"):
        resource = _iam_arn(account, "mfa", params["VirtualMFADeviceName"], params.get("Path"))
    elif action == "DeleteVirtualMFADevice" and params.get("SerialNumber"):
        resource = params["SerialNumber"]
    elif action == "GetAccessKeyLastUsed" and params.get("AccessKeyId"):
        # Authorized on the user who owns the key (Service Authorization Reference, IAM).
        key = iam.access_keys.get(params["AccessKeyId"])
        owner = getattr(key, "user_name", None)
        if owner:
            resource = _iam_arn(account, "user", owner)
    return Target(f"iam:{action}", (resource,), context)


def _sts(request: ParsedRequest) -> Target:
    role = request.params.get("RoleArn")
    if request.action.startswith("AssumeRole") and role:
        return Target(f"sts:{request.action}", (role,))
    return Target(f"sts:{request.action}")


def key_reference(account_id: str, region: str, reference: str) -> tuple[str, Any | None]:
    """The key ARN a KMS ``KeyId`` (ID, key ARN, alias name or alias ARN) names, and the key.

    The key is ``None`` when it does not exist; the ARN is then built from the reference.
    Never creates anything (moto's own alias lookup conjures AWS managed keys into being).
    """
    if reference.startswith("arn:") and reference.count(":") >= 5:
        region = reference.split(":")[3] or region
    backend = backends.kms(account_id, region)
    name = reference.split(":", 5)[-1] if reference.startswith("arn:") else reference
    if name.startswith("alias/"):
        key = next((k for k in backend.keys.values() if name in k.aliases), None)
    else:
        key = backend.keys.get(name.removeprefix("key/"))
    if key is not None:
        return str(key.arn), key
    if reference.startswith("arn:"):
        return reference, None
    kind = "" if name.startswith("alias/") else "key/"
    return f"arn:aws:kms:{region}:{account_id}:{kind}{name}", None


def _kms(request: ParsedRequest, account_id: str, region: str) -> Target:
    action, body = request.action, request.json_body
    resources: list[str] = []
    if action in _KMS_KEY_ACTIONS and body.get("KeyId"):
        resources.append(key_reference(account_id, region, str(body["KeyId"]))[0])
    elif action in ("CreateAlias", "UpdateAlias", "DeleteAlias") and body.get("AliasName"):
        # Both the alias and the key it names are authorized (Service Authorization Reference,
        # AWS KMS: CreateAlias needs alias* and key*; "Controlling access to aliases").
        alias = str(body["AliasName"])
        resources.append(f"arn:aws:kms:{region}:{account_id}:{alias}")
        target_key = body.get("TargetKeyId")
        if target_key:
            resources.append(key_reference(account_id, region, str(target_key))[0])
        elif action == "DeleteAlias":
            key_arn, key = key_reference(account_id, region, alias)
            if key is not None:
                resources.append(key_arn)
    return Target(f"kms:{action}", tuple(resources) or ("*",))


def _cloudtrail(request: ParsedRequest, account_id: str, region: str) -> Target:
    action = request.action
    name = request.json_body.get("Name") or request.json_body.get("TrailName")
    if action in _TRAIL_ACTIONS and name:
        name = str(name)
        arn = (
            name
            if name.startswith("arn:")
            else (f"arn:aws:cloudtrail:{region}:{account_id}:trail/{name}")
        )
        return Target(f"cloudtrail:{action}", (arn,))
    return Target(f"cloudtrail:{action}")


def _account(request: ParsedRequest, account_id: str) -> Target:
    """Alternate contacts: the ``account`` resource, with ``account:AlternateContactTypes``.

    Service Authorization Reference, "Actions, resources, and condition keys for AWS Account
    Management": a standalone account is ``arn:aws:account::ACCOUNT:account``; the contact
    type is the ``account:AlternateContactTypes`` condition key. A request naming another
    account (``AccountId``) is refused afterwards by the account layer, whatever the policies.
    """
    context: dict[str, str] = {}
    kind = request.json_body.get("AlternateContactType")
    if isinstance(kind, str) and kind:
        context["account:AlternateContactTypes"] = kind
    resource = f"arn:aws:account::{account_id}:account"
    return Target(f"account:{request.action or '*'}", (resource,), context)


def _budgets(request: ParsedRequest, account_id: str) -> Target:
    """AWS Budgets authorizes reads as ``budgets:ViewBudget`` and writes as
    ``budgets:ModifyBudget`` on ``arn:aws:budgets::ACCOUNT:budget/NAME`` (Service Authorization
    Reference, "Actions, resources, and condition keys for AWS Budget Service")."""
    action = request.action
    verb = "ViewBudget" if action.startswith("Describe") else "ModifyBudget"
    body = request.json_body
    budget = body.get("Budget")
    name = body.get("BudgetName") or (
        budget.get("BudgetName") if isinstance(budget, dict) else None
    )
    resource = f"arn:aws:budgets::{account_id}:budget/{name}" if name else "*"
    return Target(f"budgets:{verb}", (resource,))


def _guardduty(request: ParsedRequest, account_id: str, region: str) -> Target:
    """GuardDuty: an operation naming a detector is authorized on
    ``arn:aws:guardduty:REGION:ACCOUNT:detector/ID``; ``CreateDetector`` and ``ListDetectors``
    have no resource type, so ``*`` (Service Authorization Reference, "Actions, resources, and
    condition keys for Amazon GuardDuty")."""
    detector_id = request.params.get("DetectorId")
    resource = f"arn:aws:guardduty:{region}:{account_id}:detector/{detector_id}"
    return Target(f"guardduty:{request.action or '*'}", (resource if detector_id else "*",))


# S3: (method, sub-resource) -> action, for bucket requests; see "Required permissions for
# Amazon S3 API operations" (S3 User Guide). A DELETE of a configuration is authorized as
# its Put action.
_S3_BUCKET_SUBRESOURCES: dict[str, tuple[str, str]] = {
    "policy": ("GetBucketPolicy", "PutBucketPolicy"),
    "versioning": ("GetBucketVersioning", "PutBucketVersioning"),
    "publicAccessBlock": ("GetBucketPublicAccessBlock", "PutBucketPublicAccessBlock"),
    "acl": ("GetBucketAcl", "PutBucketAcl"),
    "encryption": ("GetEncryptionConfiguration", "PutEncryptionConfiguration"),
    "logging": ("GetBucketLogging", "PutBucketLogging"),
    "tagging": ("GetBucketTagging", "PutBucketTagging"),
    "ownershipControls": ("GetBucketOwnershipControls", "PutBucketOwnershipControls"),
    "lifecycle": ("GetLifecycleConfiguration", "PutLifecycleConfiguration"),
    "object-lock": ("GetBucketObjectLockConfiguration", "PutBucketObjectLockConfiguration"),
    "notification": ("GetBucketNotification", "PutBucketNotification"),
    "cors": ("GetBucketCORS", "PutBucketCORS"),
    "website": ("GetBucketWebsite", "PutBucketWebsite"),
    "policyStatus": ("GetBucketPolicyStatus", "GetBucketPolicyStatus"),
    "location": ("GetBucketLocation", "GetBucketLocation"),
    "versions": ("ListBucketVersions", "ListBucketVersions"),
    "uploads": ("ListBucketMultipartUploads", "ListBucketMultipartUploads"),
}
_S3_OBJECT_SUBRESOURCES: dict[str, tuple[str, str]] = {
    "acl": ("GetObjectAcl", "PutObjectAcl"),
    "tagging": ("GetObjectTagging", "PutObjectTagging"),
}


def _s3_bucket_and_key(environ: Mapping[str, Any]) -> tuple[str, str]:
    path = unquote(str(environ.get("PATH_INFO", "")))
    host = str(environ.get("HTTP_HOST", "")).split(":")[0]
    labels = host.split(".")
    virtual = (
        len(labels) > 1
        and not host.replace(".", "").isdigit()
        and (labels[1].startswith("s3") or labels[1] == "localhost")
    )
    if virtual:  # bucket.s3.amazonaws.com/key, bucket.localhost/key
        return labels[0], path.lstrip("/")
    bucket, _, key = path.lstrip("/").partition("/")
    return bucket, key


def _s3(environ: Mapping[str, Any]) -> Target:
    method = str(environ.get("REQUEST_METHOD", "GET")).upper()
    path = str(environ.get("PATH_INFO", ""))
    query = dict(parse_qsl(str(environ.get("QUERY_STRING", "")), keep_blank_values=True))
    if path.startswith("/v20180820/configuration/publicAccessBlock"):  # s3control, account level
        verb = "Get" if method == "GET" else "Put"
        return Target(f"s3:{verb}AccountPublicAccessBlock")
    bucket, key = _s3_bucket_and_key(environ)
    if not bucket:
        return Target("s3:ListAllMyBuckets")
    read = method in ("GET", "HEAD")
    if key:
        arn = f"arn:aws:s3:::{bucket}/{key}"
        for name, (get, put) in _S3_OBJECT_SUBRESOURCES.items():
            if name in query:
                return Target(f"s3:{get if read else put}", (arn,))
        context: dict[str, str] = {}
        if environ.get("HTTP_X_AMZ_ACL"):
            context["s3:x-amz-acl"] = str(environ["HTTP_X_AMZ_ACL"])
        # Multipart uploads (POST) are authorized as s3:PutObject, their abort separately.
        verbs = {"GET": "GetObject", "HEAD": "GetObject", "PUT": "PutObject", "POST": "PutObject"}
        action = verbs.get(method, "DeleteObject")
        if action == "GetObject" and "versionId" in query:
            action = "GetObjectVersion"
        if method == "DELETE" and "uploadId" in query:
            action = "AbortMultipartUpload"
        return Target(f"s3:{action}", (arn,), context)
    arn = f"arn:aws:s3:::{bucket}"
    for name, (get, put) in _S3_BUCKET_SUBRESOURCES.items():
        if name in query:
            return Target(f"s3:{get if read else put}", (arn,))
    if method == "POST" and "delete" in query:  # DeleteObjects: each object's s3:DeleteObject
        return Target("s3:DeleteObject", (f"{arn}/*",))
    verb = {"PUT": "CreateBucket", "DELETE": "DeleteBucket"}.get(method, "ListBucket")
    return Target(f"s3:{verb}", (arn,))


__all__ = ["Asker", "Target", "key_reference", "target_of"]
