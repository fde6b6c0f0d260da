"""Drift catalogue: the administrator (Security Hub IAM.2, IAM.5). Data for ``runner.py``.

Starting point: the ``done`` scenario: ``alice`` in group ``Admins`` (AdministratorAccess), with
a console password and MFA, no keys, no user policies. Each drift is what an owner or attacker
can do with ordinary IAM calls; each repair is the step's plan for ``alice``/``Admins``. An
explicit Deny beats any Allow (IAM User Guide, "Policy evaluation logic"), so a Deny on every
action, on the user or its group, inline or managed, disarms the administrator.
"""

from __future__ import annotations

import json

from aws_setup_wizard.sandbox import Sandbox
from tests.drift.runner import CONSOLE, Drift, client

STEP = "admin-user"
USER, GROUP = "alice", "Admins"
OPTIONS = {"admin_user": USER, "admin_group": GROUP}
ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"
NO_ADMIN = "No IAM user has administrator access through a group"
DENIED = "is denied every action by"

DENY_ALL = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}
)
# The common "force MFA" guard: deny everything unless signed in with MFA. It narrows an
# administrator who skipped MFA; it does not disarm one, so the verdict stays PASS.
DENY_WITHOUT_MFA = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Action": "*",
                "Resource": "*",
                "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
            }
        ],
    }
)


def remove_from_group(box: Sandbox) -> None:
    """``RemoveUserFromGroup``: alice is no longer an administrator."""
    client(box, "iam").remove_user_from_group(GroupName=GROUP, UserName=USER)


def detach_group_policy(box: Sandbox) -> None:
    """``DetachGroupPolicy``: the group no longer grants AdministratorAccess."""
    client(box, "iam").detach_group_policy(GroupName=GROUP, PolicyArn=ADMIN_ARN)


def delete_group(box: Sandbox) -> None:
    """The group is emptied, its policy detached, and deleted (IAM refuses otherwise)."""
    iam = client(box, "iam")
    iam.remove_user_from_group(GroupName=GROUP, UserName=USER)
    iam.detach_group_policy(GroupName=GROUP, PolicyArn=ADMIN_ARN)
    iam.delete_group(GroupName=GROUP)


def inline_deny_on_user(box: Sandbox) -> None:
    """``PutUserPolicy`` with Deny * on *: an explicit Deny beats AdministratorAccess."""
    client(box, "iam").put_user_policy(UserName=USER, PolicyName="DenyAll", PolicyDocument=DENY_ALL)


def inline_deny_on_group(box: Sandbox) -> None:
    """``PutGroupPolicy`` with Deny * on * on the admin group itself."""
    client(box, "iam").put_group_policy(
        GroupName=GROUP, PolicyName="DenyAll", PolicyDocument=DENY_ALL
    )


def managed_deny_on_group(box: Sandbox) -> None:
    """A customer managed Deny * policy attached to the admin group."""
    iam = client(box, "iam")
    arn = iam.create_policy(PolicyName="DenyEverything", PolicyDocument=DENY_ALL)["Policy"]["Arn"]
    iam.attach_group_policy(GroupName=GROUP, PolicyArn=arn)


def aws_deny_all_on_user(box: Sandbox) -> None:
    """AWS's own managed ``AWSDenyAll`` attached to alice."""
    client(box, "iam").attach_user_policy(
        UserName=USER, PolicyArn="arn:aws:iam::aws:policy/AWSDenyAll"
    )


def deny_in_another_group(box: Sandbox) -> None:
    """alice also joins a second group whose inline policy denies everything."""
    iam = client(box, "iam")
    iam.create_group(GroupName="Contractors")
    iam.put_group_policy(GroupName="Contractors", PolicyName="Lockdown", PolicyDocument=DENY_ALL)
    iam.add_user_to_group(GroupName="Contractors", UserName=USER)


def force_mfa_guard(box: Sandbox) -> None:
    """A conditional Deny (no MFA, no access) on the group: still an administrator."""
    client(box, "iam").put_group_policy(
        GroupName=GROUP, PolicyName="ForceMFA", PolicyDocument=DENY_WITHOUT_MFA
    )


def access_key_for_admin(box: Sandbox) -> None:
    """``CreateAccessKey`` for alice: a long-lived admin key (CIS v5.0 1.10)."""
    client(box, "iam").create_access_key(UserName=USER)


def delete_login_profile(box: Sandbox) -> None:
    """``DeleteLoginProfile``: alice can no longer sign in to the console."""
    client(box, "iam").delete_login_profile(UserName=USER)


def deactivate_admin_mfa(box: Sandbox) -> None:
    """``DeactivateMFADevice`` for alice: console sign-in without MFA (IAM.5)."""
    iam = client(box, "iam")
    for device in iam.list_mfa_devices(UserName=USER)["MFADevices"]:
        iam.deactivate_mfa_device(UserName=USER, SerialNumber=device["SerialNumber"])


def policy_on_user(box: Sandbox) -> None:
    """A managed policy attached to alice herself, not through a group (IAM.2)."""
    client(box, "iam").attach_user_policy(
        UserName=USER, PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess"
    )


def _drift(name: str, make: object, reason: str, repair: tuple[str, ...], **more: object) -> Drift:
    return Drift(name, STEP, make, reason, repair, options=OPTIONS, **more)  # type: ignore[arg-type]


DRIFTS = (
    _drift("admin removed from its group", remove_from_group, NO_ADMIN, ("iam:AddUserToGroup",)),
    _drift(
        "AdministratorAccess detached from the group",
        detach_group_policy,
        NO_ADMIN,
        ("iam:AttachGroupPolicy",),
    ),
    _drift(
        "the admin group deleted",
        delete_group,
        NO_ADMIN,
        ("iam:CreateGroup", "iam:AttachGroupPolicy", "iam:AddUserToGroup"),
    ),
    _drift(
        "inline Deny * on the admin",
        inline_deny_on_user,
        f"{DENIED} inline policy DenyAll on user alice",
        ("iam:DeleteUserPolicy",),
    ),
    _drift(
        "inline Deny * on the admin group",
        inline_deny_on_group,
        f"{DENIED} inline policy DenyAll on group Admins",
        ("iam:DeleteGroupPolicy",),
    ),
    _drift(
        "customer managed Deny * on the admin group",
        managed_deny_on_group,
        f"{DENIED} managed policy arn:aws:iam::210987654321:policy/DenyEverything on group",
        ("iam:DetachGroupPolicy",),
    ),
    _drift(
        "AWSDenyAll attached to the admin",
        aws_deny_all_on_user,
        f"{DENIED} managed policy arn:aws:iam::aws:policy/AWSDenyAll on user alice",
        ("iam:DetachUserPolicy",),
    ),
    _drift(
        "a Deny * in another group of the admin",
        deny_in_another_group,
        f"{DENIED} inline policy Lockdown on group Contractors",
        ("iam:DeleteGroupPolicy",),
    ),
    _drift(
        "a force-MFA conditional Deny still passes",
        force_mfa_guard,
        "Administrator alice signs in",
        (),
        status="pass",
    ),
    _drift(
        "an access key for the admin",
        access_key_for_admin,
        "has access keys",
        ("iam:DeleteAccessKey",),
    ),
    _drift(
        "the admin's login profile deleted",
        delete_login_profile,
        "has no console password",
        ("iam:CreateLoginProfile",),
    ),
    _drift("the admin's MFA deactivated", deactivate_admin_mfa, "has no MFA yet", (CONSOLE,)),
    _drift(
        "a policy attached to the admin directly",
        policy_on_user,
        "has policies on the user itself",
        ("iam:DetachUserPolicy",),
    ),
)
