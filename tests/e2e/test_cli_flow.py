"""The issue's whole command-line story, as separate processes over real HTTP.

serve fresh → verify (all fail) → console root MFA → apply with the root key (deletes itself
last) → console user MFA → verify exits 0 → a second apply changes nothing → the AWS CLI sees
the trail logging. Told twice: on an instant sandbox and on ``sandbox serve --realistic``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.terminal import run_on_terminal

pytestmark = pytest.mark.slow


def load_env(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value
    return values


#: ``sandbox serve --realistic`` in tests: short delays, but a flow trusting one read fails.
REALISTIC_ENV = {"SANDBOX_IAM_LAG_SECONDS": "1", "SANDBOX_BUCKET_POLICY_SECONDS": "1.5"}


@contextmanager
def serving(
    folder: Path,
    scenario: str,
    extra_env: Mapping[str, str] | None = None,
    *,
    realistic: bool = False,
) -> Iterator[dict[str, str]]:
    """A sandbox in its own process (``sandbox serve``); yields its env file's variables."""
    env_file = folder / "sandbox.env"
    if realistic:
        extra_env = {**REALISTIC_ENV, **(extra_env or {})}
    process = subprocess.Popen(
        [sys.executable, "-m", "aws_setup_wizard", "sandbox", "serve", "--scenario", scenario]
        + ["--env-file", str(env_file)]
        + (["--realistic"] if realistic else []),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(extra_env or {})},
    )
    deadline = time.monotonic() + 30
    while not (env_file.exists() and env_file.read_text().strip()):
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        assert time.monotonic() < deadline, "sandbox did not start"
        time.sleep(0.05)
    yield load_env(env_file)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0


@pytest.fixture
def served_realistic(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A ``fresh`` sandbox in its own process, in realistic mode (``--realistic``)."""
    with serving(tmp_path, "fresh", realistic=True) as env:
        yield env


def run(
    env: dict[str, str], *args: str, root_key: bool = False, terminal: bool = False
) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    # The sandbox's secret too: `sandbox console …` needs it, as an owner's loaded env file has it.
    full.update({k: v for k, v in env.items() if not k.startswith("SANDBOX_")})
    full["SANDBOX_SECRET"] = env["SANDBOX_SECRET"]
    full["AWS_CONFIG_FILE"] = full["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    if root_key:
        full["AWS_ACCESS_KEY_ID"] = env["SANDBOX_ROOT_ACCESS_KEY_ID"]
        full["AWS_SECRET_ACCESS_KEY"] = env["SANDBOX_ROOT_SECRET_ACCESS_KEY"]
        full.pop("AWS_SESSION_TOKEN", None)
    if terminal:
        # As an owner runs it: the initial password is printed only to a terminal.
        return run_on_terminal([sys.executable, "-m", "aws_setup_wizard", *args], env=full)
    return subprocess.run(
        [sys.executable, "-m", "aws_setup_wizard", *args],
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
    )


#: The design card's four steps (the guardrails have their own story: test_guardrails_cli.py).
ESSENTIALS = ("root-mfa", "root-access-keys", "admin-user", "cloudtrail")


def test_the_whole_story(served_fresh: dict[str, str]) -> None:
    the_whole_story(served_fresh)
    the_aws_cli_sees_the_trail_logging(served_fresh)


def test_the_whole_story_in_realistic_mode(served_realistic: dict[str, str]) -> None:
    """The same story with IAM reads lagging writes and CloudTrail refusing a bucket whose
    policy just changed: the wizard waits out the refusal (and says so) and re-checks."""
    out = the_whole_story(served_realistic)
    assert "CloudTrail does not see the new bucket policy yet" in out
    the_aws_cli_sees_the_trail_logging(served_realistic)


def the_whole_story(served: dict[str, str]) -> str:
    """Run the story; returns the output of its apply."""
    first = run(served, "verify", "--json")
    assert first.returncode == 1, first.stderr
    document = json.loads(first.stdout)
    assert [s["id"] for s in document["steps"]][:4] == list(ESSENTIALS)
    assert {s["status"] for s in document["steps"]} == {"fail"}
    assert document["caller"] == f"arn:aws:iam::{document['account_id']}:root"

    assert run(served, "sandbox", "console", "root-mfa").returncode == 0

    applied = run(
        served,
        "apply",
        "admin-user",
        "cloudtrail",
        "root-access-keys",
        "--yes",
        root_key=True,
        terminal=True,
    )
    assert applied.returncode == 1, applied.stdout + applied.stderr  # admin MFA still to do
    out = applied.stdout
    assert (
        out.index("iam:CreateUser")
        < out.index("cloudtrail:CreateTrail")
        < out.index("iam:DeleteAccessKey")
    )
    assert "this session ends here, as expected" in out
    assert "Initial console password for admin" in out

    assert run(served, "sandbox", "console", "user-mfa", "admin").returncode == 0

    final = run(served, "verify", *ESSENTIALS)
    assert final.returncode == 0, final.stdout + final.stderr
    assert "4 of 4 steps pass" in final.stdout

    again = run(served, "apply", "admin-user", "cloudtrail", "root-access-keys", "--yes")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Nothing to do" in again.stdout

    return out


def the_aws_cli_sees_the_trail_logging(served: dict[str, str]) -> None:
    """The story's last part: the AWS CLI sees the trail logging (skipped without the CLI)."""
    aws = shutil.which("aws", path=str(Path(sys.executable).parent)) or shutil.which("aws")
    if aws is None:
        pytest.skip("the AWS CLI is not installed")
    full = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    full.update({k: v for k, v in served.items() if not k.startswith("SANDBOX_")})
    full["AWS_CONFIG_FILE"] = full["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    status = subprocess.run(
        [
            aws,
            "--endpoint-url",
            served["AWS_ENDPOINT_URL"],
            "cloudtrail",
            "get-trail-status",
            "--name",
            "account-trail",
        ],
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["IsLogging"] is True


def test_apply_without_yes_and_without_a_terminal_changes_nothing(
    served_fresh: dict[str, str],
) -> None:
    served = served_fresh
    refused = run(served, "apply", "admin-user")
    assert refused.returncode == 3
    assert "nothing was changed" in refused.stderr
    assert json.loads(run(served, "verify", "--json").stdout)["steps"][2]["status"] == "fail"


def test_wrong_account_id_and_invalid_options_refused_before_any_write(
    served_fresh: dict[str, str],
) -> None:
    served = served_fresh
    wrong = run(served, "apply", "admin-user", "--yes", "--account-id", "999999999999")
    assert wrong.returncode == 3 and "not 999999999999" in wrong.stderr
    bad = run(served, "apply", "admin-user", "--yes", "--admin-user", "bad name")
    assert bad.returncode == 64 and "Administrator user name" in bad.stderr
    bad_bucket = run(served, "apply", "cloudtrail", "--yes", "--trail-bucket", "Bad_Bucket")
    assert bad_bucket.returncode == 64
    assert json.loads(run(served, "verify", "--json").stdout)["steps"][2]["summary"].startswith(
        "No IAM user"
    )


def test_help_lists_commands_and_exit_codes() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "aws_setup_wizard", "--help"], capture_output=True, text=True
    )
    for word in ("verify", "apply", "sandbox", "exit codes", "64"):
        assert word in out.stdout
