import pytest
from botocore.exceptions import ClientError

from aws_setup_wizard.errors import WizardError
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


def _admin_who_can_sign_in(acct) -> None:
    iam = acct.client("iam")
    iam.create_group(GroupName="Administrators")
    iam.attach_group_policy(
        GroupName="Administrators", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess"
    )
    iam.create_user(UserName="admin")
    iam.add_user_to_group(GroupName="Administrators", UserName="admin")
    iam.create_login_profile(
        UserName="admin", Password="Initial-Passw0rd-" + "x" * 8, PasswordResetRequired=True
    )


def test_signed_with_root_key_deletes_all_keys_signing_key_last(account, sandbox_server):
    acct = account("fresh", "root")
    signing = sandbox_server.root_access_key.access_key_id
    # A second root key, as an owner who created two.
    other = acct.client("iam").create_access_key()["AccessKey"]["AccessKeyId"]
    _admin_who_can_sign_in(acct)  # another way in: the last key may go
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


def test_the_last_way_in_is_kept_without_another(account, sandbox_server, monkeypatch):
    """Issue 12, item 7: no administrator and no word that root can sign in: the other root
    key goes, the key the wizard runs on stays, and the refusal says what to do next."""
    monkeypatch.setattr("aws_setup_wizard.steps.root_keys.WAY_IN_DELAYS", (0.0,))
    acct = account("fresh", "root")
    signing = sandbox_server.root_access_key.access_key_id
    other = acct.client("iam").create_access_key()["AccessKey"]["AccessKeyId"]
    plan = step.plan(acct, {})
    assert "only if an administrator who can sign in exists" in plan.changes[-1].why
    with pytest.raises(WizardError) as kept:
        step.apply(acct, plan, no_progress)
    assert "Kept root access key" in str(kept.value)
    assert "--root-sign-in-confirmed" in str(kept.value)
    keys = [k["AccessKeyId"] for k in acct.client("iam").list_access_keys()["AccessKeyMetadata"]]
    assert keys == [signing] and other not in keys  # still signing requests: still a way in


def test_root_mfa_and_the_owners_word_let_the_last_key_go(account, sandbox_server):
    """Root has MFA and the owner confirms they can sign in as root: the last key is deleted
    with no administrator; without root MFA the same word is not enough."""
    acct = account("fresh", "root")
    no_mfa = step.plan(acct, {"root_sign_in_confirmed": True})
    assert no_mfa.changes[-1].precondition is not None
    console.enable_root_mfa(sandbox_server.endpoint_url)
    plan = step.plan(acct, {"root_sign_in_confirmed": True})
    assert plan.changes[-1].precondition is None
    assert "sign in to the console as root" in plan.notes[0]
    assert step.apply(acct, plan, no_progress).ended_session


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
