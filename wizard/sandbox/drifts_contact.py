"""Drift recipes for the ``security-contact`` step: what an owner or attacker can do to the
account's alternate contacts with the Account Management API.

Anyone allowed ``account:DeleteAlternateContact`` or ``account:PutAlternateContact`` (root, an
administrator, or whoever stole their credentials) can remove the contacts or point them at
another mailbox (Account Management API Reference, DeleteAlternateContact and
PutAlternateContact). Each recipe starts from the ``done`` scenario, which has all three
contacts (:func:`~aws_setup_wizard.sandbox.scenarios.seed_contacts`), and is made with those
calls signed by root's console session.

The catalogue (:mod:`~aws_setup_wizard.sandbox.drifts`) takes in :data:`CONTACT_DRIFTS`.
"""

from __future__ import annotations

from aws_setup_wizard.sandbox.drift_model import Drift, Place

_STEP = "security-contact"


def _delete(place: Place, *kinds: str) -> None:
    account = place.clients("account")
    for kind in kinds:
        account.delete_alternate_contact(AlternateContactType=kind)


def _security_deleted(place: Place) -> None:
    """Someone deletes the SECURITY contact (the console's Alternate contacts → Edit → clear)."""
    _delete(place, "SECURITY")


def _only_billing_left(place: Place) -> None:
    """SECURITY and OPERATIONS are deleted; a BILLING contact alone does not count."""
    _delete(place, "SECURITY", "OPERATIONS")


def _security_elsewhere(place: Place) -> None:
    """An attacker points the SECURITY contact at a mailbox of their own domain.

    Still a contact, so Security Hub's Account.1 passes, and so does the step: the wizard keeps
    no record of whom the owner meant (that would store personal data), so it reports the
    e-mail's domain in the summary for the owner to see, and CloudTrail records the call.
    """
    place.clients("account").put_alternate_contact(
        AlternateContactType="SECURITY",
        Name="Security Desk",
        Title="Security",
        EmailAddress="alerts@attacker.example.net",
        PhoneNumber="+1 555 0199",
    )


def _billing_and_operations_deleted(place: Place) -> None:
    """BILLING and OPERATIONS are deleted; the SECURITY contact is kept."""
    _delete(place, "BILLING", "OPERATIONS")


#: ``(name, step_id, make)`` of each drift, in ``Drift``'s field order.
CONTACT_DRIFTS: tuple[Drift, ...] = (
    Drift("the security contact deleted", _STEP, _security_deleted),
    Drift("only the billing contact left", _STEP, _only_billing_left),
    Drift("the security contact moved to another domain still passes", _STEP, _security_elsewhere),
    Drift(
        "billing and operations contacts deleted still passes",
        _STEP,
        _billing_and_operations_deleted,
    ),
)
