"""Drift catalogue: budget alerts (ASSB ACCT.10). Data for ``tests/drift/runner.py``.

Starting point: the ``done`` scenario, where the ``aws-setup-wizard-monthly`` budget (25 USD)
e-mails ``owner@example.com`` at actual > 80 % and > 100 % and forecast > 100 %, and the AWS
services anomaly monitor has a daily e-mail subscription. The drifts of the same names are made
by :mod:`aws_setup_wizard.sandbox.drifts_budget`. Repairs: exactly the missing create, through
the dispatcher; the monitor's ARN flows into the subscription when both are missing.
"""

from __future__ import annotations

from tests.drift.runner import Drift

STEP = "budget-alerts"
OPTIONS = {"contact_email": "owner@example.com", "monthly_budget": "25"}


DRIFTS = (
    Drift(
        "the monthly budget deleted",
        STEP,
        "No monthly cost budget exists",
        ("budgets:CreateBudget",),
        options=OPTIONS,
    ),
    Drift(
        "the budget's 80 % alert removed",
        STEP,
        "has no e-mail alert at actual spend above 80 %",
        ("budgets:CreateNotification",),
        options=OPTIONS,
    ),
    Drift(
        "the 100 % alert's e-mail replaced by an SNS topic",
        STEP,
        "alert at actual spend above 100 % has no e-mail subscriber",
        ("budgets:CreateSubscriber",),
        options=OPTIONS,
    ),
    Drift(
        "an SNS topic beside the 80 % alert's e-mail still passes",
        STEP,
        "e-mails at 80 % and 100 % of actual spend",
        (),
        status="pass",
        options=OPTIONS,
    ),
    Drift(
        "the anomaly subscription deleted",
        STEP,
        "No anomaly alert subscription e-mails anyone",
        ("ce:CreateAnomalySubscription",),
        options=OPTIONS,
    ),
    Drift(
        "the anomaly monitor deleted",
        STEP,
        "No Cost Anomaly Detection monitor watches the account's spend",
        ("ce:CreateAnomalyMonitor", "ce:CreateAnomalySubscription"),
        options=OPTIONS,
    ),
)
