"""What a test owner answers when a step asks for details only a person can give.

The guardrail steps need contact details (the security contact, where alerts are e-mailed)
that have no default: a scripted owner types these, in the guided modes as on the command line.
"""

from __future__ import annotations

from collections.abc import Mapping

#: The owner's contact details, by option name.
CONTACT: dict[str, str] = {
    "contact_name": "Ana Owner",
    "contact_title": "Founder",
    "contact_email": "ana@example.com",
    "contact_phone": "+1 206 555 0100",
}

#: The same details as ``apply`` takes them.
CONTACT_FLAGS: tuple[str, ...] = tuple(
    part for name, value in CONTACT.items() for part in ("--" + name.replace("_", "-"), value)
)


def filled_in(defaults: Mapping[str, str | bool]) -> dict[str, str | bool]:
    """``defaults`` with every blank setting answered as the owner would."""
    return {
        name: CONTACT.get(name, value) if value == "" else value for name, value in defaults.items()
    }
