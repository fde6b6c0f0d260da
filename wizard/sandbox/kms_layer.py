"""KMS as AWS answers it where moto breaks or is lenient: key ARNs and key states.

- moto's ``DisableKey``, ``EnableKey``, ``CancelKeyDeletion`` and ``ScheduleKeyDeletion`` look
  the key up by the raw ``KeyId`` only, so a key ARN (which AWS accepts: KMS API Reference,
  "KeyId ... Specify the key ID or key ARN") raises ``KeyError``, an HTTP 500 over the server.
  Those four are answered here, on moto's key, after resolving any key ID form.
- moto ignores key states. AWS enforces them (KMS Developer Guide, "Key states of AWS KMS
  keys"): a key pending deletion can be neither enabled nor disabled
  (``KMSInvalidStateException``) and only it can have its deletion cancelled, after which it
  is *Disabled*; ``EnableKeyRotation`` on a disabled key raises ``DisabledException`` and on
  a key pending deletion ``KMSInvalidStateException``; ``ScheduleKeyDeletion`` takes a
  pending window of 7 to 30 days (default 30).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aws_setup_wizard.sandbox import backends
from aws_setup_wizard.sandbox.call import Call, Forward, Handler, Outcome
from aws_setup_wizard.sandbox.protocol import Response, error_response, json_response


def _refuse(code: str, message: str) -> Response:
    return error_response("kms", code, message, 400)


def _key(call: Call) -> Any | Response:
    """moto's key for the call's ``KeyId`` (ID, ARN, alias or alias ARN), or AWS's refusal."""
    key_id = str(call.field("KeyId") or "")
    backend = backends.kms(call.account_id, call.region)
    try:
        return backend.keys[backend.any_id_to_key_id(key_id)]
    except Exception:  # noqa: BLE001 - moto's lookups raise KeyError or its own errors
        return _refuse("NotFoundException", f"Key '{key_id}' does not exist")


def _invalid_state(key: Any) -> Response:
    return _refuse("KMSInvalidStateException", f"{key.arn} is pending deletion.")


def _switch(call: Call, *, enabled: bool) -> Outcome:
    """Enable or disable a key; AWS refuses either for a key pending deletion."""
    key = _key(call)
    if isinstance(key, Response):
        return key
    if key.key_state == "PendingDeletion":
        return _invalid_state(key)
    key.enabled, key.key_state = enabled, "Enabled" if enabled else "Disabled"
    return json_response({})


def enable_key(call: Call) -> Outcome:
    """Enable a key (not one pending deletion: cancel that first)."""
    return _switch(call, enabled=True)


def disable_key(call: Call) -> Outcome:
    """Disable a key (not one pending deletion)."""
    return _switch(call, enabled=False)


def cancel_key_deletion(call: Call) -> Outcome:
    """Cancel a scheduled deletion; the key is then Disabled, as in AWS."""
    key = _key(call)
    if isinstance(key, Response):
        return key
    if key.key_state != "PendingDeletion":
        return _refuse("KMSInvalidStateException", f"{key.arn} is {key.key_state}.")
    key.enabled, key.key_state, key.deletion_date = False, "Disabled", None
    return json_response({"KeyId": key.arn})


def schedule_key_deletion(call: Call) -> Outcome:
    """Schedule deletion after 7–30 days (default 30); the key stops working at once."""
    key = _key(call)
    if isinstance(key, Response):
        return key
    days = int(call.field("PendingWindowInDays") or 30)
    if not 7 <= days <= 30:
        return _refuse("ValidationException", "PendingWindowInDays must be between 7 and 30.")
    if key.key_state == "PendingDeletion":
        return _invalid_state(key)
    deletion = datetime.now(UTC) + timedelta(days=days)
    key.enabled, key.key_state = False, "PendingDeletion"
    key.deletion_date = deletion.replace(tzinfo=None)  # moto keeps naive UTC datetimes
    return json_response(
        {
            "KeyId": key.arn,
            "DeletionDate": deletion,
            "KeyState": "PendingDeletion",
            "PendingWindowInDays": days,
        }
    )


def enable_key_rotation(call: Call) -> Outcome:
    """Refuse rotation on a key that is not Enabled; otherwise let moto do it."""
    key = _key(call)
    if isinstance(key, Response):
        return key
    if key.key_state == "Disabled":
        return _refuse("DisabledException", f"{key.arn} is disabled.")
    if key.key_state != "Enabled":
        return _refuse("KMSInvalidStateException", f"{key.arn} is {key.key_state}.")
    return Forward()


KMS_HANDLERS: dict[str, Handler] = {
    "EnableKey": enable_key,
    "DisableKey": disable_key,
    "CancelKeyDeletion": cancel_key_deletion,
    "ScheduleKeyDeletion": schedule_key_deletion,
    "EnableKeyRotation": enable_key_rotation,
}
