"""Where moto is more lenient than AWS, the sandbox answers as AWS does."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from aws_setup_wizard import assets
from aws_setup_wizard.sandbox import Sandbox


def code_of(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def trail_arn(sandbox: Sandbox, name: str) -> str:
    return f"arn:aws:cloudtrail:us-east-1:{sandbox.account_id}:trail/{name}"


def make_bucket(client: Any, sandbox: Sandbox, bucket: str, policy: dict[str, Any] | None) -> None:
    s3 = client(sandbox, "s3")
    s3.create_bucket(Bucket=bucket)
    if policy is not None:
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))


def good_policy(sandbox: Sandbox, bucket: str, trail: str) -> dict[str, Any]:
    return assets.policy(
        "cloudtrail-bucket",
        key_prefix="",
        partition="aws",
        bucket=bucket,
        trail_arn=trail_arn(sandbox, trail),
        account_id=sandbox.account_id,
    )


def test_create_trail_refuses_existing_name(sandbox_at: Any, client: Any) -> None:
    sandbox = sandbox_at("done")
    bucket = f"org-audit-logs-{sandbox.account_id}"
    with pytest.raises(ClientError) as error:
        client(sandbox, "cloudtrail").create_trail(Name="org-audit", S3BucketName=bucket)
    assert code_of(error) == "TrailAlreadyExistsException"
    status = client(sandbox, "cloudtrail").get_trail_status(Name="org-audit")
    assert status["IsLogging"] is True  # the existing trail was not replaced


def test_create_trail_needs_bucket_policy(sandbox_at: Any, client: Any) -> None:
    sandbox = sandbox_at("fresh")
    cloudtrail = client(sandbox, "cloudtrail")
    make_bucket(client, sandbox, "no-policy", None)
    with pytest.raises(ClientError) as error:
        cloudtrail.create_trail(Name="trail-one", S3BucketName="no-policy")
    assert code_of(error) == "InsufficientS3BucketPolicyException"
    # Write access alone is not enough: CloudTrail also checks the bucket ACL.
    write_only = good_policy(sandbox, "write-only", "trail-one")
    write_only["Statement"] = [
        s for s in write_only["Statement"] if s["Sid"] != "AWSCloudTrailAclCheck"
    ]
    make_bucket(client, sandbox, "write-only", write_only)
    with pytest.raises(ClientError) as acl_error:
        cloudtrail.create_trail(Name="trail-one", S3BucketName="write-only")
    assert code_of(acl_error) == "InsufficientS3BucketPolicyException"
    # A policy written for another trail does not let this one write.
    make_bucket(client, sandbox, "other-trail", good_policy(sandbox, "other-trail", "other"))
    with pytest.raises(ClientError) as arn_error:
        cloudtrail.create_trail(Name="trail-one", S3BucketName="other-trail")
    assert code_of(arn_error) == "InsufficientS3BucketPolicyException"
    assert cloudtrail.describe_trails()["trailList"] == []
    make_bucket(client, sandbox, "right", good_policy(sandbox, "right", "trail-one"))
    created = cloudtrail.create_trail(Name="trail-one", S3BucketName="right")
    assert created["TrailARN"] == trail_arn(sandbox, "trail-one")


def test_create_trail_accepts_wildcard_policy(sandbox_at: Any, client: Any) -> None:
    sandbox = sandbox_at("fresh")
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": ["cloudtrail.amazonaws.com"]},
                "Action": ["s3:Get*", "s3:Put*"],
                "Resource": ["arn:aws:s3:::wild", "arn:aws:s3:::wild/*"],
            }
        ],
    }
    make_bucket(client, sandbox, "wild", policy)
    client(sandbox, "cloudtrail").create_trail(Name="wild-trail", S3BucketName="wild")


def test_create_trail_checks_kms_key(sandbox_at: Any, client: Any) -> None:
    sandbox = sandbox_at("fresh")
    cloudtrail = client(sandbox, "cloudtrail")
    make_bucket(client, sandbox, "logs", good_policy(sandbox, "logs", "trail-two"))
    with pytest.raises(ClientError) as missing:
        cloudtrail.create_trail(Name="trail-two", S3BucketName="logs", KmsKeyId="alias/nope")
    assert code_of(missing) == "KmsKeyNotFoundException"
    kms = client(sandbox, "kms")
    default_key = kms.create_key()["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError) as closed:
        cloudtrail.create_trail(Name="trail-two", S3BucketName="logs", KmsKeyId=default_key)
    assert code_of(closed) == "InsufficientEncryptionPolicyException"
    key_policy = assets.policy(
        "cloudtrail-kms-key",
        partition="aws",
        account_id=sandbox.account_id,
        trail_arn=trail_arn(sandbox, "trail-two"),
    )
    open_key = kms.create_key(Policy=json.dumps(key_policy))["KeyMetadata"]["Arn"]
    cloudtrail.create_trail(Name="trail-two", S3BucketName="logs", KmsKeyId=open_key)


def test_new_trail_has_default_event_selectors(sandbox_at: Any, client: Any) -> None:
    sandbox = sandbox_at("fresh")
    make_bucket(client, sandbox, "sel", good_policy(sandbox, "sel", "trail-three"))
    cloudtrail = client(sandbox, "cloudtrail")
    cloudtrail.create_trail(Name="trail-three", S3BucketName="sel")
    selectors = cloudtrail.get_event_selectors(TrailName="trail-three")["EventSelectors"]
    assert selectors == [
        {
            "ReadWriteType": "All",
            "IncludeManagementEvents": True,
            "DataResources": [],
            "ExcludeManagementEventSources": [],
        }
    ]
    cloudtrail.put_event_selectors(
        TrailName="trail-three",
        EventSelectors=[{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}],
    )
    (selector,) = cloudtrail.get_event_selectors(TrailName=trail_arn(sandbox, "trail-three"))[
        "EventSelectors"
    ]
    assert selector["ReadWriteType"] == "WriteOnly"


def test_describe_trails_filters(sandbox_at: Any, client: Any) -> None:
    sandbox = sandbox_at("done")
    make_bucket(client, sandbox, "second", good_policy(sandbox, "second", "second-trail"))
    cloudtrail = client(sandbox, "cloudtrail")
    cloudtrail.create_trail(Name="second-trail", S3BucketName="second")
    assert len(cloudtrail.describe_trails()["trailList"]) == 2
    by_name = cloudtrail.describe_trails(trailNameList=["second-trail"])["trailList"]
    assert [t["Name"] for t in by_name] == ["second-trail"]
    by_arn = cloudtrail.describe_trails(trailNameList=[trail_arn(sandbox, "org-audit")])
    assert [t["Name"] for t in by_arn["trailList"]] == ["org-audit"]
    assert cloudtrail.describe_trails(trailNameList=["missing"])["trailList"] == []


def test_login_profile_reset_flag(sandbox_at: Any, client: Any) -> None:
    sandbox = sandbox_at("fresh")
    iam = client(sandbox, "iam")
    iam.create_user(UserName="bob")
    created = iam.create_login_profile(
        UserName="bob", Password="Correct-Horse-1!", PasswordResetRequired=True
    )
    assert created["LoginProfile"]["PasswordResetRequired"] is True
    assert iam.get_login_profile(UserName="bob")["LoginProfile"]["PasswordResetRequired"] is True
    iam.update_login_profile(UserName="bob", PasswordResetRequired=False)
    profile = iam.get_login_profile(UserName="bob")["LoginProfile"]  # still there
    assert profile["PasswordResetRequired"] is False
    iam.update_login_profile(UserName="bob", PasswordResetRequired=True)
    iam.update_login_profile(UserName="bob", Password="Another-Horse-2!")
    assert iam.get_login_profile(UserName="bob")["LoginProfile"]["PasswordResetRequired"] is True
    iam.create_user(UserName="carol")
    with pytest.raises(ClientError) as error:
        iam.update_login_profile(UserName="carol", PasswordResetRequired=True)
    assert code_of(error) == "NoSuchEntity"


def test_aws_managed_policies_exist(sandbox_at: Any, client: Any) -> None:
    sandbox = sandbox_at("fresh")
    iam = client(sandbox, "iam")
    arn = "arn:aws:iam::aws:policy/AdministratorAccess"
    assert iam.get_policy(PolicyArn=arn)["Policy"]["PolicyName"] == "AdministratorAccess"
    iam.create_group(GroupName="Ops")
    iam.attach_group_policy(GroupName="Ops", PolicyArn=arn)
    attached = iam.list_attached_group_policies(GroupName="Ops")["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [arn]


def test_request_log_is_silent(
    sandbox_at: Any, client: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    sandbox = sandbox_at("fresh")
    capfd.readouterr()
    client(sandbox, "sts").get_caller_identity()
    client(sandbox, "iam").list_users()
    with pytest.raises(ClientError):
        client(sandbox, "iam").get_user(UserName="nobody")
    with pytest.raises(ClientError):
        client(sandbox, "cloudtrail").get_trail_status(Name="nothing-here")
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")
