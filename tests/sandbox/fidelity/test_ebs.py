"""EBS encryption by default over real HTTP: per account and per Region, as the EC2 API Reference
(GetEbsEncryptionByDefault, EnableEbsEncryptionByDefault, GetEbsDefaultKmsKeyId,
ModifyEbsDefaultKmsKeyId, ResetEbsDefaultKmsKeyId, CreateVolume) and the Amazon EBS User Guide
("Enable Amazon EBS encryption by default": a Region-specific setting; new volumes encrypted with
the Region's default key) describe it. moto alone lacks Get/ResetEbsDefaultKmsKeyId, fails with
HTTP 500 on a default key that does not exist, and leaves new volumes unencrypted."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from aws_setup_wizard.sandbox import Sandbox, SandboxCredentials
from tests.sandbox.fidelity.test_authorization import policy, refused, user_with_key

Ec2 = Callable[..., Any]


@pytest.fixture
def ec2(sandbox_at: Callable[[str], Sandbox]) -> Ec2:
    """``ec2(region, creds=None)``: an EC2 client of the ``fresh`` sandbox in one Region."""
    box = sandbox_at("fresh")

    def make(
        region: str, credentials: SandboxCredentials | None = None, service: str = "ec2"
    ) -> Any:
        creds = credentials or box.console_credentials
        return boto3.client(
            service,  # type: ignore[call-overload]
            endpoint_url=box.endpoint_url,
            region_name=region,
            aws_access_key_id=creds.access_key_id,
            aws_secret_access_key=creds.secret_access_key,
            aws_session_token=creds.session_token,
            config=Config(retries={"max_attempts": 1}),
        )

    make.box = box  # type: ignore[attr-defined]
    return make


def enabled(client: Any) -> bool:
    return bool(client.get_ebs_encryption_by_default()["EbsEncryptionByDefault"])


def test_a_new_account_has_encryption_by_default_off_and_the_aws_managed_default_key(
    ec2: Ec2,
) -> None:
    """EBS User Guide, "Enable Amazon EBS encryption by default" (off until enabled); AWS CLI
    Command Reference, ``get-ebs-default-kms-key-id`` (``alias/aws/ebs`` while none is set)."""
    client = ec2("eu-west-2")
    assert enabled(client) is False
    assert client.get_ebs_default_kms_key_id()["KmsKeyId"] == "alias/aws/ebs"


def test_the_setting_is_per_region(ec2: Ec2) -> None:
    """EBS User Guide: "Encryption by default is a Region-specific setting"."""
    assert ec2("eu-west-2").enable_ebs_encryption_by_default()["EbsEncryptionByDefault"] is True
    assert enabled(ec2("eu-west-2")) is True
    assert enabled(ec2("eu-west-1")) is False
    assert enabled(ec2("us-east-1")) is False


def test_the_setting_is_per_account(ec2: Ec2) -> None:
    """EC2 API Reference, EnableEbsEncryptionByDefault: "for your account in the current
    Region"."""
    other = ec2.box.add_account()  # type: ignore[attr-defined]
    ec2("eu-west-2").enable_ebs_encryption_by_default()
    assert enabled(ec2("eu-west-2", other.console_session)) is False


def test_a_customer_default_key_is_named_by_its_arn_in_its_region_only(ec2: Ec2) -> None:
    """EC2 API Reference, ModifyEbsDefaultKmsKeyId / GetEbsDefaultKmsKeyId (the key's ARN, "for
    your account in this Region") and ResetEbsDefaultKmsKeyId (back to the AWS managed key)."""
    key = ec2("eu-west-2", service="kms").create_key()["KeyMetadata"]["Arn"]
    client = ec2("eu-west-2")
    assert client.modify_ebs_default_kms_key_id(KmsKeyId=key)["KmsKeyId"] == key
    assert client.get_ebs_default_kms_key_id()["KmsKeyId"] == key
    assert ec2("eu-west-1").get_ebs_default_kms_key_id()["KmsKeyId"] == "alias/aws/ebs"
    assert client.reset_ebs_default_kms_key_id()["KmsKeyId"] == "alias/aws/ebs"
    assert client.get_ebs_default_kms_key_id()["KmsKeyId"] == "alias/aws/ebs"


def test_a_default_key_that_does_not_exist_is_accepted_as_aws_does(ec2: Ec2) -> None:
    """EC2 API Reference, ModifyEbsDefaultKmsKeyId: the key is authenticated asynchronously, so
    an invalid one "can appear to complete, but eventually fails"."""
    client = ec2("eu-west-2")
    answer = client.modify_ebs_default_kms_key_id(KmsKeyId="alias/not-made-yet")["KmsKeyId"]
    assert answer.startswith("arn:aws:kms:eu-west-2:") and answer.endswith(":alias/not-made-yet")
    assert client.get_ebs_default_kms_key_id()["KmsKeyId"] == answer


def test_a_new_volume_is_encrypted_with_the_default_key_only_where_the_setting_is_on(
    ec2: Ec2,
) -> None:
    """EBS User Guide, "Enable Amazon EBS encryption by default": new volumes are encrypted with
    the Region's default key, which is the AWS managed key unless one was set."""
    off = ec2("eu-west-1").create_volume(Size=1, AvailabilityZone="eu-west-1a")
    assert off["Encrypted"] is False
    client = ec2("eu-west-2")
    client.enable_ebs_encryption_by_default()
    made = client.create_volume(Size=1, AvailabilityZone="eu-west-2a")
    assert made["Encrypted"] is True
    described = client.describe_volumes(VolumeIds=[made["VolumeId"]])["Volumes"][0]
    assert described["Encrypted"] is True
    aws_managed = ec2("eu-west-2", service="kms").describe_key(KeyId="alias/aws/ebs")
    assert described["KmsKeyId"] == aws_managed["KeyMetadata"]["Arn"]
    # Made with the AWS managed key, the default is still named as the AWS managed alias.
    assert client.get_ebs_default_kms_key_id()["KmsKeyId"] == "alias/aws/ebs"


def test_a_new_volume_uses_the_customer_default_key(ec2: Ec2) -> None:
    """EC2 API Reference, ModifyEbsDefaultKmsKeyId: a customer managed default key "is used
    instead of the AWS managed KMS key"."""
    key = ec2("eu-west-2", service="kms").create_key()["KeyMetadata"]["Arn"]
    client = ec2("eu-west-2")
    client.enable_ebs_encryption_by_default()
    client.modify_ebs_default_kms_key_id(KmsKeyId=key)
    made = client.create_volume(Size=1, AvailabilityZone="eu-west-2a")
    assert (made["Encrypted"], made["KmsKeyId"]) == (True, key)


@pytest.mark.parametrize(
    "call",
    [
        "get_ebs_default_kms_key_id",
        "reset_ebs_default_kms_key_id",
        "enable_ebs_encryption_by_default",
    ],
)
def test_dry_run_says_the_call_would_have_succeeded_and_changes_nothing(
    ec2: Ec2, call: str
) -> None:
    """EC2 API Reference, each action's ``DryRun``: ``DryRunOperation`` when it would succeed."""
    client = ec2("eu-west-2")
    with pytest.raises(ClientError) as refused:
        getattr(client, call)(DryRun=True)
    assert refused.value.response["Error"]["Code"] == "DryRunOperation"
    assert enabled(client) is False


def test_iam_decides_each_region_apart_with_ec2s_error(ec2: Ec2, client: Any) -> None:
    """IAM User Guide, "AWS global condition context keys" (``aws:RequestedRegion``: the Region
    the request was made to) and "Policy evaluation logic" (an explicit Deny wins); EC2 API
    Reference, "Error codes" (``UnauthorizedOperation``, HTTP 403). The Service Authorization
    Reference lists no resource type for the EBS encryption-by-default actions: ``*``."""
    box = ec2.box  # type: ignore[attr-defined]
    creds = user_with_key(box, client, "ebs-reader")
    client(box, "iam").put_user_policy(
        UserName="ebs-reader",
        PolicyName="read-ebs-not-in-ap-south-1",
        PolicyDocument=policy(
            {"Effect": "Allow", "Action": ["ec2:GetEbs*"], "Resource": "*"},
            {
                "Effect": "Deny",
                "Action": "ec2:*",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:RequestedRegion": "ap-south-1"}},
            },
        ),
    )
    assert enabled(ec2("eu-west-1", creds)) is False
    denied = refused(lambda: ec2("ap-south-1", creds).get_ebs_encryption_by_default())
    assert (denied["code"], denied["status"]) == ("UnauthorizedOperation", 403)
    assert "explicit deny" in denied["message"]
    not_allowed = refused(lambda: ec2("eu-west-1", creds).enable_ebs_encryption_by_default())
    assert "no identity-based policy allows" in not_allowed["message"]
    assert enabled(ec2("eu-west-1")) is False


def test_the_setting_is_answered_without_moto_s_ec2() -> None:
    """Every call the ebs-encryption step makes (DescribeRegions, Get/Enable/Disable
    EbsEncryptionByDefault, Get/Modify/ResetEbsDefaultKmsKeyId) is answered without importing
    ``moto.ec2.models``: 1.8 s and about 170 MiB the first time, in every sandbox."""
    script = """
import sys, boto3
from aws_setup_wizard.sandbox import Sandbox
with Sandbox(scenario="fresh") as box:
    creds = box.console_credentials
    ec2 = boto3.client("ec2", endpoint_url=box.endpoint_url, region_name="eu-west-2",
        aws_access_key_id=creds.access_key_id, aws_secret_access_key=creds.secret_access_key,
        aws_session_token=creds.session_token)
    ec2.describe_regions()
    ec2.enable_ebs_encryption_by_default()
    assert ec2.get_ebs_encryption_by_default()["EbsEncryptionByDefault"] is True
    ec2.modify_ebs_default_kms_key_id(KmsKeyId="alias/not-made-yet")
    ec2.get_ebs_default_kms_key_id()
    ec2.reset_ebs_default_kms_key_id()
    ec2.disable_ebs_encryption_by_default()
    print(sorted(name for name in sys.modules if name.startswith("moto.ec2")))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == "[]"


def test_choosing_the_aws_managed_key_leaves_it_named_by_its_alias(ec2: Ec2) -> None:
    """AWS CLI Command Reference, ``get-ebs-default-kms-key-id``: ``alias/aws/ebs`` names the
    AWS managed default; choosing that key again is no customer managed default."""
    client = ec2("eu-west-2")
    client.enable_ebs_encryption_by_default()
    client.create_volume(Size=1, AvailabilityZone="eu-west-2a")  # AWS makes its key here
    aws_managed = ec2("eu-west-2", service="kms").describe_key(KeyId="alias/aws/ebs")
    answer = client.modify_ebs_default_kms_key_id(KmsKeyId="alias/aws/ebs")["KmsKeyId"]
    assert answer == aws_managed["KeyMetadata"]["Arn"]
    assert client.get_ebs_default_kms_key_id()["KmsKeyId"] == "alias/aws/ebs"
