"""The sandbox's front door: what is refused before anyone's signature is even looked at.

Three rules, applied by the middleware to every request:

* **No browsers.** moto's Flask app turns on CORS for every origin (``flask_cors``) and answers
  ``OPTIONS`` preflights, so any web page open in the trainee's browser could drive the account
  on 127.0.0.1. The gate strips every ``Access-Control-*`` header from every answer, refuses
  preflights, and refuses any request that carries an ``Origin`` header. That last rule goes
  further than AWS (whose S3 serves browsers per bucket CORS rules), on purpose: SDKs and the
  CLI never send ``Origin``, only browsers do, and a browser may still *send* a "simple"
  cross-origin POST (form-encoded, exactly the shape of an IAM query call) without any
  preflight. Such a request would fail signature checks anyway; refusing it at the door keeps
  every later layer (and any future unsigned page) out of a hostile page's reach, and also
  covers DNS-rebinding pages, which send their own origin on every POST.
* **The sandbox's own secret** guards what AWS has no API for: moto's admin API
  (``/moto-api/…``: ``data.json`` dumps every secret key, ``reset`` wipes the account) and the
  simulated console (``/_sandbox/console/…``: root MFA seeds, root key deletion). A random token
  per sandbox, sent in the :data:`SECRET_HEADER` header, compared in constant time. The owner
  gets it with the rest of the environment (:data:`SECRET_ENV` in ``sandbox serve``'s output
  and env file).
* **Which service an unsigned request was for**, so that the refusal comes in that service's
  own wire format (see :mod:`aws_setup_wizard.sandbox.signing_rules`).

Cheap to import (no moto): the console client reads the header and variable names from here.
"""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from aws_setup_wizard.sandbox.protocol import REST_JSON_OPERATIONS, REST_JSON_ROUTES, Response

#: The header that carries the sandbox's secret (WSGI: ``HTTP_X_SANDBOX_SECRET``).
SECRET_HEADER = "X-Sandbox-Secret"
#: The environment variable ``sandbox serve`` writes the secret to, and the console reads.
SECRET_ENV = "SANDBOX_SECRET"
#: Paths only the owner (holding the secret) may use: moto's admin API and the console.
ADMIN_PREFIXES = ("/moto-api", "/_sandbox/")

#: ``Version`` of the query-protocol APIs the sandbox serves, to name an unsigned request's service.
_QUERY_VERSIONS = {"2010-05-08": "iam", "2011-06-15": "sts", "2016-11-15": "ec2"}
#: ``X-Amz-Target`` prefixes of the JSON services the wizard uses.
_JSON_TARGETS = {
    "TrentService": "kms",
    "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101": "cloudtrail",
    "Logs_20140328": "logs",
}
#: Any JSON 1.1 service will do for an unknown target: their error documents are identical.
_SOME_JSON_SERVICE = "kms"


def new_secret() -> str:
    """A fresh random secret for one sandbox (256 bits, URL- and shell-safe)."""
    return secrets.token_urlsafe(32)


def is_admin_path(path: str) -> bool:
    """True for moto's admin API and the simulated console."""
    return path.startswith(ADMIN_PREFIXES) or path == "/favicon.ico"  # moto_api serves that


def holds_secret(environ: dict[str, Any], secret: str) -> bool:
    """True when the request carries this sandbox's secret (constant-time comparison)."""
    given = str(environ.get("HTTP_X_SANDBOX_SECRET", ""))
    return bool(given) and hmac.compare_digest(given.encode(), secret.encode())


def secret_required() -> Response:
    """The answer to an admin or console request without the sandbox's secret."""
    return _json(
        403,
        f"This sandbox page needs the sandbox's secret in the {SECRET_HEADER} header "
        f"(the {SECRET_ENV} value that `aws-setup-wizard sandbox serve` printed).",
    )


def browser_refusal(environ: dict[str, Any]) -> Response | None:
    """A refusal for a browser's request (a CORS preflight, or anything with ``Origin``)."""
    if str(environ.get("REQUEST_METHOD", "")).upper() == "OPTIONS":
        return _json(403, "The sandbox answers no CORS preflight: it serves no browser.")
    if environ.get("HTTP_ORIGIN") is not None:
        return _json(
            403,
            "The sandbox refuses requests from web pages (an Origin header): only SDKs and "
            "the AWS CLI on this machine may use it.",
        )
    return None


def without_cors(start_response: Callable[..., Any]) -> Callable[..., Any]:
    """``start_response`` that drops every ``Access-Control-*`` header moto adds."""

    def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        kept = [(k, v) for k, v in headers if not k.lower().startswith("access-control-")]
        if exc_info is None:
            return start_response(status, kept)
        return start_response(status, kept, exc_info)

    return start


def service_of_unsigned(environ: dict[str, Any], body: bytes) -> str:
    """The service a request without a readable credential scope was meant for.

    As moto's own dispatcher guesses it: the JSON target, else a REST-JSON operation's path
    (``/getAlternateContact``: the Account Management API), else the query API's ``Version``,
    else S3 (the REST API reached by path).
    """
    target = str(environ.get("HTTP_X_AMZ_TARGET", ""))
    if target:
        return _JSON_TARGETS.get(target.rsplit(".", 1)[0], _SOME_JSON_SERVICE)
    path = str(environ.get("PATH_INFO", ""))
    for service, operations in REST_JSON_OPERATIONS.items():
        if path in operations:
            return service
    for service, routes in REST_JSON_ROUTES.items():
        if any(pattern.fullmatch(path) for _, pattern, _ in routes):
            return service
    params = dict(parse_qsl(str(environ.get("QUERY_STRING", "")), keep_blank_values=True))
    if str(environ.get("CONTENT_TYPE", "")).startswith("application/x-www-form-urlencoded"):
        params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    return _QUERY_VERSIONS.get(params.get("Version", ""), "s3")


def _json(status: int, message: str) -> Response:
    return Response(status, json.dumps({"error": message}).encode(), "application/json")
