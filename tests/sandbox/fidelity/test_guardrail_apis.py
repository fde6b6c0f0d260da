"""The two guardrail APIs as strict as AWS: the password policy's ranges and who may touch the
account's S3 Block Public Access.

Followed: IAM API Reference, "UpdateAccountPasswordPolicy" (MinimumPasswordLength 6–128,
PasswordReusePrevention 1–24, MaxPasswordAge 1–1095; ``ValidationError``, HTTP 400, nothing
changed); Amazon S3 API Reference, "PutPublicAccessBlock" (S3 Control: the ``AccountId`` is the
caller's own; AWS answers ``AccessDenied`` for another's) and "Authenticating Requests (AWS
Signature Version 4)" (an unsigned request is refused).
"""

from __future__ import annotations

from typing import Any
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest
from botocore.exceptions import ClientError

from aws_setup_wizard.steps.s3_block_public_access import ALL_ON
from tests.guardrails import powerless_user, unvalidated_client
from tests.sandbox_accounts import account_on


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"MinimumPasswordLength": 5}, "'minimumPasswordLength'"),
        ({"MinimumPasswordLength": 129}, "'minimumPasswordLength'"),
        ({"PasswordReusePrevention": 0}, "'passwordReusePrevention'"),
        ({"PasswordReusePrevention": 25}, "'passwordReusePrevention'"),
        ({"MaxPasswordAge": 0}, "'maxPasswordAge'"),
        ({"MaxPasswordAge": 1096}, "'maxPasswordAge'"),
    ],
)
def test_a_value_outside_iams_range_is_refused_and_changes_nothing(
    sandbox_at: Any, settings: dict[str, int], named: str
) -> None:
    box = sandbox_at("done")
    iam = unvalidated_client(box, "iam")
    before = iam.get_account_password_policy()["PasswordPolicy"]
    with pytest.raises(ClientError) as error:
        iam.update_account_password_policy(**settings)
    assert error.value.response["Error"]["Code"] == "ValidationError"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert named in error.value.response["Error"]["Message"]
    assert iam.get_account_password_policy()["PasswordPolicy"] == before


def test_every_value_out_of_range_is_named_in_one_refusal(sandbox_at: Any) -> None:
    iam = unvalidated_client(sandbox_at("fresh"), "iam")
    with pytest.raises(ClientError) as error:
        iam.update_account_password_policy(MinimumPasswordLength=2, PasswordReusePrevention=30)
    message = error.value.response["Error"]["Message"]
    assert message.startswith("2 validation errors detected")
    assert "greater than or equal to 6" in message and "less than or equal to 24" in message


def test_the_bounds_themselves_are_accepted(sandbox_at: Any) -> None:
    iam = unvalidated_client(sandbox_at("fresh"), "iam")
    for length, reuse, age in ((6, 1, 1), (128, 24, 1095)):
        iam.update_account_password_policy(
            MinimumPasswordLength=length, PasswordReusePrevention=reuse, MaxPasswordAge=age
        )
        got = iam.get_account_password_policy()["PasswordPolicy"]
        assert (got["MinimumPasswordLength"], got["PasswordReusePrevention"]) == (length, reuse)
        assert got["MaxPasswordAge"] == age


def test_another_accounts_id_cannot_change_block_public_access(sandbox_at: Any) -> None:
    box = sandbox_at("fresh")
    s3control = account_on(box).client("s3control")
    with pytest.raises(ClientError) as error:
        s3control.put_public_access_block(
            AccountId="111122223333", PublicAccessBlockConfiguration=ALL_ON
        )
    assert error.value.response["Error"]["Code"] == "AccessDenied"
    with pytest.raises(ClientError) as missing:
        s3control.get_public_access_block(AccountId=box.account_id)
    assert missing.value.response["Error"]["Code"] == "NoSuchPublicAccessBlockConfiguration"


def test_an_iam_user_without_permission_is_denied(sandbox_at: Any) -> None:
    box = sandbox_at("done")
    user = powerless_user(box)
    s3control = user.client("s3control")
    for call in (
        lambda: s3control.get_public_access_block(AccountId=box.account_id),
        lambda: s3control.put_public_access_block(
            AccountId=box.account_id, PublicAccessBlockConfiguration=ALL_ON
        ),
    ):
        with pytest.raises(ClientError) as error:
            call()
        assert error.value.response["Error"]["Code"] == "AccessDenied"


def test_an_unsigned_request_is_refused(sandbox_at: Any) -> None:
    box = sandbox_at("done")
    request = Request(
        f"{box.endpoint_url}/v20180820/configuration/publicAccessBlock",
        headers={"x-amz-account-id": box.account_id},
    )
    with pytest.raises(HTTPError) as error:
        urlopen(request, timeout=10)  # noqa: S310 - the sandbox on loopback
    assert error.value.code == 403
    assert b"BlockPublicAcls" not in error.value.read()
