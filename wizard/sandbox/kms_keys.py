"""Which KMS key a call names, in the forms AWS accepts, and whether its state allows the call.

Followed: AWS KMS API Reference, the ``KeyId`` request parameter of each operation (most
operations take a key ID or key ARN only; the cryptographic ones and ``DescribeKey`` also take
an alias name or alias ARN), and AWS KMS Developer Guide, "Key states of AWS KMS keys" (the
key state table and its notes: "DisabledException: <key ARN> is disabled.",
"KMSInvalidStateException: <key ARN> is pending deletion.", "KMSInvalidStateException: <key
ARN> is not pending deletion.").
"""

from __future__ import annotations

import base64
import binascii
from typing import Any, Literal

from aws_setup_wizard.sandbox import backends
from aws_setup_wizard.sandbox.call import Call
from aws_setup_wizard.sandbox.protocol import Response, error_response

#: Operations whose key may also be given as an alias name or alias ARN.
ALIAS_ACCEPTED = frozenset(
    {
        "DescribeKey",
        "Encrypt",
        "Decrypt",
        "ReEncrypt",
        "GenerateDataKey",
        "GenerateDataKeyWithoutPlaintext",
        "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext",
        "GetPublicKey",
        "Sign",
        "Verify",
        "GenerateMac",
        "VerifyMac",
    }
)

#: Operations that take a key ID or key ARN only; an alias there is not found.
KEY_ONLY = frozenset(
    {
        "CancelKeyDeletion",
        "CreateGrant",
        "DisableKey",
        "DisableKeyRotation",
        "EnableKey",
        "EnableKeyRotation",
        "GetKeyPolicy",
        "GetKeyRotationStatus",
        "ListAliases",
        "ListGrants",
        "ListKeyPolicies",
        "ListKeyRotations",
        "ListResourceTags",
        "PutKeyPolicy",
        "RotateKeyOnDemand",
        "ScheduleKeyDeletion",
        "TagResource",
        "UntagResource",
        "UpdateKeyDescription",
        "CreateAlias",
        "UpdateAlias",
    }
)

Rule = Literal["use", "manage"]

#: "use": refused when Disabled (DisabledException) or PendingDeletion (KMSInvalidState);
#: "manage": refused only when PendingDeletion. Operations not listed work in every state.
STATE_RULES: dict[str, Rule] = {
    **{op: "use" for op in ALIAS_ACCEPTED - {"DescribeKey"}},
    "CreateGrant": "use",
    "EnableKeyRotation": "use",
    "DisableKeyRotation": "use",
    "RotateKeyOnDemand": "use",
    "CreateAlias": "manage",
    "TagResource": "manage",
    "UntagResource": "manage",
    "UpdateKeyDescription": "manage",
    "EnableKey": "manage",
    "DisableKey": "manage",
    "ScheduleKeyDeletion": "manage",
}


def refuse(code: str, message: str) -> Response:
    """A KMS error (HTTP 400, JSON 1.1)."""
    return error_response("kms", code, message, 400)


def is_alias(key_id: str) -> bool:
    """``alias/NAME`` or ``arn:…:alias/NAME``."""
    return key_id.startswith("alias/") or (key_id.startswith("arn:") and ":alias/" in key_id)


def key_fields(call: Call) -> list[str]:
    """The key identifiers the call names (``ReEncrypt`` names two; ``Decrypt`` may name none)."""
    action = call.request.action
    if action in ("CreateAlias", "UpdateAlias"):
        names = ["TargetKeyId"]
    elif action == "ReEncrypt":
        names = ["SourceKeyId", "DestinationKeyId"]
    else:
        names = ["KeyId"]
    found = [str(call.field(name)) for name in names if call.field(name)]
    if action in ("Decrypt", "ReEncrypt") and not call.field(
        "KeyId" if action == "Decrypt" else "SourceKeyId"
    ):
        from_blob = _key_of_ciphertext(call.field("CiphertextBlob"))
        if from_blob:
            found.append(from_blob)
    return found


def _key_of_ciphertext(blob: Any) -> str | None:
    """The key ID moto writes at the head of its ciphertext (moto/kms/utils.py format)."""
    try:
        raw = base64.b64decode(str(blob or ""), validate=True)
        return raw[:36].decode("ascii")
    except (binascii.Error, ValueError):
        return None


def resolve(call: Call, key_id: str) -> Any | None:
    """moto's key for any form of ``key_id`` (ID, ARN, alias, alias ARN), or ``None``."""
    backend = backends.kms(call.account_id, call.region)
    try:
        return backend.keys.get(backend.any_id_to_key_id(key_id))
    except Exception:  # noqa: BLE001 - moto's alias lookup raises its own errors
        return None


def state_refusal(action: str, key: Any) -> Response | None:
    """AWS's refusal of ``action`` on a key in its current state, or ``None``."""
    rule = STATE_RULES.get(action)
    state = key.key_state
    if action == "CancelKeyDeletion" and state != "PendingDeletion":
        return refuse("KMSInvalidStateException", f"{key.arn} is not pending deletion.")
    if rule is None or state == "Enabled":
        return None
    if state == "PendingDeletion":
        return refuse("KMSInvalidStateException", f"{key.arn} is pending deletion.")
    if state == "Disabled" and rule == "use":
        return refuse("DisabledException", f"{key.arn} is disabled.")
    return None


def check(call: Call) -> Any | Response | None:
    """The call's (first) key once its form and state are acceptable, or AWS's refusal.

    ``None`` when the call names no key moto knows: moto's own ``NotFoundException`` follows.
    """
    action = call.request.action
    first: Any | None = None
    for key_id in key_fields(call):
        if action in KEY_ONLY and is_alias(key_id):
            return refuse("NotFoundException", f"Invalid keyId {key_id}")
        key = resolve(call, key_id)
        if key is None:
            continue
        refused = state_refusal(action, key)
        if refused is not None:
            return refused
        first = first if first is not None else key
    return first
