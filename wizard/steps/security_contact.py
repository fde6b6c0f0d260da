"""A security contact: AWS can reach a person about this account's security.

Security Hub Account.1, CIS AWS Foundations v5.0 1.2 and the AWS Startup Security Baseline
ACCT.01 ask for the account's SECURITY alternate contact (Account Management API,
``GetAlternateContact``/``PutAlternateContact``). Without one, AWS's security notices (abuse
reports, exposed credentials) go only to the root user's e-mail address, which for a new
account is often a personal inbox nobody watches for that.

The check reads all three alternate contacts; only SECURITY decides the verdict. BILLING and
OPERATIONS are reported as evidence and offered as options, never required. An existing
contact is never overwritten: it passes the check (Security Hub judges existence, and the wizard
keeps no record of whom the owner meant), and just before each write the contact is read again,
so one set by someone else since the plan is kept.

Contact details are personal data (the model marks all four fields ``sensitive``): they go to
AWS and nowhere else. The evidence holds whether each contact is set and its e-mail's domain;
plans, the journal and reports name the contact type and the account, never the person.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from aws_setup_wizard.account import Account
from aws_setup_wizard.dispatch import Found, Prepared
from aws_setup_wizard.errors import WizardError, describe_error, error_code
from aws_setup_wizard.model import ApiCall, Change, Check, Plan, Status
from aws_setup_wizard.options import Option, missing
from aws_setup_wizard.steps.base import OptionValues, Step
from aws_setup_wizard.steps.contact_options import (
    CONTACT_EMAIL,
    CONTACT_NAME,
    CONTACT_OPTIONS,
    CONTACT_PHONE,
    CONTACT_TITLE,
)

SECURITY, BILLING, OPERATIONS = "SECURITY", "BILLING", "OPERATIONS"
#: The order contacts are read, planned and shown in.
CONTACT_TYPES = (SECURITY, BILLING, OPERATIONS)
#: AWS's answer when the account has no contact of the asked type.
NOT_FOUND = "ResourceNotFoundException"

ALSO_BILLING = Option(
    "also_billing_contact",
    "--also-billing-contact",
    "Billing contact too",
    "also make this person the billing contact when there is none (invoices, payments)",
    False,
    kind="bool",
)
ALSO_OPERATIONS = Option(
    "also_operations_contact",
    "--also-operations-contact",
    "Operations contact too",
    "also make this person the operations contact when there is none (service notices)",
    False,
    kind="bool",
)
_ALSO = {BILLING: ALSO_BILLING, OPERATIONS: ALSO_OPERATIONS}
# The contact fields of PutAlternateContact and the options that fill them.
_FIELDS = (
    ("Name", CONTACT_NAME),
    ("Title", CONTACT_TITLE),
    ("EmailAddress", CONTACT_EMAIL),
    ("PhoneNumber", CONTACT_PHONE),
)

#: A contact as read: its fields, ``None`` when there is none, or why it could not be read.
Read = dict[str, Any] | None | BaseException


def read_contact(account: Account, kind: str) -> dict[str, Any] | None:
    """The account's alternate contact of ``kind``, or ``None`` when it has none.

    Any other error (access denied, throttling, network) is raised: "none" is only what AWS
    says with ``ResourceNotFoundException``.
    """
    try:
        answer = account.client("account").get_alternate_contact(AlternateContactType=kind)
    except ClientError as exc:
        if error_code(exc) == NOT_FOUND:
            return None
        raise
    contact: dict[str, Any] = answer.get("AlternateContact", {})
    return contact


def _read(account: Account, kind: str) -> Read:
    try:
        return read_contact(account, kind)
    except (ClientError, BotoCoreError) as exc:
        return exc


def email_domain(contact: Mapping[str, Any]) -> str:
    """The domain of a contact's e-mail address (the part after ``@``), lower-cased."""
    return str(contact.get("EmailAddress", "")).strip().rpartition("@")[2].lower()


def _evidence(found: Read) -> dict[str, Any]:
    """One contact as evidence: set or not, and its e-mail's domain; never the person."""
    if isinstance(found, BaseException):
        return {"set": None, "error": describe_error(found)}
    if found is None:
        return {"set": False}
    return {"set": True, "email_domain": email_domain(found)}


class SecurityContactStep(Step):
    """The account's SECURITY alternate contact (BILLING and OPERATIONS offered too)."""

    id = "security-contact"
    title = "Give AWS a security contact"
    controls = (
        "Security Hub Account.1",
        "CIS AWS Foundations v5.0 1.2",
        "AWS Startup Security Baseline ACCT.01",
    )
    options = (*CONTACT_OPTIONS, ALSO_BILLING, ALSO_OPERATIONS)
    services = ("account",)
    group = "Guardrails"
    checks = (
        "AWS has a SECURITY alternate contact for the account (GetAlternateContact)",
        "the BILLING and OPERATIONS contacts are reported, never required",
    )

    def _read_all(self, account: Account) -> dict[str, Read]:
        return {kind: _read(account, kind) for kind in CONTACT_TYPES}

    def check(self, account: Account) -> Check:
        """Pass when a SECURITY contact exists; unknown when it cannot be read."""
        found = self._read_all(account)
        evidence: dict[str, Any] = {kind.lower(): _evidence(found[kind]) for kind in CONTACT_TYPES}
        evidence["note"] = (
            "Only the SECURITY contact decides this step: a missing BILLING or OPERATIONS "
            "contact never fails it."
        )
        security = found[SECURITY]
        if isinstance(security, BaseException):
            reason = describe_error(security)
            return Check(
                Status.UNKNOWN,
                f"Could not read the account's security contact: {reason}",
                {**evidence, "error": reason},
            )
        if security is None:
            return Check(
                Status.FAIL,
                "AWS has no security contact for this account (GetAlternateContact SECURITY: "
                f"{NOT_FOUND}): its security notices reach only the root user's e-mail.",
                evidence,
            )
        return Check(
            Status.PASS,
            f"AWS has a security contact (e-mail at {email_domain(security)}).",
            evidence,
        )

    def plan(self, account: Account, options: OptionValues) -> Plan:
        """``PutAlternateContact`` for SECURITY when missing, and the asked-for others.

        Nothing when a SECURITY contact exists (the step passes; existing contacts are never
        overwritten). BILLING and OPERATIONS are added to a SECURITY repair when their option
        asks and they are missing. The contact options are validated first, whatever the plan
        turns out to be, so a bad value is refused before any call.
        """
        details = _contact_details(options)  # bad input is refused before any call
        found = self._read_all(account)
        security = found[SECURITY]
        if isinstance(security, BaseException):
            raise WizardError(
                "Cannot plan this step: could not read the account's security contact: "
                f"{describe_error(security)}"
            )
        if security is not None:
            return Plan(self.id)
        wanted = [SECURITY]
        for kind, option in _ALSO.items():
            if options.get(option.name) is not True:
                continue
            state = found[kind]
            if isinstance(state, BaseException):
                raise WizardError(
                    f"Cannot plan this step: could not read the {kind} contact, which you "
                    f"asked to set: {describe_error(state)}"
                )
            if state is None:
                wanted.append(kind)
        missing(options, CONTACT_OPTIONS, "setting the security contact")
        changes = tuple(self._change(account, kind, details) for kind in wanted)
        return Plan(
            self.id,
            changes,
            notes=(
                "Free: AWS charges nothing for alternate contacts.",
                "The contact details go to AWS only; this tool's journal and reports name the "
                "contact type, never the person.",
            ),
        )

    @staticmethod
    def _change(account: Account, kind: str, details: Mapping[str, str]) -> Change:
        why = {
            SECURITY: "so AWS can reach a person about this account's security",
            BILLING: "so AWS can reach a person about invoices and payments",
            OPERATIONS: "so AWS can reach a person about service and operations notices",
        }[kind]
        return Change(
            "account:PutAlternateContact",
            f"{kind} alternate contact of account {account.account_id}",
            why,
            call=ApiCall(
                "account", "PutAlternateContact", {"AlternateContactType": kind, **details}
            ),
        )

    # PutAlternateContact is an idempotent overwrite, not a create: the dispatcher sends it
    # with botocore's standard retries, so an answer lost to a dropped connection or a 5xx is
    # settled by sending the same values again (AWS ends with exactly those values, once).
    # Only when every attempt is lost does the error stand; ``find_made`` below answers the
    # dispatcher's question "was it made?" by reading, should it ever ask for this call.

    def prepare(self, account: Account, change: Change, params: Mapping[str, Any]) -> Prepared:
        """Read the contact again just before writing: one set since the plan is kept."""
        kind = str(params.get("AlternateContactType", ""))
        try:
            existing = read_contact(account, kind)
        except (ClientError, BotoCoreError):
            return Prepared(params)  # the write itself will say what is wrong
        if existing is not None:
            return Prepared(
                params,
                skip=f"a {kind} contact was set since the plan was made; kept, not overwritten",
            )
        return Prepared(params)

    def find_made(
        self, account: Account, change: Change, params: Mapping[str, Any]
    ) -> Found | None:
        """Whether the contact now holds exactly the values sent (``None``: cannot read)."""
        try:
            existing = read_contact(account, str(params.get("AlternateContactType", "")))
        except (ClientError, BotoCoreError):
            return None
        if existing is None:
            return Found(made=False)
        same = all(existing.get(field) == params.get(field) for field, _ in _FIELDS)
        return Found(made=same)


def _contact_details(options: OptionValues) -> dict[str, str]:
    """The contact fields given in the options, each validated as AWS validates it.

    Raises :class:`~aws_setup_wizard.options.OptionError` before any call when one breaks
    AWS's rule; a field not given is left out (the plan asks for it only if it needs it).
    """
    details: dict[str, str] = {}
    for field, option in _FIELDS:
        given = str(options.get(option.name) or "")
        if given:
            details[field] = str(option.validate(given))
    return details
