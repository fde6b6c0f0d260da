"""The contact validators (``wizard/options.py``) follow PutAlternateContact's own rules.

AWS Account Management API Reference, PutAlternateContact: ``Name`` 1–64 characters, ``Title``
1–50, ``EmailAddress`` 1–254 matching ``[\\s]*[\\w+=.#|!&-]+@[\\w.-]+\\.[\\w]+[\\s]*``,
``PhoneNumber`` 1–25 matching ``[\\s0-9()+-]+`` (Smithy patterns: ``\\w`` is ASCII). Each value
is checked against the rule AWS applies, and a bad one is refused with a message that says how
to fix it, before any call.
"""

from __future__ import annotations

import re

import pytest

from aws_setup_wizard.options import (
    OptionError,
    contact_email,
    contact_name,
    contact_phone,
    contact_title,
    resolve,
)
from aws_setup_wizard.sdk.session import process_session
from aws_setup_wizard.steps.contact_options import CONTACT_OPTIONS, CONTACT_PHONE

GOOD_EMAILS = [
    "security@example.com",
    "first.last+aws@sub.example.co.uk",
    "ops_team#1|on-call!&=x@example-corp.io",
    "  padded@example.com  ",
    "a@b.cd",
    "x" * 240 + "@example.com",
]
BAD_EMAILS = [
    "",
    "security",
    "security@example",
    "@example.com",
    "security@@example.com",
    "sec urity@example.com",
    "jürgen@example.de",
    "security@exämple.de",
    "security@example.com.",
    "x" * 243 + "@example.com",
]
GOOD_PHONES = ["+1 206 555 0100", "(020) 7946-0000", "0049 30 1234567", "+" + "1" * 24]
BAD_PHONES = ["", "+1 206 CALL NOW", "+1.206.555.0100", "ext. 12", "+" + "1" * 25, "٣٣٣"]


@pytest.mark.parametrize("value", GOOD_EMAILS)
def test_good_emails_pass(value: str) -> None:
    assert contact_email(value) is None


@pytest.mark.parametrize("value", BAD_EMAILS)
def test_bad_emails_are_refused_with_a_fix(value: str) -> None:
    problem = contact_email(value)
    assert problem is not None
    assert "e-mail address like security@example.com" in problem or "characters long" in problem


@pytest.mark.parametrize("value", GOOD_PHONES)
def test_good_phones_pass(value: str) -> None:
    assert contact_phone(value) is None


@pytest.mark.parametrize("value", BAD_PHONES)
def test_bad_phones_are_refused_with_a_fix(value: str) -> None:
    problem = contact_phone(value)
    assert problem is not None
    assert "digits, spaces and + - ( )" in problem or "characters long" in problem


def test_name_and_title_lengths() -> None:
    assert contact_name("A") is None and contact_name("A" * 64) is None
    assert contact_name("") == "must be 1 to 64 characters long (this one has 0)."
    assert contact_name("A" * 65) == "must be 1 to 64 characters long (this one has 65)."
    assert contact_title("T" * 50) is None
    assert contact_title("T" * 51) == "must be 1 to 50 characters long (this one has 51)."
    assert contact_title("") is not None


def test_the_rules_are_the_models_own() -> None:
    """The lengths and patterns the validators apply are botocore's model of the service."""
    shape = (
        process_session().get_service_model("account").operation_model("PutAlternateContact")
    ).input_shape
    members = shape.members
    assert (members["Name"].metadata["min"], members["Name"].metadata["max"]) == (1, 64)
    assert (members["Title"].metadata["min"], members["Title"].metadata["max"]) == (1, 50)
    assert members["EmailAddress"].metadata["max"] == 254
    assert members["PhoneNumber"].metadata["max"] == 25
    # Every good value matches the model's pattern read the Smithy way (ASCII \w), whole.
    email = members["EmailAddress"].metadata["pattern"].replace("\\w", "A-Za-z0-9_")
    phone = members["PhoneNumber"].metadata["pattern"]
    assert all(re.fullmatch(email, value) for value in GOOD_EMAILS)
    assert not any(re.fullmatch(email, value) for value in BAD_EMAILS if len(value) <= 254)
    assert all(re.fullmatch(phone, value) for value in GOOD_PHONES)
    assert all(members[f].metadata.get("sensitive") for f in ("Name", "Title", "EmailAddress"))


def test_bad_input_is_refused_by_resolve_naming_the_option() -> None:
    given = {
        "contact_name": "Sam Owner",
        "contact_title": "Owner",
        "contact_email": "sam@example.com",
        "contact_phone": "call me",
    }
    with pytest.raises(OptionError) as error:
        resolve(CONTACT_OPTIONS, given, "210987654321", "us-east-1")
    assert str(error.value) == (
        f"{CONTACT_PHONE.label}: may contain only digits, spaces and + - ( ) "
        "(like +1 206 555 0100)."
    )
    assert resolve(CONTACT_OPTIONS, {**given, "contact_phone": "+1 206 555 0100"}, "1", "r")


def test_the_options_have_no_default_contact() -> None:
    """Nobody's details are assumed: without values they stay empty (not given), and a plan
    that needs them refuses, naming every flag to give."""
    from aws_setup_wizard.options import missing

    assert all(option.required for option in CONTACT_OPTIONS)
    values = resolve(CONTACT_OPTIONS, {}, "210987654321", "us-east-1")
    assert values == {option.name: "" for option in CONTACT_OPTIONS}
    with pytest.raises(OptionError) as refused:
        missing({**values, "contact_title": "Owner"}, CONTACT_OPTIONS, "setting the contact")
    assert str(refused.value) == (
        "Setting the contact needs --contact-name, --contact-email, --contact-phone: give them "
        "and run again."
    )
    missing({o.name: "x" for o in CONTACT_OPTIONS}, CONTACT_OPTIONS, "setting the contact")


def test_contact_details_refuse_invisible_characters_but_not_foreign_letters() -> None:
    """A name may be José Müller or 山田太郎; an escape sequence or a bidi override may not
    reach AWS (and from there every e-mail and report that shows the contact)."""
    assert contact_name("José Müller") is None
    assert contact_name("山田太郎") is None
    for sneaky in ("Ana\x1b[31m", "Ana\u202eOwner", "Ana\u200b", "Ana\nOwner", "Ana\u2028"):
        problem = contact_name(sneaky)
        assert problem is not None and "invisible" in problem, sneaky
    assert contact_title("CTO\x08") is not None
