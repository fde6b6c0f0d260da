"""Drift catalogue: GuardDuty in every enabled Region (AWS Startup Security Baseline ACCT.11,
Security Hub GuardDuty.1). Data for ``tests/drift/runner.py``.

Starting point: the ``done`` scenario (an enabled detector in each of the 17 default Regions).
The drifts are made with ``UpdateDetector`` / ``DeleteDetector`` in the Region concerned
(GuardDuty API Reference), as in :mod:`aws_setup_wizard.sandbox.drifts_guardduty`. Repair: one
change per Region at fault, ``UpdateDetector(Enable=true)`` for a suspended detector,
``CreateDetector(Enable=true)`` where there is none, in Region order.
"""

from __future__ import annotations

from aws_setup_wizard.sandbox.drifts_guardduty import DELETED_REGION, SUSPENDED_REGION
from tests.drift.runner import Drift

STEP = "guardduty"
RESUME, CREATE = "guardduty:UpdateDetector", "guardduty:CreateDetector"

DRIFTS = (
    Drift(
        "GuardDuty suspended in one Region",
        STEP,
        f"not in place in 1 Region: detector suspended in {SUSPENDED_REGION}.",
        (RESUME,),
    ),
    Drift(
        "GuardDuty detector deleted in one Region",
        STEP,
        f"not in place in 1 Region: no detector in {DELETED_REGION}.",
        (CREATE,),
    ),
    Drift(
        "GuardDuty suspended in one Region and deleted in another",
        STEP,
        f"in 2 Regions: no detector in {DELETED_REGION}; detector suspended in {SUSPENDED_REGION}.",
        # ap-southeast-2 sorts before eu-north-1: the plan goes in Region order.
        (CREATE, RESUME),
    ),
    Drift(
        "GuardDuty S3 Protection turned off still passes",
        STEP,
        "in place in every Region checked (17)",
        (),
        status="pass",
    ),
)
