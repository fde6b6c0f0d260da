"""The Account Management API's alternate contacts in the sandbox, as AWS answers them.

Each test names the page of the AWS Account Management API Reference it follows
(PutAlternateContact, GetAlternateContact, DeleteAlternateContact, ValidationException); moto
alone accepts anything, answers "not found" with HTTP 400 and writes to any ``AccountId``.
Server-side rules are tested with botocore's own parameter validation off, as the AWS CLI of
another language or a raw HTTP client would send them.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from aws_setup_wizard.account import Account
from aws_setup_wizard.sandbox import Sandbox, SandboxCredentials
from tests.sandbox.fidelity.test_authorization import policy, refused, user_with_key

Client = Callable[..., Any]
CONTACT = {
    "Name": "Sam Owner",
    "Title": "Owner",
    "EmailAddress": "security@example.com",
    "PhoneNumber": "+1 206 555 0100",
}


@pytest.fixture
def box(sandbox_at: Callable[[str], Sandbox]) -> Sandbox:
    """A fresh sandbox account (no alternate contacts)."""
    return sandbox_at("fresh")


def unchecked(box: Sandbox, creds: SandboxCredentials | None = None) -> Any:
    """An ``account`` client that sends whatever it is given (no client-side validation)."""
    creds = creds or box.console_credentials
    return boto3.client(
        "account",
        endpoint_url=box.endpoint_url,
        region_name=box.region,
        aws_access_key_id=creds.access_key_id,
        aws_secret_access_key=creds.secret_access_key,
        aws_session_token=creds.session_token,
        config=Config(retries={"max_attempts": 1}, parameter_validation=False),
    )


def answer(call: Callable[[], Any]) -> dict[str, Any]:
    """AWS's error for ``call``, with the modeled members of its body."""
    with pytest.raises(ClientError) as error:
        call()
    response = error.value.response
    return {
        "code": response["Error"]["Code"],
        "message": response["Error"].get("Message", ""),
        "status": response["ResponseMetadata"]["HTTPStatusCode"],
        "reason": response.get("reason"),
        "fields": [field["name"] for field in response.get("fieldList", [])],
    }


def test_a_new_account_has_no_contact_and_says_so_with_404(box: Sandbox) -> None:
    """GetAlternateContact, "Errors": ResourceNotFoundException, HTTP 404."""
    got = answer(lambda: unchecked(box).get_alternate_contact(AlternateContactType="SECURITY"))
    assert (got["code"], got["status"]) == ("ResourceNotFoundException", 404)
    assert got["message"] == "No contact of the inputted alternate contact type found."


def test_put_then_get_returns_exactly_what_was_put_and_put_overwrites(box: Sandbox) -> None:
    """PutAlternateContact creates or overwrites the contact of one type."""
    account = unchecked(box)
    account.put_alternate_contact(AlternateContactType="SECURITY", **CONTACT)
    got = account.get_alternate_contact(AlternateContactType="SECURITY")["AlternateContact"]
    assert got == {"AlternateContactType": "SECURITY", **CONTACT}
    account.put_alternate_contact(
        AlternateContactType="SECURITY", **{**CONTACT, "EmailAddress": "soc@example.com"}
    )
    got = account.get_alternate_contact(AlternateContactType="SECURITY")["AlternateContact"]
    assert got["EmailAddress"] == "soc@example.com"
    # Other types are separate contacts.
    assert answer(lambda: account.get_alternate_contact(AlternateContactType="BILLING"))[
        "code"
    ] == ("ResourceNotFoundException")


@pytest.mark.parametrize(
    ("changed", "field", "constraint"),
    [
        ({"EmailAddress": "not-an-address"}, "emailAddress", "regular expression pattern"),
        ({"EmailAddress": "jürgen@exämple.de"}, "emailAddress", "regular expression pattern"),
        ({"PhoneNumber": "call me"}, "phoneNumber", "regular expression pattern"),
        ({"PhoneNumber": "+1 " + "5" * 30}, "phoneNumber", "length between 1 and 25"),
        ({"Name": "x" * 65}, "name", "length between 1 and 64"),
        ({"Title": ""}, "title", "length between 1 and 50"),
        ({"Title": None}, "title", "must not be null"),
    ],
)
def test_put_refuses_each_broken_field_with_a_validation_exception(
    box: Sandbox, changed: dict[str, Any], field: str, constraint: str
) -> None:
    """PutAlternateContact, "Request Parameters" (lengths, patterns, all four required);
    ValidationException: ``reason`` fieldValidationFailed and a ``fieldList``. The message
    names the field and the rule, never the (sensitive) value."""
    params = {k: v for k, v in {**CONTACT, **changed}.items() if v is not None}
    got = answer(
        lambda: unchecked(box).put_alternate_contact(AlternateContactType="SECURITY", **params)
    )
    assert (got["code"], got["status"]) == ("ValidationException", 400)
    assert got["reason"] == "fieldValidationFailed"
    assert got["fields"] == [field]
    assert got["message"].startswith("1 validation error detected: ")
    assert f"Value at '{field}' failed to satisfy constraint" in got["message"]
    assert constraint in got["message"]
    for value in changed.values():
        if value:
            assert str(value) not in got["message"]
    # Nothing was stored.
    none = answer(lambda: unchecked(box).get_alternate_contact(AlternateContactType="SECURITY"))
    assert none["code"] == "ResourceNotFoundException"


def test_every_broken_field_is_listed_at_once(box: Sandbox) -> None:
    got = answer(
        lambda: unchecked(box).put_alternate_contact(
            AlternateContactType="SECURITY", Name="", Title="t", EmailAddress="x", PhoneNumber="x"
        )
    )
    assert got["message"].startswith("3 validation errors detected: ")
    assert got["fields"] == ["name", "emailAddress", "phoneNumber"]


def test_an_unknown_contact_type_is_refused_naming_the_action(box: Sandbox) -> None:
    """As AWS answers (recorded in moto's tests): AccessDeniedException, "You specified an
    invalid Alternate Contact type."; here with the action actually called."""
    got = answer(
        lambda: unchecked(box).put_alternate_contact(AlternateContactType="LEGAL", **CONTACT)
    )
    assert (got["code"], got["status"]) == ("AccessDeniedException", 403)
    assert "account:PutAlternateContact" in got["message"]
    assert "invalid Alternate Contact type" in got["message"]


def test_delete_of_a_missing_contact_is_not_found_and_a_delete_removes_it(box: Sandbox) -> None:
    """DeleteAlternateContact, "Errors": ResourceNotFoundException (moto says nothing)."""
    account = unchecked(box)
    got = answer(lambda: account.delete_alternate_contact(AlternateContactType="SECURITY"))
    assert (got["code"], got["status"]) == ("ResourceNotFoundException", 404)
    account.put_alternate_contact(AlternateContactType="SECURITY", **CONTACT)
    account.delete_alternate_contact(AlternateContactType="SECURITY")
    gone = answer(lambda: account.get_alternate_contact(AlternateContactType="SECURITY"))
    assert gone["code"] == "ResourceNotFoundException"


def test_account_id_may_name_only_the_callers_own_standalone_account(box: Sandbox) -> None:
    """PutAlternateContact, ``AccountId``: only an organization's management account or
    delegated administrator may name a member account; a standalone account (every sandbox
    account) can only act on itself, so its own ID is as good as none and any other ID is
    refused, and nothing is written there."""
    account = unchecked(box)
    account.put_alternate_contact(
        AlternateContactType="SECURITY", AccountId=box.account_id, **CONTACT
    )
    assert account.get_alternate_contact(AlternateContactType="SECURITY")["AlternateContact"]
    other = "111122223333"
    got = answer(
        lambda: account.put_alternate_contact(
            AlternateContactType="SECURITY", AccountId=other, **CONTACT
        )
    )
    assert (got["code"], got["status"]) == ("AccessDeniedException", 403)
    assert f"arn:aws:account::{other}:account" in got["message"]
    got = answer(
        lambda: account.get_alternate_contact(AlternateContactType="SECURITY", AccountId=other)
    )
    assert got["code"] == "AccessDeniedException"
    malformed = answer(
        lambda: account.get_alternate_contact(AlternateContactType="SECURITY", AccountId="12")
    )
    assert (malformed["code"], malformed["fields"]) == ("ValidationException", ["accountId"])


def test_an_unsigned_request_is_refused_in_rest_json(box: Sandbox) -> None:
    """Every AWS API refuses a request without a signature: MissingAuthenticationToken, here
    in the REST-JSON shape (error type in ``x-amzn-ErrorType``, JSON body)."""
    request = urllib.request.Request(
        f"{box.endpoint_url}/getAlternateContact",
        data=json.dumps({"AlternateContactType": "SECURITY"}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request)  # noqa: S310 - loopback sandbox
    assert error.value.code == 403
    assert error.value.headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"
    assert json.loads(error.value.read())["message"] == "Request is missing Authentication Token"


def test_an_unknown_key_is_unrecognized(box: Sandbox) -> None:
    stranger = SandboxCredentials(
        "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    )
    got = answer(
        lambda: unchecked(box, stranger).get_alternate_contact(AlternateContactType="SECURITY")
    )
    assert (got["code"], got["status"]) == ("UnrecognizedClientException", 403)


def test_an_iam_user_needs_the_account_permission_for_that_contact_type(
    box: Sandbox, client: Client
) -> None:
    """Service Authorization Reference, AWS Account Management: the ``account`` resource
    (``arn:aws:account::ACCOUNT:account``) and the ``account:AlternateContactTypes`` key."""
    creds = user_with_key(box, client, "reader")
    denied = refused(
        lambda: unchecked(box, creds).get_alternate_contact(AlternateContactType="SECURITY")
    )
    assert (denied["code"], denied["status"]) == ("AccessDeniedException", 403)
    assert f"arn:aws:account::{box.account_id}:account" in denied["message"]
    statement = {
        "Effect": "Allow",
        "Action": "account:GetAlternateContact",
        "Resource": "*",
        "Condition": {"StringEquals": {"account:AlternateContactTypes": "BILLING"}},
    }
    client(box, "iam").put_user_policy(
        UserName="reader", PolicyName="billing-only", PolicyDocument=policy(statement)
    )
    account = unchecked(box, creds)
    assert answer(lambda: account.get_alternate_contact(AlternateContactType="BILLING"))[
        "code"
    ] == ("ResourceNotFoundException")
    assert answer(lambda: account.get_alternate_contact(AlternateContactType="SECURITY"))[
        "code"
    ] == ("AccessDeniedException")


def test_the_wizards_client_reaches_the_sandbox_from_any_region(box: Sandbox) -> None:
    """The API has one global endpoint (``account.us-east-1.amazonaws.com``); an Account whose
    Region is elsewhere still reaches the sandbox's loopback endpoint with it, as IAM does."""
    creds = box.console_credentials
    account = Account.from_settings(
        region="eu-west-1",
        endpoint_url=box.endpoint_url,
        credentials=(creds.access_key_id, creds.secret_access_key, creds.session_token),
    )
    client = account.client("account")
    assert client.meta.endpoint_url == box.endpoint_url
    got = answer(lambda: client.get_alternate_contact(AlternateContactType="SECURITY"))
    assert got["code"] == "ResourceNotFoundException"
    elsewhere = Account.from_settings(
        region="eu-west-1", credentials=("AKIAEXAMPLE", "secret", None)
    )
    assert elsewhere.client("account").meta.endpoint_url == (
        "https://account.us-east-1.amazonaws.com"
    )
