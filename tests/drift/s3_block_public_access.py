"""Drift catalogue: account-level S3 Block Public Access (Security Hub S3.1). Data for
``tests/drift/runner.py``.

Starting point: the ``done`` scenario (all four flags on). The drifts are made with S3 Control's
``PutPublicAccessBlock`` / ``DeletePublicAccessBlock`` (Amazon S3 API Reference), as in
:mod:`aws_setup_wizard.sandbox.drifts_guard`. Repair: one ``PutPublicAccessBlock``, all four on.
"""

from __future__ import annotations

from tests.drift.runner import Drift

STEP = "s3-block-public-access"
REPAIR = ("s3control:PutPublicAccessBlock",)

DRIFTS = (
    Drift(
        "account Block Public Access deleted",
        STEP,
        "NoSuchPublicAccessBlockConfiguration",
        REPAIR,
    ),
    Drift("RestrictPublicBuckets turned off", STEP, "RestrictPublicBuckets is off", REPAIR),
    Drift(
        "BlockPublicAcls and BlockPublicPolicy turned off",
        STEP,
        "BlockPublicAcls is off (so not: new public ACLs are refused); BlockPublicPolicy is off",
        REPAIR,
    ),
)
