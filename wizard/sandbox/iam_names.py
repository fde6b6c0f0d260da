"""IAM's name and path rules, checked before moto sees a create or rename.

moto stores any name it is given, control characters included, and then every listing that
contains it is XML no client can parse. AWS refuses such names at the door with a
``ValidationError`` naming each broken constraint (IAM API Reference, the request parameters
of CreateUser, UpdateUser, CreateGroup, UpdateGroup, CreateRole, CreatePolicy,
CreateInstanceProfile, CreateVirtualMFADevice, Put{User,Group,Role}Policy; IAM User Guide,
"IAM and AWS STS quotas" → "IAM name requirements"). Names are also unique without regard to
case ("you cannot create resources named both TESTUSER and testuser"), which moto ignores.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aws_setup_wizard.sandbox import backends
from aws_setup_wizard.sandbox.call import Call
from aws_setup_wizard.sandbox.protocol import Response, error_response


@dataclass(frozen=True)
class Rule:
    """One parameter's constraints as the API Reference states them."""

    member: str  # how AWS names the parameter in its message (lowerCamelCase)
    max_length: int
    pattern: str  # shown in the message exactly as AWS prints it
    regex: re.Pattern[str]


# ``\w`` is Java's ASCII word class in AWS's patterns, hence re.ASCII.
_NAME = r"[\w+=,.@-]+"
_NAME_RE = re.compile(_NAME, re.ASCII)
_PATH = r"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)"
_PATH_RE = re.compile(r"/|/[\x21-\x7e]+/")


def _name(member: str, max_length: int) -> Rule:
    return Rule(member, max_length, _NAME, _NAME_RE)


def _path(member: str) -> Rule:
    return Rule(member, 512, _PATH, _PATH_RE)


#: action -> {parameter: rule}; lengths from each action's page of the IAM API Reference.
RULES: dict[str, dict[str, Rule]] = {
    "CreateUser": {"UserName": _name("userName", 64), "Path": _path("path")},
    "UpdateUser": {
        "UserName": _name("userName", 128),
        "NewUserName": _name("newUserName", 64),
        "NewPath": _path("newPath"),
    },
    "CreateGroup": {"GroupName": _name("groupName", 128), "Path": _path("path")},
    "UpdateGroup": {
        "GroupName": _name("groupName", 128),
        "NewGroupName": _name("newGroupName", 128),
        "NewPath": _path("newPath"),
    },
    "CreateRole": {"RoleName": _name("roleName", 64), "Path": _path("path")},
    "CreatePolicy": {"PolicyName": _name("policyName", 128), "Path": _path("path")},
    "CreateInstanceProfile": {
        "InstanceProfileName": _name("instanceProfileName", 128),
        "Path": _path("path"),
    },
    "CreateVirtualMFADevice": {
        "VirtualMFADeviceName": _name("virtualMFADeviceName", 226),
        "Path": _path("path"),
    },
    "PutUserPolicy": {"UserName": _name("userName", 128), "PolicyName": _name("policyName", 128)},
    "PutGroupPolicy": {
        "GroupName": _name("groupName", 128),
        "PolicyName": _name("policyName", 128),
    },
    "PutRolePolicy": {"RoleName": _name("roleName", 64), "PolicyName": _name("policyName", 128)},
    "CreateLoginProfile": {"UserName": _name("userName", 64)},
    "UpdateLoginProfile": {"UserName": _name("userName", 64)},
}


def shown(value: str) -> str:
    """The value as the message shows it; characters XML cannot carry become ``\\uXXXX``.

    AWS's own rendering of such characters is not documented; XML 1.0 cannot hold them even
    as character references, so the sandbox spells them out rather than break the response.
    """
    return "".join(ch if ch.isprintable() or ch == " " else f"\\u{ord(ch):04X}" for ch in value)


def violations(action: str, params: dict[str, str]) -> list[str]:
    """Each broken constraint of the call, worded as AWS words it (empty when all hold)."""
    found: list[str] = []
    for parameter, rule in RULES.get(action, {}).items():
        value = params.get(parameter)
        if value is None:
            continue  # required parameters are botocore's and moto's to insist on
        prefix = f"Value '{shown(value)}' at '{rule.member}' failed to satisfy constraint: "
        if len(value) < 1:
            found.append(prefix + "Member must have length greater than or equal to 1")
        if len(value) > rule.max_length:
            found.append(
                prefix + f"Member must have length less than or equal to {rule.max_length}"
            )
        if value and not rule.regex.fullmatch(value):
            found.append(prefix + f"Member must satisfy regular expression pattern: {rule.pattern}")
    return found


def validation_error(messages: list[str]) -> Response:
    """AWS's ``ValidationError``: "N validation error(s) detected: A; B"."""
    count = len(messages)
    plural = "s" if count > 1 else ""
    text = f"{count} validation error{plural} detected: " + "; ".join(messages)
    return error_response("iam", "ValidationError", text, 400)


#: action -> (parameter holding the new name, where moto keeps that kind, word in the error).
_UNIQUE: dict[str, tuple[str, Callable[[Any], dict[str, Any]], str]] = {
    "CreateUser": ("UserName", lambda iam: iam.users, "User"),
    "CreateGroup": ("GroupName", lambda iam: iam.groups, "Group"),
    "CreateRole": ("RoleName", lambda iam: iam.roles, "Role"),
}


def _taken_ignoring_case(call: Call) -> Response | None:
    unique = _UNIQUE.get(call.request.action)
    if unique is None:
        return None
    parameter, existing, kind = unique
    wanted = call.request.params.get(parameter, "")
    held = existing(backends.iam(call.account_id))
    names = {getattr(entity, "name", key) for key, entity in held.items()}
    clash = next((name for name in names if name.lower() == wanted.lower()), None)
    if clash is None or clash == wanted:
        return None  # an exact duplicate is moto's to refuse, as it does
    return error_response(
        "iam", "EntityAlreadyExists", f"{kind} with name {wanted} already exists.", 409
    )


def check(call: Call) -> Response | None:
    """AWS's refusal of the call's names and paths, or ``None`` when they are acceptable."""
    broken = violations(call.request.action, call.request.params)
    if broken:
        return validation_error(broken)
    return _taken_ignoring_case(call)
