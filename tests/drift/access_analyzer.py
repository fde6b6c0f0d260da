"""Drift catalogue: IAM Access Analyzer for external access (Security Hub IAM.28, CIS v5.0 1.19).
Data for ``tests/drift/runner.py``.

Starting point: the ``done`` scenario, where every enabled Region has the
``aws-setup-wizard-external-access`` analyzer (type ``ACCOUNT``, ``ACTIVE``). The drifts of the
same names are made by :mod:`aws_setup_wizard.sandbox.drifts_analyzer`. Repairs: one
``CreateAnalyzer`` in exactly the Region at fault, after deleting a FAILED analyzer there.
"""

from __future__ import annotations

from tests.drift.runner import Drift

STEP = "access-analyzer"

DRIFTS = (
    Drift(
        "the external access analyzer deleted in one Region",
        STEP,
        "is not in place in 1 Region: eu-west-1",
        ("accessanalyzer:CreateAnalyzer",),
    ),
    Drift(
        "the external access analyzer FAILED in one Region",
        STEP,
        "is not in place in 1 Region: ap-southeast-2",
        ("accessanalyzer:DeleteAnalyzer", "accessanalyzer:CreateAnalyzer"),
    ),
    Drift(
        "the external access analyzer replaced by an unused-access one",
        STEP,
        "is not in place in 1 Region: us-west-2",
        ("accessanalyzer:CreateAnalyzer",),
    ),
)
