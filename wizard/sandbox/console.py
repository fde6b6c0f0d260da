"""The simulated AWS console: the actions AWS allows only there, done against a sandbox.

A plain HTTP client (``urllib``; no moto here) for the endpoints the sandbox serves under
``/_sandbox/console/``. Root MFA is the main one: AWS has no API for it, so the wizard sends
the owner to the console, and in the sandbox this module plays the console's part, including
the real two-consecutive-codes TOTP exchange.

The console is the owner's alone: every request carries the sandbox's secret
(:data:`~aws_setup_wizard.sandbox.gate.SECRET_HEADER`). Each function takes it as ``secret``;
left out, it is the secret of the sandbox this process runs at that endpoint (``--sandbox``
runs, tests), else ``$SANDBOX_SECRET`` (from ``sandbox serve``'s environment).
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from typing import Any

from aws_setup_wizard.errors import WizardError
from aws_setup_wizard.mfa import MfaEnrollment, two_consecutive_codes
from aws_setup_wizard.sandbox import secret_for
from aws_setup_wizard.sandbox.gate import SECRET_ENV, SECRET_HEADER

_TIMEOUT_SECONDS = 10


class SandboxConsoleError(WizardError):
    """The simulated console refused or could not be reached; the message is for the user.

    A :class:`WizardError`, so front ends show the sentence as it is (a refused code is the
    owner's mistake, never an "Unexpected error").
    """


def console_secret(endpoint_url: str, secret: str | None = None) -> str:
    """The sandbox secret to send: ``secret``, this process's sandbox's, or ``$SANDBOX_SECRET``."""
    found = secret or secret_for(endpoint_url) or os.environ.get(SECRET_ENV, "").strip()
    if not found:
        raise SandboxConsoleError(
            f"The sandbox console needs the sandbox's secret: load the environment that "
            f"`aws-setup-wizard sandbox serve` printed ({SECRET_ENV})."
        )
    return found


def _post(
    endpoint_url: str, page: str, payload: dict[str, Any], secret: str | None
) -> dict[str, Any]:
    url = f"{endpoint_url.rstrip('/')}/_sandbox/console/{page}"
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={
            "Content-Type": "application/json",
            SECRET_HEADER: console_secret(endpoint_url, secret),
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=_TIMEOUT_SECONDS) as response:
            answer = json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        raise SandboxConsoleError(_error_message(error)) from None
    except (urllib.error.URLError, OSError) as error:
        raise SandboxConsoleError(
            f"The sandbox at {endpoint_url} could not be reached ({error})."
        ) from None
    if not isinstance(answer, dict):
        raise SandboxConsoleError("The sandbox console sent an answer it should not have.")
    return answer


def _error_message(error: urllib.error.HTTPError) -> str:
    try:
        message = json.loads(error.read()).get("error")
    except (ValueError, AttributeError):
        message = None
    return str(message or f"The sandbox console refused the request (HTTP {error.code}).")


def _enrollment(answer: dict[str, Any]) -> MfaEnrollment:
    return MfaEnrollment(
        serial_number=str(answer["serial_number"]),
        otpauth_uri=str(answer["otpauth_uri"]),
        secret_base32=str(answer["secret_base32"]),
    )


def begin_root_mfa(endpoint_url: str, *, secret: str | None = None) -> MfaEnrollment:
    """Root → Security credentials → Assign MFA device → Authenticator app: show the seed."""
    return _enrollment(_post(endpoint_url, "root-mfa/begin", {}, secret))


def complete_root_mfa(
    endpoint_url: str,
    enrollment: MfaEnrollment,
    code1: str,
    code2: str,
    *,
    secret: str | None = None,
) -> None:
    """Submit two consecutive codes; wrong codes raise and change nothing."""
    _post(
        endpoint_url,
        "root-mfa/complete",
        {"serial_number": enrollment.serial_number, "code1": code1, "code2": code2},
        secret,
    )


def enable_root_mfa(endpoint_url: str, *, secret: str | None = None) -> str:
    """Do the whole root MFA assignment as an authenticator app would; return the serial."""
    enrollment = begin_root_mfa(endpoint_url, secret=secret)
    code1, code2 = two_consecutive_codes(enrollment.secret_base32)
    complete_root_mfa(endpoint_url, enrollment, code1, code2, secret=secret)
    return enrollment.serial_number


def remove_root_mfa(endpoint_url: str, *, secret: str | None = None) -> str:
    """Security credentials → MFA → Remove: root's MFA device goes; return its serial.

    What an owner (or someone holding the root password) can do in the AWS console; used to
    make the "root MFA removed" drift.
    """
    return str(_post(endpoint_url, "root-mfa/remove", {}, secret)["removed"])


def delete_root_keys(endpoint_url: str, *, secret: str | None = None) -> list[str]:
    """Security credentials → Access keys → Delete, for every root key; return their IDs."""
    deleted = _post(endpoint_url, "root-keys/delete", {}, secret).get("deleted", [])
    return [str(key_id) for key_id in deleted]


def begin_user_mfa(
    endpoint_url: str, user_name: str, *, secret: str | None = None
) -> MfaEnrollment:
    """An IAM user's first sign-in asks for a virtual MFA device: show its seed."""
    return _enrollment(_post(endpoint_url, "user-mfa/begin", {"user_name": user_name}, secret))


def complete_user_mfa(
    endpoint_url: str,
    user_name: str,
    enrollment: MfaEnrollment,
    code1: str,
    code2: str,
    *,
    secret: str | None = None,
) -> None:
    """Submit the user's two consecutive codes; wrong codes raise and change nothing."""
    _post(
        endpoint_url,
        "user-mfa/complete",
        {
            "user_name": user_name,
            "serial_number": enrollment.serial_number,
            "code1": code1,
            "code2": code2,
        },
        secret,
    )


def register_user_mfa(endpoint_url: str, user_name: str, *, secret: str | None = None) -> str:
    """The IAM user registers a virtual MFA device at first sign-in; return its serial."""
    enrollment = begin_user_mfa(endpoint_url, user_name, secret=secret)
    code1, code2 = two_consecutive_codes(enrollment.secret_base32)
    complete_user_mfa(endpoint_url, user_name, enrollment, code1, code2, secret=secret)
    return enrollment.serial_number


def inbox(endpoint_url: str, *, secret: str | None = None) -> list[dict[str, Any]]:
    """The simulated inbox: every e-mail AWS would have sent (confirmations, alerts), oldest
    first; each a dict with ``to``, ``subject``, ``body``, ``kind``, ``sent``, ``topic_arn``."""
    found = _post(endpoint_url, "inbox", {}, secret).get("messages", [])
    return [dict(message) for message in found if isinstance(message, dict)]


def confirm_subscriptions(endpoint_url: str, *, secret: str | None = None) -> list[str]:
    """Click every pending "Confirm subscription" link in the inbox; the ARNs confirmed."""
    confirmed = _post(endpoint_url, "subscriptions/confirm", {}, secret).get("confirmed", [])
    return [str(arn) for arn in confirmed]
