"""Each scenario's account, as boto3 sees it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from aws_setup_wizard.sandbox import SCENARIOS, Sandbox

ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"


def summary(client: Any, sandbox: Sandbox) -> dict[str, int]:
    result: dict[str, int] = client(sandbox, "iam").get_account_summary()["SummaryMap"]
    return result


def test_fresh_is_a_new_account(sandbox_at: Any, client: Any) -> None:
    sandbox = sandbox_at("fresh")
    root_key = sandbox.root_access_key
    assert root_key is not None and root_key.access_key_id.startswith("AKIA")
    iam = client(sandbox, "iam")
    last_used = iam.get_access_key_last_used(AccessKeyId=root_key.access_key_id)
    assert "LastUsedDate" not in last_used["AccessKeyLastUsed"]
    flags = summary(client, sandbox)
    assert flags["AccountMFAEnabled"] == 0
    assert flags["AccountAccessKeysPresent"] == 1
    assert iam.list_users()["Users"] == []
    assert iam.list_groups()["Groups"] == []
    assert iam.list_virtual_mfa_devices()["VirtualMFADevices"] == []
    assert client(sandbox, "cloudtrail").describe_trails()["trailList"] == []
    assert client(sandbox, "s3").list_buckets()["Buckets"] == []
    keys = client(sandbox, "iam", root_key).list_access_keys()["AccessKeyMetadata"]
    assert [(k["AccessKeyId"], k["Status"]) for k in keys] == [(root_key.access_key_id, "Active")]
    assert "UserName" not in keys[0]


def test_partial_has_admin_without_mfa(sandbox_at: Any, client: Any) -> None:
    sandbox = sandbox_at("partial")
    assert sandbox.root_access_key is not None
    assert summary(client, sandbox)["AccountMFAEnabled"] == 1
    assert summary(client, sandbox)["AccountAccessKeysPresent"] == 1
    iam = client(sandbox, "iam")
    attached = iam.list_attached_group_policies(GroupName="Administrators")
    assert [p["PolicyArn"] for p in attached["AttachedPolicies"]] == [ADMIN_ARN]
    members = iam.get_group(GroupName="Administrators")["Users"]
    assert [u["UserName"] for u in members] == ["admin"]
    profile = iam.get_login_profile(UserName="admin")["LoginProfile"]
    assert profile["PasswordResetRequired"] is True
    assert iam.list_mfa_devices(UserName="admin")["MFADevices"] == []
    assert client(sandbox, "cloudtrail").describe_trails()["trailList"] == []


def test_done_is_fully_secured(sandbox_at: Any, client: Any) -> None:
    sandbox = sandbox_at("done")
    account = sandbox.account_id
    assert sandbox.root_access_key is None
    assert "SANDBOX_ROOT_ACCESS_KEY_ID" not in sandbox.env()
    flags = summary(client, sandbox)
    assert (flags["AccountMFAEnabled"], flags["AccountAccessKeysPresent"]) == (1, 0)
    iam = client(sandbox, "iam")
    assigned = iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"]
    root_devices = [d for d in assigned if d["User"]["Arn"] == f"arn:aws:iam::{account}:root"]
    assert len(root_devices) == 1 and root_devices[0]["User"]["UserId"] == account
    assert all("Base32StringSeed" not in d for d in assigned)
    # The admin is not called "admin": checks must not rely on a default name.
    assert [u["UserName"] for u in iam.list_users()["Users"]] == ["alice"]
    assert [u["UserName"] for u in iam.get_group(GroupName="Admins")["Users"]] == ["alice"]
    attached = iam.list_attached_group_policies(GroupName="Admins")["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [ADMIN_ARN]
    assert iam.list_user_policies(UserName="alice")["PolicyNames"] == []
    assert iam.list_attached_user_policies(UserName="alice")["AttachedPolicies"] == []
    assert iam.list_access_keys(UserName="alice")["AccessKeyMetadata"] == []
    assert len(iam.list_mfa_devices(UserName="alice")["MFADevices"]) == 1
    assert iam.get_login_profile(UserName="alice")["LoginProfile"]["PasswordResetRequired"]

    cloudtrail = client(sandbox, "cloudtrail")
    (trail,) = cloudtrail.describe_trails(trailNameList=["org-audit"])["trailList"]
    assert trail["IsMultiRegionTrail"] and trail["IncludeGlobalServiceEvents"]
    assert trail["LogFileValidationEnabled"]
    assert cloudtrail.get_trail_status(Name="org-audit")["IsLogging"] is True
    (selector,) = cloudtrail.get_event_selectors(TrailName="org-audit")["EventSelectors"]
    assert selector["ReadWriteType"] == "All" and selector["IncludeManagementEvents"]

    kms = client(sandbox, "kms")
    key = kms.describe_key(KeyId="alias/org-audit-trail")["KeyMetadata"]
    assert trail["KmsKeyId"] == key["Arn"]
    assert kms.get_key_rotation_status(KeyId=key["KeyId"])["KeyRotationEnabled"] is True
    key_policy = json.loads(kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"])
    assert "AllowCloudTrailToEncryptLogs" in {s["Sid"] for s in key_policy["Statement"]}

    s3 = client(sandbox, "s3")
    bucket = f"org-audit-logs-{account}"
    assert trail["S3BucketName"] == bucket
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert all(block.values()) and len(block) == 4
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    bucket_policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    assert "AWSCloudTrailWrite" in {s["Sid"] for s in bucket_policy["Statement"]}


def test_drifted_has_stopped_trail_and_new_root_key(sandbox_at: Any, client: Any) -> None:
    sandbox = sandbox_at("drifted")
    root_key = sandbox.root_access_key
    assert root_key is not None
    assert sandbox.env()["SANDBOX_ROOT_ACCESS_KEY_ID"] == root_key.access_key_id
    flags = summary(client, sandbox)
    assert (flags["AccountMFAEnabled"], flags["AccountAccessKeysPresent"]) == (1, 1)
    cloudtrail = client(sandbox, "cloudtrail")
    assert cloudtrail.get_trail_status(Name="org-audit")["IsLogging"] is False
    identity = client(sandbox, "sts", root_key).get_caller_identity()
    assert identity["Arn"] == f"arn:aws:iam::{sandbox.account_id}:root"
    assert [u["UserName"] for u in client(sandbox, "iam").list_users()["Users"]] == ["alice"]


def test_reset_wipes_everything(sandbox_at: Any, client: Any) -> None:
    sandbox = sandbox_at("done")
    sandbox_at("fresh")
    assert client(sandbox, "iam").list_users()["Users"] == []
    with pytest.raises(ClientError):
        client(sandbox, "cloudtrail").get_trail_status(Name="org-audit")


def test_unknown_scenario_is_refused(running_sandbox: Sandbox) -> None:
    with pytest.raises(ValueError):
        Sandbox("nonsense")
    with pytest.raises(ValueError):
        running_sandbox.reset("nonsense")
    assert set(SCENARIOS) == {"fresh", "partial", "drifted", "done"}


def test_only_one_sandbox_per_process(running_sandbox: Sandbox) -> None:
    from aws_setup_wizard.sandbox import SandboxError

    with pytest.raises(SandboxError):
        Sandbox("fresh").start()
    # The running one is unharmed.
    assert running_sandbox.endpoint_url.startswith("http://127.0.0.1:")
