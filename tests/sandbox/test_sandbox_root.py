"""The root user: its keys, its console session, signatures and account-wide signals."""

from __future__ import annotations

import base64
import csv
import io
import urllib.error
import urllib.request
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from aws_setup_wizard.sandbox import Sandbox, SandboxCredentials, console


def code_of(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def root_arn(sandbox: Sandbox) -> str:
    return f"arn:aws:iam::{sandbox.account_id}:root"


def credential_report_root_row(client: Any, sandbox: Sandbox) -> dict[str, str]:
    iam = client(sandbox, "iam")
    iam.generate_credential_report()
    content = iam.get_credential_report()["Content"]
    text = content.decode() if isinstance(content, bytes) else base64.b64decode(content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["user"] == "<root_account>"
    return rows[0]


@pytest.mark.parametrize("kind", ["root-key", "console-session"])
def test_root_caller_identity(sandbox_at: Any, client: Any, kind: str) -> None:
    sandbox = sandbox_at("fresh")
    creds = sandbox.root_access_key if kind == "root-key" else sandbox.console_credentials
    identity = client(sandbox, "sts", creds).get_caller_identity()
    assert identity["Arn"] == root_arn(sandbox)
    assert identity["UserId"] == sandbox.account_id == identity["Account"]


def test_console_session_is_temporary_credentials(sandbox_at: Any) -> None:
    sandbox = sandbox_at("fresh")
    session = sandbox.console_credentials
    assert session.access_key_id.startswith("ASIA") and session.session_token
    env = sandbox.env()
    assert env["AWS_SESSION_TOKEN"] == session.session_token
    assert env["AWS_ENDPOINT_URL"] == sandbox.endpoint_url
    assert env["AWS_DEFAULT_REGION"] == "us-east-1"
    assert "secret" not in repr(session).lower() or "…" in repr(session)


def test_root_deletes_its_own_key_and_the_key_stops_working(sandbox_at: Any, client: Any) -> None:
    sandbox = sandbox_at("fresh")
    key = sandbox.root_access_key
    assert key is not None
    iam = client(sandbox, "iam", key)
    (listed,) = iam.list_access_keys()["AccessKeyMetadata"]
    assert listed["AccessKeyId"] == key.access_key_id
    iam.delete_access_key(AccessKeyId=key.access_key_id)

    with pytest.raises(ClientError) as iam_error:
        iam.list_access_keys()
    assert code_of(iam_error) == "InvalidClientTokenId"
    assert iam_error.value.response["Error"]["Message"] == (
        "The security token included in the request is invalid."
    )
    with pytest.raises(ClientError) as sts_error:
        client(sandbox, "sts", key).get_caller_identity()
    assert code_of(sts_error) == "InvalidClientTokenId"
    # JSON-protocol services name the same refusal differently, as AWS does.
    with pytest.raises(ClientError) as trail_error:
        client(sandbox, "cloudtrail", key).describe_trails()
    assert code_of(trail_error) == "UnrecognizedClientException"
    assert trail_error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(ClientError) as s3_error:
        client(sandbox, "s3", key).list_buckets()
    assert code_of(s3_error) == "InvalidAccessKeyId"


def test_console_session_outlives_the_keys(sandbox_at: Any, client: Any) -> None:
    sandbox = sandbox_at("fresh")
    deleted = console.delete_root_keys(sandbox.endpoint_url)
    assert len(deleted) == 1 and sandbox.root_access_key is None
    identity = client(sandbox, "sts").get_caller_identity()
    assert identity["Arn"] == root_arn(sandbox)
    iam = client(sandbox, "iam")
    assert iam.get_account_summary()["SummaryMap"]["AccountAccessKeysPresent"] == 0
    for call in (
        lambda: iam.list_access_keys(),
        lambda: iam.delete_access_key(AccessKeyId=deleted[0]),
    ):
        with pytest.raises(ClientError) as error:
            call()
        assert code_of(error) == "ValidationError"
        assert error.value.response["Error"]["Message"] == (
            "Must specify userName when calling with non-User credentials"
        )
        assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_wrong_secret_is_a_signature_mismatch(sandbox_at: Any, client: Any) -> None:
    sandbox = sandbox_at("fresh")
    key = sandbox.root_access_key
    assert key is not None
    forged = SandboxCredentials(key.access_key_id, "x" * 40)
    for service, call in (
        ("iam", lambda c: c.list_access_keys()),
        ("sts", lambda c: c.get_caller_identity()),
        ("s3", lambda c: c.list_buckets()),
    ):
        with pytest.raises(ClientError) as error:
            call(client(sandbox, service, forged))
        assert code_of(error) == "SignatureDoesNotMatch"
        assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    with pytest.raises(ClientError) as json_error:
        client(sandbox, "cloudtrail", forged).describe_trails()
    assert code_of(json_error) == "InvalidSignatureException"
    session = sandbox.console_credentials
    wrong_token = SandboxCredentials(session.access_key_id, session.secret_access_key, "bogus")
    with pytest.raises(ClientError) as token_error:
        client(sandbox, "sts", wrong_token).get_caller_identity()
    assert code_of(token_error) == "InvalidClientTokenId"
    # A failed attempt is not a use of the key.
    assert sandbox.root.access_keys()[0].last_used_date is None


def test_unknown_key_is_refused(sandbox_at: Any, client: Any) -> None:
    sandbox = sandbox_at("fresh")
    stranger = SandboxCredentials("AKIAIOSFODNN7UNKNOWN", "y" * 40)
    with pytest.raises(ClientError) as error:
        client(sandbox, "iam", stranger).list_users()
    assert code_of(error) == "InvalidClientTokenId"


def test_root_key_use_is_tracked(sandbox_at: Any, client: Any) -> None:
    sandbox = sandbox_at("fresh")
    key = sandbox.root_access_key
    assert key is not None
    client(sandbox, "sts", key).get_caller_identity()
    last = client(sandbox, "iam").get_access_key_last_used(AccessKeyId=key.access_key_id)
    assert last["AccessKeyLastUsed"]["ServiceName"] == "sts"
    assert last["AccessKeyLastUsed"]["Region"] == "us-east-1"
    assert "LastUsedDate" in last["AccessKeyLastUsed"]


def test_root_key_lifecycle_with_root_key(sandbox_at: Any, client: Any) -> None:
    sandbox = sandbox_at("fresh")
    key = sandbox.root_access_key
    assert key is not None
    iam = client(sandbox, "iam", key)
    second = iam.create_access_key()["AccessKey"]
    assert second["AccessKeyId"].startswith("AKIA") and second["SecretAccessKey"]
    with pytest.raises(ClientError) as error:
        iam.create_access_key()
    assert code_of(error) == "LimitExceeded"
    iam.update_access_key(AccessKeyId=second["AccessKeyId"], Status="Inactive")
    statuses = {k["AccessKeyId"]: k["Status"] for k in iam.list_access_keys()["AccessKeyMetadata"]}
    assert statuses == {key.access_key_id: "Active", second["AccessKeyId"]: "Inactive"}
    inactive = SandboxCredentials(second["AccessKeyId"], second["SecretAccessKey"])
    with pytest.raises(ClientError) as refused:
        client(sandbox, "sts", inactive).get_caller_identity()
    assert code_of(refused) == "InvalidClientTokenId"
    with pytest.raises(ClientError) as missing:
        iam.delete_access_key(AccessKeyId="AKIANOTAREALKEY00000")
    assert code_of(missing) == "NoSuchEntity"


def test_account_summary_and_report_follow_root_state(sandbox_at: Any, client: Any) -> None:
    sandbox = sandbox_at("fresh")
    row = credential_report_root_row(client, sandbox)
    assert row["arn"] == root_arn(sandbox)
    assert (row["mfa_active"], row["access_key_1_active"], row["access_key_2_active"]) == (
        "false",
        "true",
        "false",
    )
    console.enable_root_mfa(sandbox.endpoint_url)
    console.delete_root_keys(sandbox.endpoint_url)
    flags = client(sandbox, "iam").get_account_summary()["SummaryMap"]
    assert (flags["AccountMFAEnabled"], flags["AccountAccessKeysPresent"]) == (1, 0)
    row = credential_report_root_row(client, sandbox)
    assert (row["mfa_active"], row["access_key_1_active"]) == ("true", "false")


def test_iam_user_keys_work_until_deleted(sandbox_at: Any, client: Any) -> None:
    sandbox = sandbox_at("partial")
    iam = client(sandbox, "iam")
    made = iam.create_access_key(UserName="admin")["AccessKey"]
    user_key = SandboxCredentials(made["AccessKeyId"], made["SecretAccessKey"])
    identity = client(sandbox, "sts", user_key).get_caller_identity()
    assert identity["Arn"] == f"arn:aws:iam::{sandbox.account_id}:user/admin"
    own = client(sandbox, "iam", user_key).list_access_keys()["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in own] == [made["AccessKeyId"]]
    iam.delete_access_key(UserName="admin", AccessKeyId=made["AccessKeyId"])
    with pytest.raises(ClientError) as error:
        client(sandbox, "sts", user_key).get_caller_identity()
    assert code_of(error) == "InvalidClientTokenId"


def test_presigned_url_signed_by_root_key(sandbox_at: Any, client: Any) -> None:
    sandbox = sandbox_at("fresh")
    key = sandbox.root_access_key
    assert key is not None
    s3 = client(sandbox, "s3", key)
    s3.create_bucket(Bucket="presign-test")
    s3.put_object(Bucket="presign-test", Key="a b.txt", Body=b"hello")
    # SigV4 explicitly: boto3 still presigns with SigV2 in us-east-1, which new buckets refuse.
    s3 = boto3.client(
        "s3",
        endpoint_url=sandbox.endpoint_url,
        region_name=sandbox.region,
        aws_access_key_id=key.access_key_id,
        aws_secret_access_key=key.secret_access_key,
        config=Config(signature_version="s3v4"),
    )
    url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": "presign-test", "Key": "a b.txt"}
    )
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.read() == b"hello"
    with pytest.raises(urllib.error.HTTPError) as tampered:
        urllib.request.urlopen(url.replace("a%20b.txt", "a%20c.txt"), timeout=5)
    assert tampered.value.code == 403
