"""Issue 12, lab mode: every sandbox its own account ID, unless a trainer fixes one.

Twenty trainees on one machine must never share the wizard's per-account lock and journal, so
a sandbox's account ID is new and random; ``--account-id`` (``sandbox serve``),
``--sandbox-account-id`` (the guided mode) or ``$SANDBOX_ACCOUNT_ID`` fix it, validated before
anything starts. Sandboxes in other processes are real ``sandbox serve`` subprocesses (only one
sandbox runs per process), asked who they are over HTTP (``GetCallerIdentity``).
"""

from __future__ import annotations

import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from aws_setup_wizard.sandbox import (
    ACCOUNT_ID_ENV,
    Sandbox,
    SandboxSettingError,
    choose_account_id,
)
from aws_setup_wizard.sandbox.state import MOTO_DEFAULT_ACCOUNT_ID, random_account_id
from tests.sandbox.served import PROJECT_ROOT, RUN_CLI, served

FIXED = "123412341234"
USAGE = 64


def is_account_id(text: str) -> bool:
    return len(text) == 12 and text.isdigit() and text.isascii()


def caller_account(values: dict[str, str], env: dict[str, str]) -> str:
    """The account ``GetCallerIdentity`` names, signed with an env file's credentials."""
    probe = "import boto3; print(boto3.client('sts').get_caller_identity()['Account'])"
    keys = ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
    result = subprocess.run(
        [sys.executable, "-c", probe],
        env={**env, **{key: values[key] for key in keys}, "AWS_DEFAULT_REGION": "us-east-1"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


# -- the IDs themselves --------------------------------------------------------------------------


def test_random_ids_are_twelve_digits_never_moto_s_default_nor_a_leading_zero() -> None:
    ids = [random_account_id() for _ in range(2000)]
    assert all(is_account_id(i) and i[0] != "0" and i != MOTO_DEFAULT_ACCOUNT_ID for i in ids)
    assert len(set(ids)) == len(ids)
    taken = frozenset(ids[:5])
    assert random_account_id(taken) not in taken


def test_the_given_id_wins_then_the_environment_then_a_random_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(ACCOUNT_ID_ENV, "555566667777")
    assert choose_account_id(FIXED) == FIXED
    assert choose_account_id() == "555566667777"
    monkeypatch.delenv(ACCOUNT_ID_ENV)
    first, second = choose_account_id(), choose_account_id()
    assert is_account_id(first) and is_account_id(second) and first != second


FULL_WIDTH = "\uff11" * 12  # twelve digits, but not ASCII ones


@pytest.mark.parametrize("bad", ["1234", "12341234123a", "1234123412345", " ", FULL_WIDTH])
def test_a_bad_id_is_one_sentence_naming_where_it_came_from(
    bad: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(SandboxSettingError) as given:
        choose_account_id(bad, source="--account-id")
    assert str(given.value).startswith("--account-id must be exactly 12 digits (0-9), not ")
    assert str(given.value).endswith("no sandbox was started.")
    monkeypatch.setenv(ACCOUNT_ID_ENV, bad + "x")
    with pytest.raises(SandboxSettingError, match=r"^\$SANDBOX_ACCOUNT_ID must be exactly 12"):
        choose_account_id()


def test_moto_s_default_account_is_refused() -> None:
    with pytest.raises(SandboxSettingError, match="moto's default account"):
        choose_account_id(MOTO_DEFAULT_ACCOUNT_ID)


def test_a_sandbox_with_a_bad_id_refuses_before_it_starts(sandbox_server: Sandbox) -> None:
    """Raised by the constructor: no server, and the session's sandbox is untouched."""
    with pytest.raises(SandboxSettingError):
        Sandbox("fresh", account_id="nope")
    assert sandbox_server.endpoint_url  # still the one running sandbox of this process


def test_the_test_suite_fixes_the_id_and_a_reset_keeps_it(sandbox_at: Any, client: Any) -> None:
    box = sandbox_at("fresh")
    assert box.account_id == "210987654321"  # tests/conftest.py sets $SANDBOX_ACCOUNT_ID
    box = sandbox_at("done")
    assert box.account_id == "210987654321"
    identity = client(box, "sts").get_caller_identity()
    assert identity["Account"] == "210987654321"
    assert identity["Arn"] == "arn:aws:iam::210987654321:root"


# -- sandbox serve -------------------------------------------------------------------------------


def test_two_sandboxes_started_without_a_fixed_id_are_two_accounts(
    tmp_path: Path, cli_env: Any
) -> None:
    env = cli_env()  # no $SANDBOX_ACCOUNT_ID: a clean trainee shell
    assert ACCOUNT_ID_ENV not in env
    with ExitStack() as stack:
        first = stack.enter_context(served(tmp_path / "one.env", env))
        second = stack.enter_context(served(tmp_path / "two.env", env))
        ids = [first[ACCOUNT_ID_ENV], second[ACCOUNT_ID_ENV]]
        assert all(is_account_id(i) and i != MOTO_DEFAULT_ACCOUNT_ID for i in ids)
        assert ids[0] != ids[1]
        # The env file's ID is the account the server really is.
        assert [caller_account(first, env), caller_account(second, env)] == ids
        header = (tmp_path / "one.env").read_text().splitlines()[0]
        assert header.startswith("#") and f"account {ids[0]}," in header


def test_serve_honours_account_id_and_the_environment_variable(
    tmp_path: Path, cli_env: Any
) -> None:
    env = cli_env()
    with served(tmp_path / "flag.env", env, "--account-id", FIXED) as by_flag:
        assert by_flag[ACCOUNT_ID_ENV] == FIXED
        assert caller_account(by_flag, env) == FIXED
    with served(tmp_path / "var.env", cli_env(**{ACCOUNT_ID_ENV: "555566667777"})) as by_var:
        assert by_var[ACCOUNT_ID_ENV] == "555566667777"
        assert caller_account(by_var, env) == "555566667777"


@pytest.mark.parametrize(
    ("args", "extra", "named"),
    [
        (["--account-id", "1234"], {}, "--account-id"),
        (["--account-id", "12341234123x"], {}, "--account-id"),
        ([], {ACCOUNT_ID_ENV: "not-an-id"}, "$SANDBOX_ACCOUNT_ID"),
    ],
)
def test_serve_refuses_a_bad_id_and_starts_nothing(
    args: list[str], extra: dict[str, str], named: str, tmp_path: Path, cli_env: Any
) -> None:
    env_file = tmp_path / "never.env"
    result = subprocess.run(
        [sys.executable, "-c", RUN_CLI, "sandbox", "serve", "--env-file", str(env_file), *args],
        cwd=PROJECT_ROOT,
        env=cli_env(**extra),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == USAGE
    assert result.stdout == ""
    assert result.stderr.strip().count("\n") == 0  # one sentence, no traceback
    assert f"{named} must be exactly 12 digits" in result.stderr
    assert "no sandbox was started" in result.stderr
    assert not env_file.exists()


# -- the guided mode -------------------------------------------------------------------------------


def guided(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``aws-setup-wizard --plain ARGS`` with no input: it shows who and where, then ends."""
    return subprocess.run(
        [sys.executable, "-m", "aws_setup_wizard", "--plain", *args],
        cwd=PROJECT_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_guided_sandbox_honours_sandbox_account_id(cli_env: Any) -> None:
    run = guided("--sandbox", "--sandbox-account-id", FIXED, env=cli_env())
    assert f"Account ID: {FIXED}" in run.stdout, run.stdout + run.stderr
    assert f"arn:aws:iam::{FIXED}:root" in run.stdout


def test_the_guided_sandbox_is_a_new_account_each_time(cli_env: Any) -> None:
    runs = [guided("--sandbox", env=cli_env()) for _ in range(2)]
    ids = [
        line.removeprefix("Account ID: ")
        for run in runs
        for line in run.stdout.splitlines()
        if line.startswith("Account ID: ")
    ]
    assert len(ids) == 2 and all(is_account_id(i) for i in ids), [r.stdout for r in runs]
    assert ids[0] != ids[1]


@pytest.mark.parametrize(
    ("args", "extra", "said"),
    [
        (["--sandbox", "--sandbox-account-id", "42"], {}, "--sandbox-account-id must be exactly"),
        (["--sandbox"], {ACCOUNT_ID_ENV: "42"}, "$SANDBOX_ACCOUNT_ID must be exactly"),
        (["--sandbox-account-id", FIXED], {}, "--sandbox-account-id works only with --sandbox"),
    ],
)
def test_the_guided_mode_refuses_a_bad_id_before_anything_starts(
    args: list[str], extra: dict[str, str], said: str, cli_env: Any
) -> None:
    run = guided(*args, env=cli_env(**extra))
    assert run.returncode == USAGE, run.stdout + run.stderr
    assert said in run.stderr and "Traceback" not in run.stderr
    assert run.stdout == ""


def test_the_serve_help_says_how_to_fix_the_id(cli_env: Any) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "aws_setup_wizard", "sandbox", "serve", "--help"],
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    assert "--account-id ID" in result.stdout and "SANDBOX_ACCOUNT_ID" in result.stdout
