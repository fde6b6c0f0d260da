import time

import pyotp
import pytest

from aws_setup_wizard.model import Status, no_progress
from aws_setup_wizard.options import OptionError, resolve
from aws_setup_wizard.runner import recheck
from aws_setup_wizard.sandbox import console
from aws_setup_wizard.steps.admin_user import (
    AdminUserStep,
    begin_user_mfa,
    complete_user_mfa,
    generate_password,
)

step = AdminUserStep()
DEFAULTS = {"admin_user": "admin", "admin_group": "Administrators"}


def test_fresh_fails_plans_everything_and_passes_after_mfa(account, sandbox_server):
    acct = account("fresh")
    check = step.check(acct)
    assert check.status is Status.FAIL
    assert "No IAM user" in check.summary
    plan = step.plan(acct, DEFAULTS)
    assert [c.action for c in plan.changes] == [
        "iam:CreateGroup",
        "iam:AttachGroupPolicy",
        "iam:CreateUser",
        "iam:AddUserToGroup",
        "iam:CreateLoginProfile",
    ]
    outcome = step.apply(acct, plan, no_progress)
    assert outcome.reveal["user"] == "admin"
    assert len(outcome.reveal["password"]) == 24
    iam = acct.client("iam")
    assert iam.get_login_profile(UserName="admin")["LoginProfile"]["PasswordResetRequired"]
    # Fails only for want of MFA, and says it waits on the admin's first sign-in.
    after = recheck(step, acct)
    assert after.status is Status.FAIL
    assert "MFA" in after.summary
    assert after.waiting_on and "first sign-in" in after.waiting_on
    assert (
        after.evidence["signin_url"] == f"https://{acct.account_id}.signin.aws.amazon.com/console"
    )
    second = step.plan(acct, DEFAULTS)
    assert second.changes == ()
    assert second.console is not None  # the admin's own MFA registration
    console.register_user_mfa(sandbox_server.endpoint_url, "admin")
    assert recheck(step, acct).status is Status.PASS
    assert step.plan(acct, DEFAULTS).empty


def test_mfa_registered_through_the_api_with_two_consecutive_codes(account):
    acct = account("partial")
    enrollment = begin_user_mfa(acct, "admin")
    assert enrollment.otpauth_uri.startswith("otpauth://totp/")
    totp = pyotp.TOTP(enrollment.secret_base32)
    now = time.time()
    complete_user_mfa(acct, "admin", enrollment, totp.at(now), totp.at(now + 30))
    assert step.check(acct).status is Status.PASS


def test_finds_admins_by_what_they_are_not_by_name(account):
    check = step.check(account("done"))
    assert check.status is Status.PASS
    assert "alice" in check.summary
    assert check.evidence["admin_groups"] == ["Admins"]
    assert step.plan(account("done"), DEFAULTS).empty


def test_user_with_keys_and_direct_policy_is_not_sound(account):
    acct = account("partial")
    iam = acct.client("iam")
    iam.create_access_key(UserName="admin")
    iam.attach_user_policy(UserName="admin", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    check = step.check(acct)
    assert check.status is Status.FAIL
    assert "access keys" in check.summary and "IAM.2" in check.summary
    plan = step.plan(acct, DEFAULTS)
    actions = [c.action for c in plan.changes]
    assert actions == ["iam:DeleteAccessKey", "iam:DetachUserPolicy"]
    assert plan.destructive
    step.apply(acct, plan, no_progress)
    assert iam.list_access_keys(UserName="admin")["AccessKeyMetadata"] == []
    assert iam.list_attached_user_policies(UserName="admin")["AttachedPolicies"] == []


def test_interrupted_apply_is_finished_by_a_rerun(account):
    acct = account("fresh")
    plan = step.plan(acct, DEFAULTS)
    partial = type(plan)(plan.step_id, plan.changes[:3], plan.console, plan.notes, plan.context)
    step.apply(acct, partial, no_progress)  # group, policy, user; then "Ctrl-C"
    rest = step.plan(acct, DEFAULTS)
    assert [c.action for c in rest.changes] == ["iam:AddUserToGroup", "iam:CreateLoginProfile"]
    step.apply(acct, rest, no_progress)
    assert step.plan(acct, DEFAULTS).changes == ()
    iam = acct.client("iam")
    assert len(iam.list_users()["Users"]) == 1
    assert len(iam.list_groups()["Groups"]) == 1


@pytest.mark.parametrize(
    "name",
    ["", "a" * 65, "ad min", "admin/x", "аdmin", "admin;rm -rf", "admin\n", "<script>"],
)
def test_invalid_user_names_refused_before_any_call(name):
    with pytest.raises(OptionError) as refused:
        resolve(step.options, {"admin_user": name}, "123456789012", "us-east-1")
    assert "Administrator user name" in str(refused.value)


def test_generated_passwords_hold_every_character_class():
    for _ in range(50):
        password = generate_password()
        assert any(c.isupper() for c in password)
        assert any(c.islower() for c in password)
        assert any(c.isdigit() for c in password)
        assert any(not c.isalnum() for c in password)


def test_the_initial_password_meets_the_account_password_policy(account):
    """An account policy of 40 characters: the generated password has at least 40."""
    acct = account("fresh")
    acct.client("iam").update_account_password_policy(
        MinimumPasswordLength=40, RequireSymbols=True, RequireNumbers=True
    )
    plan = step.plan(acct, {"admin_user": "admin", "admin_group": "Administrators"})
    outcome = step.apply(acct, plan, no_progress)
    assert len(outcome.reveal["password"]) >= 40
