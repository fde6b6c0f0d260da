"""Authorization in the sandbox follows AWS's policy evaluation, over real HTTP with boto3.

Each test names the AWS documentation it follows. Principals are made with root's console
session (as an owner in CloudShell would), then act with their own access keys.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from aws_setup_wizard.sandbox import Sandbox, SandboxCredentials

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
Client = Callable[..., Any]


def policy(*statements: dict[str, Any]) -> str:
    """A policy document with these statements."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def user_with_key(box: Sandbox, client: Client, name: str) -> SandboxCredentials:
    """A new IAM user (no policies) and its access key, made by root's console session."""
    iam = client(box, "iam")
    iam.create_user(UserName=name)
    made = iam.create_access_key(UserName=name)["AccessKey"]
    return SandboxCredentials(made["AccessKeyId"], made["SecretAccessKey"])


def refused(call: Callable[[], Any]) -> dict[str, Any]:
    """The error AWS answered ``call`` with (the test fails if it succeeded)."""
    with pytest.raises(ClientError) as error:
        call()
    return {
        "code": error.value.response["Error"]["Code"],
        "message": error.value.response["Error"].get("Message", ""),
        "status": error.value.response["ResponseMetadata"]["HTTPStatusCode"],
    }


@pytest.fixture
def box(sandbox_at: Callable[[str], Sandbox]) -> Sandbox:
    """A fresh sandbox account."""
    return sandbox_at("fresh")


def test_a_user_with_no_policy_is_denied_in_iams_words(box: Sandbox, client: Client) -> None:
    """IAM User Guide, "Policy evaluation logic" (by default all requests are implicitly
    denied) and "Troubleshoot access denied error messages" (the message names principal,
    action, resource and "because no identity-based policy allows"); the resource is the
    user ARN per the Service Authorization Reference, "Actions, resources, and condition keys
    for AWS Identity and Access Management" (iam:CreateUser → user)."""
    creds = user_with_key(box, client, "trainee")
    error = refused(lambda: client(box, "iam", creds).create_user(UserName="x"))
    account = box.account_id
    assert error == {
        "code": "AccessDenied",
        "status": 403,
        "message": (
            f"User: arn:aws:iam::{account}:user/trainee is not authorized to perform: "
            f"iam:CreateUser on resource: arn:aws:iam::{account}:user/x because no "
            "identity-based policy allows the iam:CreateUser action"
        ),
    }
    assert "x" not in [u["UserName"] for u in client(box, "iam").list_users()["Users"]]


def test_each_protocol_refuses_in_its_own_format(box: Sandbox, client: Client) -> None:
    """AWS KMS API Reference and AWS CloudTrail API Reference, "Common errors"
    (``AccessDeniedException``, HTTP 400, JSON protocol); Amazon EC2 API Reference, "Error
    codes" (``UnauthorizedOperation``, "You are not authorized to perform this operation");
    S3 User Guide, "Troubleshoot access denied (403 Forbidden) errors in Amazon S3" (same-account
    requests get ``AccessDenied`` with the policy type, the resource quoted)."""
    creds = user_with_key(box, client, "trainee")
    arn = f"arn:aws:iam::{box.account_id}:user/trainee"
    kms = refused(lambda: client(box, "kms", creds).create_key())
    assert (kms["code"], kms["status"]) == ("AccessDeniedException", 400)
    assert kms["message"] == (
        f"User: {arn} is not authorized to perform: kms:CreateKey because no identity-based "
        "policy allows the kms:CreateKey action"
    )
    trail = refused(lambda: client(box, "cloudtrail", creds).start_logging(Name="t"))
    assert trail["code"] == "AccessDeniedException"
    assert (
        f"cloudtrail:StartLogging on resource: arn:aws:cloudtrail:{box.region}:"
        in (trail["message"])
    )
    ec2 = refused(lambda: client(box, "ec2", creds).describe_regions())
    assert (ec2["code"], ec2["status"]) == ("UnauthorizedOperation", 403)
    assert ec2["message"].startswith("You are not authorized to perform this operation. User: ")
    s3 = refused(lambda: client(box, "s3", creds).create_bucket(Bucket="trainee-bucket"))
    assert (s3["code"], s3["status"]) == ("AccessDenied", 403)
    assert s3["message"] == (
        f'User: {arn} is not authorized to perform: s3:CreateBucket on resource: "arn:aws:s3:::'
        'trainee-bucket" because no identity-based policy allows the s3:CreateBucket action'
    )


def test_an_inline_policy_allows_what_it_names_and_no_more(box: Sandbox, client: Client) -> None:
    """IAM User Guide, "Managed policies and inline policies" (an inline policy is part of the
    identity) and "IAM JSON policy elements: Resource" (wildcards in ARNs scope an Allow)."""
    creds = user_with_key(box, client, "trainee")
    client(box, "iam").put_user_policy(
        UserName="trainee",
        PolicyName="dev-users",
        PolicyDocument=policy(
            {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"},
            {
                "Effect": "Allow",
                "Action": "iam:CreateUser",
                "Resource": f"arn:aws:iam::{box.account_id}:user/dev-*",
            },
        ),
    )
    iam = client(box, "iam", creds)
    iam.create_user(UserName="dev-1")
    assert "dev-1" in [u["UserName"] for u in iam.list_users()["Users"]]
    error = refused(lambda: iam.create_user(UserName="ops-1"))
    assert error["code"] == "AccessDenied" and "user/ops-1" in error["message"]
    assert refused(lambda: iam.list_groups())["code"] == "AccessDenied"


def test_managed_policies_count_through_groups_with_their_default_version(
    box: Sandbox, client: Client
) -> None:
    """IAM User Guide, "Identity-based policies and resource-based policies" (a group's
    policies apply to its members) and "Versioning IAM policies" (only the default version of
    a managed policy is in effect); AWS managed policies such as AdministratorAccess exist in
    every account ("AWS managed policies")."""
    creds = user_with_key(box, client, "trainee")
    iam = client(box, "iam")
    made = iam.create_policy(
        PolicyName="list-users",
        PolicyDocument=policy({"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"}),
    )["Policy"]["Arn"]
    iam.create_policy_version(
        PolicyArn=made,
        PolicyDocument=policy({"Effect": "Allow", "Action": "iam:ListGroups", "Resource": "*"}),
        SetAsDefault=True,
    )
    iam.create_group(GroupName="Readers")
    iam.attach_group_policy(GroupName="Readers", PolicyArn=made)
    iam.add_user_to_group(GroupName="Readers", UserName="trainee")
    mine = client(box, "iam", creds)
    assert [g["GroupName"] for g in mine.list_groups()["Groups"]] == ["Readers"]
    assert refused(lambda: mine.list_users())["code"] == "AccessDenied"  # version 1 only

    iam.create_group(GroupName="Administrators")
    iam.attach_group_policy(GroupName="Administrators", PolicyArn=ADMIN)
    iam.add_user_to_group(GroupName="Administrators", UserName="trainee")
    mine.create_user(UserName="made-by-trainee")


def test_an_explicit_deny_beats_any_allow(box: Sandbox, client: Client) -> None:
    """IAM User Guide, "Policy evaluation logic" ("An explicit deny in any policy overrides
    any allow") and "The difference between explicit and implicit denies"."""
    creds = user_with_key(box, client, "trainee")
    iam = client(box, "iam")
    iam.attach_user_policy(UserName="trainee", PolicyArn=ADMIN)
    iam.put_user_policy(
        UserName="trainee",
        PolicyName="no-new-users",
        PolicyDocument=policy({"Effect": "Deny", "Action": "iam:CreateUser", "Resource": "*"}),
    )
    mine = client(box, "iam", creds)
    mine.create_group(GroupName="Allowed")  # AdministratorAccess still allows the rest
    error = refused(lambda: mine.create_user(UserName="x"))
    assert error["message"].endswith(
        "iam:CreateUser on resource: "
        f"arn:aws:iam::{box.account_id}:user/x with an explicit deny in an identity-based policy"
    )


def test_a_bucket_policy_can_allow_a_principal_of_the_account(box: Sandbox, client: Client) -> None:
    """IAM User Guide, "Policy evaluation for requests within a single account" (an Allow in
    either the identity-based or the resource-based policy suffices; an explicit Deny in either
    wins) and "AWS JSON policy elements: Principal" (naming the account delegates to IAM and
    grants nothing by itself); S3 User Guide, "How Amazon S3 authorizes a request"."""
    creds = user_with_key(box, client, "trainee")
    user_arn = f"arn:aws:iam::{box.account_id}:user/trainee"
    s3 = client(box, "s3")
    s3.create_bucket(Bucket="shared-bucket")
    mine = client(box, "s3", creds)
    bucket_arn = "arn:aws:s3:::shared-bucket"

    def bucket_policy(principal: str, effect: str = "Allow") -> None:
        statement = {
            "Effect": effect,
            "Principal": {"AWS": principal},
            "Action": "s3:GetBucketVersioning",
            "Resource": bucket_arn,
        }
        s3.put_bucket_policy(Bucket="shared-bucket", Policy=policy(statement))

    bucket_policy(f"arn:aws:iam::{box.account_id}:root")  # the account only: IAM decides
    assert refused(lambda: mine.get_bucket_versioning(Bucket="shared-bucket"))["status"] == 403
    bucket_policy(user_arn)  # the user by name: enough on its own
    mine.get_bucket_versioning(Bucket="shared-bucket")
    assert refused(lambda: mine.get_bucket_policy(Bucket="shared-bucket"))["status"] == 403

    client(box, "iam").attach_user_policy(UserName="trainee", PolicyArn=ADMIN)
    bucket_policy(user_arn, effect="Deny")
    error = refused(lambda: mine.get_bucket_versioning(Bucket="shared-bucket"))
    assert error["message"].endswith("with an explicit deny in a resource-based policy")


def test_a_key_policy_must_allow_before_iam_policies_count(box: Sandbox, client: Client) -> None:
    """AWS KMS Developer Guide, "Key policies in AWS KMS" ("Unless the key policy explicitly
    allows it, you cannot use IAM policies to allow access to a KMS key") and "Default key
    policy" (the statement naming the account root lets IAM policies work)."""
    creds = user_with_key(box, client, "trainee")
    account, user_arn = box.account_id, f"arn:aws:iam::{box.account_id}:user/trainee"
    kms = client(box, "kms")
    default_key = kms.create_key()["KeyMetadata"]["KeyId"]  # default policy: the account
    named = {"Effect": "Allow", "Principal": {"AWS": user_arn}, "Action": "kms:*", "Resource": "*"}
    user_key = kms.create_key(Policy=policy(named))["KeyMetadata"]["KeyId"]
    other = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"}}
    closed_key = kms.create_key(Policy=policy({**other, "Action": "kms:*", "Resource": "*"}))[
        "KeyMetadata"
    ]["KeyId"]
    mine = client(box, "kms", creds)

    error = refused(lambda: mine.describe_key(KeyId=default_key))
    assert error["message"].endswith(
        "because no identity-based policy allows the kms:DescribeKey action"
    )
    mine.describe_key(KeyId=user_key)  # the key policy names the user: no IAM policy needed

    client(box, "iam").attach_user_policy(UserName="trainee", PolicyArn=ADMIN)
    mine.describe_key(KeyId=default_key)
    closed = refused(lambda: mine.describe_key(KeyId=closed_key))
    assert closed["code"] == "AccessDeniedException"
    assert closed["message"] == (
        f"User: {user_arn} is not authorized to perform: kms:DescribeKey on resource: "
        f"arn:aws:kms:{box.region}:{account}:key/{closed_key} because no resource-based policy "
        "allows the kms:DescribeKey action"
    )


def test_a_role_session_has_the_roles_permissions(box: Sandbox, client: Client) -> None:
    """IAM User Guide, "Policy evaluation for requests within a single account" (a role
    session is evaluated with the role's policies) and "How to use trust policies with IAM
    roles" (the trust policy must allow the caller; naming the account lets IAM decide);
    Service Authorization Reference, AWS STS (sts:AssumeRole on the role)."""
    creds = user_with_key(box, client, "trainee")
    iam = client(box, "iam")
    trust = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{box.account_id}:root"},
        "Action": "sts:AssumeRole",
    }
    role_arn = iam.create_role(RoleName="Reader", AssumeRolePolicyDocument=policy(trust))["Role"][
        "Arn"
    ]
    iam.put_role_policy(
        RoleName="Reader",
        PolicyName="list",
        PolicyDocument=policy({"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"}),
    )
    sts = client(box, "sts", creds)
    error = refused(lambda: sts.assume_role(RoleArn=role_arn, RoleSessionName="setup"))
    assert f"sts:AssumeRole on resource: {role_arn}" in error["message"]
    iam.put_user_policy(
        UserName="trainee",
        PolicyName="assume",
        PolicyDocument=policy(
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn}
        ),
    )
    made = sts.assume_role(RoleArn=role_arn, RoleSessionName="setup")["Credentials"]
    session = SandboxCredentials(made["AccessKeyId"], made["SecretAccessKey"], made["SessionToken"])
    as_role = client(box, "iam", session)
    assert "trainee" in [u["UserName"] for u in as_role.list_users()["Users"]]
    denied = refused(lambda: as_role.create_user(UserName="x"))
    assert denied["message"].startswith(
        f"User: arn:aws:sts::{box.account_id}:assumed-role/Reader/setup is not authorized"
    )


def test_root_is_not_subject_to_iam_policies(box: Sandbox, client: Client) -> None:
    """IAM User Guide, "AWS account root user" (root has complete access to all resources;
    identity-based policies cannot be attached to root): root's access key and its console
    session both act without any policy."""
    key = box.root.access_keys()[0].credentials
    for creds in (key, box.console_credentials):
        name = f"made-by-{creds.access_key_id[-4:]}"
        client(box, "iam", creds).create_user(UserName=name)
        client(box, "kms", creds).create_key()
        client(box, "s3", creds).create_bucket(Bucket=name.lower())


def test_get_caller_identity_needs_no_permission(box: Sandbox, client: Client) -> None:
    """AWS STS API Reference, "GetCallerIdentity" ("No permissions are required to perform
    this operation. If an administrator attaches a policy to your identity that explicitly
    denies access to the sts:GetCallerIdentity action, you can still perform this
    operation")."""
    creds = user_with_key(box, client, "trainee")
    client(box, "iam").put_user_policy(
        UserName="trainee",
        PolicyName="deny-all",
        PolicyDocument=policy({"Effect": "Deny", "Action": "*", "Resource": "*"}),
    )
    sts = client(box, "sts", creds)
    assert sts.get_caller_identity()["Arn"].endswith(":user/trainee")
    assert refused(lambda: client(box, "iam", creds).get_user())["code"] == "AccessDenied"
