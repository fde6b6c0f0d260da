"""Who signed a request, and did they sign it with the right secret (AWS Signature V4).

moto's server does not check signatures unless its IAM auth mode is on, and that mode would
also enforce IAM policies against a root user moto does not know. So the sandbox checks
signatures itself. The arithmetic is botocore's own (``SigV4Auth`` / ``S3SigV4Auth`` and the
query variants, the same classes moto's ``iam/access_control.py`` uses); what we add is the
rebuilding of the request *as the client saw it* from the raw WSGI environ: the raw path
(``RAW_URI``, not the decoded ``PATH_INFO``), the raw query string and exactly the headers the
client listed in ``SignedHeaders``. moto's ``IAMRequest`` itself cannot be reused directly: it
wants moto's parsed request object and rebuilds the URL without the host.

Only SigV4 (``AWS4-HMAC-SHA256``) is verified here; everything else, Signature Version 2
included, is refused earlier by :mod:`aws_setup_wizard.sandbox.signing_rules`, which also
parses the request into a :class:`Signature`.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

#: The one signing algorithm the sandbox accepts (AWS also has SigV4a, for multi-Region access
#: points only; the wizard never uses it).
ALGORITHM = "AWS4-HMAC-SHA256"


@dataclass(frozen=True)
class Signature:
    """The SigV4 fields of a request, from its ``Authorization`` header or presigned query.

    Built by :func:`aws_setup_wizard.sandbox.signing_rules.admit` once the request has passed
    AWS's checks of shape, scope and time; ``amz_date`` is always ISO 8601 basic format.
    """

    access_key_id: str
    date: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str
    amz_date: str
    security_token: str | None
    presigned: bool


def signature_matches(
    sig: Signature, environ: dict[str, Any], body: bytes, secret_access_key: str
) -> bool:
    """Recompute the signature with ``secret_access_key`` and compare in constant time."""
    try:
        expected = _compute(sig, environ, body, secret_access_key)
    except Exception:  # noqa: BLE001 - a request we cannot even rebuild is simply not valid
        return False
    return hmac.compare_digest(expected, sig.signature)


def request_path(raw_uri: str) -> str:
    """The raw path of a request target, in origin-form or absolute-form.

    A client sending through an HTTP proxy writes the whole URL (``GET http://host/path``,
    absolute-form), and RFC 9112 section 3.2.2 says a server must accept it. The AWS CLI does
    this for S3 Control in the sandbox: its endpoint ruleset puts the account ID in front of
    the host (``123456789012.127.0.0.1``), a name that resolves only through a proxy, so the
    sandbox's own address serves as that proxy (``HTTP_PROXY``). The signature covers the path
    alone, so the scheme and authority are dropped here.
    """
    target = raw_uri.split("?", 1)[0]
    if target.startswith(("http://", "https://")):
        return "/" + target.split("/", 3)[3] if target.count("/") >= 3 else "/"
    return target


def _compute(sig: Signature, environ: dict[str, Any], body: bytes, secret: str) -> str:
    raw_uri = environ.get("RAW_URI") or environ.get("REQUEST_URI") or ""
    raw_path = request_path(raw_uri) or quote(environ.get("PATH_INFO", "/"))
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
