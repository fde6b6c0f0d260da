"""KMS as AWS answers it where moto breaks or is lenient: key forms and key states.

- Every KMS operation that names a key is first checked by
  :func:`~aws_setup_wizard.sandbox.kms_keys.check`: an alias where AWS wants a key ID or key
  ARN is ``NotFoundException``; a key whose state forbids the operation gets AWS's
  ``DisabledException`` or ``KMSInvalidStateException`` (KMS Developer Guide, "Key states of AWS
  KMS keys"). moto ignores key states: without this a disabled key would still encrypt.
- moto's ``DisableKey``, ``EnableKey``, ``CancelKeyDeletion`` and ``ScheduleKeyDeletion`` look
  the key up by the raw ``KeyId`` only, so a key ARN (which AWS accepts) raises ``KeyError``, an
  HTTP 500 over the server. Those four are answered here, on moto's key. A cancelled deletion
  leaves the key *Disabled*, as in AWS; ``ScheduleKeyDeletion`` takes 7 to 30 days (default 30).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from aws_setup_wizard.sandbox import kms_keys
from aws_setup_wizard.sandbox.call import Call, Forward, Handler, Outcome
from aws_setup_wizard.sandbox.protocol import Response, json_response


def _checked_key(call: Call) -> Any | Response:
    """The call's key after the form and state checks, or a refusal (unknown key included)."""
    key = kms_keys.check(call)
    if key is None:
        key_id = str(call.field("KeyId") or "")
        return kms_keys.refuse("NotFoundException", f"Key '{key_id}' does not exist")
    return key


def guarded(call: Call) -> Outcome:
    """Refuse what AWS refuses for the key's form or state; otherwise let moto answer."""
    refused = kms_keys.check(call)
    return refused if isinstance(refused, Response) else Forward()


def _switch(call: Call, *, enabled: bool) -> Outcome:
    key = _checked_key(call)
    if isinstance(key, Response):
        return key
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
    key = _checked_key(call)
    if isinstance(key, Response):
        return key
    key.enabled, key.key_state, key.deletion_date = False, "Disabled", None
    return json_response({"KeyId": key.arn})


def schedule_key_deletion(call: Call) -> Outcome:
    """Schedule deletion after 7–30 days (default 30); the key stops working at once."""
    key = _checked_key(call)
    if isinstance(key, Response):
        return key
    days = int(call.field("PendingWindowInDays") or 30)
    if not 7 <= days <= 30:
        return kms_keys.refuse(
            "ValidationException", "PendingWindowInDays must be between 7 and 30."
        )
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


_OWN: dict[str, Callable[[Call], Outcome]] = {
    "EnableKey": enable_key,
    "DisableKey": disable_key,
    "CancelKeyDeletion": cancel_key_deletion,
    "ScheduleKeyDeletion": schedule_key_deletion,
}

#: Every operation naming a key is guarded; four are answered here outright.
KMS_HANDLERS: dict[str, Handler] = {
    **{
        action: guarded
        for action in kms_keys.ALIAS_ACCEPTED | kms_keys.KEY_ONLY
        if action not in _OWN
    },
    **_OWN,
}
