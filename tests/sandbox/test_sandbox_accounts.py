"""More than one account: each set of credentials lands in the account that owns it."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from botocore.exceptions import ClientError

from aws_setup_wizard.sandbox import Sandbox, SandboxCredentials, SandboxError


def user_names(iam: Any) -> set[str]:
    return {user["UserName"] for user in iam.list_users()["Users"]}


def test_a_second_account_has_its_own_root_key_and_console_session(
    sandbox_at: Any, client: Any
) -> None:
    sandbox = sandbox_at("fresh")
    other = sandbox.add_account()
    assert other.account_id != sandbox.account_id and len(other.account_id) == 12
    assert [root.account_id for root in sandbox.accounts] == [sandbox.account_id, other.account_id]
    (key,) = other.access_keys()
    assert key.access_key_id != sandbox.root_access_key.access_key_id
    for creds, account_id in [
        (sandbox.console_credentials, sandbox.account_id),
        (sandbox.root_access_key, sandbox.account_id),
        (other.console_session, other.account_id),
        (key.credentials, other.account_id),
    ]:
        identity = client(sandbox, "sts", creds).get_caller_identity()
        assert identity["Account"] == account_id
        assert identity["Arn"] == f"arn:aws:iam::{account_id}:root"


def test_a_user_made_in_one_account_is_invisible_from_the_other(
    sandbox_at: Any, client: Any
) -> None:
    sandbox = sandbox_at("fresh")
    other = sandbox.add_account(account_id="123412341234")
    iam_b = client(sandbox, "iam", other.console_session)
    iam_b.create_user(UserName="bob")
    # bob may read IAM (the sandbox authorizes IAM users as AWS does: no policy, no access).
    iam_b.attach_user_policy(UserName="bob", PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    made = iam_b.create_access_key(UserName="bob")["AccessKey"]
    bob = SandboxCredentials(made["AccessKeyId"], made["SecretAccessKey"])

    assert "bob" in user_names(iam_b)
    assert "bob" not in user_names(client(sandbox, "iam"))
    with pytest.raises(ClientError) as error:
        client(sandbox, "iam").get_user(UserName="bob")
    assert error.value.response["Error"]["Code"] == "NoSuchEntity"
    # The key moto issued to bob signs into bob's account, not the sandbox's first one.
    identity = client(sandbox, "sts", bob).get_caller_identity()
    assert identity["Arn"] == "arn:aws:iam::123412341234:user/bob"
    assert identity["Account"] == "123412341234"
    assert "bob" in user_names(client(sandbox, "iam", bob))


def test_the_same_name_can_exist_in_both_accounts(sandbox_at: Any, client: Any) -> None:
    sandbox = sandbox_at("fresh")
    other = sandbox.add_account()
    client(sandbox, "iam").create_user(UserName="alice")
    client(sandbox, "iam", other.console_session).create_user(UserName="alice")
    arns = {
        client(sandbox, "iam", creds).get_user(UserName="alice")["User"]["Arn"]
        for creds in (sandbox.console_credentials, other.console_session)
    }
    assert arns == {
        f"arn:aws:iam::{sandbox.account_id}:user/alice",
        f"arn:aws:iam::{other.account_id}:user/alice",
    }


def test_root_state_is_per_account(sandbox_at: Any, client: Any) -> None:
    sandbox = sandbox_at("fresh")
    other = sandbox.add_account(scenario="done")
    assert other.mfa_enabled and not other.access_keys_present
    summary_a = client(sandbox, "iam").get_account_summary()["SummaryMap"]
    summary_b = client(sandbox, "iam", other.console_session).get_account_summary()["SummaryMap"]
    assert (summary_a["AccountMFAEnabled"], summary_a["AccountAccessKeysPresent"]) == (0, 1)
    assert (summary_b["AccountMFAEnabled"], summary_b["AccountAccessKeysPresent"]) == (1, 0)
    trails = client(sandbox, "cloudtrail", other.console_session).describe_trails()["trailList"]
    assert [t["TrailARN"].split(":")[4] for t in trails] == [other.account_id]
    assert client(sandbox, "cloudtrail").describe_trails()["trailList"] == []


def test_a_role_assumed_across_accounts_lands_in_the_roles_account(
    sandbox_at: Any, client: Any
) -> None:
    sandbox = sandbox_at("fresh")
    member = sandbox.add_account()
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{sandbox.account_id}:root"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    client(sandbox, "iam", member.console_session).create_role(
        RoleName="OrganizationAccountAccessRole", AssumeRolePolicyDocument=json.dumps(trust)
    )
    assumed = client(sandbox, "sts").assume_role(
        RoleArn=f"arn:aws:iam::{member.account_id}:role/OrganizationAccountAccessRole",
        RoleSessionName="setup",
    )["Credentials"]
    creds = SandboxCredentials(
        assumed["AccessKeyId"], assumed["SecretAccessKey"], assumed["SessionToken"]
    )
    identity = client(sandbox, "sts", creds).get_caller_identity()
    assert identity["Account"] == member.account_id
    assert ":assumed-role/OrganizationAccountAccessRole/setup" in identity["Arn"]


def test_env_names_the_chosen_accounts_credentials(sandbox_at: Any) -> None:
    sandbox = sandbox_at("fresh")
    other = sandbox.add_account()
    env = sandbox.env(account_id=other.account_id)
    assert env["AWS_ACCESS_KEY_ID"] == other.console_session.access_key_id
    assert env["SANDBOX_ROOT_ACCESS_KEY_ID"] == other.access_keys()[0].access_key_id
    assert sandbox.env()["AWS_ACCESS_KEY_ID"] == sandbox.console_credentials.access_key_id
    with pytest.raises(SandboxError):
        sandbox.env(account_id="999999999999")


def test_account_ids_must_be_twelve_digits_and_new(sandbox_at: Any) -> None:
    sandbox = sandbox_at("fresh")
    with pytest.raises(ValueError):
        sandbox.add_account(account_id="1234")
    with pytest.raises(SandboxError):
        sandbox.add_account(account_id=sandbox.account_id)
    with pytest.raises(ValueError):
        sandbox.add_account(scenario="nonsense")
    assert len(sandbox.accounts) == 1


def test_a_reset_leaves_only_the_first_account(sandbox_at: Any, client: Any) -> None:
    sandbox = sandbox_at("fresh")
    other = sandbox.add_account()
    sandbox = sandbox_at("fresh")
    assert [root.account_id for root in sandbox.accounts] == [sandbox.account_id]
    with pytest.raises(ClientError) as error:
        client(sandbox, "sts", other.console_session).get_caller_identity()
    assert error.value.response["Error"]["Code"] == "InvalidClientTokenId"


def console_post(box: Sandbox, page: str, account_id: str | None) -> dict[str, Any]:
    headers = {"Content-Type": "application/json", "X-Sandbox-Secret": box.secret}
    if account_id is not None:
        headers["X-Sandbox-Account-Id"] = account_id
    request = urllib.request.Request(
        f"{box.endpoint_url}/_sandbox/console/{page}", data=b"{}", headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            answer: dict[str, Any] = json.loads(response.read())
            return answer
    except urllib.error.HTTPError as error:
        return {"status": error.code, **json.loads(error.read())}


def test_the_console_acts_in_the_account_it_is_told(sandbox_at: Any) -> None:
    sandbox = sandbox_at("fresh")
    other = sandbox.add_account()
    other_key = other.access_keys()[0].access_key_id
    deleted = console_post(sandbox, "root-keys/delete", other.account_id)
    assert deleted == {"deleted": [other_key]}
    assert sandbox.root_access_key is not None  # the first account's key is untouched
    missing = console_post(sandbox, "root-keys/delete", "999999999999")
    assert missing["status"] == 404 and "999999999999" in missing["error"]
