"""Kill the tool (SIGINT, SIGKILL) right after a write inside a step; a plain re-run finishes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from aws_setup_wizard import journal, runner
from aws_setup_wizard.model import Status
from aws_setup_wizard.steps import step_by_id
from tests.safety.test_fault_matrix import inventory
from tests.sandbox_accounts import account_on
from tests.terminal import run_on_terminal

ROOT = Path(__file__).resolve().parents[2]
POINTS = [
    ("admin-user", "iam:CreateUser"),
    ("admin-user", "iam:CreateLoginProfile"),
    ("cloudtrail", "s3:PutBucketPolicy"),
    ("cloudtrail", "kms:CreateKey"),
    ("cloudtrail", "cloudtrail:CreateTrail"),
]


def child_env(box, state: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({k: v for k, v in box.env().items() if not k.startswith("SANDBOX_")})
    env["XDG_STATE_HOME"] = str(state)
    env["PYTHONPATH"] = str(ROOT)
    return env


@pytest.mark.parametrize("sig", ["SIGINT", "SIGKILL"])
@pytest.mark.parametrize(("step_id", "action"), POINTS)
def test_killed_inside_a_step_then_rerun(sandbox, tmp_path, sig, step_id, action):
    box = sandbox("fresh")
    env = child_env(box, tmp_path)
    command = ["apply", step_id, "--yes"]
    killed = subprocess.run(
        [sys.executable, "-m", "tests.safety.interrupt_child", sig, action, "--", *command],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    if sig == "SIGKILL":
        assert killed.returncode == -9
    else:
        assert killed.returncode == 130, killed.stdout + killed.stderr
        assert "Interrupted" in killed.stdout and "Run the same command again" in killed.stdout
        # The message lists what this run's journal holds as done, the last write included.
        done_so_far = killed.stdout.split("Done so far:", 1)[1].split("\n", 1)[0]
        assert action in done_so_far and "nothing" not in done_so_far
    records = journal.read(tmp_path / "aws-setup-wizard" / "journal.jsonl")
    writes = [r for r in records if r["kind"] == "write"]
    assert writes[-1]["action"] == action and writes[-1]["outcome"] == "ok"
    if sig == "SIGINT":
        assert records[-1]["kind"] == "end" and records[-1]["outcome"] == "interrupted"

    # As an owner re-runs it, on a terminal (where an initial password may be shown).
    rerun = run_on_terminal([sys.executable, "-m", "aws_setup_wizard", *command], env=env, cwd=ROOT)
    assert rerun.returncode in (0, 1), rerun.stdout + rerun.stderr
    if action == "iam:CreateLoginProfile":
        # The password set by the killed run was never shown: the re-run issues a new one.
        assert "iam:UpdateLoginProfile" in rerun.stdout
        assert "Initial console password for admin" in rerun.stdout
    again = run_on_terminal([sys.executable, "-m", "aws_setup_wizard", *command], env=env, cwd=ROOT)
    assert "Initial console password" not in again.stdout  # shown once, not on every run
    account = account_on(box, "console")
    check = runner.recheck(step_by_id(step_id), account)
    if step_id == "admin-user":
        assert check.waiting_on, check.summary  # only the admin's own MFA remains
    else:
        assert check.status is Status.PASS, check.summary
    counts = inventory(account)
    expected = (
        {"users": 1, "groups": 1}
        if step_id == "admin-user"
        else {"trails": 1, "buckets": 1, "kms_keys": 1, "aliases": 1}
    )
    assert {k: counts[k] for k in expected} == expected
