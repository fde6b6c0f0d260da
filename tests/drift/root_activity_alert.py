"""Drift catalogue: the root activity alert (Well-Architected SEC01-BP02). Data for
``tests/drift/runner.py``.

Starting point: the ``done`` scenario's alert (rule and topic ``aws-setup-wizard-root-activity``
in us-east-1, confirmed e-mail to ``owner@example.com``); each drift is made by the sandbox drift
of the same name (:mod:`aws_setup_wizard.sandbox.drifts_alert`). A repair that subscribes an
address ends with the confirmation click (:data:`CONSOLE`: the simulated inbox's link), since AWS
delivers nothing to an unconfirmed subscription.
"""

from __future__ import annotations

from tests.drift.runner import CONSOLE, Drift

STEP = "root-activity-alert"
OPTIONS = {"contact_email": "owner@example.com"}

DRIFTS = (
    Drift("root alert rule disabled", STEP, "is disabled", ("events:EnableRule",), options=OPTIONS),
    Drift(
        "root alert topic removed from the rule's targets",
        STEP,
        "has no SNS topic as target",
        ("events:PutTargets",),
        options=OPTIONS,
    ),
    Drift(
        "root alert pattern narrowed to sign-ins",
        STEP,
        "pattern does not match root API calls",
        ("events:PutRule",),
        options=OPTIONS,
    ),
    Drift(
        "root alert e-mail subscription deleted",
        STEP,
        "has no e-mail subscription",
        ("sns:Subscribe", CONSOLE),
        options=OPTIONS,
    ),
    Drift(
        "root alert e-mail subscription suspended to pending",
        STEP,
        "is not confirmed yet",
        (CONSOLE,),
        options=OPTIONS,
    ),
    Drift(
        "root alert topic policy denies EventBridge",
        STEP,
        "denies EventBridge (explicit Deny)",
        ("sns:SetTopicAttributes",),
        options=OPTIONS,
    ),
    Drift(
        "root alert topic encrypted with alias/aws/sns",
        STEP,
        "alias/aws/sns, which EventBridge cannot use",
        ("sns:SetTopicAttributes",),
        options=OPTIONS,
    ),
)
