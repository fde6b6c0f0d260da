"""IAM Access Analyzer in the sandbox (moto has none), as AWS answers it over REST-JSON.

Each test follows a page of the IAM Access Analyzer API Reference (CreateAnalyzer, ListAnalyzers,
GetAnalyzer, DeleteAnalyzer, ValidationException) or the IAM User Guide ("IAM Access Analyzer
quotas": one account analyzer per type per account per Region). Server-side rules are tested
with botocore's own parameter validation off, as a raw HTTP client would send them.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.config import Config

from aws_setup_wizard.sandbox import Sandbox, SandboxCredentials
from tests.sandbox.fidelity.test_authorization import policy, refused, user_with_key

Client = Callable[..., Any]


@pytest.fixture
def box(sandbox_at: Callable[[str], Sandbox]) -> Sandbox:
    """A fresh sandbox account (no analyzers anywhere)."""
    return sandbox_at("fresh")


def analyzer_client(
    box: Sandbox, region: str = "us-east-1", creds: SandboxCredentials | None = None
) -> Any:
    """An ``accessanalyzer`` client in ``region`` that sends whatever it is given."""
    creds = creds or box.console_credentials
    return boto3.client(
        "accessanalyzer",
        endpoint_url=box.endpoint_url,
        region_name=region,
        aws_access_key_id=creds.access_key_id,
        aws_secret_access_key=creds.secret_access_key,
        aws_session_token=creds.session_token,
        config=Config(retries={"max_attempts": 1}, parameter_validation=False),
    )


def test_create_then_list_and_get_give_the_analyzer_summary(box: Sandbox) -> None:
    aa = analyzer_client(box, "eu-west-1")
    arn = aa.create_analyzer(analyzerName="external", type="ACCOUNT")["arn"]
    assert arn == f"arn:aws:access-analyzer:eu-west-1:{box.account_id}:analyzer/external"
    listed = aa.list_analyzers()["analyzers"]
    assert [(a["name"], a["type"], a["status"], a["arn"]) for a in listed] == [
        ("external", "ACCOUNT", "ACTIVE", arn)
    ]
    assert "createdAt" in listed[0] and "statusReason" not in listed[0]
    assert aa.get_analyzer(analyzerName="external")["analyzer"]["arn"] == arn


def test_analyzers_are_per_region_and_per_account(box: Sandbox) -> None:
    analyzer_client(box, "eu-west-1").create_analyzer(analyzerName="a", type="ACCOUNT")
    assert analyzer_client(box, "us-east-2").list_analyzers()["analyzers"] == []
    other = box.add_account()
    there = analyzer_client(box, "eu-west-1", other.console_session)
    assert there.list_analyzers()["analyzers"] == []


def test_a_second_account_analyzer_in_a_region_exceeds_the_quota_but_another_type_fits(
    box: Sandbox,
) -> None:
    aa = analyzer_client(box)
    aa.create_analyzer(analyzerName="first", type="ACCOUNT")
    error = refused(lambda: aa.create_analyzer(analyzerName="second", type="ACCOUNT"))
    assert (error["code"], error["status"]) == ("ServiceQuotaExceededException", 402)
    aa.create_analyzer(analyzerName="unused", type="ACCOUNT_UNUSED_ACCESS")
    unused = aa.get_analyzer(analyzerName="unused")["analyzer"]
    assert unused["configuration"] == {"unusedAccess": {"unusedAccessAge": 90}}
    kinds = {a["type"] for a in aa.list_analyzers(type="ACCOUNT")["analyzers"]}
    assert kinds == {"ACCOUNT"}


def test_a_name_used_in_the_region_is_a_conflict_with_the_resource_named(box: Sandbox) -> None:
    aa = analyzer_client(box)
    aa.create_analyzer(analyzerName="taken", type="ACCOUNT_UNUSED_ACCESS")
    with pytest.raises(aa.exceptions.ConflictException) as error:
        aa.create_analyzer(analyzerName="taken", type="ACCOUNT")
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert error.value.response["resourceId"] == "taken"


def test_a_retried_create_with_the_same_client_token_returns_the_same_analyzer(
    box: Sandbox,
) -> None:
    aa = analyzer_client(box)
    first = aa.create_analyzer(analyzerName="once", type="ACCOUNT", clientToken="token-1")
    again = aa.create_analyzer(analyzerName="once", type="ACCOUNT", clientToken="token-1")
    assert first["arn"] == again["arn"]
    assert len(aa.list_analyzers()["analyzers"]) == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"analyzerName": "9starts-with-a-digit", "type": "ACCOUNT"}, "analyzerName"),
        ({"analyzerName": "has space", "type": "ACCOUNT"}, "analyzerName"),
        ({"analyzerName": "x" * 256, "type": "ACCOUNT"}, "analyzerName"),
        ({"analyzerName": "ok", "type": "EXTERNAL"}, "type"),
        ({"analyzerName": "ok"}, "type"),
    ],
)
def test_bad_names_and_types_are_validation_errors_naming_the_field(
    box: Sandbox, params: dict[str, Any], field: str
) -> None:
    aa = analyzer_client(box)
    with pytest.raises(aa.exceptions.ValidationException) as error:
        aa.create_analyzer(**params)
    body = error.value.response
    assert body["reason"] == "fieldValidationFailed"
    assert [f["name"] for f in body["fieldList"]] == [field]
    assert aa.list_analyzers()["analyzers"] == []


def test_a_standalone_account_cannot_create_an_organization_analyzer(box: Sandbox) -> None:
    aa = analyzer_client(box)
    error = refused(lambda: aa.create_analyzer(analyzerName="org", type="ORGANIZATION"))
    assert (error["code"], error["status"]) == ("ValidationException", 400)


def test_get_and_delete_of_an_unknown_analyzer_are_resource_not_found(box: Sandbox) -> None:
    aa = analyzer_client(box)
    for call in (
        lambda: aa.get_analyzer(analyzerName="nope"),
        lambda: aa.delete_analyzer(analyzerName="nope"),
    ):
        error = refused(call)
        assert (error["code"], error["status"]) == ("ResourceNotFoundException", 404)
    aa.create_analyzer(analyzerName="gone", type="ACCOUNT")
    aa.delete_analyzer(analyzerName="gone")
    assert refused(lambda: aa.get_analyzer(analyzerName="gone"))["status"] == 404


def test_list_pages_with_max_results_and_next_token(box: Sandbox) -> None:
    aa = analyzer_client(box)
    for name, kind in (("a", "ACCOUNT"), ("b", "ACCOUNT_UNUSED_ACCESS")):
        aa.create_analyzer(analyzerName=name, type=kind)
    first = aa.list_analyzers(maxResults=1)
    second = aa.list_analyzers(maxResults=1, nextToken=first["nextToken"])
    assert [a["name"] for a in first["analyzers"] + second["analyzers"]] == ["a", "b"]
    assert "nextToken" not in second
    error = refused(lambda: aa.list_analyzers(type="EXTERNAL"))
    assert (error["code"], error["status"]) == ("ValidationException", 400)


def test_a_region_the_account_has_not_enabled_refuses_the_credentials(box: Sandbox) -> None:
    error = refused(lambda: analyzer_client(box, "eu-south-1").list_analyzers())
    assert (error["code"], error["status"]) == ("UnrecognizedClientException", 403)
    box.root.enable_region("eu-south-1")
    assert analyzer_client(box, "eu-south-1").list_analyzers()["analyzers"] == []


def test_an_iam_user_needs_access_analyzer_permissions(box: Sandbox, client: Client) -> None:
    creds = user_with_key(box, client, "reader")
    aa = analyzer_client(box, creds=creds)
    error = refused(lambda: aa.list_analyzers())
    assert (error["code"], error["status"]) == ("AccessDeniedException", 403)
    assert "access-analyzer:ListAnalyzers" in error["message"]
    allow = {"Effect": "Allow", "Action": "access-analyzer:ListAnalyzers", "Resource": "*"}
    client(box, "iam").put_user_policy(
        UserName="reader", PolicyName="read", PolicyDocument=policy(allow)
    )
    assert aa.list_analyzers()["analyzers"] == []


def test_an_unsigned_request_is_refused_in_rest_json_shape(box: Sandbox) -> None:
    request = urllib.request.Request(f"{box.endpoint_url}/analyzer", method="GET")
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request, timeout=5)
    assert error.value.code == 403
    assert error.value.headers["x-amzn-ErrorType"].startswith("MissingAuthenticationToken")
