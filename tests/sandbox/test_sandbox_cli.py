"""The `sandbox` commands, run as real subprocesses, and the AWS CLI against a sandbox."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from aws_setup_wizard.sandbox import Sandbox

PROJECT_ROOT = Path(__file__).resolve().parents[2]

RUN_CLI = "import sys; from aws_setup_wizard.sandbox.cli import main; sys.exit(main(sys.argv[1:]))"


def run_cli(
    *args: str, env: dict[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", RUN_CLI, "sandbox", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_serve_writes_loadable_env_and_stops_on_sigterm(tmp_path: Path, cli_env: Any) -> None:
    env_file = tmp_path / "sandbox.env"
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            RUN_CLI,
            "sandbox",
            "serve",
            "--scenario",
            "done",
            "--env-file",
            str(env_file),
        ],
        cwd=PROJECT_ROOT,
        env=cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + 60
        while not any(line.startswith("AWS_DEFAULT_REGION=") for line in lines):
            assert time.monotonic() < deadline, "sandbox serve did not print its environment"
            line = process.stdout.readline()
            assert line, "sandbox serve exited before printing its environment"
            lines.append(line)
        assert all(line.startswith("#") or "=" in line for line in lines)
        # The heading, and how to reach S3 Control with the AWS CLI.
        comments = [line for line in lines if line.startswith("#")]
        assert len(comments) == 2 and "HTTP_PROXY=http://127.0.0.1:" in comments[1]
        assert env_file.read_text().splitlines()[0].startswith("#")
        # The sandbox's own secret (console, admin API) is in the owner-only file.
        assert "\nSANDBOX_SECRET=" in env_file.read_text()
        assert env_file.stat().st_mode & 0o777 == 0o600
        # Load the file the way a shell user would, and use the sandbox through it.
        probe = (
            "import boto3, json; "
            "print(json.dumps(boto3.client('sts').get_caller_identity()['Arn']))"
        )
        loaded = subprocess.run(
            ["sh", "-c", f'set -a; . "{env_file}"; set +a; exec "{sys.executable}" -c "{probe}"'],
            env=cli_env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert loaded.returncode == 0, loaded.stderr
        assert json.loads(loaded.stdout).endswith(":root")
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0
    assert err == ""  # the request log stays silent


def test_console_commands(sandbox_at: Any, client: Any, cli_env: Any) -> None:
    sandbox: Sandbox = sandbox_at("partial")
    env = cli_env(AWS_ENDPOINT_URL=sandbox.endpoint_url, SANDBOX_SECRET=sandbox.secret)
    sandbox_at("fresh")
    without_secret = run_cli(
        "console", "root-mfa", env=cli_env(AWS_ENDPOINT_URL=sandbox.endpoint_url)
    )
    assert without_secret.returncode == 1 and "SANDBOX_SECRET" in without_secret.stderr
    wrong = run_cli("console", "root-mfa", env={**env, "SANDBOX_SECRET": "guess"})
    assert wrong.returncode == 1 and "X-Sandbox-Secret" in wrong.stderr
    assert sandbox.root.mfa is None  # neither attempt changed anything
    mfa_run = run_cli("console", "root-mfa", env=env)
    assert mfa_run.returncode == 0, mfa_run.stderr
    assert mfa_run.stdout.count("\n") == 1 and "root" in mfa_run.stdout
    assert sandbox.root.mfa is not None and sandbox.root.mfa.seed_base32
    assert sandbox.root.mfa.seed_base32 not in mfa_run.stdout + mfa_run.stderr
    key = sandbox.root_access_key
    assert key is not None
    delete_run = run_cli("console", "delete-root-keys", env=env)
    assert delete_run.returncode == 0 and key.access_key_id in delete_run.stdout
    assert key.secret_access_key not in delete_run.stdout
    flags = client(sandbox, "iam").get_account_summary()["SummaryMap"]
    assert (flags["AccountMFAEnabled"], flags["AccountAccessKeysPresent"]) == (1, 0)

    sandbox_at("partial")
    user_run = run_cli("console", "user-mfa", "admin", env=env)
    assert user_run.returncode == 0, user_run.stderr
    assert len(client(sandbox, "iam").list_mfa_devices(UserName="admin")["MFADevices"]) == 1
    missing_user = run_cli("console", "user-mfa", "nobody", env=env)
    assert missing_user.returncode == 1 and "nobody" in missing_user.stderr


def test_console_without_endpoint_is_a_usage_error(cli_env: Any) -> None:
    result = run_cli("console", "root-mfa", env=cli_env())
    assert result.returncode == 64  # ExitCode.USAGE: 2 means "unknown" everywhere else
    assert "AWS_ENDPOINT_URL" in result.stderr


def test_importing_the_package_is_cheap(cli_env: Any) -> None:
    code = (
        "import sys, aws_setup_wizard.sandbox, aws_setup_wizard.sandbox.console, "
        "aws_setup_wizard.sandbox.cli; "
        "heavy = [m for m in ('moto', 'werkzeug', 'flask') if m in sys.modules]; "
        "print(heavy)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def aws_cli() -> str | None:
    local = Path(sys.executable).parent / "aws"
    return str(local) if local.exists() else shutil.which("aws")


def test_aws_cli_sees_the_done_trail_logging(sandbox_at: Any, cli_env: Any) -> None:
    aws = aws_cli()
    if aws is None:
        pytest.skip("no `aws` command installed")
    sandbox: Sandbox = sandbox_at("done")
    env = cli_env(**sandbox.env())
    result = subprocess.run(
        [
            aws,
            "--endpoint-url",
            sandbox.endpoint_url,
            "--region",
            sandbox.region,
            "--output",
            "json",
            "cloudtrail",
            "get-trail-status",
            "--name",
            "org-audit",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["IsLogging"] is True


def _serve(env_file: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", RUN_CLI, "sandbox", "serve", "--env-file", str(env_file)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while "SANDBOX_PID=" not in (env_file.read_text() if env_file.exists() else ""):
        assert process.poll() is None, "sandbox serve exited early"
        assert time.monotonic() < deadline, "sandbox serve wrote no env file"
        time.sleep(0.1)
    return process


def test_stop_stops_exactly_the_sandbox_of_its_env_file(tmp_path: Path, cli_env: Any) -> None:
    """Issue 12, item 6: two trainees' sandboxes; stopping one leaves the other serving (the
    README's old ``pkill -f 'aws-setup-wizard sandbox serve'`` stopped both)."""
    first_file, second_file = tmp_path / "first.env", tmp_path / "second.env"
    first_file.write_text("stale, readable by others\n")
    first_file.chmod(0o644)
    first = _serve(first_file, cli_env())
    second = _serve(second_file, cli_env())
    try:
        assert first_file.stat().st_mode & 0o777 == 0o600  # an old file is made private too
        stopped = run_cli("stop", "--env-file", str(first_file), env=cli_env())
        assert stopped.returncode == 0, stopped.stderr
        assert "Stopped the sandbox" in stopped.stdout
        assert first.wait(timeout=15) == 0
        assert second.poll() is None  # the other sandbox still serves
        probe = "import boto3; print(boto3.client('sts').get_caller_identity()['Account'])"
        script = f'set -a; . "{second_file}"; set +a; exec "{sys.executable}" -c "{probe}"'
        loaded = subprocess.run(
            ["sh", "-c", script],
            env=cli_env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert loaded.returncode == 0, loaded.stderr
        again = run_cli("stop", "--env-file", str(first_file), env=cli_env())
        assert again.returncode == 0 and "not running any more" in again.stdout
    finally:
        for process in (first, second):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.communicate(timeout=30)


def test_stop_refuses_a_file_that_names_no_sandbox(tmp_path: Path, cli_env: Any) -> None:
    """A pid that is not a sandbox (here: this test's own process) is never signalled."""
    import os

    env_file = tmp_path / "other.env"
    env_file.write_text(f"SANDBOX_PID={os.getpid()}\n")
    refused = run_cli("stop", "--env-file", str(env_file), env=cli_env())
    assert refused.returncode == 64 and "not a sandbox" in refused.stderr
    env_file.write_text("AWS_ENDPOINT_URL=http://127.0.0.1:1\n")
    missing = run_cli("stop", "--env-file", str(env_file), env=cli_env())
    assert missing.returncode == 64 and "SANDBOX_PID" in missing.stderr
