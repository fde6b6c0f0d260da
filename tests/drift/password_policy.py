"""Drift catalogue: the account password policy (Security Hub IAM.15 / IAM.16). Data for
``tests/drift/runner.py``.

Starting point: the ``done`` scenario (14 characters, reuse of the last 24 prevented, users may
change their own). The drifts are made with ``UpdateAccountPasswordPolicy`` and
``DeleteAccountPasswordPolicy`` (IAM API Reference), as in
:mod:`aws_setup_wizard.sandbox.drifts_guard`.
Repair: one ``UpdateAccountPasswordPolicy`` that keeps every other setting.
"""

from __future__ import annotations

from tests.drift.runner import Drift

STEP = "password-policy"
REPAIR = ("iam:UpdateAccountPasswordPolicy",)

DRIFTS = (
    Drift("the password policy deleted", STEP, "the account has no password policy", REPAIR),
    Drift("the minimum password length lowered to 8", STEP, "minimum length is 8", REPAIR),
    Drift("password reuse prevention removed", STEP, "reuse is allowed", REPAIR),
    Drift(
        "a stricter password policy lowered to 10 characters",
        STEP,
        "minimum length is 10, below 14",
        REPAIR,
    ),
    Drift(
        "a stricter password policy still passes",
        STEP,
        "IAM passwords need 20 characters",
        (),
        status="pass",
    ),
)
