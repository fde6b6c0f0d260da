"""Server side of the simulated AWS console: the actions AWS allows only in the console.

Served by the middleware under ``/_sandbox/console/`` on the sandbox port, spoken to by
:mod:`aws_setup_wizard.sandbox.console`. JSON in, JSON out; an error is
``{"error": "one sentence"}`` with a 4xx status. The TOTP seed of a device leaves the server once,
in the ``begin`` answer (as the console shows the QR code once); the ``complete`` call checks two
consecutive codes. The console acts in the sandbox's default account, or in the one a request names
in its ``X-Sandbox-Account-Id`` header (the middleware picks the account).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aws_setup_wizard.sandbox import backends, inbox, mfa
from aws_setup_wizard.sandbox.iam_layer import sync_root_mfa_device
from aws_setup_wizard.sandbox.protocol import Response
from aws_setup_wizard.sandbox.state import RootAccount

PREFIX = "/_sandbox/console/"
ROOT_DEVICE_NAME = "root-account-mfa-device"
_BAD_CODES = "The authentication codes are not two consecutive codes from this device."


class ConsoleRefusal(Exception):
    """An action the console refuses; the message is shown to the user as is."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _json(status: int, payload: dict[str, Any]) -> Response:
    return Response(status, json.dumps(payload).encode(), "application/json")


def _text(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value:
        raise ConsoleRefusal(f"The request is missing '{name}'.")
    return value


def root_mfa_begin(root: RootAccount, data: dict[str, Any]) -> dict[str, Any]:
    """Start assigning a virtual MFA device to root: a new seed, shown once."""
    if root.mfa is not None:
        raise ConsoleRefusal("The root user already has an MFA device.", 409)
    name = str(data.get("device_name") or ROOT_DEVICE_NAME)
    serial = f"arn:aws:iam::{root.account_id}:mfa/{name}"
    seed = mfa.new_seed()
    with root.lock:
        root.pending_mfa[serial] = seed
    label = f"root-account-mfa-device@{root.account_id}"
    return {
        "serial_number": serial,
        "otpauth_uri": mfa.otpauth_uri(seed, label),
        "secret_base32": seed,
    }


def root_mfa_complete(root: RootAccount, data: dict[str, Any]) -> dict[str, Any]:
    """Finish the assignment if the two codes are consecutive; otherwise change nothing."""
    serial = _text(data, "serial_number")
    seed = root.pending_mfa.get(serial)
    if seed is None:
        raise ConsoleRefusal("No MFA assignment for that device is in progress.", 404)
    if not mfa.codes_are_consecutive(seed, _text(data, "code1"), _text(data, "code2")):
        raise ConsoleRefusal(_BAD_CODES, 403)
    root.enable_virtual_mfa(serial, seed)
    sync_root_mfa_device(root)
    return {"serial_number": serial}


def root_mfa_remove(root: RootAccount, data: dict[str, Any]) -> dict[str, Any]:
    """Security credentials → Multi-factor authentication → Remove: root loses its MFA.

    AWS allows this for the root user in the console (IAM User Guide, "Deactivate an MFA
    device": "To deactivate the MFA device for your AWS account root user (console)"); through
    the API, ``DeactivateMFADevice`` for root needs an ``AssumeRoot`` session (IAM API
    Reference, DeactivateMFADevice, ``UserName``), which a standalone account does not have.
    An owner (or whoever holds the root password) can therefore undo root MFA here.
    """
    current = root.mfa
    if current is None:
        raise ConsoleRefusal("The root user has no MFA device to remove.", 404)
    root.disable_mfa()
    # A removed virtual device is deleted too, as the console does.
    sync_root_mfa_device(root)
    return {"removed": current.serial_number}


def delete_root_keys(root: RootAccount, data: dict[str, Any]) -> dict[str, Any]:
    """Security credentials → Access keys → Delete, for every root key."""
    return {"deleted": root.delete_all_keys()}


def _iam_user(root: RootAccount, data: dict[str, Any]) -> tuple[Any, str]:
    user_name = _text(data, "user_name")
    user = backends.iam(root.account_id).users.get(user_name)
    if user is None:
        raise ConsoleRefusal(f"There is no IAM user named {user_name} in this account.", 404)
    return user, user_name


def user_mfa_begin(root: RootAccount, data: dict[str, Any]) -> dict[str, Any]:
    """An IAM user's first sign-in: create a virtual device in moto and show its seed."""
    _, user_name = _iam_user(root, data)
    iam = backends.iam(root.account_id)
    name = f"{user_name}-mfa"
    serial = f"arn:aws:iam::{root.account_id}:mfa/{name}"
    existing = iam.virtual_mfa_devices.get(serial)
    if existing is not None and existing.enable_date is None:
        del iam.virtual_mfa_devices[serial]  # an abandoned earlier attempt
    elif existing is not None:
        raise ConsoleRefusal(f"The IAM user {user_name} already has an MFA device.", 409)
    device = iam.create_virtual_mfa_device(name, "/")
    seed = str(device.base32_string_seed)
    return {
        "serial_number": device.serial_number,
        "otpauth_uri": mfa.otpauth_uri(seed, f"{user_name}@{root.account_id}"),
        "secret_base32": seed,
    }


def user_mfa_complete(root: RootAccount, data: dict[str, Any]) -> dict[str, Any]:
    """Assign the device to the user if the two codes are consecutive."""
    _, user_name = _iam_user(root, data)
    serial = _text(data, "serial_number")
    iam = backends.iam(root.account_id)
    device = iam.virtual_mfa_devices.get(serial)
    if device is None:
        raise ConsoleRefusal("No MFA assignment for that device is in progress.", 404)
    code1, code2 = _text(data, "code1"), _text(data, "code2")
    if not mfa.codes_are_consecutive(device.base32_string_seed, code1, code2):
        raise ConsoleRefusal(_BAD_CODES, 403)
    iam.enable_mfa_device(user_name, serial, code1, code2)
    return {"serial_number": serial}


def list_inbox(root: RootAccount, data: dict[str, Any]) -> dict[str, Any]:
    """The simulated inbox: every e-mail AWS would have sent the account's addresses."""
    return {"messages": [message.as_dict() for message in inbox.messages(root)]}


def confirm_subscriptions(root: RootAccount, data: dict[str, Any]) -> dict[str, Any]:
    """Click every pending "Confirm subscription" link in the inbox."""
    return {"confirmed": inbox.confirm_all(root)}


def _signed_in_as_root(
    action: Callable[[RootAccount, dict[str, Any]], dict[str, Any]],
) -> Callable[[RootAccount, dict[str, Any]], dict[str, Any]]:
    """``action`` done in a root console session: first the sign-in, which an alert rule sees
    ("AWS Console Sign In via CloudTrail"; see :mod:`.inbox`)."""

    def signed_in(root: RootAccount, data: dict[str, Any]) -> dict[str, Any]:
        inbox.root_signed_in(root)
        return action(root, data)

    return signed_in


ACTIONS: dict[str, Callable[[RootAccount, dict[str, Any]], dict[str, Any]]] = {
    "root-mfa/begin": _signed_in_as_root(root_mfa_begin),
    "root-mfa/complete": root_mfa_complete,
    "root-mfa/remove": _signed_in_as_root(root_mfa_remove),
    "root-keys/delete": _signed_in_as_root(delete_root_keys),
    "user-mfa/begin": user_mfa_begin,
    "user-mfa/complete": user_mfa_complete,
    "inbox": list_inbox,
    "subscriptions/confirm": confirm_subscriptions,
}


def no_such_account(account_id: str) -> Response:
    """The answer to a console request naming an account the sandbox does not hold."""
    return _json(404, {"error": f"The sandbox holds no account {account_id}."})


def handle(root: RootAccount, path: str, method: str, body: bytes) -> Response:
    """Answer one console request."""
    action = ACTIONS.get(path.removeprefix(PREFIX).strip("/"))
    if action is None:
        return _json(404, {"error": "The sandbox console has no such page."})
    if method != "POST":
        return _json(405, {"error": "The sandbox console accepts POST only."})
    try:
        loaded = json.loads(body or b"{}")
    except ValueError:
        return _json(400, {"error": "The request body is not JSON."})
    data = loaded if isinstance(loaded, dict) else {}
    try:
        return _json(200, action(root, data))
    except ConsoleRefusal as refusal:
        return _json(refusal.status, {"error": str(refusal)})
