"""The root-account layer: a WSGI middleware in front of moto's server application.

For every request it (1) turns browsers away and strips moto's CORS headers, and lets only the
sandbox's owner (holding its secret) reach moto's admin API and the simulated console
(:mod:`~aws_setup_wizard.sandbox.gate`); (2) reads the body once and hands moto a fresh copy;
(3) refuses anything not signed with SigV4 the way AWS would
(:mod:`~aws_setup_wizard.sandbox.signing_rules`), works out who signed it (root key, root
console session, or a key moto issued; nobody else) and checks the signature; (4) pins the
request to the account that owns those credentials, (5) refuses what IAM would refuse an IAM
principal (:mod:`~aws_setup_wizard.sandbox.authorization`), and (6) lets a per-action handler
answer for root, adjust moto's state first, or rewrite moto's answer. Requests under
``/_sandbox/console/`` are the simulated console and never reach moto.

Which account a request lands in: the sandbox may hold several accounts
(:class:`~aws_setup_wizard.sandbox.state.SandboxAccounts`). A root access key or console session
belongs to the account whose root holds it; a key moto issued (an IAM user's key, assumed-role
credentials) belongs to the account whose moto IAM backend holds it (moto keeps an assumed role's
key in the role's own account, so a cross-account role lands in the target account). The layer tells
moto through the ``x-moto-account-id`` header, which moto reads before its own key lookup
(``moto/core/responses.py``, ``get_current_account``). The console goes to the default account
unless the request names another in ``X-Sandbox-Account-Id``.

AWS's documentation key pair (``AKIAIOSFODNN7EXAMPLE``), which moto's ``GetSessionToken`` and
``GetFederationToken`` hand out, is not a key this sandbox issued and is refused like any other
unknown key; nothing in the wizard calls those two actions.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from aws_setup_wizard.sandbox import (
    authorization,
    backends,
    console_api,
    delivery,
    gate,
    inbox,
    realism,
    signing_rules,
)
from aws_setup_wizard.sandbox.access_analyzer_layer import ACCESS_ANALYZER_HANDLERS
from aws_setup_wizard.sandbox.account_layer import ACCOUNT_HANDLERS
from aws_setup_wizard.sandbox.auth import Signature, signature_matches
from aws_setup_wizard.sandbox.auth_errors import bad_signature, invalid_credentials
from aws_setup_wizard.sandbox.budgets_layer import BUDGETS_HANDLERS
from aws_setup_wizard.sandbox.call import Call, Caller, Forward, Handler, Outcome, Transform
from aws_setup_wizard.sandbox.cost_layer import CE_HANDLERS, FREETIER_HANDLERS
from aws_setup_wizard.sandbox.ec2_layer import EC2_HANDLERS
from aws_setup_wizard.sandbox.guardduty_layer import GUARDDUTY_HANDLERS
from aws_setup_wizard.sandbox.iam_layer import IAM_HANDLERS, STS_HANDLERS
from aws_setup_wizard.sandbox.kms_layer import KMS_HANDLERS
from aws_setup_wizard.sandbox.protocol import Response, error_response, parse_request
from aws_setup_wizard.sandbox.sns_layer import EVENTS_HANDLERS, SNS_HANDLERS
from aws_setup_wizard.sandbox.ssm_layer import SSM_HANDLERS
from aws_setup_wizard.sandbox.state import RootAccount, SandboxAccounts
from aws_setup_wizard.sandbox.trail_layer import CLOUDTRAIL_HANDLERS

log = logging.getLogger(__name__)

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

HANDLERS: dict[str, dict[str, Handler]] = {
    "iam": IAM_HANDLERS,
    "sts": STS_HANDLERS,
    "cloudtrail": CLOUDTRAIL_HANDLERS,
    "ec2": EC2_HANDLERS,
    "kms": KMS_HANDLERS,
    "account": ACCOUNT_HANDLERS,
    "sns": SNS_HANDLERS,
    "events": EVENTS_HANDLERS,
    "budgets": BUDGETS_HANDLERS,
    "ce": CE_HANDLERS,
    "freetier": FREETIER_HANDLERS,
    "guardduty": GUARDDUTY_HANDLERS,
    "access-analyzer": ACCESS_ANALYZER_HANDLERS,
    "ssm": SSM_HANDLERS,
}


class _LogStream(io.TextIOBase):
    """A ``wsgi.errors`` that goes to logging, not stderr (Flask writes tracebacks there)."""

    def write(self, text: str) -> int:
        if text.strip():
            log.debug("moto: %s", text.rstrip())
        return len(text)


def read_body(environ: dict[str, Any]) -> bytes:
    """Read the whole request body and put an identical, re-readable copy back."""
    stream = environ.get("wsgi.input")
    length = environ.get("CONTENT_LENGTH")
    body = b""
    if stream is not None:
        if length:
            body = stream.read(int(length))
        elif environ.get("wsgi.input_terminated"):
            body = stream.read()
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return body


class RootAccountMiddleware:
    """WSGI middleware giving moto a root user; see the module docstring for the flow."""

    def __init__(self, app: WsgiApp, accounts: SandboxAccounts, region: str, secret: str) -> None:
        self.app = app
        #: Replaced wholesale by :meth:`Sandbox.reset`.
        self.accounts = accounts
        self.region = region
        #: The sandbox's own secret, needed for moto's admin API and the console (see gate).
        self.secret = secret

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        """Handle one request."""
        environ["wsgi.errors"] = _LogStream()
        # No answer leaves with CORS headers (moto's Flask app adds them for any Origin).
        start_response = gate.without_cors(start_response)
        refused = gate.browser_refusal(environ)
        if refused is not None:
            return _send(refused, start_response)
        path = str(environ.get("PATH_INFO", ""))
        if gate.is_admin_path(path) and not gate.holds_secret(environ, self.secret):
            return _send(gate.secret_required(), start_response)
        if path.startswith("/moto-api") or path == "/favicon.ico":
            return self.app(environ, start_response)
        body = read_body(environ)
        accounts = self.accounts  # one request, one set of accounts, even across a reset
        if path.startswith("/_sandbox/"):
            method = str(environ.get("REQUEST_METHOD", "GET"))
            return _send(self._console(accounts, environ, path, method, body), start_response)
        # Every request to AWS is signed with SigV4 by a key this sandbox issued, or refused.
        signature = signing_rules.admit(environ, body)
        if isinstance(signature, Response):
            return _send(signature, start_response)
        signed = self._authenticate(accounts, signature, environ, body)
        if isinstance(signed, Response):
            return _send(signed, start_response)
        root, caller = signed
        # moto reads the account from this header; the client's own value never gets through.
        environ["HTTP_X_MOTO_ACCOUNT_ID"] = root.account_id
        outcome = self._handle(root, signature, caller, environ, body)
        if isinstance(outcome, Response):
            return _send(outcome, start_response)
        transform = outcome.transform if isinstance(outcome, Forward) else None
        return self._forward(environ, start_response, transform)

    @staticmethod
    def _console(
        accounts: SandboxAccounts, environ: dict[str, Any], path: str, method: str, body: bytes
    ) -> Response:
        wanted = str(environ.get("HTTP_X_SANDBOX_ACCOUNT_ID", "")).strip()
        root = accounts.get(wanted) if wanted else accounts.default
        if root is None:
            return console_api.no_such_account(wanted)
        return console_api.handle(root, path, method, body)

    def _authenticate(
        self, accounts: SandboxAccounts, sig: Signature, environ: dict[str, Any], body: bytes
    ) -> tuple[RootAccount, Caller] | Response:
        """The account and caller the credentials belong to, or AWS's refusal."""
        for root in accounts.all():
            found = _as_root(root, sig, environ, body)
            if found is not None:
                return found
        key_id = sig.access_key_id
        owner, known = accounts.default, None
        for root in accounts.all():
            known = backends.known_secret(root.account_id, key_id)
            if known is not None:
                owner = root
                break
        if known is None or known[1] != "Active":
            return invalid_credentials(sig.service)
        if not signature_matches(sig, environ, body, known[0]):
            return bad_signature(sig.service)
        return owner, Caller("moto", key_id)

    def _handle(
        self,
        root: RootAccount,
        sig: Signature,
        caller: Caller,
        environ: dict[str, Any],
        body: bytes,
    ) -> Outcome:
        request = parse_request(sig.service, environ, body)
        denied = authorization.refusal(
            request, caller, root.account_id, environ, sig.region or self.region
        )
        if denied is not None:
            return denied
        try:
            # Simulated CloudTrail deliveries that fell due happen before anyone looks.
            delivery.catch_up(root.account_id)
        except Exception:  # noqa: BLE001 - a delivery bug must not break unrelated calls
            log.exception("simulated CloudTrail delivery failed")
        if caller.is_root:
            try:
                # A root call is a CloudTrail event an alert rule may e-mail (see inbox).
                inbox.root_activity(root, sig.service, request.action, sig.region or self.region)
            except Exception:  # noqa: BLE001 - a simulated alert must not break the call
                log.exception("simulated root activity alert failed")
        # Realistic mode (off unless asked for) may answer first or watch the answer.
        handler = realism.wrap(environ, request, HANDLERS.get(sig.service, {}).get(request.action))
        if handler is None:
            return Forward()
        try:
            return handler(Call(request, caller, root, sig.region or self.region))
        except Exception:  # noqa: BLE001 - a layer bug must not hang the client
            log.exception("sandbox handler for %s failed", request.action)
            return error_response(
                sig.service, "InternalFailure", "The sandbox could not handle this call.", 500
            )

    def _forward(
        self,
        environ: dict[str, Any],
        start_response: Callable[..., Any],
        transform: Transform | None,
    ) -> Any:
        if transform is None:
            return self.app(environ, start_response)
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured["status"], captured["headers"] = status, headers
            return lambda data: None

        chunks = self.app(environ, capture)
        try:
            body = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        status = str(captured["status"])
        new_body = transform(int(status.split()[0]), body)
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        headers.append(("Content-Length", str(len(new_body))))
        start_response(status, headers)
        return [new_body]


def _as_root(
    root: RootAccount, sig: Signature, environ: dict[str, Any], body: bytes
) -> tuple[RootAccount, Caller] | Response | None:
    """Root's key or console session checked, or ``None`` when they are not root's."""
    key_id = sig.access_key_id
    root_key = root.find_key(key_id)
    if root_key is not None:
        if root_key.status != "Active":
            return invalid_credentials(sig.service)
        if not signature_matches(sig, environ, body, root_key.secret_access_key):
            return bad_signature(sig.service)
        root.mark_used(root_key, sig.region, sig.service)
        return root, Caller("root-key", key_id, root_key)
    session = root.console_session
    if key_id == session.access_key_id:
        if sig.security_token != session.session_token:
            return invalid_credentials(sig.service)
        if not signature_matches(sig, environ, body, session.secret_access_key):
            return bad_signature(sig.service)
        return root, Caller("root-session", key_id)
    return None


def _send(response: Response, start_response: Callable[..., Any]) -> list[bytes]:
    status = f"{response.status} {HTTPStatus(response.status).phrase}"
    start_response(status, response.header_list())
    return [response.body]
