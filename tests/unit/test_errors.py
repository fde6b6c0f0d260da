import pytest
from botocore.exceptions import (
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)

from aws_setup_wizard.errors import describe_error


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
