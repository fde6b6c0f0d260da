"""The owner's contact details, declared once for every step that needs them.

``security-contact`` writes them as the account's alternate contacts; the alerting steps send
their e-mails to ``contact_email``. The same :class:`~aws_setup_wizard.options.Option` objects
are shared, so the command line has one ``--contact-email`` and the guided modes ask once.
"""

from __future__ import annotations

from aws_setup_wizard.options import (
    Option,
    contact_email,
    contact_name,
    contact_phone,
    contact_title,
)

CONTACT_NAME = Option(
    "contact_name",
    "--contact-name",
    "Contact name",
    "the person AWS should reach about this account's security",
    "",
    validator=contact_name,
)
CONTACT_TITLE = Option(
    "contact_title",
    "--contact-title",
    "Contact title",
    "that person's job title (e.g. Owner)",
    "",
    validator=contact_title,
)
CONTACT_EMAIL = Option(
    "contact_email",
    "--contact-email",
    "Contact e-mail",
    "where AWS and the wizard's alerts write to (a mailbox someone reads)",
    "",
    validator=contact_email,
)
CONTACT_PHONE = Option(
    "contact_phone",
    "--contact-phone",
    "Contact phone",
    "a phone number for that person, with country code (e.g. +1 206 555 0100)",
    "",
    validator=contact_phone,
)

CONTACT_OPTIONS = (CONTACT_NAME, CONTACT_TITLE, CONTACT_EMAIL, CONTACT_PHONE)
