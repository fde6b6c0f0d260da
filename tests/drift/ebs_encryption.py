"""Drift catalogue: EBS encryption by default in every enabled Region (Security Hub EC2.7).
Data for ``tests/drift/runner.py``.

Starting point: the ``done`` scenario (the setting on in all 17 default Regions, the AWS managed
default key). The drifts are made per Region, as in
:mod:`aws_setup_wizard.sandbox.drifts_ebs`. Repair: one ``EnableEbsEncryptionByDefault`` for each
Region the check names, and nothing for a customer managed default key.
"""

from __future__ import annotations

from tests.drift.runner import Drift

STEP = "ebs-encryption"
ENABLE = "ec2:EnableEbsEncryptionByDefault"

DRIFTS = (
    Drift(
        "EBS encryption by default turned off in one Region",
        STEP,
        "not in place in 1 Region: eu-west-2",
        (ENABLE,),
    ),
    Drift(
        "EBS encryption by default turned off in three Regions",
        STEP,
        "not in place in 3 Regions: ap-southeast-2, sa-east-1, us-east-1",
        (ENABLE, ENABLE, ENABLE),
    ),
    Drift(
        "an opt-in Region enabled without EBS encryption by default",
        STEP,
        "not in place in 1 Region: af-south-1",
        (ENABLE,),
    ),
    Drift(
        "a customer managed default key for EBS still passes",
        STEP,
        "in place in every Region checked (17)",
        (),
        status="pass",
    ),
)
