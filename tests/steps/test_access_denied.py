"""The wizard run by an IAM user without the permissions: refused by AWS, it names what is missing.

The sandbox authorizes IAM users as AWS does (``tests/sandbox/fidelity/test_authorization.py``);
here the wizard meets that: every write its plans make is refused for a user without policies,
the command line names the missing permission, and the same run works for an administrator.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore import xform_name
from botocore.exceptions import ClientError

from aws_setup_wizard import cli
from aws_setup_wizard.dispatch import resolve
from aws_setup_wizard.errors import ACCESS_DENIED, describe_error, parse_denial
from aws_setup_wizard.options import resolve as resolve_options
from aws_setup_wizard.present import ExitCode
from aws_setup_wizard.sandbox import Sandbox
from aws_setup_wizard.steps import step_by_id
from tests.sandbox_accounts import account_on, console_clients

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
#: Where the IAM action is not ``service:Operation`` (Service Authorization Reference, S3).
IAM_ACTION = {"s3:PutPublicAccessBlock": "s3:PutBucketPublicAccessBlock"}


def trainee(box: Sandbox, *policies: str) -> tuple[str, str]:
    """A new IAM user ``trainee`` with these managed policies and an access key."""
    iam = console_clients(box)("iam")
    iam.create_user(UserName="trainee")
    for arn in policies:
        iam.attach_user_policy(UserName="trainee", PolicyArn=arn)
    key = iam.create_access_key(UserName="trainee")["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


@pytest.fixture
def as_user(sandbox: Callable[[str], Sandbox], monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """``as_user(key)``: point the wizard at the fresh sandbox, signed with that IAM user key."""
    box = sandbox("fresh")

    def use(key: tuple[str, str]) -> None:
        for name, value in box.env().items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("AWS_SESSION_TOKEN")
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", key[0])
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key[1])

    use.box = box  # type: ignore[attr-defined]
    yield use


class _AnyOutput(dict[str, Any]):
    """Outputs of earlier changes that never happened (they were refused): a made-up key ID."""

    def __contains__(self, name: object) -> bool:
        return True

    def __getitem__(self, name: str) -> Any:
        return "1234abcd-12ab-34cd-56ef-1234567890ab"


def test_every_write_of_the_plans_is_refused_and_named(sandbox: Callable[[str], Sandbox]) -> None:
    """Each change admin-user and cloudtrail plan for a fresh account, sent as a user with no
    policies, meets AccessDenied; the wizard's sentence names that change's IAM action."""
    box = sandbox("fresh")
    owner = account_on(box)
    key = trainee(box)
    session = boto3.session.Session(
        aws_access_key_id=key[0], aws_secret_access_key=key[1], region_name=box.region
    )
    sent = []
    for step_id in ("admin-user", "cloudtrail"):
        step = step_by_id(step_id)
        options = resolve_options(step.options, {}, owner.account_id, owner.region)
        for change in step.plan(owner, options).changes:
            if change.call is None:
                continue
            call = change.call
            client = session.client(
                call.service, region_name=call.region or box.region, endpoint_url=box.endpoint_url
            )
            with pytest.raises(ClientError) as error:
                getattr(client, xform_name(call.operation))(**resolve(call.params, _AnyOutput()))
            assert error.value.response["Error"]["Code"] in ACCESS_DENIED, call.action
            denial = parse_denial(error.value.response["Error"]["Message"])
            assert denial is not None and not denial.explicit, call.action
            action = IAM_ACTION.get(call.action, call.action)
            assert denial.action == action
            assert f"grant {action}" in describe_error(error.value)
            sent.append(action)
    assert {"iam:CreateGroup", "iam:CreateUser", "s3:CreateBucket", "kms:CreateKey"} <= set(sent)
    assert "cloudtrail:CreateTrail" in sent and "cloudtrail:StartLogging" in sent
    iam = console_clients(box)("iam")
    assert [u["UserName"] for u in iam.list_users()["Users"]] == ["trainee"]
    assert iam.list_groups()["Groups"] == []


def test_a_user_without_policies_is_told_what_is_missing(
    as_user: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not even the reads are allowed: the run stops before any write, naming the read."""
    as_user(trainee(as_user.box))
    assert cli.main(["apply", "admin-user", "cloudtrail", "--yes"]) == ExitCode.ERROR
    out = capsys.readouterr()
    text = out.out + out.err
    assert "the permission iam:GetAccountAuthorizationDetails" in text
    assert "ask an administrator to grant" in text


def test_a_read_only_user_is_refused_the_first_write_by_name(
    as_user: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """With ReadOnlyAccess the wizard plans, and AWS refuses its first write, iam:CreateGroup."""
    as_user(trainee(as_user.box, READ_ONLY))
    assert cli.main(["apply", "admin-user", "cloudtrail", "--yes"]) == ExitCode.ERROR
    text = capsys.readouterr().out
    assert "FAILED: AWS denied" in text
    assert "the permission iam:CreateGroup on arn:aws:iam::" in text
    assert "ask an administrator to grant iam:CreateGroup" in text
    # Running again would meet the same refusal: the CLI does not suggest it.
    assert cli.RUN_AGAIN not in text
    assert console_clients(as_user.box)("iam").list_groups()["Groups"] == []


def test_a_user_in_an_administrators_group_sets_everything_up(
    as_user: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """Permissions through a group (Security Hub IAM.2) are enough for the whole run."""
    key = trainee(as_user.box)
    iam = console_clients(as_user.box)("iam")
    iam.create_group(GroupName="Operators")
    iam.attach_group_policy(GroupName="Operators", PolicyArn=ADMIN)
    iam.add_user_to_group(GroupName="Operators", UserName="trainee")
    as_user(key)
    # Exit 1: everything was made, and the new admin's MFA is still the owner's to register.
    assert cli.main(["apply", "admin-user", "cloudtrail", "--yes"]) == ExitCode.FAIL
    text = capsys.readouterr().out
    assert "AccessDenied" not in text and "AWS denied" not in text
    trails = console_clients(as_user.box)("cloudtrail").describe_trails()["trailList"]
    assert [t["Name"] for t in trails] == ["account-trail"]


def test_an_explicit_deny_on_create_user_stops_an_administrator(
    as_user: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """AdministratorAccess and a Deny on iam:CreateUser: the Deny wins and is named."""
    key = trainee(as_user.box, ADMIN)
    deny = {"Effect": "Deny", "Action": "iam:CreateUser", "Resource": "*"}
    console_clients(as_user.box)("iam").put_user_policy(
        UserName="trainee",
        PolicyName="no-users",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [deny]}),
    )
    as_user(key)
    assert cli.main(["apply", "admin-user", "--yes"]) == ExitCode.ERROR
    text = capsys.readouterr().out
    assert "the permission iam:CreateUser on arn:aws:iam::" in text
    assert "explicit Deny in an identity-based policy" in text
