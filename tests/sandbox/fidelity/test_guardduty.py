"""GuardDuty detectors in the sandbox as AWS keeps them, over real HTTP with boto3.

Followed: GuardDuty API Reference, "CreateDetector" ("You can have only one detector per account
per Region"; a second one is ``BadRequestException``, "The request is rejected because a detector
already exists for the current account."), "GetDetector", "UpdateDetector", "DeleteDetector"
(an ID the account does not own: ``BadRequestException``); Service Authorization Reference,
"Actions, resources, and condition keys for Amazon GuardDuty" (detector ARNs).
"""

from __future__ import annotations

import json
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
    # An opt-in Region the account has not enabled is left alone.
    assert guardduty(box, "af-south-1").list_detectors()["DetectorIds"] == []


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
