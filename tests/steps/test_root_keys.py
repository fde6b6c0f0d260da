import pytest
from botocore.exceptions import ClientError

from aws_setup_wizard.model import Status, no_progress
from aws_setup_wizard.runner import recheck
from aws_setup_wizard.sandbox import console
from aws_setup_wizard.steps.root_keys import RootAccessKeysStep
from tests.sandbox_accounts import account_on

step = RootAccessKeysStep()


def test_fresh_fails_and_root_key_sees_its_own_key_with_last_use(account, sandbox_server):
    acct = account("fresh", "root")
    check = step.check(acct)
    assert check.status is Status.FAIL
    keys = check.evidence["keys"]
    assert [k["access_key_id"] for k in keys] == [sandbox_server.root_access_key.access_key_id]


def test_signed_with_root_key_deletes_all_keys_signing_key_last(account, sandbox_server):
    acct = account("fresh", "root")
    signing = sandbox_server.root_access_key.access_key_id
    # A second root key, as an owner who created two.
    other = acct.client("iam").create_access_key()["AccessKey"]["AccessKeyId"]
    plan = step.plan(acct, {})
    assert [c.call.params["AccessKeyId"] for c in plan.changes] == [other, signing]
    assert all(change.destructive for change in plan.changes)
    assert "deleted last" in plan.notes[0]
    outcome = step.apply(acct, plan, no_progress)
    assert outcome.ended_session
    # The deleted key no longer works, as in AWS.
    with pytest.raises(ClientError) as denied:
        acct.client("sts").get_caller_identity()
    assert denied.value.response["Error"]["Code"] == "InvalidClientTokenId"
    # The console session still works and sees no root keys.
    session = account_on(sandbox_server, "console")
    assert recheck(step, session).status is Status.PASS
    assert step.plan(session, {}).empty


def test_console_session_cannot_list_root_keys_so_plan_is_a_console_action(account, sandbox_server):
    acct = account("fresh", "console")
    check = step.check(acct)
    assert check.status is Status.FAIL
    assert "keys" not in check.evidence
    plan = step.plan(acct, {})
    assert not plan.changes
    assert plan.console.sandbox_command == "aws-setup-wizard sandbox console delete-root-keys"
    console.delete_root_keys(sandbox_server.endpoint_url)
    assert step.check(acct).status is Status.PASS


def test_drifted_recreated_root_key_fails_again(account):
    assert step.check(account("drifted")).status is Status.FAIL
    assert step.check(account("done")).status is Status.PASS
