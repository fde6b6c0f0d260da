"""The Account Management API's alternate contacts, answered as AWS answers them.

moto 5.2.5 stores alternate contacts (``moto/account/``) but checks nothing: any name, title,
e-mail or phone is kept, a missing field is stored as ``null``, any ``AccountId`` is written to
(moto even creates that account's backend), ``DeleteAlternateContact`` of a contact that does
not exist succeeds, and "not found" comes back with HTTP 400. The three operations are answered
here instead, on moto's own store, following the Account Management API Reference:

- ``PutAlternateContact`` ("Request Parameters"): ``AlternateContactType`` one of ``BILLING``,
  ``OPERATIONS``, ``SECURITY``; ``Name`` 1–64 characters, ``Title`` 1–50, ``EmailAddress``
  1–254 matching ``[\\s]*[\\w+=.#|!&-]+@[\\w.-]+\\.[\\w]+[\\s]*``, ``PhoneNumber`` 1–25 matching
  ``[\\s0-9()+-]+``, all four required. A broken rule is a ``ValidationException`` (HTTP 400)
  whose ``reason`` is ``fieldValidationFailed`` and whose ``fieldList`` names each field
  ("ValidationException", "ValidationExceptionField"); the message is AWS's usual
  "N validation error(s) detected: Value at 'field' failed to satisfy constraint: …", without
  the value, as for every member the model marks ``sensitive``. The patterns are Smithy's
  (ECMA-262), where ``\\w`` is ASCII only, and are matched whole (stricter than an unanchored
  search, never laxer).
- ``GetAlternateContact`` / ``DeleteAlternateContact``: no contact of that type is
  ``ResourceNotFoundException`` (HTTP 404, "ResourceNotFoundException").
- ``AccountId`` (every operation): "If you don't specify this parameter, it defaults to the
  Amazon Web Services account of the identity used to call the operation. To use this
  parameter, the caller must be an identity in the organization's management account or a
  delegated administrator account, and the specified account ID must be a member account in
  the same organization." Sandbox accounts are standalone (no AWS Organizations), so naming
  the caller's own account is the same as leaving it out, and naming any other account is
  ``AccessDeniedException`` (HTTP 403). A value that is not 12 digits breaks the parameter's
  pattern (``\\d{12}``): ``ValidationException``.
- An unknown contact type: ``AccessDeniedException`` "… (You specified an invalid Alternate
  Contact type.)", as moto's maintainers recorded AWS answering it.

Unsigned requests never get here: the middleware refuses them in REST-JSON's own shape
(``MissingAuthenticationTokenException``), like every other sandbox service.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from moto.account.models import AlternateContact, account_backends

from aws_setup_wizard.sandbox.call import Call, Handler, Outcome
from aws_setup_wizard.sandbox.protocol import Response, rest_json_error, rest_json_response

SERVICE = "account"
CONTACT_TYPES = ("BILLING", "OPERATIONS", "SECURITY")
NOT_FOUND = "No contact of the inputted alternate contact type found."
_PARTITION = "aws"

# (wire name, name in messages, min, max, pattern or None), in the model's member order.
_CONTACT_FIELDS: tuple[tuple[str, str, int, int, str | None], ...] = (
    ("Name", "name", 1, 64, None),
    ("Title", "title", 1, 50, None),
    ("EmailAddress", "emailAddress", 1, 254, r"[\s]*[\w+=.#|!&-]+@[\w.-]+\.[\w]+[\s]*"),
    ("PhoneNumber", "phoneNumber", 1, 25, r"[\s0-9()+-]+"),
)
_ACCOUNT_ID = re.compile(r"\d{12}", re.ASCII)


def _ecma(pattern: str) -> str:
    """An ECMA-262 pattern for Python: its ``\\w`` is ASCII (Python's also takes "ü")."""
    return pattern.replace("\\w", "A-Za-z0-9_")


def _store(account_id: str) -> dict[str, AlternateContact]:
    """moto's alternate contacts of ``account_id`` (its backend is per partition)."""
    contacts: dict[str, AlternateContact] = account_backends[account_id][
        _PARTITION
    ]._alternate_contacts
    return contacts


def _problems(
    body: dict[str, Any], fields: tuple[tuple[str, str, int, int, str | None], ...]
) -> list[tuple[str, str]]:
    """``(field, constraint)`` for every rule ``body`` breaks, in the model's order."""
    found: list[tuple[str, str]] = []
    for wire, shown, low, high, pattern in fields:
        value = body.get(wire)
        if value is None:
            found.append((shown, "Member must not be null"))
            continue
        if not isinstance(value, str):
            found.append((shown, "Member must be a string"))
            continue
        if not low <= len(value) <= high:
            found.append((shown, f"Member must have length between {low} and {high}, inclusive"))
        elif pattern is not None and not re.fullmatch(_ecma(pattern), value):
            found.append((shown, f"Member must satisfy regular expression pattern: {pattern}"))
    return found


def validation_error(problems: list[tuple[str, str]]) -> Response:
    """AWS's ``ValidationException`` for ``problems`` (values withheld: they are sensitive)."""
    parts = [f"Value at '{name}' failed to satisfy constraint: {rule}" for name, rule in problems]
    count = len(parts)
    message = f"{count} validation error{'s' if count > 1 else ''} detected: " + "; ".join(parts)
    fields = [{"name": name, "message": rule} for name, rule in problems]
    return rest_json_error(
        "ValidationException",
        message,
        400,
        {"reason": "fieldValidationFailed", "fieldList": fields},
    )


def _caller_arn(call: Call) -> str:
    """The ARN an ``AccessDeniedException`` names: root's, or the moto principal's."""
    if call.caller.is_root:
        return f"arn:aws:iam::{call.account_id}:root"
    from moto.sts.models import sts_backends

    sts = sts_backends[call.account_id][_PARTITION]
    _, arn, _ = sts.get_caller_identity(call.caller.access_key_id, call.region)
    return str(arn)


def _refusal(call: Call) -> Response | None:
    """What AWS refuses before looking at the contacts: the type and ``AccountId``."""
    body = call.request.json_body
    action = call.request.action
    problems = _problems(
        body, (("AlternateContactType", "alternateContactType", 0, 1 << 20, None),)
    )
    account = body.get("AccountId")
    if account is not None and not (isinstance(account, str) and _ACCOUNT_ID.fullmatch(account)):
        problems.append(("accountId", r"Member must satisfy regular expression pattern: \d{12}"))
    if action == "PutAlternateContact":
        problems += _problems(body, _CONTACT_FIELDS)
    if problems:
        return validation_error(problems)
    if body["AlternateContactType"] not in CONTACT_TYPES:
        return rest_json_error(
            "AccessDeniedException",
            f"User: {_caller_arn(call)} is not authorized to perform: account:{action} "
            "(You specified an invalid Alternate Contact type.)",
            403,
        )
    if account is not None and account != call.account_id:
        # A standalone account belongs to no organization: it can manage no other account.
        return rest_json_error(
            "AccessDeniedException",
            f"User: {_caller_arn(call)} is not authorized to perform: account:{action} on "
            f"resource: arn:aws:account::{account}:account (only an organization's management "
            "account or delegated administrator may name a member account's AccountId)",
            403,
        )
    return None


def put_alternate_contact(call: Call) -> Outcome:
    """Create or overwrite the contact of one type (an idempotent overwrite)."""
    refused = _refusal(call)
    if refused is not None:
        return refused
    body = call.request.json_body
    kind = str(body["AlternateContactType"])
    _store(call.account_id)[kind] = AlternateContact(
        alternate_contact_type=kind,
        name=str(body["Name"]),
        title=str(body["Title"]),
        email_address=str(body["EmailAddress"]),
        phone_number=str(body["PhoneNumber"]),
    )
    return rest_json_response({})


def get_alternate_contact(call: Call) -> Outcome:
    """The contact of one type, or ``ResourceNotFoundException`` (404)."""
    refused = _refusal(call)
    if refused is not None:
        return refused
    kind = str(call.request.json_body["AlternateContactType"])
    contact = _store(call.account_id).get(kind)
    if contact is None:
        return rest_json_error("ResourceNotFoundException", NOT_FOUND, 404)
    return rest_json_response(
        {
            "AlternateContact": {
                "AlternateContactType": kind,
                "Name": contact.name,
                "Title": contact.title,
                "EmailAddress": contact.email_address,
                "PhoneNumber": contact.phone_number,
            }
        }
    )


def delete_alternate_contact(call: Call) -> Outcome:
    """Delete the contact of one type; none of that type is ``ResourceNotFoundException``."""
    refused = _refusal(call)
    if refused is not None:
        return refused
    kind = str(call.request.json_body["AlternateContactType"])
    if _store(call.account_id).pop(kind, None) is None:
        return rest_json_error("ResourceNotFoundException", NOT_FOUND, 404)
    return rest_json_response({})


def _unknown_operation(call: Call) -> Outcome:
    """A path the Account Management API does not have (moto would answer 404 in HTML)."""
    return rest_json_error("UnknownOperationException", "Unknown operation", 404)


_OWN: dict[str, Callable[[Call], Outcome]] = {
    "PutAlternateContact": put_alternate_contact,
    "GetAlternateContact": get_alternate_contact,
    "DeleteAlternateContact": delete_alternate_contact,
    "": _unknown_operation,
}

#: The account service's handlers: every alternate-contact operation is answered here.
ACCOUNT_HANDLERS: dict[str, Handler] = dict(_OWN)
