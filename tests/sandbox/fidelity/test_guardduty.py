"""GuardDuty detectors in the sandbox as AWS keeps them, over real HTTP with boto3.

Followed: GuardDuty API Reference, "CreateDetector" ("You can have only one detector per account
per Region"; a second one is ``BadRequestException``, "The request is rejected because a detector
already exists for the current account."), "GetDetector", "UpdateDetector", "DeleteDetector"
(an ID the account does not own: ``BadRequestException``); Service Authorization Reference,
"Actions, resources, and condition keys for Amazon GuardDuty" (detector ARNs).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from typing import Any
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from aws_setup_wizard.sandbox import Sandbox, SandboxCredentials

Client = Callable[..., Any]


def guardduty(box: Sandbox, region: str, creds: SandboxCredentials | None = None) -> Any:
    """A boto3 GuardDuty client for ``region`` (root's console session unless ``creds``)."""
    creds = creds or box.console_credentials
    return boto3.client(
        "guardduty",
        endpoint_url=box.endpoint_url,
        region_name=region,
        aws_access_key_id=creds.access_key_id,
        aws_secret_access_key=creds.secret_access_key,
        aws_session_token=creds.session_token,
        config=Config(retries={"max_attempts": 1}),
    )


def refused(call: Callable[[], Any]) -> dict[str, Any]:
    """What AWS answered ``call`` with (the test fails if it succeeded)."""
    with pytest.raises(ClientError) as error:
        call()
    return {
        "code": error.value.response["Error"]["Code"],
        "message": error.value.response["Error"].get("Message", ""),
        "status": error.value.response["ResponseMetadata"]["HTTPStatusCode"],
    }


def test_one_detector_per_account_per_region(sandbox_at: Callable[[str], Sandbox]) -> None:
    box = sandbox_at("fresh")
    dublin, paris = guardduty(box, "eu-west-1"), guardduty(box, "eu-west-3")
    first = dublin.create_detector(Enable=True)["DetectorId"]
    error = refused(lambda: dublin.create_detector(Enable=True))
    assert error == {
        "code": "BadRequestException",
        "message": "The request is rejected because a detector already exists for the current "
        "account.",
        "status": 400,
    }
    assert dublin.list_detectors()["DetectorIds"] == [first]
    # Another Region is another detector.
    assert paris.create_detector(Enable=False)["DetectorId"]
    assert len(paris.list_detectors()["DetectorIds"]) == 1


def test_a_suspended_detector_reads_disabled_and_its_update_time_moves(
    sandbox_at: Callable[[str], Sandbox],
) -> None:
    client = guardduty(sandbox_at("fresh"), "us-east-2")
    detector_id = client.create_detector(Enable=True)["DetectorId"]
    before = client.get_detector(DetectorId=detector_id)
    assert before["Status"] == "ENABLED"
    client.update_detector(DetectorId=detector_id, Enable=False)
    after = client.get_detector(DetectorId=detector_id)
    assert after["Status"] == "DISABLED"
    assert after["UpdatedAt"] > before["UpdatedAt"]


@pytest.mark.parametrize("operation", ["get_detector", "update_detector", "delete_detector"])
def test_an_unknown_detector_is_refused_as_not_owned(
    sandbox_at: Callable[[str], Sandbox], operation: str
) -> None:
    client = guardduty(sandbox_at("fresh"), "eu-west-1")
    made = client.create_detector(Enable=True)["DetectorId"]
    other = guardduty(sandbox_at("fresh"), "eu-west-2")  # the same account, another Region
    error = refused(lambda: getattr(other, operation)(DetectorId=made))
    assert error["code"] == "BadRequestException" and error["status"] == 400
    assert "detectorId is not owned by the current account" in error["message"]


def test_a_detector_is_authorized_by_its_arn(
    sandbox_at: Callable[[str], Sandbox], client: Client
) -> None:
    box = sandbox_at("fresh")
    detector_id = guardduty(box, "eu-west-1").create_detector(Enable=True)["DetectorId"]
    iam = client(box, "iam")
    iam.create_user(UserName="watcher")
    arn = f"arn:aws:guardduty:eu-west-1:{box.account_id}:detector/{detector_id}"
    statements = [
        {"Effect": "Allow", "Action": "guardduty:ListDetectors", "Resource": "*"},
        {"Effect": "Allow", "Action": "guardduty:GetDetector", "Resource": arn},
    ]
    iam.put_user_policy(
        UserName="watcher",
        PolicyName="read-one-detector",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}),
    )
    key = iam.create_access_key(UserName="watcher")["AccessKey"]
    creds = SandboxCredentials(key["AccessKeyId"], key["SecretAccessKey"])
    watcher = guardduty(box, "eu-west-1", creds)
    assert watcher.list_detectors()["DetectorIds"] == [detector_id]
    assert watcher.get_detector(DetectorId=detector_id)["Status"] == "ENABLED"
    error = refused(lambda: watcher.update_detector(DetectorId=detector_id, Enable=False))
    assert error["code"] == "AccessDeniedException" and error["status"] == 403
    assert f"guardduty:UpdateDetector on resource: {arn}" in error["message"]
    assert (
        "guardduty:CreateDetector"
        in refused(lambda: watcher.create_detector(Enable=True))["message"]
    )


def test_the_done_scenario_has_an_enabled_detector_in_every_enabled_region(
    sandbox_at: Callable[[str], Sandbox],
) -> None:
    box = sandbox_at("done")
    for region in ("us-east-1", "eu-north-1", "ap-northeast-3", "sa-east-1"):
        client = guardduty(box, region)
        (detector_id,) = client.list_detectors()["DetectorIds"]
        assert client.get_detector(DetectorId=detector_id)["Status"] == "ENABLED"
    # An opt-in Region the account has not enabled refuses the account's credentials (AWS
    # Account Management Reference Guide, "Enable or disable AWS Regions in your account").
    error = refused(lambda: guardduty(box, "af-south-1").list_detectors())
    assert (error["code"], error["status"]) == ("UnrecognizedClientException", 403)


def test_an_unsigned_request_is_refused_in_rest_jsons_shape(
    sandbox_at: Callable[[str], Sandbox],
) -> None:
    """AWS General Reference, "Signing AWS API requests": an unsigned request is refused; a
    REST-JSON service names the error in ``x-amzn-ErrorType``."""
    box = sandbox_at("done")
    with pytest.raises(HTTPError) as error:
        urlopen(Request(f"{box.endpoint_url}/detector"), timeout=10)  # noqa: S310 - loopback
    assert error.value.code == 403
    assert error.value.headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"
    assert b"detectorIds" not in error.value.read()


def test_a_create_sent_again_with_its_token_gets_the_detector_it_made(
    sandbox_at: Callable[[str], Sandbox],
) -> None:
    """API Reference, CreateDetector: ``clientToken`` is "the idempotency token for the create
    request". botocore sends a create again, token and all, when the first answer was lost: the
    second gets the first detector, not "a detector already exists"."""
    client = guardduty(sandbox_at("fresh"), "eu-west-1")
    first = client.create_detector(Enable=True, ClientToken="lost-answer-1")["DetectorId"]
    again = client.create_detector(Enable=True, ClientToken="lost-answer-1")["DetectorId"]
    assert again == first
    assert client.list_detectors()["DetectorIds"] == [first]
    error = refused(lambda: client.create_detector(Enable=True, ClientToken="another-create"))
    assert error["code"] == "BadRequestException"


def test_a_detector_reads_as_guardduty_describes_it(
    sandbox_at: Callable[[str], Sandbox],
) -> None:
    """API Reference, GetDetector; GuardDuty User Guide, "GuardDuty foundational data sources"
    (CloudTrail management events, VPC flow logs and DNS logs are always analysed)."""
    box = sandbox_at("fresh")
    client = guardduty(box, "eu-west-1")
    detector_id = client.create_detector(Enable=True, Tags={"team": "security"})["DetectorId"]
    assert len(detector_id) == 32 and int(detector_id, 16) >= 0
    found = client.get_detector(DetectorId=detector_id)
    assert found["Status"] == "ENABLED"
    assert found["FindingPublishingFrequency"] == "SIX_HOURS"
    assert found["ServiceRole"] == (
        f"arn:aws:iam::{box.account_id}:role/aws-service-role/guardduty.amazonaws.com/"
        "AWSServiceRoleForAmazonGuardDuty"
    )
    sources = found["DataSources"]
    assert [sources[name]["Status"] for name in ("CloudTrail", "DNSLogs", "FlowLogs")] == [
        "ENABLED"
    ] * 3
    assert sources["S3Logs"]["Status"] == "DISABLED"
    assert found["Tags"] == {"team": "security"}
    assert found["CreatedAt"].endswith("Z") and found["CreatedAt"] == found["UpdatedAt"]


@pytest.mark.parametrize(
    ("operation", "arguments"),
    [
        ("create_detector", {"Enable": True, "FindingPublishingFrequency": "HOURLY"}),
        ("list_detectors", {"MaxResults": 51}),
    ],
)
def test_a_value_out_of_range_is_refused(
    sandbox_at: Callable[[str], Sandbox], operation: str, arguments: dict[str, Any]
) -> None:
    """API Reference: ``FindingPublishingFrequency`` is FIFTEEN_MINUTES, ONE_HOUR or SIX_HOURS;
    ListDetectors' ``MaxResults`` is 1 to 50 (botocore checks neither before sending)."""
    client = guardduty(sandbox_at("fresh"), "eu-west-1")
    error = refused(lambda: getattr(client, operation)(**arguments))
    assert (error["code"], error["status"]) == ("BadRequestException", 400)
    assert "out-of-range value" in error["message"]
    assert client.list_detectors()["DetectorIds"] == []


def test_detectors_are_answered_without_moto_guardduty() -> None:
    """The calls the guardduty step and its drifts make are answered by the sandbox layer:
    moto's GuardDuty backend costs the sandbox about 8 MiB the first time it is touched."""
    script = """
import sys, boto3
from aws_setup_wizard.sandbox import Sandbox
with Sandbox(scenario="fresh") as box:
    creds = box.console_credentials
    gd = boto3.client("guardduty", endpoint_url=box.endpoint_url, region_name="eu-west-2",
        aws_access_key_id=creds.access_key_id, aws_secret_access_key=creds.secret_access_key,
        aws_session_token=creds.session_token)
    made = gd.create_detector(Enable=True)["DetectorId"]
    assert gd.list_detectors()["DetectorIds"] == [made]
    gd.update_detector(DetectorId=made, Enable=False)
    assert gd.get_detector(DetectorId=made)["Status"] == "DISABLED"
    gd.delete_detector(DetectorId=made)
    print(sorted(name for name in sys.modules if name.startswith("moto.guardduty")))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == "[]"
