"""Driving the plain front end with real keystrokes through prompt_toolkit's pipe input.

Each prompt's keys are sent just before that prompt runs (``before_prompt``), after checking
that the question is the one the script expects: a script that drifts from the flow fails at
the first wrong question instead of typing answers into the wrong prompts.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from aws_setup_wizard.launch import Launch, Opened
from aws_setup_wizard.sandbox import Sandbox
from tests.sandbox_accounts import account_on

ENTER = "\r"
DOWN = "\x1b[B"
CTRL_C = "\x03"
CTRL_U = "\x15"  # clear the line (a text prompt starts with its default filled in)

TRANSCRIPTS = Path(__file__).parent / "transcripts"

# Keys for one prompt: sent at once, or typed by a function on a thread as the prompt runs.
Keys = str | Callable[[Any], None]


@dataclass
class Typist:
    """Answers each prompt, in order, with the keys scripted for it."""

    pipe: Any
    script: list[tuple[str, Keys]]
    asked: list[str] = field(default_factory=list)

    def __call__(self, message: str) -> None:
        self.asked.append(message)
        assert self.script, f"unexpected extra prompt: {message!r}"
        expected, keys = self.script.pop(0)
        assert expected in message, f"expected a prompt with {expected!r}, got {message!r}"
        if isinstance(keys, str):
            self.pipe.send_text(keys)
        else:
            # Typed while the prompt runs, e.g. to see what it draws between two answers.
            threading.Thread(target=keys, args=(self.pipe,), daemon=True).start()

    @property
    def finished(self) -> bool:
        return not self.script


@dataclass
class PlainRun:
    """One run of ``run_guided`` on the session's sandbox: exit code, output, typist."""

    code: int
    out: str
    typist: Typist
    openers: list[Launch]


RunPlain = Callable[..., PlainRun]


class TerminalOut(io.StringIO):
    """Captured output that says it is a terminal (so secrets are shown, as to an owner)."""

    def isatty(self) -> bool:
        return True


def opener_for(
    box: Sandbox,
    credentials: str,
    *,
    has_credentials: bool = True,
    on_account: Callable[[Any], None] | None = None,
):
    """An ``open_account`` stand-in on the one sandbox of this test session.

    The first launch gets ``credentials`` ("root": signed with the root key and re-verified
    with the console session, as ``open_account`` does); a later sandbox launch (after "no
    credentials") gets the console session.
    """
    launches: list[Launch] = []

    @contextmanager
    def opener(launch: Launch) -> Iterator[Opened]:
        launches.append(launch)
        if not has_credentials and len(launches) == 1:
            from aws_setup_wizard.account import Account

            yield Opened(Account.from_settings(region="us-east-1"), None, False)
            return
        if credentials == "root" and len(launches) == 1:
            opened = Opened(account_on(box, "root"), account_on(box, "console"), True, "fresh")
        else:
            opened = Opened(account_on(box, "console"), None, True, "fresh")
        if on_account is not None:
            on_account(opened.account)
        yield opened

    opener.launches = launches  # type: ignore[attr-defined]
    return opener


@pytest.fixture
def run_plain(sandbox, monkeypatch) -> RunPlain:
    """``run_plain(script, scenario="fresh", credentials="root", ...)`` → :class:`PlainRun`."""
    # The same 88 columns wherever the tests run, so saved transcripts compare; no colour
    # although the captured output says it is a terminal.
    monkeypatch.setenv("COLUMNS", "89")
    monkeypatch.setenv("NO_COLOR", "1")

    def run(
        script: list[tuple[str, Keys]],
        *,
        scenario: str = "fresh",
        credentials: str = "root",
        has_credentials: bool = True,
        transcript: Path | None = None,
        output: Any = None,
        terminal: bool = True,
        prepare: Callable[[Sandbox], None] | None = None,
        on_account: Callable[[Any], None] | None = None,
    ) -> PlainRun:
        from aws_setup_wizard.plain import run_guided

        box = sandbox(scenario)
        if prepare is not None:
            prepare(box)
        opener = opener_for(
            box, credentials, has_credentials=has_credentials, on_account=on_account
        )
        out = TerminalOut() if terminal else io.StringIO()
        with create_pipe_input() as pipe:
            typist = Typist(pipe, list(script))
            code = run_guided(
                Launch(),  # what the opener yields is decided above, on the test's sandbox
                out=out,
                input=pipe,
                output=output or DummyOutput(),
                transcript=transcript,
                opener=opener,
                before_prompt=typist,
            )
        return PlainRun(code, out.getvalue(), typist, opener.launches)

    return run


def client(box: Sandbox, service: str) -> Any:
    """A boto3 client on the sandbox's console session (reads what the run did)."""
    creds = box.console_credentials
    return boto3.client(
        service,
        region_name=box.region,
        endpoint_url=box.endpoint_url,
        aws_access_key_id=creds.access_key_id,
        aws_secret_access_key=creds.secret_access_key,
        aws_session_token=creds.session_token,
    )
