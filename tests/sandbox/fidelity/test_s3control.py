"""Account-level S3 Block Public Access through the sandbox server (``s3control``).

Followed: Amazon S3 API Reference, "GetPublicAccessBlock", "PutPublicAccessBlock" and
"DeletePublicAccessBlock" (Amazon S3 Control; ``AccountId`` is the account whose configuration
is read or set, "NoSuchPublicAccessBlockConfiguration" when none exists); Amazon S3 User Guide,
"Blocking public access to your Amazon S3 storage" → "Configuring block public access settings
for your account". https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_GetPublicAccessBlock.html
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.awsrequest import AWSRequest
from botocore.exceptions import ClientError

from aws_setup_wizard.account import unprefix_loopback_s3control
from tests.sandbox_accounts import account_on

ALL_ON = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


def test_an_account_without_a_configuration_has_none(sandbox_at: Any) -> None:
    """A new account has no account-level configuration: GetPublicAccessBlock is a 404."""
    box = sandbox_at("fresh")
    s3control = account_on(box).client("s3control")
    with pytest.raises(ClientError) as error:
        s3control.get_public_access_block(AccountId=box.account_id)
    assert error.value.response["Error"]["Code"] == "NoSuchPublicAccessBlockConfiguration"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_put_get_and_delete_the_account_configuration(sandbox_at: Any) -> None:
    """What is put is read back, flag for flag; after a delete there is none again."""
    box = sandbox_at("fresh")
    s3control = account_on(box).client("s3control")
    s3control.put_public_access_block(
        AccountId=box.account_id, PublicAccessBlockConfiguration=ALL_ON
    )
    got = s3control.get_public_access_block(AccountId=box.account_id)
    assert got["PublicAccessBlockConfiguration"] == ALL_ON
    s3control.delete_public_access_block(AccountId=box.account_id)
    with pytest.raises(ClientError) as error:
        s3control.get_public_access_block(AccountId=box.account_id)
    assert error.value.response["Error"]["Code"] == "NoSuchPublicAccessBlockConfiguration"


def test_another_accounts_id_is_access_denied(sandbox_at: Any) -> None:
    """AWS answers AccessDenied (403) when AccountId is not the caller's own account."""
    box = sandbox_at("fresh")
    s3control = account_on(box).client("s3control")
    other = "111122223333" if box.account_id != "111122223333" else "444455556666"
    with pytest.raises(ClientError) as error:
        s3control.get_public_access_block(AccountId=other)
    assert error.value.response["Error"]["Code"] == "AccessDenied"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_only_a_loopback_host_loses_its_account_prefix() -> None:
    """botocore's S3 Control ruleset prefixes ``{AccountId}.``; only the sandbox's is removed."""
    local = AWSRequest("GET", "http://123456789012.127.0.0.1:4566/v20180820/configuration/x")
    unprefix_loopback_s3control(local)
    assert local.url == "http://127.0.0.1:4566/v20180820/configuration/x"
    real = "https://123456789012.s3-control.us-east-1.amazonaws.com/v20180820/configuration/x"
    remote = AWSRequest("GET", real)
    unprefix_loopback_s3control(remote)
    assert remote.url == real


def test_the_aws_clis_proxy_form_request_is_served(sandbox_at: Any) -> None:
    """Through the sandbox as an HTTP proxy, as its banner tells AWS CLI users to do.

    Without the wizard's host fix, botocore sends S3 Control to ``{AccountId}.127.0.0.1``;
    through a proxy the request target is the whole URL (absolute-form, RFC 9112 3.2.2), and the
    sandbox checks the signature against the path alone, as AWS does.
    """
    import boto3
    from botocore.config import Config

    box = sandbox_at("fresh")
    env = box.env()
    raw = boto3.session.Session().client(
        "s3control",
        region_name="us-east-1",
        endpoint_url=box.endpoint_url,
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        aws_session_token=env.get("AWS_SESSION_TOKEN"),
        config=Config(proxies={"http": box.endpoint_url}),
    )
    raw.put_public_access_block(AccountId=box.account_id, PublicAccessBlockConfiguration=ALL_ON)
    got = raw.get_public_access_block(AccountId=box.account_id)
    assert got["PublicAccessBlockConfiguration"] == ALL_ON
    wrong = boto3.session.Session().client(
        "s3control",
        region_name="us-east-1",
        endpoint_url=box.endpoint_url,
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key="not-the-secret-" + env["AWS_SECRET_ACCESS_KEY"][15:],
        aws_session_token=env.get("AWS_SESSION_TOKEN"),
        config=Config(proxies={"http": box.endpoint_url}),
    )
    with pytest.raises(ClientError) as error:
        wrong.get_public_access_block(AccountId=box.account_id)
    assert error.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
