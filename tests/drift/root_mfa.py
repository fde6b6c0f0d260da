"""Drift catalogue: root MFA (Security Hub IAM.9 / IAM.6). Data for ``tests/drift/runner.py``.

Starting point: the ``done`` scenario, where root has a virtual MFA device. AWS lets root MFA be
removed in the console (IAM User Guide, "Deactivate an MFA device"); through the API only with
an ``AssumeRoot`` session, which a standalone account lacks. The sandbox console does it.
Repair: the console action (the sandbox console's virtual MFA assignment with two codes).
"""

from __future__ import annotations

from aws_setup_wizard.sandbox import Sandbox, console
from tests.drift.runner import CONSOLE, Drift

STEP = "root-mfa"
NO_MFA = "The root user has no MFA"


def remove_in_console(box: Sandbox) -> None:
    """Whoever holds the root password removes root's MFA device in the console."""
    console.remove_root_mfa(box.endpoint_url)


def switch_to_hardware(box: Sandbox) -> None:
    """The owner replaces the authenticator app with a hardware key."""
    console.remove_root_mfa(box.endpoint_url)
    box.root.enable_hardware_mfa()


def remove_hardware(box: Sandbox) -> None:
    """Root had a hardware key; it is removed in the console (lost key, or an attacker)."""
    switch_to_hardware(box)
    console.remove_root_mfa(box.endpoint_url)


DRIFTS = (
    Drift("root MFA removed in the console", STEP, remove_in_console, NO_MFA, (CONSOLE,)),
    Drift("root's hardware MFA key removed", STEP, remove_hardware, NO_MFA, (CONSOLE,)),
    Drift(
        "root's app replaced by a hardware key still passes",
        STEP,
        switch_to_hardware,
        "hardware key",
        (),
        status="pass",
    ),
)
