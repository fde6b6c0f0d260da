"""Drift catalogue: the security contact (Security Hub Account.1, CIS v5.0 1.2, ASSB ACCT.01).
Data for ``tests/drift/runner.py``.

Starting point: the ``done`` scenario, which has SECURITY, BILLING and OPERATIONS contacts
(``aws_setup_wizard.sandbox.scenarios.seed_contacts``). The drifts are made with the Account
Management API (the sandbox drifts of the same names, ``wizard/sandbox/drifts_contact.py``).
Repair: ``account:PutAlternateContact`` for SECURITY. Only SECURITY decides the verdict, so
losing BILLING and OPERATIONS passes, and so does a SECURITY contact moved to another domain:
it is a contact (what Account.1 asks), the wizard keeps no record of whom the owner meant, and
the summary names the new domain for the owner to notice.
"""

from __future__ import annotations

from tests.drift.runner import Drift

STEP = "security-contact"
PUT = "account:PutAlternateContact"
NO_CONTACT = "AWS has no security contact for this account"
#: The contact the repairs write (valid by AWS's rules).
OPTIONS = {
    "contact_name": "Riley Owner",
    "contact_title": "Founder",
    "contact_email": "security@example.org",
    "contact_phone": "+44 20 7946 0000",
}

DRIFTS = (
    Drift("the security contact deleted", STEP, NO_CONTACT, (PUT,), options=OPTIONS),
    Drift("only the billing contact left", STEP, NO_CONTACT, (PUT,), options=OPTIONS),
    Drift(
        "the security contact moved to another domain still passes",
        STEP,
        "e-mail at attacker.example.net",
        (),
        status="pass",
        options=OPTIONS,
    ),
    Drift(
        "billing and operations contacts deleted still passes",
        STEP,
        "AWS has a security contact (e-mail at example.com)",
        (),
        status="pass",
        options=OPTIONS,
    ),
)
