"""Which Deny statements disarm an administrator: exactly the unconditional Deny on everything."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from aws_setup_wizard.steps import iam_policies


def doc(*statements: dict[str, object]) -> dict[str, object]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


@pytest.mark.parametrize(
    "statement",
    [
        {"Effect": "Deny", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": ["s3:*", "*"], "Resource": ["*"]},
        {"Effect": "Deny", "NotAction": "iam:ChangePassword", "Resource": "*"},
        {"Effect": "Deny", "Action": "*:*", "NotResource": "arn:aws:s3:::x"},
    ],
)
def test_an_unconditional_deny_on_everything_blocks(statement):
    assert iam_policies.blocks_admin(doc(statement))


@pytest.mark.parametrize(
    "statement",
    [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"},
        {"Effect": "Deny", "Action": "*", "Resource": "arn:aws:s3:::logs/*"},
        {
            "Effect": "Deny",
            "Action": "*",
            "Resource": "*",
            "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
        },
    ],
)
def test_a_narrow_or_conditional_deny_does_not(statement):
    assert not iam_policies.blocks_admin(doc(statement))


def test_documents_are_read_as_iam_sends_them():
    deny = doc({"Effect": "Deny", "Action": "*", "Resource": "*"})
    assert iam_policies.blocks_admin(json.dumps(deny))
    assert iam_policies.blocks_admin(quote(json.dumps(deny)))
    assert not iam_policies.blocks_admin("not json")
    assert not iam_policies.blocks_admin(None)


def test_denials_name_the_policy_and_where_it_is():
    deny = doc({"Effect": "Deny", "Action": "*", "Resource": "*"})
    user = {
        "UserName": "alice",
        "GroupList": ["Admins", "Gone"],
        "UserPolicyList": [{"PolicyName": "Ok", "PolicyDocument": doc()}],
        "AttachedManagedPolicies": [{"PolicyArn": "arn:aws:iam::aws:policy/AWSDenyAll"}],
    }
    groups = {
        "Admins": {
            "GroupName": "Admins",
            "GroupPolicyList": [{"PolicyName": "DenyAll", "PolicyDocument": deny}],
            "AttachedManagedPolicies": [],
        }
    }
    found = iam_policies.denials(user, groups, lambda arn: deny if "DenyAll" in arn else None)
    assert [iam_policies.describe(d) for d in found] == [
        "managed policy arn:aws:iam::aws:policy/AWSDenyAll on user alice",
        "inline policy DenyAll on group Admins",
    ]
