"""Honest runs: a half-sandbox is not trusted, and a run that waited for the lock re-plans."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from aws_setup_wizard import cli, journal
from aws_setup_wizard.account import Account
from aws_setup_wizard.lock import account_lock
from aws_setup_wizard.present import ExitCode
from tests.plain.conftest import client

ROOT = Path(__file__).resolve().parents[2]


def test_a_half_sandbox_is_not_a_sandbox(sandbox, monkeypatch, capsys):
    """IAM sent to a real endpoint while the rest goes to the sandbox: no badge, no exemption."""
    box = sandbox("fresh")
    for name, value in box.env().items():
        monkeypatch.setenv(name, value)
    assert Account.from_settings().is_sandbox
    monkeypatch.setenv("AWS_ENDPOINT_URL_IAM", "https://iam.amazonaws.com")
    assert not Account.from_settings().is_sandbox
    assert cli.main(["apply", "admin-user", "--yes"]) == ExitCode.USAGE
    assert "--yes needs --account-id" in capsys.readouterr().err


def test_a_config_file_services_section_counts_too(sandbox, monkeypatch, tmp_path):
    box = sandbox("fresh")
    for name, value in box.env().items():
        monkeypatch.setenv(name, value)
    config = tmp_path / "config"
    config.write_text(
        "[default]\nservices = split\n\n[services split]\nkms =\n"
        "  endpoint_url = https://kms.us-east-1.amazonaws.com\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    assert not Account.from_settings().is_sandbox


@pytest.mark.slow
def test_a_run_that_waited_for_the_lock_plans_again(sandbox, tmp_path):
    box = sandbox("fresh")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({k: v for k, v in box.env().items() if not k.startswith("SANDBOX_")})
    env.update(XDG_STATE_HOME=str(tmp_path), PYTHONPATH=str(ROOT))
    with account_lock(box.account_id, directory=tmp_path / "aws-setup-wizard" / "locks"):
        waiting = subprocess.Popen(
            [sys.executable, "-m", "aws_setup_wizard", "apply", "admin-user", "--yes"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(3)  # it planned five changes and now waits for the lock
        # Meanwhile the other wizard makes the group, its policy and the user.
        iam = client(box, "iam")
        iam.create_group(GroupName="Administrators")
        iam.attach_group_policy(
            GroupName="Administrators", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess"
        )
        iam.create_user(UserName="admin")
    out, err = waiting.communicate(timeout=120)
    assert waiting.returncode in (0, 1), out + err
    assert "Waiting for" in out
    assert "The account changed while this run waited" in out
    assert "already in place" not in out
    made = [
        r["action"]
        for r in journal.read(tmp_path / "aws-setup-wizard" / "journal.jsonl")
        if r["kind"] == "write" and r["outcome"] == "ok"
    ]
    assert made == ["iam:AddUserToGroup", "iam:CreateLoginProfile"]


def test_a_failed_apply_is_journaled_as_failed(sandbox, monkeypatch, capsys, tmp_path):
    """Exit 3 (a change failed) ends the journal's run record as failed, with the reason."""
    from aws_setup_wizard import runner
    from aws_setup_wizard.errors import WizardError

    box = sandbox("fresh")
    for name, value in box.env().items():
        monkeypatch.setenv(name, value)

    def refuse(*_: object, **__: object) -> None:
        raise WizardError("The bucket name was just taken by another AWS account.")

    monkeypatch.setattr(runner, "apply_step", refuse)
    assert cli.main(["apply", "admin-user", "--yes"]) == ExitCode.ERROR
    last = journal.read()[-1]
    assert last["kind"] == "end" and last["outcome"].startswith("failed: admin-user")


def test_no_write_leaves_an_account_outside_a_confirmed_run(sandbox):
    """The one guard: a write through any client without the run's journal is refused."""
    from aws_setup_wizard.account import WriteOutsideRun

    box = sandbox("fresh")
    creds = box.console_credentials
    account = Account.from_settings(
        region=box.region,
        endpoint_url=box.endpoint_url,
        credentials=(creds.access_key_id, creds.secret_access_key, creds.session_token),
    )
    account.client("iam").list_users()  # reads pass
    with pytest.raises(WriteOutsideRun):
        account.client("iam").create_user(UserName="sneaky")
    with pytest.raises(WriteOutsideRun):
        account.client("ssm", "eu-west-1").put_parameter(Name="/x", Value="y", Type="String")
    assert [u["UserName"] for u in client(box, "iam").list_users()["Users"]] == []


def test_registering_the_admins_mfa_asks_for_the_account_first(sandbox):
    """Admin exists without MFA: "register it now" creates a device only after the account
    confirmation, inside the run's lock and journal (it used to be created before)."""
    from aws_setup_wizard.flow import GuidedRun
    from aws_setup_wizard.steps import step_by_id
    from tests.test_flow import RefusesTheAccount, Scripted

    box = sandbox("partial")
    creds = box.console_credentials

    def unjournaled() -> Account:
        # As the guided front ends open it: no journal until the owner confirms the account.
        return Account.from_settings(
            region=box.region,
            endpoint_url=box.endpoint_url,
            credentials=(creds.access_key_id, creds.secret_access_key, creds.session_token),
        )

    refusing = RefusesTheAccount()
    GuidedRun(unjournaled(), refusing).run_step(step_by_id("admin-user"))
    assert refusing.log.index("confirm-account") > refusing.log.index("offer-mfa admin")
    devices = client(box, "iam").list_virtual_mfa_devices()["VirtualMFADevices"]
    assert [d for d in devices if d["SerialNumber"].endswith("mfa/admin")] == []

    accepting = Scripted()
    with GuidedRun(unjournaled(), accepting) as run:
        check = run.run_step(step_by_id("admin-user"))
    assert check is not None and check.passed
    made = [r["action"] for r in journal.read() if r.get("kind") == "write"]
    assert "iam:CreateVirtualMFADevice" in made and "iam:EnableMFADevice" in made


def test_a_slow_answer_says_what_the_run_waits_for(sandbox, monkeypatch, capsys):
    """A write or a verify waiting over 2 s on AWS says so instead of staying silent."""
    from aws_setup_wizard import runner
    from aws_setup_wizard.model import Phase
    from aws_setup_wizard.steps import step_by_id
    from tests.sandbox_accounts import account_on

    box = sandbox("fresh")
    account = account_on(box, "console")
    account.on_every_client("before-send.iam.CreateGroup", lambda **_: time.sleep(2.5))
    events: list = []
    step = step_by_id("admin-user")
    plan = step.plan(account, {"admin_user": "admin", "admin_group": "Administrators"})
    step.apply(account, plan, events.append)
    waits = [e for e in events if e.phase is Phase.WAITING]
    assert [(e.label, e.detail) for e in waits] == [
        ("iam:CreateGroup Administrators", "still waiting for AWS to answer")
    ]

    real_verify = runner.verify
    monkeypatch.setattr(
        runner, "verify", lambda acct, **kw: (time.sleep(2.5), real_verify(acct, **kw))[1]
    )
    for name, value in box.env().items():
        monkeypatch.setenv(name, value)
    cli.main(["verify"])
    assert "Still waiting for AWS to answer" in capsys.readouterr().err
