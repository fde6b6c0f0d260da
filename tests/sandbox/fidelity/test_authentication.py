"""Authentication as AWS does it: every request SigV4-signed by a key the account issued.

Each test names the AWS documentation it follows. The raw requests go over plain HTTP
(``http.client``), as ``curl`` would send them; what they might have changed is then checked
with a properly signed boto3 client.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import boto3
import botocore.auth
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from aws_setup_wizard.sandbox import Sandbox, SandboxCredentials

EXAMPLE_KEY = SandboxCredentials(
    "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"
)
ISSUE_AUTHORIZATION = (
    "AWS4-ECDSA-P256-SHA256 Credential=NOBODY/20240101/us-east-1/iam/aws4_request, "
    "SignedHeaders=host, Signature=00"
)
FORM = "application/x-www-form-urlencoded; charset=utf-8"


# -- helpers ----------------------------------------------------------------------------------


def raw(
    box: Sandbox,
    method: str,
    path: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """Send one request exactly as given (no SDK, no signing); status, headers, body."""
    parts = urlsplit(box.endpoint_url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def xml_error(body: bytes) -> tuple[str, str]:
    """``(Code, Message)`` of a query, EC2 or S3 XML error document."""
    root = ET.fromstring(body)
    code = next(e.text for e in root.iter() if e.tag.split("}")[-1] == "Code")
    message = next(e.text for e in root.iter() if e.tag.split("}")[-1] == "Message")
    return str(code), str(message or "")


def signed(
    box: Sandbox,
    creds: SandboxCredentials,
    service: str,
    body: str,
    *,
    when: dt.datetime | None = None,
    scope_date: str | None = None,
    extra_headers: dict[str, str] | None = None,
) -> AWSRequest:
    """A form POST signed with SigV4 by botocore, optionally dated ``when``.

    ``scope_date`` then rewrites the date in the credential scope (the signature no longer
    matches, but AWS looks at the scope first).
    """
    request = AWSRequest(
        method="POST",
        url=box.endpoint_url + "/",
        data=body.encode(),
        headers={"Content-Type": FORM, **(extra_headers or {})},
    )
    moment = when or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    original = botocore.auth.get_current_datetime
    botocore.auth.get_current_datetime = lambda *args, **kwargs: moment  # type: ignore[assignment]
    try:
        SigV4Auth(
            Credentials(creds.access_key_id, creds.secret_access_key, creds.session_token),
            service,
            box.region,
        ).add_auth(request)
    finally:
        botocore.auth.get_current_datetime = original  # type: ignore[assignment]
    if scope_date is not None:
        header = str(request.headers["Authorization"])
        day = moment.strftime("%Y%m%d")
        request.headers.replace_header(
            "Authorization", header.replace(f"/{day}/", f"/{scope_date}/")
        )
    return request


def send(box: Sandbox, request: AWSRequest) -> tuple[int, dict[str, str], bytes]:
    """Send a request built by :func:`signed`."""
    body = request.data if isinstance(request.data, bytes) else str(request.data).encode()
    return raw(box, request.method, "/", body, dict(request.headers.items()))


@pytest.fixture
def dated(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """``dated(when)``: botocore signs every later request as if the clock said ``when``."""

    def set_clock(when: dt.datetime) -> None:
        monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda *a, **k: when)

    yield set_clock


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def user_names(client: Any, box: Sandbox) -> list[str]:
    return [user["UserName"] for user in client(box, "iam").list_users()["Users"]]


# -- the bypasses from the issue --------------------------------------------------------------


@pytest.mark.parametrize("dated_now", [False, True])
def test_an_unknown_algorithm_creates_no_user(
    sandbox_at: Any, client: Any, dated_now: bool
) -> None:
    """AWS General Reference / IAM User Guide, "AWS Signature Version 4 for API requests" →
    "Elements of an AWS API request signature": the algorithm is ``AWS4-HMAC-SHA256``; IAM API
    Reference, "Common Errors": ``IncompleteSignature`` (400), "The request signature does not
    conform to AWS standards". The curl request of issue 11, with and without a date header."""
    box = sandbox_at("fresh")
    headers = {"Authorization": ISSUE_AUTHORIZATION, "Content-Type": FORM}
    if dated_now:
        headers["X-Amz-Date"] = utc_now().strftime("%Y%m%dT%H%M%SZ")
    body = b"Action=CreateUser&Version=2010-05-08&UserName=evil"
    status, _, answer = raw(box, "POST", "/", body, headers)
    code, message = xml_error(answer)
    assert (status, code) == (400, "IncompleteSignature")
    if dated_now:
        assert message.startswith("Unsupported AWS 'algorithm': 'AWS4-ECDSA-P256-SHA256'")
    else:
        assert "requires existence of either a 'X-Amz-Date' or a 'Date' header" in message
    assert "evil" not in user_names(client, box)


def test_the_bypass_grants_no_policy_and_no_key(sandbox_at: Any, client: Any) -> None:
    """IAM API Reference, "Common Errors" (``IncompleteSignature``) and AttachUserPolicy /
    CreateAccessKey: the same unsigned-in-disguise request cannot make an existing user an
    administrator or hand out a secret key."""
    box = sandbox_at("fresh")
    iam = client(box, "iam")
    iam.create_user(UserName="victim")
    headers = {
        "Authorization": ISSUE_AUTHORIZATION,
        "Content-Type": FORM,
        "X-Amz-Date": utc_now().strftime("%Y%m%dT%H%M%SZ"),
    }
    for action in (
        "Action=AttachUserPolicy&Version=2010-05-08&UserName=victim"
        "&PolicyArn=arn:aws:iam::aws:policy/AdministratorAccess",
        "Action=CreateAccessKey&Version=2010-05-08&UserName=victim",
    ):
        status, _, answer = raw(box, "POST", "/", action.encode(), headers)
        assert status == 400 and b"SecretAccessKey" not in answer
        assert xml_error(answer)[0] == "IncompleteSignature"
    assert iam.list_attached_user_policies(UserName="victim")["AttachedPolicies"] == []
    assert iam.list_access_keys(UserName="victim")["AccessKeyMetadata"] == []


def test_the_documentation_example_key_is_not_a_key(sandbox_at: Any, client: Any) -> None:
    """IAM User Guide, "Manage access keys for IAM users" uses ``AKIAIOSFODNN7EXAMPLE`` as an
    example only; IAM API Reference, "Common Errors": ``InvalidClientTokenId`` (403), "The
    X.509 certificate or AWS access key ID provided does not exist in our records"."""
    box = sandbox_at("fresh")
    with pytest.raises(ClientError) as refused:
        client(box, "iam", EXAMPLE_KEY).create_user(UserName="evil")
    assert refused.value.response["Error"]["Code"] == "InvalidClientTokenId"
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert "evil" not in user_names(client, box)


def test_a_request_dated_2019_is_refused(sandbox_at: Any, client: Any, dated: Any) -> None:
    """IAM User Guide, "Troubleshoot signing errors for AWS API requests" → "Request date
    errors": a request more than 15 minutes from AWS's clock is refused ("Signature
    expired: … is now earlier than … (… - 15 min.)"); a replay of an old request fails."""
    box = sandbox_at("fresh")
    iam = client(box, "iam")
    dated(dt.datetime(2019, 6, 1, 12, 0, 0))
    with pytest.raises(ClientError) as refused:
        iam.create_user(UserName="replayed")
    error = refused.value.response["Error"]
    assert error["Code"] == "SignatureDoesNotMatch"
    assert error["Message"].startswith("Signature expired: 20190601T120000Z is now earlier than ")
    assert error["Message"].endswith(" - 15 min.)")
    dated(utc_now())
    assert "replayed" not in user_names(client, box)


# -- unsigned and malformed requests ----------------------------------------------------------


def test_unsigned_requests_get_each_protocols_refusal(sandbox_at: Any, client: Any) -> None:
    """IAM API Reference, "Common Errors": ``MissingAuthenticationToken`` (403), "The request
    must contain either a valid (registered) AWS access key ID or X.509 certificate"; JSON
    services answer ``MissingAuthenticationTokenException``; S3 treats an unsigned request as
    anonymous (Amazon S3 User Guide, "Making requests": anonymous requests) → ``AccessDenied``."""
    box = sandbox_at("fresh")
    client(box, "s3").create_bucket(Bucket="private-bucket")
    body = b"Action=CreateUser&Version=2010-05-08&UserName=evil"
    status, _, answer = raw(box, "POST", "/", body, {"Content-Type": FORM})
    assert (status, xml_error(answer)) == (
        403,
        ("MissingAuthenticationToken", "Request is missing Authentication Token"),
    )
    # A bearer token is no AWS signature either.
    status, _, answer = raw(
        box, "POST", "/", body, {"Content-Type": FORM, "Authorization": "Bearer abc"}
    )
    assert (status, xml_error(answer)[0]) == (403, "MissingAuthenticationToken")
    status, _, answer = raw(
        box,
        "POST",
        "/",
        b"{}",
        {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "TrentService.ListKeys"},
    )
    assert status == 400
    assert json.loads(answer)["__type"] == "MissingAuthenticationTokenException"
    status, _, answer = raw(box, "GET", "/private-bucket")
    assert (status, xml_error(answer)[0]) == (403, "AccessDenied")
    assert "evil" not in user_names(client, box)


def test_a_malformed_credential_is_an_incomplete_signature(sandbox_at: Any) -> None:
    """IAM User Guide, "Elements of an AWS API request signature": the credential is
    ``KEY/YYYYMMDD/REGION/SERVICE/aws4_request``; otherwise ``IncompleteSignature``, and for S3
    ``AuthorizationHeaderMalformed`` (Amazon S3 API Reference, "Error responses")."""
    box = sandbox_at("fresh")
    key = box.console_credentials.access_key_id
    now = utc_now().strftime("%Y%m%dT%H%M%SZ")
    headers = {
        "Authorization": f"AWS4-HMAC-SHA256 Credential={key}/{now[:8]}/us-east-1/iam, "
        "SignedHeaders=host;x-amz-date, Signature=00",
        "X-Amz-Date": now,
        "Content-Type": FORM,
    }
    status, _, answer = raw(box, "POST", "/", b"Action=ListUsers&Version=2010-05-08", headers)
    code, message = xml_error(answer)
    assert (status, code) == (400, "IncompleteSignature")
    assert message.startswith("Credential must have exactly 5 slash-delimited elements")
    headers["Authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={key}/{now[:8]}/s3, SignedHeaders=host, Signature=00"
    )
    status, _, answer = raw(box, "GET", "/", headers=headers)
    assert (status, xml_error(answer)[0]) == (400, "AuthorizationHeaderMalformed")


def test_s3_refuses_other_authorization_types(sandbox_at: Any, client: Any) -> None:
    """Amazon S3 API Reference, "Error responses": ``InvalidArgument`` "Unsupported
    Authorization Type"; Amazon S3 User Guide, "Authenticating Requests (AWS Signature Version
    2)" / "AWS Signature Version 2 turned off": buckets created since June 24, 2020 refuse
    SigV2 with ``InvalidRequest`` "… Please use AWS4-HMAC-SHA256."."""
    box = sandbox_at("fresh")
    key = box.root_access_key
    assert key is not None
    s3 = client(box, "s3", key)
    s3.create_bucket(Bucket="v2-bucket")
    s3.put_object(Bucket="v2-bucket", Key="k", Body=b"secret")
    status, _, answer = raw(box, "GET", "/v2-bucket/k", headers={"Authorization": "Basic eDp5"})
    assert (status, xml_error(answer)) == (
        400,
        ("InvalidArgument", "Unsupported Authorization Type"),
    )
    status, _, answer = raw(
        box, "GET", "/v2-bucket/k", headers={"Authorization": f"AWS {key.access_key_id}:abc="}
    )
    assert (status, xml_error(answer)[0]) == (400, "InvalidRequest")
    # boto3 still presigns with SigV2 in us-east-1 unless told otherwise.
    url = urlsplit(
        s3.generate_presigned_url("get_object", Params={"Bucket": "v2-bucket", "Key": "k"})
    )
    assert "AWSAccessKeyId=" in url.query
    status, _, answer = raw(box, "GET", f"{url.path}?{url.query}")
    code, message = xml_error(answer)
    assert (status, code) == (400, "InvalidRequest") and "AWS4-HMAC-SHA256" in message


# -- keys and secrets -------------------------------------------------------------------------


def test_unknown_keys_and_wrong_secrets(sandbox_at: Any, client: Any) -> None:
    """IAM API Reference, "Common Errors": ``InvalidClientTokenId`` and
    ``SignatureDoesNotMatch``; AWS KMS API Reference, "Common Errors":
    ``UnrecognizedClientException`` and ``InvalidSignatureException``; Amazon S3 API Reference,
    "Error responses": ``InvalidAccessKeyId`` and ``SignatureDoesNotMatch``; Amazon EC2 API
    Reference, "Error codes": ``AuthFailure``."""
    box = sandbox_at("fresh")
    unknown = SandboxCredentials("AKIAUNKNOWNUNKNOWN00", "x" * 40)
    session = box.console_credentials
    wrong_secret = SandboxCredentials(session.access_key_id, "y" * 40, session.session_token)
    expected = {
        "iam": ("InvalidClientTokenId", "SignatureDoesNotMatch", lambda c: c.list_users()),
        "kms": (
            "UnrecognizedClientException",
            "InvalidSignatureException",
            lambda c: c.list_keys(),
        ),
        "s3": ("InvalidAccessKeyId", "SignatureDoesNotMatch", lambda c: c.list_buckets()),
        "ec2": ("AuthFailure", "SignatureDoesNotMatch", lambda c: c.describe_vpcs()),
    }
    for service, (unknown_code, mismatch_code, call) in expected.items():
        for creds, code in ((unknown, unknown_code), (wrong_secret, mismatch_code)):
            with pytest.raises(ClientError) as refused:
                call(client(box, service, creds))
            assert refused.value.response["Error"]["Code"] == code, service


# -- time -------------------------------------------------------------------------------------


def test_the_fifteen_minute_window_in_each_protocol(
    sandbox_at: Any, client: Any, dated: Any
) -> None:
    """IAM User Guide, "Troubleshoot signing errors for AWS API requests" → "Request date
    errors" (15 minutes either way; "Signature expired" / "Signature not yet current"); Amazon
    S3 API Reference, "Error responses": ``RequestTimeTooSkewed`` (403) "The difference between
    the request time and the current time is too large."; Amazon EC2 API Reference, "Error
    codes": ``RequestExpired``. Ten minutes off is still accepted."""
    box = sandbox_at("fresh")
    clients = {name: client(box, name) for name in ("iam", "kms", "s3", "ec2")}
    calls = {
        "iam": lambda: clients["iam"].list_users(),
        "kms": lambda: clients["kms"].list_keys(),
        "s3": lambda: clients["s3"].list_buckets(),
        "ec2": lambda: clients["ec2"].describe_vpcs(),
    }
    codes = {
        "iam": "SignatureDoesNotMatch",
        "kms": "InvalidSignatureException",
        "s3": "RequestTimeTooSkewed",
        "ec2": "RequestExpired",
    }
    for offset in (dt.timedelta(minutes=-20), dt.timedelta(minutes=20)):
        dated(utc_now() + offset)
        for name, call in calls.items():
            with pytest.raises(ClientError) as refused:
                call()
            assert refused.value.response["Error"]["Code"] == codes[name], (name, offset)
            if name == "iam":
                word = "expired" if offset < dt.timedelta(0) else "not yet current"
                assert refused.value.response["Error"]["Message"].startswith(f"Signature {word}: ")
    dated(utc_now() - dt.timedelta(minutes=10))
    for call in calls.values():
        call()


def test_the_credential_scope_date_must_be_the_request_day(sandbox_at: Any) -> None:
    """IAM User Guide, "Troubleshoot signing errors for AWS API requests" → "Credential scope
    errors": the date in the credential scope must match the day of ``X-Amz-Date``
    ("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from
    HTTP"); S3: ``AuthorizationHeaderMalformed`` "Invalid credential date"."""
    box = sandbox_at("fresh")
    body = "Action=ListUsers&Version=2010-05-08"
    request = signed(box, box.console_credentials, "iam", body, scope_date="20200101")
    status, _, answer = send(box, request)
    code, message = xml_error(answer)
    assert (status, code) == (403, "SignatureDoesNotMatch")
    assert message.startswith("Date in Credential scope does not match YYYYMMDD")
    assert "'20200101' != " in message
    s3_request = signed(box, box.console_credentials, "s3", "", scope_date="20200101")
    headers = dict(s3_request.headers.items())
    status, _, answer = raw(box, "GET", "/", headers=headers)
    code, message = xml_error(answer)
    assert (status, code) == (400, "AuthorizationHeaderMalformed")
    assert "Invalid credential date" in message


def test_presigned_urls_expire(sandbox_at: Any, dated: Any) -> None:
    """Amazon S3 User Guide, "Sharing objects with presigned URLs" → "Expiration time for
    presigned URLs" (at most seven days; refused once expired: ``AccessDenied`` "Request has
    expired"); Amazon S3 API Reference, "Authenticating Requests: Using Query Parameters (AWS
    Signature Version 4)" → ``X-Amz-Expires`` "minimum 1, maximum 604800 (seven days)"."""
    box = sandbox_at("fresh")
    key = box.root_access_key
    assert key is not None
    s3 = boto3.client(
        "s3",
        endpoint_url=box.endpoint_url,
        region_name=box.region,
        aws_access_key_id=key.access_key_id,
        aws_secret_access_key=key.secret_access_key,
        config=Config(signature_version="s3v4", retries={"max_attempts": 1}),
    )
    s3.create_bucket(Bucket="shared")
    s3.put_object(Bucket="shared", Key="k", Body=b"hello")

    def get(url: str) -> tuple[int, bytes]:
        parts = urlsplit(url)
        status, _, answer = raw(box, "GET", f"{parts.path}?{parts.query}")
        return status, answer

    params = {"Bucket": "shared", "Key": "k"}
    assert get(s3.generate_presigned_url("get_object", Params=params, ExpiresIn=60)) == (
        200,
        b"hello",
    )
    dated(utc_now() - dt.timedelta(minutes=5))
    stale = s3.generate_presigned_url("get_object", Params=params, ExpiresIn=60)
    too_long = s3.generate_presigned_url("get_object", Params=params, ExpiresIn=604801)
    status, answer = get(stale)
    assert (status, xml_error(answer)) == (403, ("AccessDenied", "Request has expired"))
    status, answer = get(too_long)
    code, message = xml_error(answer)
    assert (status, code) == (400, "AuthorizationQueryParametersError")
    assert "604800" in message


# -- the sandbox's own pages ------------------------------------------------------------------


def test_motos_admin_api_needs_the_sandbox_secret(sandbox_at: Any, client: Any) -> None:
    """Not an AWS API (AWS has no way to dump or wipe an account): moto's ``/moto-api`` is the
    sandbox owner's alone, like the account itself (IAM User Guide, "Security best practices
    in IAM": protect your credentials). Without the secret: 403 and nothing leaks or changes."""
    box = sandbox_at("fresh")
    iam = client(box, "iam")
    iam.create_user(UserName="keeper")
    secret_key = iam.create_access_key(UserName="keeper")["AccessKey"]["SecretAccessKey"]
    for headers in ({}, {"X-Sandbox-Secret": "guess"}):
        status, _, answer = raw(box, "GET", "/moto-api/data.json", headers=headers)
        assert status == 403 and secret_key.encode() not in answer
        assert "X-Sandbox-Secret" in json.loads(answer)["error"]
        status, _, _ = raw(box, "POST", "/moto-api/reset", headers=headers)
        assert status == 403
    assert "keeper" in user_names(client, box)
    status, _, answer = raw(
        box, "GET", "/moto-api/data.json", headers={"X-Sandbox-Secret": box.secret}
    )
    assert status == 200 and b"keeper" in answer  # the owner still has it


def test_the_console_needs_the_sandbox_secret(sandbox_at: Any) -> None:
    """Not an AWS API: the simulated console stands for the AWS Management Console, which only
    the signed-in owner reaches (IAM User Guide, "AWS account root user": console sign-in).
    Without the secret nothing happens: no MFA seed is shown, no root key is deleted."""
    box = sandbox_at("fresh")
    key = box.root_access_key
    assert key is not None
    for page in ("root-keys/delete", "root-mfa/begin", "user-mfa/begin"):
        for headers in ({}, {"X-Sandbox-Secret": box.secret[:-1]}):
            status, _, answer = raw(
                box,
                "POST",
                f"/_sandbox/console/{page}",
                b'{"user_name": "admin"}',
                {"Content-Type": "application/json", **headers},
            )
            assert status == 403 and b"secret_base32" not in answer
    assert box.root_access_key == key
    assert box.root.mfa is None and not box.root.pending_mfa


def test_no_cors_and_no_browsers(sandbox_at: Any, client: Any) -> None:
    """Not AWS behaviour but its intent: a web page must not drive the account (Amazon S3 User
    Guide, "Using cross-origin resource sharing (CORS)": browsers send ``Origin`` and
    preflight with ``OPTIONS``; AWS answers only as configured, and the sandbox configures no
    browser access). Preflights and any request with an ``Origin`` are refused, and no answer
    carries an ``Access-Control-*`` header."""
    box = sandbox_at("fresh")
    body = "Action=CreateUser&Version=2010-05-08&UserName=from-a-page"
    request = signed(
        box, box.console_credentials, "iam", body, extra_headers={"Origin": "https://evil.test"}
    )
    status, headers, _ = send(box, request)
    assert status == 403
    assert not [name for name in headers if name.lower().startswith("access-control-")]
    status, headers, _ = raw(
        box,
        "OPTIONS",
        "/",
        headers={
            "Origin": "https://evil.test",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,x-amz-date",
        },
    )
    assert status == 403
    assert not [name for name in headers if name.lower().startswith("access-control-")]
    status, headers, _ = raw(
        box, "OPTIONS", "/moto-api/data.json", headers={"X-Sandbox-Secret": box.secret}
    )
    assert status == 403
    assert "from-a-page" not in user_names(client, box)
    # A signed call without Origin is served, and its answer names no allowed origin either.
    status, headers, _ = send(
        box, signed(box, box.console_credentials, "iam", "Action=ListUsers&Version=2010-05-08")
    )
    assert status == 200
    assert not [name for name in headers if name.lower().startswith("access-control-")]
