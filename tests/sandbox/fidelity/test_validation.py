"""IAM's name rules and the account password policy, enforced as AWS enforces them.

Followed: IAM API Reference, request parameters of CreateUser, UpdateUser, CreateGroup,
CreateRole, CreatePolicy, CreateInstanceProfile and CreateVirtualMFADevice (pattern
``[\\w+=,.@-]+``, lengths; path pattern ``(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)``); IAM
User Guide, "IAM and AWS STS quotas" → "IAM name requirements" (names unique regardless of
case); IAM User Guide, "Set an account password policy for IAM users" (custom policy rules,
the symbol set, "Default password policy"); IAM API Reference, CreateLoginProfile,
UpdateLoginProfile and ChangePassword (``PasswordPolicyViolation``).
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from aws_setup_wizard.sandbox import Sandbox
from aws_setup_wizard.sandbox.passwords import VIOLATION

NAME_PATTERN = "[\\w+=,.@-]+"
POLICY = (
    '{"Version": "2012-10-17", "Statement": '
    '[{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}'
)


def error_of(error: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    response = error.value.response
    return (
        str(response["Error"]["Code"]),
        str(response["Error"]["Message"]),
        int(response["ResponseMetadata"]["HTTPStatusCode"]),
    )


def test_a_user_name_with_a_control_character_is_refused_and_listings_stay_readable(
    sandbox_at: Any, client: Any
) -> None:
    """The name was stored and broke every ListUsers with invalid XML; now it is refused."""
    box = sandbox_at("fresh")
    iam = client(box, "iam")
    with pytest.raises(ClientError) as error:
        iam.create_user(UserName="bad\x01name")
    assert error_of(error) == (
        "ValidationError",
        "1 validation error detected: Value 'bad\\u0001name' at 'userName' failed to satisfy "
        f"constraint: Member must satisfy regular expression pattern: {NAME_PATTERN}",
        400,
    )
    assert iam.list_users()["Users"] == []  # parses, and nothing was created


def test_aws_message_for_a_bad_user_name(sandbox_at: Any, client: Any) -> None:
    """The brief's example, word for word."""
    iam = client(sandbox_at("fresh"), "iam")
    with pytest.raises(ClientError) as error:
        iam.create_user(UserName="x y")
    assert error_of(error)[1] == (
        "1 validation error detected: Value 'x y' at 'userName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\w+=,.@-]+"
    )


@pytest.mark.parametrize(
    ("create", "member", "limit"),
    [
        (lambda iam, n: iam.create_user(UserName=n), "userName", 64),
        (lambda iam, n: iam.create_group(GroupName=n), "groupName", 128),
        (
            lambda iam, n: iam.create_role(RoleName=n, AssumeRolePolicyDocument="{}"),
            "roleName",
            64,
        ),
        (lambda iam, n: iam.create_policy(PolicyName=n, PolicyDocument=POLICY), "policyName", 128),
        (
            lambda iam, n: iam.create_instance_profile(InstanceProfileName=n),
            "instanceProfileName",
            128,
        ),
        (
            lambda iam, n: iam.create_virtual_mfa_device(VirtualMFADeviceName=n),
            "virtualMFADeviceName",
            226,
        ),
    ],
    ids=["user", "group", "role", "policy", "instance-profile", "virtual-mfa-device"],
)
def test_names_longer_than_the_limit_or_off_pattern_are_refused(
    sandbox_at: Any, client: Any, create: Any, member: str, limit: int
) -> None:
    """Length and pattern are each one error; both broken make "2 validation errors"."""
    iam = client(sandbox_at("fresh"), "iam")
    long_name = "a" * (limit + 1)
    with pytest.raises(ClientError) as error:
        create(iam, long_name)
    assert error_of(error) == (
        "ValidationError",
        f"1 validation error detected: Value '{long_name}' at '{member}' failed to satisfy "
        f"constraint: Member must have length less than or equal to {limit}",
        400,
    )
    both = "é" * (limit + 1)
    with pytest.raises(ClientError) as error:
        create(iam, both)
    assert error_of(error)[1].startswith("2 validation errors detected: ")
    create(iam, "a" * limit)  # exactly the limit is fine


def test_a_path_must_begin_and_end_with_a_slash(sandbox_at: Any, client: Any) -> None:
    """Path pattern ``(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)``."""
    iam = client(sandbox_at("fresh"), "iam")
    with pytest.raises(ClientError) as error:
        iam.create_user(UserName="ops", Path="/team")
    assert error_of(error) == (
        "ValidationError",
        "1 validation error detected: Value '/team' at 'path' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: "
        "(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)",
        400,
    )
    iam.create_user(UserName="ops", Path="/team/")


def test_renames_are_held_to_the_same_rules(sandbox_at: Any, client: Any) -> None:
    """UpdateUser's NewUserName follows CreateUser's rules; the user keeps its name."""
    iam = client(sandbox_at("fresh"), "iam")
    iam.create_user(UserName="alice")
    with pytest.raises(ClientError) as error:
        iam.update_user(UserName="alice", NewUserName="al\nice")
    assert "at 'newUserName'" in error_of(error)[1]
    assert [u["UserName"] for u in iam.list_users()["Users"]] == ["alice"]


def test_names_are_unique_regardless_of_case(sandbox_at: Any, client: Any) -> None:
    """ "You cannot create resources named both TESTUSER and testuser" → EntityAlreadyExists."""
    iam = client(sandbox_at("fresh"), "iam")
    iam.create_user(UserName="Admin")
    with pytest.raises(ClientError) as error:
        iam.create_user(UserName="admin")
    assert error_of(error) == ("EntityAlreadyExists", "User with name admin already exists.", 409)
    iam.create_group(GroupName="Administrators")
    with pytest.raises(ClientError) as error:
        iam.create_group(GroupName="ADMINISTRATORS")
    assert error_of(error)[0] == "EntityAlreadyExists"


# -- the password policy ----------------------------------------------------------------------

COMPLIANT = "Abcdef12!xyz-LONGER-Pass"


@pytest.mark.parametrize(
    "password",
    ["Ab1!xyz", "abcdefgh12", "ABCDEFGH!!", "abcdEFGH"],
    ids=["seven-chars", "two-types-lower-digit", "two-types-upper-symbol", "two-types-cases"],
)
def test_without_a_policy_aws_default_rules_apply(
    sandbox_at: Any, client: Any, password: str
) -> None:
    """Default policy: 8–128 characters and three of upper, lower, numbers, symbols."""
    iam = client(sandbox_at("fresh"), "iam")
    iam.create_user(UserName="bob")
    with pytest.raises(ClientError) as error:
        iam.create_login_profile(UserName="bob", Password=password)
    assert error_of(error) == ("PasswordPolicyViolation", VIOLATION, 400)
    with pytest.raises(ClientError):
        iam.get_login_profile(UserName="bob")  # nothing was created
    iam.create_login_profile(UserName="bob", Password="abcdEFGH1")  # three types, 9 chars


def test_a_custom_policy_is_enforced_on_create_and_update(sandbox_at: Any, client: Any) -> None:
    """MinimumPasswordLength and each Require* flag; only IAM's symbols count as symbols."""
    iam = client(sandbox_at("fresh"), "iam")
    iam.update_account_password_policy(
        MinimumPasswordLength=14,
        RequireSymbols=True,
        RequireNumbers=True,
        RequireUppercaseCharacters=True,
        RequireLowercaseCharacters=True,
    )
    iam.create_user(UserName="bob")
    for bad in [
        "Abcdef12!xyz",
        "abcdef12!xyzabc",
        "ABCDEF12!XYZABC",
        "Abcdefgh!xyzabc",
        "Abcdef12xyzabcd",
        "Abcdef12~xyzabc",
    ]:
        with pytest.raises(ClientError) as error:
            iam.create_login_profile(UserName="bob", Password=bad)
        assert error_of(error)[0] == "PasswordPolicyViolation", bad
    iam.create_login_profile(UserName="bob", Password=COMPLIANT)
    with pytest.raises(ClientError) as error:
        iam.update_login_profile(UserName="bob", Password="short1!A")
    assert error_of(error)[0] == "PasswordPolicyViolation"
    iam.update_login_profile(UserName="bob", PasswordResetRequired=True)  # no password: no check


def _user_client(box: Sandbox, client: Any, name: str) -> Any:
    iam = client(box, "iam")
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return boto3.client(
        "iam",
        endpoint_url=box.endpoint_url,
        region_name=box.region,
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
        config=Config(retries={"max_attempts": 1}),
    )


def test_change_password_follows_the_policy_and_reuse_prevention(
    sandbox_at: Any, client: Any
) -> None:
    """An IAM user changes their own password: policy checked, last N passwords refused."""
    box = sandbox_at("fresh")
    iam = client(box, "iam")
    iam.update_account_password_policy(
        MinimumPasswordLength=12, PasswordReusePrevention=2, AllowUsersToChangePassword=True
    )
    iam.create_user(UserName="bob")
    iam.create_login_profile(UserName="bob", Password="first-Pass-123", PasswordResetRequired=True)
    bob = _user_client(box, client, "bob")
    with pytest.raises(ClientError) as error:
        bob.change_password(OldPassword="first-Pass-123", NewPassword="short")
    assert error_of(error) == ("PasswordPolicyViolation", VIOLATION, 400)
    with pytest.raises(ClientError) as error:  # the current password is a previous one
        bob.change_password(OldPassword="first-Pass-123", NewPassword="first-Pass-123")
    assert error_of(error)[0] == "PasswordPolicyViolation"
    bob.change_password(OldPassword="first-Pass-123", NewPassword="second-Pass-123")
    assert iam.get_login_profile(UserName="bob")["LoginProfile"]["PasswordResetRequired"] is False
    with pytest.raises(ClientError) as error:  # still within the last two
        bob.change_password(OldPassword="second-Pass-123", NewPassword="first-Pass-123")
    assert error_of(error)[0] == "PasswordPolicyViolation"
    bob.change_password(OldPassword="second-Pass-123", NewPassword="third-Pass-123")
    bob.change_password(OldPassword="third-Pass-123", NewPassword="first-Pass-123")  # 3 back: ok
    with pytest.raises(ClientError) as error:
        bob.change_password(OldPassword="wrong-Pass-999", NewPassword="fourth-Pass-123")
    assert error_of(error)[0] == "InvalidUserType"


def test_change_password_is_for_iam_users_only(sandbox_at: Any, client: Any) -> None:
    """Root (here its console session) has no IAM login profile to change."""
    iam = client(sandbox_at("fresh"), "iam")
    with pytest.raises(ClientError) as error:
        iam.change_password(OldPassword="x-Pass-12345", NewPassword="y-Pass-12345")
    assert error_of(error)[0] == "InvalidUserType"


def test_the_password_history_holds_no_password(sandbox_at: Any, client: Any) -> None:
    """Reuse prevention keeps salted hashes only: no stored history item is the password."""
    from aws_setup_wizard.sandbox import backends

    box = sandbox_at("fresh")
    iam = client(box, "iam")
    iam.create_user(UserName="bob")
    iam.create_login_profile(UserName="bob", Password=COMPLIANT)
    history = backends.iam(box.account_id).users["bob"]._sandbox_password_hashes
    assert len(history) == 1
    salt, digest = history[0]
    assert COMPLIANT.encode() not in salt + digest and len(digest) == 32


def test_changing_ones_own_password_needs_the_policy_setting_or_a_grant(
    sandbox_at: Any, client: Any
) -> None:
    """IAM User Guide, "Set an account password policy for IAM users" (Allow users to change
    their own password) and "Permit IAM users to change their own password": without the
    setting or a policy granting ``iam:ChangePassword``, a user's ChangePassword is denied."""
    box = sandbox_at("fresh")
    iam = client(box, "iam")
    iam.update_account_password_policy(MinimumPasswordLength=12)
    iam.create_user(UserName="carol")
    iam.create_login_profile(UserName="carol", Password="first-Pass-123")
    carol = _user_client(box, client, "carol")
    with pytest.raises(ClientError) as error:
        carol.change_password(OldPassword="first-Pass-123", NewPassword="second-Pass-123")
    assert error_of(error)[0] == "AccessDenied"
    iam.update_account_password_policy(MinimumPasswordLength=12, AllowUsersToChangePassword=True)
    carol.change_password(OldPassword="first-Pass-123", NewPassword="second-Pass-123")
