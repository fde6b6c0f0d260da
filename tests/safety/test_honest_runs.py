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
