"""AWS's authentication refusals, in the protocol of the service that was called.

Every AWS front end checks the signature before the service sees the request, and answers in
that service's own error format with the same family of codes:

* no signature at all: ``MissingAuthenticationToken`` (query 403, EC2 401; JSON:
  ``MissingAuthenticationTokenException`` 400);
* a malformed signature: ``IncompleteSignature`` 400 (JSON: ``IncompleteSignatureException``);
* a wrong secret, a wrong scope, an expired signature: ``SignatureDoesNotMatch`` 403 (JSON:
  ``InvalidSignatureException`` 400);
* an unknown or inactive key: ``InvalidClientTokenId`` 403 (JSON: ``UnrecognizedClientException``
  400; EC2: ``AuthFailure`` 401).

REST-JSON services (the Account Management API) use the JSON names with HTTP 403 for every
authentication refusal (``MissingAuthenticationTokenException``, ``IncompleteSignatureException``,
``InvalidSignatureException``, ``UnrecognizedClientException``), the codes the AWS SDKs list as
common errors of every service (e.g. AWS SDK for Java, ``AwsErrorCode``).

(IAM API Reference, "Common Errors"; EC2 API Reference, "Error codes": clock skew is
``RequestExpired``.) S3 has its own codes and extra elements (Amazon S3 API Reference, "Error
responses", list of error codes: ``AccessDenied``, ``AuthorizationHeaderMalformed``,
``AuthorizationQueryParametersError``, ``InvalidRequest``, ``RequestTimeTooSkewed``, …); they are
built here too. The message texts are those AWS sends (as recorded by client libraries and
issue reports: "Request is missing Authentication Token", "Signature expired: … is now earlier
than … (… - 15 min.)").
"""

from __future__ import annotations

import uuid

from aws_setup_wizard.sandbox.protocol import Response, error_response, escape, protocol_of

MISSING_TOKEN = "Request is missing Authentication Token"
_INVALID_TOKEN = "The security token included in the request is invalid."
_BAD_SIGNATURE = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. "
    "Consult the service documentation for details."
)
_S3_BAD_SIGNATURE = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your key and signing method."
)


def missing_token(service: str) -> Response:
    """A request that carries no (AWS4-looking) signature at all."""
    protocol = protocol_of(service)
    if protocol == "rest-json":
        return error_response(service, "MissingAuthenticationTokenException", MISSING_TOKEN, 403)
    if protocol == "json":
        return error_response(service, "MissingAuthenticationTokenException", MISSING_TOKEN, 400)
    if protocol == "ec2":
        return error_response(service, "MissingAuthenticationToken", MISSING_TOKEN, 401)
    if protocol == "query":
        return error_response(service, "MissingAuthenticationToken", MISSING_TOKEN, 403)
    # S3 treats an unsigned request as the anonymous principal, who may do nothing here.
    return error_response(service, "AccessDenied", "Access Denied", 403)


def incomplete(service: str, message: str) -> Response:
    """A signature that does not follow SigV4's grammar (not for S3: see :func:`s3_error`)."""
    if protocol_of(service) == "rest-json":
        return error_response(service, "IncompleteSignatureException", message, 403)
    if protocol_of(service) == "json":
        return error_response(service, "IncompleteSignatureException", message, 400)
    return error_response(service, "IncompleteSignature", message, 400)


def signature_refused(service: str, message: str) -> Response:
    """A well-formed signature AWS will not accept (wrong scope, expired, wrong secret)."""
    if protocol_of(service) == "rest-json":
        return error_response(service, "InvalidSignatureException", message, 403)
    if protocol_of(service) == "json":
        return error_response(service, "InvalidSignatureException", message, 400)
    return error_response(service, "SignatureDoesNotMatch", message, 403)


def bad_signature(service: str) -> Response:
    """What AWS answers when the signature was made with another secret."""
    return signature_refused(service, _S3_BAD_SIGNATURE if service == "s3" else _BAD_SIGNATURE)


def invalid_credentials(service: str) -> Response:
    """What AWS answers for a deleted, inactive or unknown key, in the service's protocol."""
    protocol = protocol_of(service)
    if protocol == "rest-json":
        return error_response(service, "UnrecognizedClientException", _INVALID_TOKEN, 403)
    if protocol == "json":
        return error_response(service, "UnrecognizedClientException", _INVALID_TOKEN, 400)
    if protocol == "ec2":
        return error_response(
            service,
            "AuthFailure",
            "AWS was not able to validate the provided access credentials",
            401,
        )
    if protocol == "query":
        return error_response(service, "InvalidClientTokenId", _INVALID_TOKEN, 403)
    return error_response(
        service,
        "InvalidAccessKeyId",
        "The AWS Access Key Id you provided does not exist in our records.",
        403,
    )


def clock_refused(service: str, message: str) -> Response:
    """A header-signed request dated outside the 15-minute window (not for S3)."""
    if protocol_of(service) == "ec2":
        return error_response(service, "RequestExpired", "Request has expired.", 400)
    return signature_refused(service, message)


def s3_error(code: str, message: str, status: int, **details: str) -> Response:
    """An S3 error document with the extra elements S3 adds for some codes."""
    extra = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in details.items())
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message>{extra}"
        f"<RequestId>{uuid.uuid4().hex[:16].upper()}</RequestId></Error>"
    )
    return Response(status, text.encode(), "application/xml")
