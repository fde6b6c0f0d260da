"""Reading AWS requests and writing AWS responses in the wire formats boto3 parses.

IAM and STS speak the *query* protocol (form-encoded ``Action=…`` in, XML out), CloudTrail and
KMS speak *JSON 1.1* (``X-Amz-Target`` header, ``__type`` errors), the Account Management API
speaks *REST-JSON* (the operation in the path, ``POST /getAlternateContact``; errors named in the
``x-amzn-ErrorType`` header), as does GuardDuty (the operation in the method and path), S3
speaks *REST-XML* with its own error document, and EC2 speaks its own *ec2* variant of query
(lower-case element names, ``<item>`` lists, errors under ``<Response><Errors>``). Where the
root-account layer must answer a request itself (moto has no root user to answer with), it
builds the response here, byte-compatible with what AWS sends.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from html import escape as _html_escape
from typing import Any
from urllib.parse import parse_qsl

#: XML namespaces of the query-protocol services the sandbox answers for.
QUERY_NAMESPACES = {
    "iam": "https://iam.amazonaws.com/doc/2010-05-08/",
    "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
    "sns": "http://sns.amazonaws.com/doc/2010-03-31/",
}
JSON_SERVICES = frozenset(
    {"cloudtrail", "kms", "logs", "dynamodb", "events", "ssm", "budgets", "ce", "freetier"}
)
#: The EC2 API's XML namespace (API version 2016-11-15, the one botocore speaks).
EC2_NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/"
REST_SERVICES = frozenset({"s3"})
#: REST-JSON services the sandbox answers for, and each one's operations by request path
#: (Account Management API Reference: ``POST /putAlternateContact`` and so on).
REST_JSON_OPERATIONS: dict[str, dict[str, str]] = {
    "account": {
        "/putAlternateContact": "PutAlternateContact",
        "/getAlternateContact": "GetAlternateContact",
        "/deleteAlternateContact": "DeleteAlternateContact",
    },
}
#: REST-JSON services whose operations share a path and differ by method, with path labels:
#: ``(method, path pattern, operation)``; a label's value becomes a parameter (WSGI's
#: ``PATH_INFO`` is already URL-decoded). GuardDuty API Reference, each operation's "Request
#: Syntax": ``POST /detector`` is CreateDetector, ``GET /detector/detectorId`` GetDetector;
#: IAM Access Analyzer API Reference: ``PUT /analyzer`` is CreateAnalyzer,
#: ``GET /analyzer/{analyzerName}`` GetAnalyzer.
REST_JSON_ROUTES: dict[str, tuple[tuple[str, re.Pattern[str], str], ...]] = {
    "guardduty": (
        ("POST", re.compile(r"/detector"), "CreateDetector"),
        ("GET", re.compile(r"/detector"), "ListDetectors"),
        ("GET", re.compile(r"/detector/(?P<DetectorId>[^/]+)"), "GetDetector"),
        ("POST", re.compile(r"/detector/(?P<DetectorId>[^/]+)"), "UpdateDetector"),
        ("DELETE", re.compile(r"/detector/(?P<DetectorId>[^/]+)"), "DeleteDetector"),
    ),
    "access-analyzer": (
        ("PUT", re.compile(r"/analyzer"), "CreateAnalyzer"),
        ("GET", re.compile(r"/analyzer"), "ListAnalyzers"),
        ("GET", re.compile(r"/analyzer/(?P<analyzerName>[^/]+)"), "GetAnalyzer"),
        ("DELETE", re.compile(r"/analyzer/(?P<analyzerName>[^/]+)"), "DeleteAnalyzer"),
    ),
}


def escape(text: str) -> str:
    """``&``, ``<`` and ``>`` escaped for XML character data (what ``xml.sax.saxutils.escape``
    does). Not imported from there: ``xml.sax.saxutils`` loads ``urllib.request``, and with it
    ``http.client``, ``email`` and ``ssl``, before the guided sandbox's first frame."""
    return _html_escape(text, quote=False)


def route(service: str, method: str, path: str) -> tuple[str, dict[str, str]] | None:
    """The operation and path labels of a request to a :data:`REST_JSON_ROUTES` service."""
    for verb, pattern, operation in REST_JSON_ROUTES.get(service, ()):
        matched = pattern.fullmatch(path)
        if verb == method and matched:
            return operation, dict(matched.groupdict())
    return None


@dataclass
class ParsedRequest:
    """The parts of a request the root-account layer decides on."""

    service: str
    action: str
    params: dict[str, str] = field(default_factory=dict)
    json_body: dict[str, Any] = field(default_factory=dict)

    @property
    def protocol(self) -> str:
        """``query``, ``ec2``, ``json``, ``rest-json`` or ``rest`` (S3 and other REST services)."""
        return protocol_of(self.service)


@dataclass
class Response:
    """A complete HTTP response the middleware can send instead of moto's."""

    status: int
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)

    def header_list(self) -> list[tuple[str, str]]:
        """WSGI header list, with a request ID as AWS sends one."""
        request_id = str(uuid.uuid4())
        headers = {
            "Content-Type": self.content_type,
            "Content-Length": str(len(self.body)),
            "x-amzn-RequestId": request_id,
            **self.headers,
        }
        return list(headers.items())


def protocol_of(service: str) -> str:
    """Return the wire protocol a service speaks."""
    if service in QUERY_NAMESPACES:
        return "query"
    if service == "ec2":
        return "ec2"
    if service in JSON_SERVICES:
        return "json"
    if service in REST_JSON_OPERATIONS or service in REST_JSON_ROUTES:
        return "rest-json"
    return "rest"


def parse_request(service: str, environ: Mapping[str, Any], body: bytes) -> ParsedRequest:
    """Find the action and parameters of a request to ``service``."""
    target = str(environ.get("HTTP_X_AMZ_TARGET", ""))
    if target:
        try:
            loaded = json.loads(body or b"{}")
        except ValueError:
            loaded = {}
        json_body = loaded if isinstance(loaded, dict) else {}
        return ParsedRequest(service, target.rsplit(".", 1)[-1], json_body=json_body)
    if service in REST_JSON_OPERATIONS:
        # The operation is the path; its input the JSON body (an empty or broken body: none).
        action = REST_JSON_OPERATIONS[service].get(str(environ.get("PATH_INFO", "")), "")
        try:
            loaded = json.loads(body or b"{}")
        except ValueError:
            loaded = {}
        return ParsedRequest(service, action, json_body=loaded if isinstance(loaded, dict) else {})
    if service in REST_JSON_ROUTES:
        # Path labels and the query string are ``params``; the JSON body is ``json_body``.
        params = dict(parse_qsl(str(environ.get("QUERY_STRING", "")), keep_blank_values=True))
        found = route(
            service, str(environ.get("REQUEST_METHOD", "GET")), str(environ.get("PATH_INFO", ""))
        )
        action = ""
        if found is not None:
            action, labels = found
            params.update(labels)
        try:
            loaded = json.loads(body or b"{}")
        except ValueError:
            loaded = {}
        json_body = loaded if isinstance(loaded, dict) else {}
        return ParsedRequest(service, action, params=params, json_body=json_body)
    params = dict(parse_qsl(str(environ.get("QUERY_STRING", "")), keep_blank_values=True))
    content_type = str(environ.get("CONTENT_TYPE", ""))
    if body and content_type.startswith("application/x-www-form-urlencoded"):
        params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    return ParsedRequest(service, params.get("Action", ""), params=params)


def iso(value: datetime) -> str:
    """Format a timestamp the way IAM's XML does (``2024-01-02T03:04:05Z``)."""
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def xml_elements(values: Mapping[str, Any]) -> str:
    """Render ``{"Name": value}`` as ``<Name>value</Name>``; ``None`` values are left out.

    Nested mappings become nested elements; lists become ``<member>`` items (query protocol).
    """
    parts: list[str] = []
    for name, value in values.items():
        if value is None:
            continue
        parts.append(f"<{name}>{_xml_value(value)}</{name}>")
    return "".join(parts)


def _xml_value(value: Any) -> str:
    if isinstance(value, Mapping):
        return xml_elements(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, list | tuple):
        return "".join(f"<member>{_xml_value(item)}</member>" for item in value)
    return escape(str(value))


def query_response(service: str, action: str, result: Mapping[str, Any] | None) -> Response:
    """A successful query-protocol response; ``result=None`` for actions with no output."""
    namespace = QUERY_NAMESPACES[service]
    inner = "" if result is None else f"<{action}Result>{xml_elements(result)}</{action}Result>"
    body = (
        f'<{action}Response xmlns="{namespace}">{inner}'
        f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata>"
        f"</{action}Response>"
    )
    return Response(200, body.encode(), "text/xml")


def error_response(service: str, code: str, message: str, status: int) -> Response:
    """An error in the protocol ``service`` speaks, as botocore expects to parse it."""
    protocol = protocol_of(service)
    if protocol == "json":
        body = json.dumps({"__type": code, "message": message}).encode()
        return Response(status, body, "application/x-amz-json-1.1", {"x-amzn-ErrorType": code})
    if protocol == "rest-json":
        return rest_json_error(code, message, status)
    if protocol == "ec2":
        # EC2 nests the error in <Errors> and spells the request ID "RequestID".
        text = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Response><Errors><Error><Code>{escape(code)}</Code>"
            f"<Message>{escape(message)}</Message></Error></Errors>"
            f"<RequestID>{uuid.uuid4()}</RequestID></Response>"
        )
        return Response(status, text.encode(), "text/xml")
    if protocol == "query":
        namespace = QUERY_NAMESPACES.get(service, f"https://{service}.amazonaws.com/doc/")
        kind = "Sender" if status < 500 else "Receiver"
        text = (
            f'<ErrorResponse xmlns="{namespace}"><Error><Type>{kind}</Type>'
            f"<Code>{escape(code)}</Code><Message>{escape(message)}</Message></Error>"
            f"<RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>"
        )
        return Response(status, text.encode(), "text/xml")
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
        f"<RequestId>{uuid.uuid4().hex[:16].upper()}</RequestId></Error>"
    )
    return Response(status, text.encode(), "application/xml")


def rest_json_error(
    code: str, message: str, status: int, extra: Mapping[str, Any] | None = None
) -> Response:
    """A REST-JSON error: the code in ``x-amzn-ErrorType``, ``message`` (and ``extra``) in the body.

    ``extra`` carries modeled members, e.g. a ``ValidationException``'s ``reason`` and
    ``fieldList`` (Account Management API Reference, "ValidationException").
    """
    body = json.dumps({"message": message, **(extra or {})}).encode()
    return Response(status, body, "application/json", {"x-amzn-ErrorType": code})


def rest_json_response(payload: Mapping[str, Any]) -> Response:
    """A successful REST-JSON response (``{}`` for an operation with no output)."""
    return Response(200, json.dumps(payload).encode(), "application/json")


def ec2_response(action: str, body_xml: str) -> Response:
    """A successful EC2 response whose elements (already rendered) follow the request ID."""
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<{action}Response xmlns="{EC2_NAMESPACE}"><requestId>{uuid.uuid4()}</requestId>'
        f"{body_xml}</{action}Response>"
    )
    return Response(200, text.encode(), "text/xml")


def json_response(payload: Mapping[str, Any]) -> Response:
    """A successful JSON 1.1 response."""
    return Response(
        200, json.dumps(payload, default=_json_default).encode(), "application/x-amz-json-1.1"
    )


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.timestamp()
    raise TypeError(f"cannot serialise {type(value).__name__}")
