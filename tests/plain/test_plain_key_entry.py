"""No credentials: the owner types a temporary root key (masked), and the run uses it."""

from __future__ import annotations

import io
from contextlib import contextmanager

from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from aws_setup_wizard import wording
from aws_setup_wizard.account import Account
from aws_setup_wizard.launch import Launch, Opened
from aws_setup_wizard.plain import run_guided
from aws_setup_wizard.present import ExitCode
from tests.plain.conftest import DOWN, ENTER, Typist

NEXT = "What would you like to do?"
READY = "Ready to continue?"


def test_typed_root_key_is_masked_used_and_announced(sandbox, tmp_path):
    box = sandbox("fresh")
    key = box.root_access_key

    @contextmanager
    def nothing_found(launch: Launch):
        yield Opened(Account.from_settings(region=box.region), None, False)

    script = [
        (NEXT, DOWN + ENTER),  # practise / *enter a temporary root key* / quit
        (wording.ACCESS_KEY_ID, "AKIA-not-a-key" + ENTER),  # explained, then asked anew
        (wording.ACCESS_KEY_ID, key.access_key_id + ENTER),
        (wording.SECRET_ACCESS_KEY, key.secret_access_key + ENTER),
        (READY, DOWN + ENTER),  # seen who and where; quit before any change
    ]
    out = io.StringIO()
    transcript = tmp_path / "run.txt"
    with create_pipe_input() as pipe:
        typist = Typist(pipe, list(script))
        code = run_guided(
            Launch(region=box.region, endpoint_url=box.endpoint_url),
            out=out,
            input=pipe,
            output=DummyOutput(),
            transcript=transcript,
            opener=nothing_found,
            before_prompt=typist,
        )
    assert typist.finished
    assert code == ExitCode.PASS  # quit at the start: the owner's choice, nothing changed
    shown = " ".join(out.getvalue().split())  # lines are wrapped to the terminal's width
    assert "deletes that key as its very last step" in shown
    assert "credentials entered in the wizard" in shown
    assert key.secret_access_key not in shown
    assert key.secret_access_key not in transcript.read_text()


def test_a_key_that_does_not_work_is_explained_and_asked_again(sandbox, tmp_path):
    box = sandbox("fresh")
    key = box.root_access_key

    @contextmanager
    def nothing_found(launch: Launch):
        yield Opened(Account.from_settings(region=box.region), None, False)

    wrong = "A" * 40
    script = [
        (NEXT, DOWN + ENTER),  # practise / *enter a temporary root key* / quit
        (wording.ACCESS_KEY_ID, key.access_key_id + ENTER),
        (wording.SECRET_ACCESS_KEY, wrong + ENTER),
        (NEXT, DOWN + DOWN + ENTER),  # asked again, with why: practise / enter a key / *quit*
    ]
    out = io.StringIO()
    with create_pipe_input() as pipe:
        typist = Typist(pipe, list(script))
        code = run_guided(
            Launch(region=box.region, endpoint_url=box.endpoint_url),
            out=out,
            input=pipe,
            output=DummyOutput(),
            opener=nothing_found,
            before_prompt=typist,
        )
    assert typist.finished
    assert code == ExitCode.UNKNOWN  # nothing opened, nothing changed
    shown = " ".join(out.getvalue().split())
    assert wording.CHECKING_KEY in shown
    assert "That key did not work:" in shown
    assert wrong not in shown
