"""Secrets never reach a file or the output, apart from the one deliberate password display.

Full sandbox runs with HOME, XDG directories and the working directory in a fresh temporary
tree; afterwards every file in that tree, the captured output and the log records are searched
for the secret access keys, the session token, the admin's password and the MFA seeds.
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from aws_setup_wizard.flow import GuidedRun, MfaExchange
from tests.owner_answers import CONTACT, CONTACT_FLAGS
from tests.sandbox_accounts import account_on
from tests.test_flow import Scripted

ROOT = Path(__file__).resolve().parents[2]
PASSWORD_LINE = re.compile(
    r"Initial console password for (\S+), shown once \(.*?never in a file\): (\S+)", re.S
)


def isolated_env(box, tree: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "XDG_"))}
    env.update({k: v for k, v in box.env().items() if not k.startswith("SANDBOX_")})
    env["SANDBOX_SECRET"] = box.secret  # `sandbox console …` needs it, as sandbox.env has it
    env.update(
        HOME=str(tree / "home"),
        XDG_STATE_HOME=str(tree / "state"),
        XDG_CONFIG_HOME=str(tree / "config"),
        XDG_CACHE_HOME=str(tree / "cache"),
        XDG_DATA_HOME=str(tree / "data"),
        PYTHONPATH=str(ROOT),
    )
    return env


def files_written(tree: Path) -> dict[Path, str]:
    return {
        path: path.read_text(encoding="utf-8", errors="replace")
        for path in tree.rglob("*")
        if path.is_file()
    }


def assert_absent(secrets: dict[str, str], places: dict[str, str]) -> None:
    for name, secret in secrets.items():
        assert secret, f"test bug: empty secret {name}"
        for where, text in places.items():
            assert secret not in text, f"{name} leaked into {where}"


def test_cli_story_writes_no_secret(sandbox, tmp_path, tmp_path_factory):
    """The README's CLI story with output to files: the password reaches neither a file nor
    the output; it waits in the (stand-in) keyring until the admin has MFA and verify runs.
    """
    box = sandbox("fresh")
    root_key = box.root_access_key
    console = box.console_credentials
    env = isolated_env(box, tmp_path)
    keyring_file = tmp_path_factory.mktemp("keyring") / "entries.json"  # outside the tree
    env.update(
        PYTHON_KEYRING_BACKEND="tests.safety.standin_keyring.StandInKeyring",
        STANDIN_KEYRING_FILE=str(keyring_file),
    )
    work = tmp_path / "work"
    work.mkdir()

    def run(*args: str, on_root_key: bool = False) -> subprocess.CompletedProcess[str]:
        child = dict(env)
        if on_root_key:
            child.update(
                AWS_ACCESS_KEY_ID=root_key.access_key_id,
                AWS_SECRET_ACCESS_KEY=root_key.secret_access_key,
            )
            child.pop("AWS_SESSION_TOKEN")
        return subprocess.run(
            [sys.executable, "-m", "aws_setup_wizard", *args],
            env=child,
            cwd=work,
            capture_output=True,
            text=True,
            timeout=120,
        )

    outputs = [
        run("sandbox", "console", "root-mfa"),
        run("apply", "admin-user", "cloudtrail", "root-access-keys", "--yes", on_root_key=True),
    ]
    # Output to a file (here a pipe): the password is not printed; the owner is told why
    # and where it is.
    assert not PASSWORD_LINE.search(outputs[1].stdout), outputs[1].stdout
    assert "was not printed: this output is not a terminal" in outputs[1].stdout
    entry = f"aws-setup-wizard\n{box.account_id}/initial-password/admin"
    password = json.loads(keyring_file.read_text())[entry]
    assert len(password) >= 20
    outputs += [
        run("sandbox", "console", "user-mfa", "admin"),
        run(
            "apply",
            *GUARDRAILS,
            "--yes",
            "--account-id",
            box.account_id,
            *CONTACT_FLAGS,
        ),
        run("sandbox", "console", "confirm-subscriptions"),
        run("verify", "--json"),
        run("verify"),
    ]
    assert outputs[-1].returncode == 0, outputs[-1].stdout
    # The admin signed in with MFA and verify saw it: the kept password is gone.
    assert entry not in json.loads(keyring_file.read_text())

    written = files_written(tmp_path)
    assert any(p.name == "journal.jsonl" for p in written), "the run wrote no journal"
    places = {str(p): text for p, text in written.items()}
    for number, result in enumerate(outputs):
        places[f"stdout {number}"] = result.stdout
        places[f"stderr {number}"] = result.stderr
    assert_absent(
        {
            "root secret access key": root_key.secret_access_key,
            "console secret access key": console.secret_access_key,
            "console session token": console.session_token or "",
            "admin password": password,
            "sandbox secret": box.secret,
        },
        places,
    )
    # The contact details went to AWS (the sandbox) and to the terminal; no file the tool
    # wrote keeps the person's name, e-mail or phone (the journal records which contact type).
    assert_absent(
        {f"contact {name}": value for name, value in CONTACT.items() if name != "contact_title"},
        {str(p): text for p, text in written.items()},
    )


#: The guardrail steps (five account-wide, three in every Region), applied in the
#: command-line story after the essentials.
GUARDRAILS = (
    "security-contact",
    "budget-alerts",
    "s3-block-public-access",
    "password-policy",
    "root-activity-alert",
    "ebs-encryption",
    "access-analyzer",
    "guardduty",
)


class Recording(Scripted):
    """Remembers every MFA seed it was shown, to look for it afterwards."""

    def __init__(self) -> None:
        super().__init__()
        self.seeds: list[str] = []

    def register_mfa(self, exchange: MfaExchange) -> bool:
        self.seeds.append(exchange.enrollment.secret_base32)
        return super().register_mfa(exchange)


def test_guided_run_writes_no_secret(sandbox, tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    # Everything the wizard logs, and every library record at INFO and above. (botocore's own
    # DEBUG wire dumps contain signed headers and bodies by design; the wizard never turns
    # them on and has no option that would.)
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="aws_setup_wizard")
    box = sandbox("fresh")
    talk = Recording()
    summary = GuidedRun(account_on(box, "root"), talk, verifier=account_on(box, "console")).run()
    assert summary.verification is not None and summary.verification.exit_code == 0
    assert len(talk.seeds) == 2  # root's and the admin's
    password = talk.reveals[0]["password"]
    written = files_written(tmp_path)
    assert written, "the guided run wrote nothing (no journal?)"
    places = {str(p): text for p, text in written.items()}
    places["log records"] = caplog.text
    places["progress lines"] = "\n".join(talk.log)
    secrets = {
        "root secret access key": box.console_credentials.secret_access_key,
        "session token": box.console_credentials.session_token or "",
        "admin password": password,
        **{f"MFA seed {n}": seed for n, seed in enumerate(talk.seeds)},
    }
    assert_absent(secrets, places)


@pytest.mark.parametrize("text", ["secret_base32", "otpauth_uri"])
def test_mfa_seeds_are_not_in_reprs(text):
    from aws_setup_wizard.mfa import MfaEnrollment

    enrollment = MfaEnrollment("arn:aws:iam::1:mfa/x", "otpauth://totp/x?secret=SEED", "SEED")
    assert "SEED" not in repr(enrollment)
    assert text not in repr(enrollment)
