"""What AWS refuses before it looks up the access key: a signature's shape, scope and time.

Every request must be signed with Signature Version 4, either in the ``Authorization`` header
(``AWS4-HMAC-SHA256 Credential=KEY/YYYYMMDD/REGION/SERVICE/aws4_request, SignedHeaders=…,
Signature=…``) or in a presigned query (``X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=…``)
(IAM User Guide, "AWS Signature Version 4 for API requests": "Elements of an AWS API request
signature"). :func:`admit` applies AWS's checks in AWS's order and returns the request's
:class:`~aws_setup_wizard.sandbox.auth.Signature`, or AWS's refusal:

1. no ``AWS4-`` authorization at all → ``MissingAuthenticationToken`` (S3: anonymous →
   ``AccessDenied``; Signature Version 2 → ``InvalidRequest``, as S3 answers for buckets made
   since June 2020, and every sandbox bucket is new);
2. missing parts, an unknown algorithm, a credential that is not ``key/date/region/service/
   aws4_request`` → ``IncompleteSignature`` (S3: ``AuthorizationHeaderMalformed``,
   ``InvalidArgument`` or ``AuthorizationQueryParametersError``);
3. a request time more than 15 minutes from the server's clock → "Signature expired" /
   "Signature not yet current" (S3: ``RequestTimeTooSkewed``; EC2: ``RequestExpired``); a
   presigned URL past its ``X-Amz-Expires`` → refused (S3: ``AccessDenied`` "Request has
   expired"); a credential date that is not the request's day → refused
   (IAM User Guide, "Troubleshoot signing errors": "Request date errors", "Credential scope
   errors").

Who holds the key and whether the signature matches is the middleware's next step.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qsl

from aws_setup_wizard.sandbox import auth_errors
from aws_setup_wizard.sandbox.auth import ALGORITHM, Signature
from aws_setup_wizard.sandbox.gate import service_of_unsigned
from aws_setup_wizard.sandbox.protocol import Response

#: AWS's window for a request's time stamp either side of its own clock.
MAX_SKEW = timedelta(minutes=15)
#: The longest a presigned URL may be valid (S3: "less than a week").
MAX_PRESIGNED_SECONDS = 604800
_BASIC = "%Y%m%dT%H%M%SZ"
_HEADER_PARTS = ("Credential", "Signature", "SignedHeaders")
_QUERY_PARTS = (
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Signature",
    "X-Amz-SignedHeaders",
    "X-Amz-Date",
)
_S3_MALFORMED = "The authorization header is malformed; "
_S3_NO_DATE = "AWS authentication requires a valid Date or x-amz-date header"
_SIGV2 = (
    "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256."
)


def admit(
    environ: dict[str, Any], body: bytes, now: datetime | None = None
) -> Signature | Response:
    """The request's SigV4 signature, if AWS would go on to check it; otherwise AWS's refusal."""
    moment = now or datetime.now(UTC)
    header = str(environ.get("HTTP_AUTHORIZATION", "")).strip()
    query = dict(parse_qsl(str(environ.get("QUERY_STRING", "")), keep_blank_values=True))
    if header:
        return _admit_header(environ, body, header, moment)
    if any(name in query for name in _QUERY_PARTS):
        return _admit_query(environ, body, query, moment)
    service = service_of_unsigned(environ, body)
    if service == "s3" and "AWSAccessKeyId" in query and "Signature" in query:
        return auth_errors.s3_error("InvalidRequest", _SIGV2, 400)
    return auth_errors.missing_token(service)


def _admit_header(
    environ: dict[str, Any], body: bytes, header: str, now: datetime
) -> Signature | Response:
    algorithm, _, rest = header.partition(" ")
    fields, stray = _fields(rest)
    credential = fields.get("Credential", "")
    service = _scope_service(credential) or service_of_unsigned(environ, body)
    s3 = service == "s3"
    if not algorithm.startswith("AWS4-"):
        # Not even an attempt at SigV4 (a bearer token, SigV2's "AWS KEY:SIG"): unsigned.
        if not s3:
            return auth_errors.missing_token(service)
        if algorithm == "AWS":
            return auth_errors.s3_error("InvalidRequest", _SIGV2, 400)
        return _s3_unsupported(header)
    if s3 and algorithm != ALGORITHM:
        return _s3_unsupported(header)
    if stray is not None:
        if s3:
            return _s3_three_components()
        return auth_errors.incomplete(
            service,
            f"'{stray}' not a valid key=value pair (missing equal-sign) in Authorization "
            f"header: '{header}'.",
        )
    missing = [name for name in _HEADER_PARTS if not fields.get(name)]
    raw_date = str(environ.get("HTTP_X_AMZ_DATE") or environ.get("HTTP_DATE") or "")
    if missing or not raw_date:
        if s3:
            return _s3_three_components() if missing else _s3_no_date()
        parts = [f"Authorization header requires '{name}' parameter." for name in missing]
        if not raw_date:
            parts.append(
                "Authorization header requires existence of either a 'X-Amz-Date' or a "
                "'Date' header."
            )
        return auth_errors.incomplete(service, " ".join(parts) + f" Authorization={header}")
    when = _request_time(raw_date)
    if when is None:
        if s3:
            return _s3_no_date()
        return auth_errors.incomplete(service, _not_basic(raw_date))
    amz_date = when.strftime(_BASIC)
    skewed = _outside_window(service, amz_date, when, now)
    if skewed is not None:
        return skewed
    signed_headers = tuple(fields["SignedHeaders"].split(";"))
    if "host" not in signed_headers:
        return auth_errors.signature_refused(
            service, "'Host' must be a 'SignedHeader' in the AWS Authorization."
        )
    if algorithm != ALGORITHM:
        return auth_errors.incomplete(
            service, f"Unsupported AWS 'algorithm': '{algorithm}' (only {ALGORITHM} for now)."
        )
    scope = credential.split("/")
    if len(scope) != 5:
        if s3:
            return auth_errors.s3_error(
                "AuthorizationHeaderMalformed",
                _S3_MALFORMED + "the Credential is mal-formed; expecting "
                '"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
                400,
            )
        return auth_errors.incomplete(service, _five_elements(credential))
    return _scoped_signature(
        service,
        scope,
        amz_date,
        signed_headers=signed_headers,
        signature=fields["Signature"],
        security_token=environ.get("HTTP_X_AMZ_SECURITY_TOKEN"),
        presigned=False,
    )


def _admit_query(
    environ: dict[str, Any], body: bytes, query: dict[str, str], now: datetime
) -> Signature | Response:
    credential = query.get("X-Amz-Credential", "")
    service = _scope_service(credential) or service_of_unsigned(environ, body)
    s3 = service == "s3"
    algorithm = query.get("X-Amz-Algorithm", "")
    required = _QUERY_PARTS + (("X-Amz-Expires",) if s3 else ())
    if any(not query.get(name) for name in required):
        if s3:
            return _s3_query_error(
                "Query-string authentication version 4 requires the X-Amz-Algorithm, "
                "X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and "
                "X-Amz-Expires parameters."
            )
        return auth_errors.incomplete(
            service,
            "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', "
            "'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date'. "
            "Re-examine the query-string parameters.",
        )
    if algorithm != ALGORITHM:
        if s3:
            return _s3_query_error(f'X-Amz-Algorithm only supports "{ALGORITHM}"')
        return auth_errors.incomplete(
            service, f"Unsupported AWS 'algorithm': '{algorithm}' (only {ALGORITHM} for now)."
        )
    amz_date = query["X-Amz-Date"]
    when = _basic_time(amz_date)
    if when is None:
        if s3:
            return _s3_query_error(
                "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\""
            )
        return auth_errors.incomplete(service, _not_basic(amz_date))
    expires = _expires(service, query.get("X-Amz-Expires"))
    if isinstance(expires, Response):
        return expires
    refused = _presigned_time(service, amz_date, when, expires, now)
    if refused is not None:
        return refused
    scope = credential.split("/")
    if len(scope) != 5:
        if s3:
            return _s3_query_error(
                "Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; "
                'expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".'
            )
        return auth_errors.incomplete(service, _five_elements(credential))
    return _scoped_signature(
        service,
        scope,
        amz_date,
        signed_headers=tuple(query["X-Amz-SignedHeaders"].split(";")),
        signature=query["X-Amz-Signature"],
        security_token=query.get("X-Amz-Security-Token"),
        presigned=True,
    )


# -- time -------------------------------------------------------------------------------------


def _outside_window(service: str, amz_date: str, when: datetime, now: datetime) -> Response | None:
    """AWS's refusal of a header-signed request dated more than 15 minutes from now."""
    if abs(now - when) <= MAX_SKEW:
        return None
    if service == "s3":
        return auth_errors.s3_error(
            "RequestTimeTooSkewed",
            "The difference between the request time and the current time is too large.",
            403,
            RequestTime=amz_date,
            ServerTime=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            MaxAllowedSkewMilliseconds=str(int(MAX_SKEW.total_seconds() * 1000)),
        )
    return auth_errors.clock_refused(service, _skew_message(amz_date, when, now))


def _skew_message(amz_date: str, when: datetime, now: datetime) -> str:
    if when < now:
        return (
            f"Signature expired: {amz_date} is now earlier than "
            f"{(now - MAX_SKEW).strftime(_BASIC)} ({now.strftime(_BASIC)} - 15 min.)"
        )
    return (
        f"Signature not yet current: {amz_date} is still later than "
        f"{(now + MAX_SKEW).strftime(_BASIC)} ({now.strftime(_BASIC)} + 15 min.)"
    )


def _expires(service: str, raw: str | None) -> int | None | Response:
    """The presigned URL's lifetime in seconds (``None``: not given, outside S3)."""
    if raw is None:
        return None
    text = raw.strip()
    if not text.lstrip("-").isdigit():
        message = "X-Amz-Expires should be a number"
    elif int(text) < 0:
        message = "X-Amz-Expires must be non-negative"
    elif int(text) > MAX_PRESIGNED_SECONDS:
        message = (
            f"X-Amz-Expires must be less than a week (in seconds) that is {MAX_PRESIGNED_SECONDS}"
        )
    else:
        return int(text)
    if service == "s3":
        return _s3_query_error(message)
    return auth_errors.incomplete(service, message)


def _presigned_time(
    service: str, amz_date: str, when: datetime, expires: int | None, now: datetime
) -> Response | None:
    """A presigned URL dated in the future or used after it expired."""
    if when - now > MAX_SKEW:
        return _outside_window(service, amz_date, when, now)
    if expires is None:
        # Outside S3 a presigned request without X-Amz-Expires lives as long as any request.
        return _outside_window(service, amz_date, when, now)
    deadline = when + timedelta(seconds=expires)
    if now <= deadline:
        return None
    if service == "s3":
        return auth_errors.s3_error(
            "AccessDenied",
            "Request has expired",
            403,
            **{"X-Amz-Expires": str(expires)},
            Expires=deadline.strftime("%Y-%m-%dT%H:%M:%SZ"),
            ServerTime=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
    return auth_errors.clock_refused(
        service,
        f"Signature expired: {amz_date} is now earlier than "
        f"{(now - timedelta(seconds=expires)).strftime(_BASIC)} "
        f"({now.strftime(_BASIC)} - {expires} sec.)",
    )


def _request_time(raw: str) -> datetime | None:
    """``X-Amz-Date`` (ISO 8601 basic) or an HTTP ``Date`` header, as an aware datetime."""
    basic = _basic_time(raw)
    if basic is not None:
        return basic
    try:
        parsed = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _basic_time(raw: str) -> datetime | None:
    try:
        return datetime.strptime(raw, _BASIC).replace(tzinfo=UTC)
    except ValueError:
        return None


def _not_basic(raw: str) -> str:
    return f"Date must be in ISO-8601 'basic format'. Got '{raw}'. See http://en.wikipedia.org/wiki/ISO_8601"


# -- credential scope -------------------------------------------------------------------------


def _scope_service(credential: str) -> str | None:
    """The service named in a credential scope, when the scope can be read at all."""
    parts = credential.split("/")
    return parts[3] if len(parts) == 5 and parts[3] else None


def _five_elements(credential: str) -> str:
    return (
        "Credential must have exactly 5 slash-delimited elements, e.g. "
        f"keyid/date/region/service/term, got '{credential}'"
    )


def _scope_problems(service: str, scope: list[str], amz_date: str) -> Response | None:
    """AWS's refusal when the scope's terminator or date is wrong, else ``None``."""
    day = amz_date[:8]
    if service == "s3":
        if scope[1] != day:
            return auth_errors.s3_error(
                "AuthorizationHeaderMalformed",
                _S3_MALFORMED + "Invalid credential date. Date is not the same as X-Amz-Date.",
                400,
            )
        if scope[4] != "aws4_request":
            return auth_errors.s3_error(
                "AuthorizationHeaderMalformed",
                _S3_MALFORMED + "the Credential is mal-formed; expecting "
                '"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
                400,
            )
        return None
    problems = []
    if scope[4] != "aws4_request":
        problems.append(
            "Credential should be scoped with a valid terminator: 'aws4_request', "
            f"not '{scope[4]}'."
        )
    if scope[1] != day:
        problems.append(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
            f"from HTTP: '{scope[1]}' != '{day}', from '{amz_date}'."
        )
    return auth_errors.signature_refused(service, " ".join(problems)) if problems else None


# -- header grammar ---------------------------------------------------------------------------


def _fields(rest: str) -> tuple[dict[str, str], str | None]:
    """``Name=value`` pairs of the header, and the first part that is not such a pair."""
    fields: dict[str, str] = {}
    stray: str | None = None
    for part in rest.split(","):
        text = part.strip()
        if not text:
            continue
        name, equals, value = text.partition("=")
        if not equals:
            stray = stray or text
            continue
        fields[name.strip()] = value.strip()
    return fields, stray


def _s3_unsupported(header: str) -> Response:
    return auth_errors.s3_error(
        "InvalidArgument",
        "Unsupported Authorization Type",
        400,
        ArgumentName="Authorization",
        ArgumentValue=header,
    )


def _s3_three_components() -> Response:
    return auth_errors.s3_error(
        "AuthorizationHeaderMalformed",
        _S3_MALFORMED + "the authorization header requires three components: Credential, "
        "SignedHeaders, and Signature.",
        400,
    )


def _s3_no_date() -> Response:
    return auth_errors.s3_error("AccessDenied", _S3_NO_DATE, 403)


def _s3_query_error(message: str) -> Response:
    return auth_errors.s3_error("AuthorizationQueryParametersError", message, 400)


def _scoped_signature(
    service: str,
    scope: list[str],
    amz_date: str,
    *,
    signed_headers: tuple[str, ...],
    signature: str,
    security_token: str | None,
    presigned: bool,
) -> Signature | Response:
    """The signature's fields once its credential scope checks out; AWS's refusal otherwise."""
    wrong_scope = _scope_problems(service, scope, amz_date)
    if wrong_scope is not None:
        return wrong_scope
    return Signature(
        access_key_id=scope[0],
        date=scope[1],
        region=scope[2],
        service=scope[3],
        signed_headers=signed_headers,
        signature=signature,
        amz_date=amz_date,
        security_token=security_token,
        presigned=presigned,
    )
