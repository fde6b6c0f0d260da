"""The real ``aws-setup-wizard --sandbox`` in a real terminal (tmux), driven by keys.

Keys go in with ``send-keys``; the screen is read back with ``capture-pane -p``: the whole
guided flow from a fresh account to every step verified, as an owner would type it. A private
tmux server (``-L``) keeps the developer's tmux sessions and environment out of it.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

ROOT = Path(__file__).resolve().parents[2]


class Terminal:
    """One tmux window running the wizard."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True
        )
        return done.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "wizard")

    def keys(self, *keys: str) -> None:
        # A person's pace: Enter in a form moves the focus, and a key that arrives before the
        # focus has moved lands on the wrong field (a busy machine made that happen at 50 ms).
        for key in keys:
            self.tmux("send-keys", "-t", "wizard", key)
            time.sleep(0.25)

    def wait_for(self, text: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if text in screen:
                time.sleep(0.2)  # let the screen finish drawing and take focus
                return self.screen()
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never appeared; the screen shows:\n{screen}")
            time.sleep(0.1)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    socket = f"wizard-e2e-{os.getpid()}"
    env = {
        "PYTHONPATH": str(ROOT),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        "TERM": "xterm-256color",
        "TEXTUAL_ANIMATIONS": "none",
    }
    assignments = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    command = (
        f"cd {shlex.quote(str(tmp_path))} && env -u COLUMNS -u LINES {assignments} "
        f"{shlex.quote(sys.executable)} -m aws_setup_wizard --sandbox; echo WIZARD-EXIT=$?; "
        "sleep 60"
    )
    terminal = Terminal(socket)
    terminal.tmux("new-session", "-d", "-s", "wizard", "-x", "100", "-y", "30", command)
    try:
        yield terminal
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True)


def type_suffix(terminal: Terminal, suffix: str) -> None:
    """Type into the suffix field (it has the cursor); on a busy machine a key can land before
    the dialog has settled its focus, so check what the field shows and type again if needed."""
    for _ in range(5):
        terminal.keys(*suffix)
        field = re.search(r"▊  (\S*)\s*▎", terminal.screen())
        if field and field.group(1) == suffix:
            return
        if field and field.group(1):
            terminal.keys(*["BSpace"] * len(field.group(1)))  # the field has the focus
        else:
            terminal.keys("BTab")  # the keys went elsewhere: give the field the focus
        time.sleep(0.3)
    raise AssertionError(f"could not type {suffix!r}:\n{terminal.screen()}")


def submit_form(terminal: Terminal, until: str, fields: int) -> str:
    """Enter through a step's form until ``until`` appears.

    The form's first field takes the focus a frame after "Plan the changes" is drawn, so an
    Enter can arrive while nothing has the focus and be lost: press Enter one at a time and
    look after each, never more than the fields plus a few lost ones.
    """
    for _ in range(fields + 3):
        terminal.keys("Enter")
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline:
            screen = terminal.screen()
            if until in screen:
                time.sleep(0.2)
                return terminal.screen()
            time.sleep(0.1)
    return terminal.wait_for(until)


def register_mfa(terminal: Terminal) -> None:
    terminal.wait_for("Scan this QR code")
    terminal.keys("C-s")
    terminal.wait_for("Codes now:")
    terminal.keys("Enter")  # "Register" has the focus


def test_whole_flow_in_a_real_terminal(terminal: Terminal) -> None:
    screen = terminal.wait_for("Account ID")
    assert "SANDBOX" in screen and "210987654321" in screen and "root user (access key)" in screen
    terminal.keys("c")
    terminal.wait_for("0 of 4 steps pass")
    # The header can be drawn a frame before the rows: poll until all four rows are there.
    deadline = time.monotonic() + 15
    while (screen := terminal.screen()).count("FAIL") < 4 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert screen.count("FAIL") == 4, screen
    terminal.keys("w")
    terminal.wait_for("Continue to the steps")
    terminal.keys("c")

    terminal.wait_for("Step 1 of 4")
    terminal.keys("f")
    terminal.wait_for("I've done it: check again")
    terminal.keys("s")
    register_mfa(terminal)

    terminal.wait_for("Step 2 of 4")
    terminal.keys("f")
    terminal.wait_for("Plan the changes")
    submit_form(terminal, "Make 5 changes to account 210987654321?", fields=2)
    terminal.keys("y")
    terminal.wait_for("Before the first change")
    terminal.keys("y")
    screen = terminal.wait_for("Re-verified (read-only)")
    assert "- iam:CreateUser admin" in screen
    terminal.keys("c")
    terminal.wait_for("shown once")
    terminal.keys("c")
    terminal.wait_for("MFA for the administrator")
    terminal.keys("y")
    register_mfa(terminal)

    terminal.wait_for("Step 3 of 4")
    terminal.keys("f")
    terminal.wait_for("Plan the changes")
    submit_form(terminal, "changes to account 210987654321?", fields=4)
    terminal.keys("y")
    terminal.wait_for("Re-verified (read-only)", timeout=45)
    terminal.keys("c")

    screen = terminal.wait_for("Step 4 of 4")
    terminal.keys("f")
    screen = terminal.wait_for("Type the last four characters")
    suffix = re.search(r"AKIA…([A-Z0-9]{4})", screen)
    assert suffix, screen
    type_suffix(terminal, suffix.group(1))
    terminal.keys("Tab", "Tab", "Enter")
    terminal.wait_for("this session ends here, as expected")
    terminal.keys("c")
    screen = terminal.wait_for("Summary · 4 of 4 steps pass")
    assert screen.count("PASS") >= 4
    terminal.keys("q")
    screen = terminal.wait_for("WIZARD-EXIT=")
    assert "WIZARD-EXIT=0" in screen
    assert "Changes made in this run:" in screen
