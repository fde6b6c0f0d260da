"""Drift catalogue: root MFA (Security Hub IAM.9 / IAM.6). Data for ``tests/drift/runner.py``.

Starting point: the ``done`` scenario, where root has a virtual MFA device. AWS lets root MFA be
removed in the console (IAM User Guide, "Deactivate an MFA device"); through the API only with
an ``AssumeRoot`` session, which a standalone account lacks. The sandbox console does it (the
drifts of the same names in :mod:`aws_setup_wizard.sandbox.drifts`).
Repair: the console action (the sandbox console's virtual MFA assignment with two codes).
"""

from __future__ import annotations

from tests.drift.runner import CONSOLE, Drift

STEP = "root-mfa"
NO_MFA = "The root user has no MFA"


DRIFTS = (
    Drift("root MFA removed in the console", STEP, NO_MFA, (CONSOLE,)),
    Drift("root's hardware MFA key removed", STEP, NO_MFA, (CONSOLE,)),
    Drift(
        "root's app replaced by a hardware key still passes",
        STEP,
        "hardware key",
        (),
        status="pass",
    ),
)
