"""Drift catalogue: the administrator (Security Hub IAM.2, IAM.5). Data for ``runner.py``.

Starting point: the ``done`` scenario: ``alice`` in group ``Admins`` (AdministratorAccess), with
a console password and MFA, no keys, no user policies. Each drift (made by the drift of the same
name in :mod:`aws_setup_wizard.sandbox.drifts`) is what an owner or attacker can do with
ordinary IAM calls; each repair is the step's plan for ``alice``/``Admins``. An explicit Deny
beats any Allow (IAM User Guide, "Policy evaluation logic"), so a Deny on every action, on the
user or its group, inline or managed, disarms the administrator; the common "force MFA" guard
(deny everything unless signed in with MFA) narrows an administrator who skipped MFA without
disarming one, so its verdict stays PASS.
"""

from __future__ import annotations

from tests.drift.runner import CONSOLE, Drift

STEP = "admin-user"
USER, GROUP = "alice", "Admins"
OPTIONS = {"admin_user": USER, "admin_group": GROUP}
NO_ADMIN = "No IAM user has administrator access through a group"
DENIED = "is denied every action by"


def _drift(name: str, reason: str, repair: tuple[str, ...], **more: object) -> Drift:
    return Drift(name, STEP, reason, repair, options=OPTIONS, **more)  # type: ignore[arg-type]


DRIFTS = (
    _drift("admin removed from its group", NO_ADMIN, ("iam:AddUserToGroup",)),
    _drift(
        "AdministratorAccess detached from the group",
        NO_ADMIN,
        ("iam:AttachGroupPolicy",),
    ),
    _drift(
        "the admin group deleted",
        NO_ADMIN,
        ("iam:CreateGroup", "iam:AttachGroupPolicy", "iam:AddUserToGroup"),
    ),
    _drift(
        "inline Deny * on the admin",
        f"{DENIED} inline policy DenyAll on user alice",
        ("iam:DeleteUserPolicy",),
    ),
    _drift(
        "inline Deny * on the admin group",
        f"{DENIED} inline policy DenyAll on group Admins",
        ("iam:DeleteGroupPolicy",),
    ),
    _drift(
        "customer managed Deny * on the admin group",
        f"{DENIED} managed policy arn:aws:iam::210987654321:policy/DenyEverything on group",
        ("iam:DetachGroupPolicy",),
    ),
    _drift(
        "AWSDenyAll attached to the admin",
        f"{DENIED} managed policy arn:aws:iam::aws:policy/AWSDenyAll on user alice",
        ("iam:DetachUserPolicy",),
    ),
    _drift(
        "a Deny * in another group of the admin",
        f"{DENIED} inline policy Lockdown on group Contractors",
        ("iam:DeleteGroupPolicy",),
    ),
    _drift(
        "a force-MFA conditional Deny still passes",
        "Administrator alice signs in",
        (),
        status="pass",
    ),
    _drift(
        "an access key for the admin",
        "has access keys",
        ("iam:DeleteAccessKey",),
    ),
    _drift(
        "the admin's login profile deleted",
        "has no console password",
        ("iam:CreateLoginProfile",),
    ),
    _drift("the admin's MFA deactivated", "has no MFA yet", (CONSOLE,)),
    _drift(
        "a policy attached to the admin directly",
        "has policies on the user itself",
        ("iam:DetachUserPolicy",),
    ),
)
