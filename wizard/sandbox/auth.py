"""Who signed a request, and did they sign it with the right secret (AWS Signature V4).

moto's server does not check signatures unless its IAM auth mode is on, and that mode would
also enforce IAM policies against a root user moto does not know. So the sandbox checks
signatures itself. The arithmetic is botocore's own (``SigV4Auth`` / ``S3SigV4Auth`` and the
query variants, the same classes moto's ``iam/access_control.py`` uses); what we add is the
rebuilding of the request *as the client saw it* from the raw WSGI environ: the raw path
(``RAW_URI``, not the decoded ``PATH_INFO``), the raw query string and exactly the headers the
client listed in ``SignedHeaders``. moto's ``IAMRequest`` itself cannot be reused directly: it
wants moto's parsed request object and rebuilds the URL without the host.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from botocore.auth import (
    HmacV1Auth,
    S3SigV4Auth,
    S3SigV4QueryAuth,
    SigV4Auth,
    SigV4QueryAuth,
)
from botocore.awsrequest import AWSRequest, HTTPHeaders
from botocore.credentials import Credentials

_ALGORITHM = "AWS4-HMAC-SHA256"


@dataclass(frozen=True)
class Signature:
    """The SigV4 fields of a request, from its ``Authorization`` header or presigned query."""

    access_key_id: str
    date: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str
    amz_date: str
    security_token: str | None
    presigned: bool
    #: 4, or 2 for the legacy S3 signature boto3 still uses for presigned URLs.
    version: int = 4


def parse_signature(environ: dict[str, Any]) -> Signature | None:
    """Return the request's SigV4 fields, or ``None`` for an unsigned (or SigV2) request."""
    header = environ.get("HTTP_AUTHORIZATION", "")
    if header.startswith(_ALGORITHM):
        fields = _header_fields(header[len(_ALGORITHM) :])
        scope = fields.get("Credential", "").split("/")
        if len(scope) != 5:
            return None
        return Signature(
            access_key_id=scope[0],
            date=scope[1],
            region=scope[2],
            service=scope[3],
            signed_headers=tuple(fields.get("SignedHeaders", "").split(";")),
            signature=fields.get("Signature", ""),
            amz_date=environ.get("HTTP_X_AMZ_DATE", ""),
            security_token=environ.get("HTTP_X_AMZ_SECURITY_TOKEN"),
            presigned=False,
        )
    query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
    if query.get("X-Amz-Algorithm") == _ALGORITHM:
        scope = query.get("X-Amz-Credential", "").split("/")
        if len(scope) != 5:
            return None
        return Signature(
            access_key_id=scope[0],
            date=scope[1],
            region=scope[2],
            service=scope[3],
            signed_headers=tuple(query.get("X-Amz-SignedHeaders", "host").split(";")),
            signature=query.get("X-Amz-Signature", ""),
            amz_date=query.get("X-Amz-Date", ""),
            security_token=query.get("X-Amz-Security-Token"),
            presigned=True,
        )
    return _parse_v2(environ, header, query)


def _parse_v2(environ: dict[str, Any], header: str, query: dict[str, str]) -> Signature | None:
    # SigV2 is S3-only here: ``Authorization: AWS KEY:SIG`` or ``?AWSAccessKeyId=…&Signature=``.
    if header.startswith("AWS "):
        key_id, _, signature = header[4:].partition(":")
        date = str(environ.get("HTTP_DATE", ""))
        presigned = False
    elif "AWSAccessKeyId" in query and "Signature" in query:
        key_id, signature = query["AWSAccessKeyId"], query["Signature"]
        date = query.get("Expires", "")
        presigned = True
    else:
        return None
    return Signature(
        access_key_id=key_id,
        date="",
        region="us-east-1",
        service="s3",
        signed_headers=(),
        signature=signature,
        amz_date=date,
        security_token=environ.get("HTTP_X_AMZ_SECURITY_TOKEN")
        or query.get("x-amz-security-token"),
        presigned=presigned,
        version=2,
    )


def _header_fields(rest: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for part in rest.split(","):
        name, _, value = part.strip().partition("=")
        fields[name] = value
    return fields


def signature_matches(
    sig: Signature, environ: dict[str, Any], body: bytes, secret_access_key: str
) -> bool:
    """Recompute the signature with ``secret_access_key`` and compare in constant time."""
    try:
        expected = _compute(sig, environ, body, secret_access_key)
    except Exception:  # noqa: BLE001 - a request we cannot even rebuild is simply not valid
        return False
    return hmac.compare_digest(expected, sig.signature)


class _HmacV1Verifier(HmacV1Auth):
    """botocore's SigV2 signer, with the date taken from the request instead of the clock."""

    def __init__(self, credentials: Credentials, date: str) -> None:
        super().__init__(credentials)
        self._request_date = date

    def _get_date(self) -> str:
        return self._request_date


def _compute_v2(sig: Signature, environ: dict[str, Any], secret: str) -> str:
    raw_uri = environ.get("RAW_URI") or environ.get("REQUEST_URI") or ""
    headers: Any = HTTPHeaders()
    for name in ("content-md5", "content-type"):
        value = _header_value(environ, name)
        if value:
            headers[name] = value
    for key, value in environ.items():
        if key.startswith("HTTP_X_AMZ_"):
            headers[key[5:].lower().replace("_", "-")] = str(value)
    if sig.presigned:
        # Query-signed requests carry their x-amz-* "headers" as parameters.
        for name, value in parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True):
            if name.lower().startswith("x-amz-"):
                headers[name.lower()] = value
    signer = _HmacV1Verifier(Credentials(sig.access_key_id, secret), sig.amz_date)
    method = str(environ.get("REQUEST_METHOD", "GET"))
    return str(signer.get_signature(method, urlsplit(raw_uri), headers))


def _compute(sig: Signature, environ: dict[str, Any], body: bytes, secret: str) -> str:
    if sig.version == 2:
        return _compute_v2(sig, environ, secret)
    raw_uri = environ.get("RAW_URI") or environ.get("REQUEST_URI") or ""
    raw_path = raw_uri.split("?", 1)[0] or quote(environ.get("PATH_INFO", "/"))
    query = environ.get("QUERY_STRING", "")
    if sig.presigned:
        # The signature covers every query parameter except itself.
        query = "&".join(p for p in query.split("&") if not p.startswith("X-Amz-Signature="))
    host = environ.get("HTTP_HOST", "")
    url = f"http://{host}{raw_path}" + (f"?{query}" if query else "")
    headers = {name: _header_value(environ, name) for name in sig.signed_headers if name}
    request = AWSRequest(method=environ.get("REQUEST_METHOD", "GET"), url=url, headers=headers)
    request.data = body
    request.context["timestamp"] = sig.amz_date
    credentials = Credentials(sig.access_key_id, secret, sig.security_token)
    auth: SigV4Auth
    is_s3 = sig.service == "s3"
    if sig.presigned:
        auth = (S3SigV4QueryAuth if is_s3 else SigV4QueryAuth)(credentials, sig.service, sig.region)
    else:
        auth = (S3SigV4Auth if is_s3 else SigV4Auth)(credentials, sig.service, sig.region)
    canonical = auth.canonical_request(request)
    string_to_sign = auth.string_to_sign(request, canonical)
    return str(auth.signature(string_to_sign, request))


def _header_value(environ: dict[str, Any], name: str) -> str:
    lowered = name.lower()
    if lowered == "content-type":
        return str(environ.get("CONTENT_TYPE", ""))
    if lowered == "content-length":
        return str(environ.get("CONTENT_LENGTH", ""))
    return str(environ.get("HTTP_" + lowered.upper().replace("-", "_"), ""))
