import pytest
from botocore.exceptions import (
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)

from aws_setup_wizard.errors import describe_error, parse_denial


def client_error(code: str, message: str = "m", operation: str = "ListUsers") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, operation)


@pytest.mark.parametrize(
    ("exc", "words"),
    [
        (NoCredentialsError(), ["No AWS credentials", "CloudShell", "sandbox"]),
        (client_error("AccessDenied", "User x is not authorized"), ["denied", "ListUsers", "root"]),
        (client_error("ExpiredToken"), ["expired", "sign in again"]),
        (client_error("InvalidClientTokenId"), ["does not recognise", "other credentials"]),
        (client_error("SignatureDoesNotMatch"), ["secret access key does not match"]),
        (client_error("Throttling"), ["throttling", "wait a minute"]),
        (client_error("OptInRequired"), ["not available in this Region", "--region"]),
        (
            EndpointConnectionError(endpoint_url="https://iam.amazonaws.com"),
            ["Could not reach", "network"],
        ),
        (ReadTimeoutError(endpoint_url="x"), ["did not answer", "again"]),
        (client_error("NoSuchEntity", "gone"), ["NoSuchEntity: gone", "run the wizard again"]),
    ],
)
def test_every_error_becomes_one_sentence_with_what_to_do(exc, words):
    sentence = describe_error(exc)
    for word in words:
        assert word in sentence
    assert "\n" not in sentence


def test_an_access_denied_names_the_missing_permission_and_who_can_grant_it() -> None:
    message = (
        "User: arn:aws:iam::111122223333:user/trainee is not authorized to perform: "
        "iam:CreateGroup on resource: arn:aws:iam::111122223333:group/Administrators "
        "because no identity-based policy allows the iam:CreateGroup action"
    )
    text = describe_error(client_error("AccessDenied", message))
    assert "iam:CreateGroup on arn:aws:iam::111122223333:group/Administrators" in text
    assert "arn:aws:iam::111122223333:user/trainee" in text
    assert "ask an administrator to grant iam:CreateGroup" in text
    assert "AdministratorAccess" in text


def test_an_explicit_deny_is_named_as_such_and_s3_quotes_are_read() -> None:
    message = (
        "User: arn:aws:iam::111122223333:user/trainee is not authorized to perform: "
        's3:PutBucketPolicy on resource: "arn:aws:s3:::logs" with an explicit deny in a '
        "resource-based policy"
    )
    denial = parse_denial(message)
    assert denial is not None
    assert (denial.action, denial.resource, denial.explicit, denial.policy_type) == (
        "s3:PutBucketPolicy",
        "arn:aws:s3:::logs",
        True,
        "resource-based",
    )
    text = describe_error(client_error("AccessDenied", message))
    assert "explicit Deny in a resource-based policy" in text and "remove or narrow" in text


def test_an_ec2_refusal_without_a_resource_still_names_the_action() -> None:
    message = (
        "You are not authorized to perform this operation. User: arn:aws:iam::111122223333:"
        "user/trainee is not authorized to perform: ec2:DescribeRegions because no "
        "identity-based policy allows the ec2:DescribeRegions action"
    )
    text = describe_error(client_error("UnauthorizedOperation", message))
    assert "the permission ec2:DescribeRegions:" in text
