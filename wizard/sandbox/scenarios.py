"""Seeding the sandbox account into one of its named starting points.

Root state (keys, MFA) is set directly on the root-account layer, because AWS offers no API
for root MFA and root keys are the layer's to hold. Everything else is created with ordinary
API calls signed by the root console session, so that seeding goes through the same
faithful checks a trainee's calls do (a ``done`` trail that AWS would refuse cannot be
seeded). Nothing here depends on the wizard's engine: the scenarios must stay a fixed,
independent picture of an account.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from botocore.config import Config

from aws_setup_wizard import assets
from aws_setup_wizard.sandbox import mfa
from aws_setup_wizard.sandbox.credentials import SandboxCredentials
from aws_setup_wizard.sandbox.iam_layer import sync_root_mfa_device
from aws_setup_wizard.sandbox.state import RootAccount
from aws_setup_wizard.sdk.session import create_client, process_session

ADMIN_POLICY_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"
TRAIL_NAME = "org-audit"
KMS_ALIAS = "alias/org-audit-trail"


def bucket_name(account_id: str) -> str:
    """The trail bucket of the ``done`` and ``drifted`` scenarios."""
    return f"org-audit-logs-{account_id}"


class _Clients:
    """botocore clients signed with the root console session, pointed at the sandbox.

    Made from the process's one botocore session (its parsed models are the wizard's too).
    """

    def __init__(self, endpoint_url: str, region: str, creds: SandboxCredentials) -> None:
        self._credentials = (creds.access_key_id, creds.secret_access_key, creds.session_token)
        self._region = region
        self._endpoint_url = endpoint_url
        self._config = Config(retries={"max_attempts": 1})

    def __call__(self, service: str) -> Any:
        return create_client(
            process_session(),
            service,
            self._credentials,
            region_name=self._region,
            endpoint_url=self._endpoint_url,
            config=self._config,
        )


def _root_virtual_mfa(root: RootAccount) -> None:
    serial = f"arn:aws:iam::{root.account_id}:mfa/root-account-mfa-device"
    root.enable_virtual_mfa(serial, mfa.new_seed())
    sync_root_mfa_device(root)


def _admin(clients: _Clients, group: str, user: str, *, with_mfa: bool) -> None:
    iam = clients("iam")
    iam.create_group(GroupName=group)
    iam.attach_group_policy(GroupName=group, PolicyArn=ADMIN_POLICY_ARN)
    iam.create_user(UserName=user)
    iam.add_user_to_group(GroupName=group, UserName=user)
    iam.create_login_profile(
        UserName=user, Password=secrets.token_urlsafe(24) + "aA1!", PasswordResetRequired=True
    )
    if with_mfa:
        device = iam.create_virtual_mfa_device(VirtualMFADeviceName=f"{user}-mfa")
        seed = device["VirtualMFADevice"]["Base32StringSeed"]
        seed_text = seed.decode() if isinstance(seed, bytes) else str(seed)
        code1, code2 = mfa.two_consecutive_codes(seed_text)
        iam.enable_mfa_device(
            UserName=user,
            SerialNumber=device["VirtualMFADevice"]["SerialNumber"],
            AuthenticationCode1=code1,
            AuthenticationCode2=code2,
        )


def _trail(clients: _Clients, account_id: str, region: str) -> None:
    trail_arn = f"arn:aws:cloudtrail:{region}:{account_id}:trail/{TRAIL_NAME}"
    bucket = bucket_name(account_id)
    values = {
        "partition": "aws",
        "bucket": bucket,
        "trail_arn": trail_arn,
        "account_id": account_id,
        "key_prefix": "",  # logs go straight under AWSLogs/ (the trail has no S3KeyPrefix)
    }
    s3 = clients("s3")
    s3.create_bucket(Bucket=bucket)
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_policy(
        Bucket=bucket, Policy=json.dumps(assets.policy("cloudtrail-bucket", **values))
    )
    kms = clients("kms")
    key = kms.create_key(
        Description="CloudTrail log encryption for org-audit",
        Policy=json.dumps(assets.policy("cloudtrail-kms-key", **values)),
    )["KeyMetadata"]
    kms.enable_key_rotation(KeyId=key["KeyId"])
    kms.create_alias(AliasName=KMS_ALIAS, TargetKeyId=key["KeyId"])
    cloudtrail = clients("cloudtrail")
    cloudtrail.create_trail(
        Name=TRAIL_NAME,
        S3BucketName=bucket,
        IsMultiRegionTrail=True,
        IncludeGlobalServiceEvents=True,
        EnableLogFileValidation=True,
        KmsKeyId=key["Arn"],
    )
    cloudtrail.put_event_selectors(
        TrailName=TRAIL_NAME,
        EventSelectors=[{"ReadWriteType": "All", "IncludeManagementEvents": True}],
    )
    cloudtrail.start_logging(Name=TRAIL_NAME)


def seed(scenario: str, root: RootAccount, endpoint_url: str, region: str) -> None:
    """Bring a freshly reset account into ``scenario``'s state."""
    clients = _Clients(endpoint_url, region, root.console_session)
    if scenario == "fresh":
        root.create_key()
    elif scenario == "partial":
        root.create_key()
        _root_virtual_mfa(root)
        _admin(clients, "Administrators", "admin", with_mfa=False)
    elif scenario in ("done", "drifted"):
        _root_virtual_mfa(root)
        _admin(clients, "Admins", "alice", with_mfa=True)
        _trail(clients, root.account_id, region)
        if scenario == "drifted":
            clients("cloudtrail").stop_logging(Name=TRAIL_NAME)
            root.create_key()
    else:
        raise ValueError(f"unknown sandbox scenario {scenario!r}")
