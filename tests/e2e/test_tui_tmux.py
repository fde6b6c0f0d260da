"""The real ``aws-setup-wizard --sandbox`` in a real terminal (tmux), driven by keys.

Keys go in with ``send-keys``; the screen is read back with ``capture-pane -p``: the whole
guided flow from a fresh account to every step verified, as an owner would type it. A private
tmux server (``-L``) keeps the developer's tmux sessions and environment out of it.
"""

from __future__ import annotations

import itertools
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

from aws_setup_wizard import steps as registry
from tests.owner_answers import CONTACT

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

ROOT = Path(__file__).resolve().parents[2]
#: Every registered step: the guided walk shows "Step N of STEPS".
STEPS = len(registry.STEPS)
SERVERS = itertools.count()


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
            # A sentence may wrap at the window's edge: its words in order are enough.
            if text in screen or text in " ".join(screen.split()):
                time.sleep(0.2)  # let the screen finish drawing and take focus
                return self.screen()
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never appeared; the screen shows:\n{screen}")
            time.sleep(0.1)


# The sizes a trainee's window has: the classic terminal and a roomier one.
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((100, 30), id="100x30")]


@pytest.fixture
def terminal(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Terminal]:
    """The wizard in a tmux window, 100x30 unless the test asks another size (indirect)."""
    width, height = getattr(request, "param", (100, 30))
    # One server per test: a server still shutting down refused the next test's session.
    socket = f"wizard-e2e-{os.getpid()}-{next(SERVERS)}"
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
    terminal.tmux("new-session", "-d", "-s", "wizard", "-x", str(width), "-y", str(height), command)
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
        if until in terminal.screen():
            # It came after the last look: one more Enter would answer the dialog it opened.
            time.sleep(0.2)
            return terminal.screen()
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


def guardrails(terminal: Terminal) -> None:
    """Steps 4 to 8: the contact details typed into the first form, the rest on their
    defaults, the alert's confirmation link clicked in the sandbox's simulated inbox."""
    terminal.wait_for(f"Step 4 of {STEPS}")
    terminal.keys("f")
    terminal.wait_for("Plan the changes")
    time.sleep(0.5)  # the first field takes the focus a frame later
    for value in CONTACT.values():
        terminal.keys(value, "Enter")
    submit_form(terminal, "Make 1 change to account 210987654321?", fields=2)
    terminal.keys("y")
    terminal.wait_for("Re-verified (read-only)")
    terminal.keys("c")

    terminal.wait_for(f"Step 5 of {STEPS}")
    terminal.keys("f")
    terminal.wait_for("Plan the changes")
    submit_form(terminal, "Make 3 changes to account 210987654321?", fields=2)
    terminal.keys("y")
    terminal.wait_for("Re-verified (read-only)")
    terminal.keys("c")

    for number in (6, 7):  # S3 Block Public Access, the password policy: nothing to choose
        terminal.wait_for(f"Step {number} of {STEPS}")
        terminal.keys("f")
        terminal.wait_for("Make 1 change to account 210987654321?")
        terminal.keys("y")
        terminal.wait_for("Re-verified (read-only)")
        terminal.keys("c")

    terminal.wait_for(f"Step 8 of {STEPS}")
    terminal.keys("f")
    terminal.wait_for("Make 5 changes to account 210987654321?")
    terminal.keys("y")
    # The heading is drawn a frame before the verdict under it: wait for the verdict itself.
    terminal.wait_for("Re-verified (read-only)")
    terminal.wait_for("not confirmed yet")
    terminal.keys("c")
    terminal.wait_for("I've done it: check again")
    terminal.keys("s")


def every_region(terminal: Terminal) -> None:
    """Steps 9 to 11, one change in each of the 17 enabled Regions; the analyzer's form on
    its defaults."""
    for number in (9, 10, 11):  # EBS encryption, Access Analyzer, GuardDuty
        terminal.wait_for(f"Step {number} of {STEPS}")
        terminal.keys("f")
        if number == 10:
            terminal.wait_for("Plan the changes")
            submit_form(terminal, "Make 17 changes to account 210987654321?", fields=2)
        terminal.wait_for("Make 17 changes to account 210987654321?")
        terminal.keys("y")
        terminal.wait_for("Re-verified (read-only)", timeout=45)
        terminal.wait_for("PASS")
        terminal.keys("c")


def test_whole_flow_in_a_real_terminal(terminal: Terminal) -> None:
    screen = terminal.wait_for("Account ID")
    assert "SANDBOX" in screen and "210987654321" in screen and "root user (access key)" in screen
    terminal.keys("c")
    screen = dashboard_rows(terminal)
    assert "Essentials" in screen, screen
    terminal.keys("w")
    terminal.wait_for("Continue to the steps")
    terminal.keys("c")

    terminal.wait_for(f"Step 1 of {STEPS}")
    terminal.keys("f")
    terminal.wait_for("I've done it: check again")
    terminal.keys("s")
    register_mfa(terminal)

    terminal.wait_for(f"Step 2 of {STEPS}")
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

    terminal.wait_for(f"Step 3 of {STEPS}")
    terminal.keys("f")
    terminal.wait_for("Plan the changes")
    submit_form(terminal, "changes to account 210987654321?", fields=4)
    terminal.keys("y")
    terminal.wait_for("Re-verified (read-only)", timeout=45)
    terminal.keys("c")

    guardrails(terminal)
    every_region(terminal)

    screen = terminal.wait_for(f"Step {STEPS} of {STEPS}")
    terminal.keys("f")
    screen = terminal.wait_for("Type the last four characters")
    suffix = re.search(r"AKIA…([A-Z0-9]{4})", screen)
    assert suffix, screen
    type_suffix(terminal, suffix.group(1))
    terminal.keys("Tab", "Tab", "Enter")
    terminal.wait_for("this session ends here, as expected")
    terminal.keys("c")
    screen = terminal.wait_for(f"Summary · {STEPS} of {STEPS} steps pass")
    assert screen.count("PASS") >= 4
    terminal.keys("q")
    screen = terminal.wait_for("WIZARD-EXIT=")
    assert "WIZARD-EXIT=0" in screen
    assert "root-access-keys: deleted root access key" in screen
    # The farewell lists every change: its heading has scrolled up by now.
    history = terminal.tmux("capture-pane", "-p", "-S", "-200", "-t", "wizard")
    assert "Changes made in this run:" in history
    assert "security-contact: account:PutAlternateContact SECURITY" in history


# -- small windows (issue 12, items 8-10) ----------------------------------------------------

# The light quiet zone above and below a QR code (text may stand beside it).
QR_EDGE = re.compile(r"^\s*(█{41,})(\s|$)")


def whole_qr_rows(screen: str) -> int | None:
    """How many lines the QR code spans, from its top quiet zone to its bottom one; ``None``
    unless both edges are on the screen (a code cut off at the bottom cannot be scanned)."""
    edges = [n for n, line in enumerate(screen.splitlines()) if QR_EDGE.match(line)]
    if len(edges) < 2:
        return None
    top, bottom = edges[0], edges[-1]
    rows = screen.splitlines()[top : bottom + 1]
    # Every row between is a QR row of the same width: light modules at both ends.
    width = len(QR_EDGE.match(rows[0]).group(1))  # type: ignore[union-attr]
    inner = [line.strip() for line in rows]
    assert all(len(line) >= width for line in inner), screen
    # The finder patterns' middle rows (top-left and top-right; bottom-left further down).
    assert sum("█ █   █ █" in line for line in inner) >= 2, screen
    return bottom - top + 1


def to_dashboard(terminal: Terminal) -> str:
    terminal.wait_for("Account ID")
    terminal.keys("c")
    return dashboard_rows(terminal)


def dashboard_rows(terminal: Terminal) -> str:
    """The dashboard of a fresh account, its rows drawn: the header can come a frame before
    them, and not every row fits, so poll until the first four (the Essentials) show."""
    terminal.wait_for(f"0 of {STEPS} steps pass")
    deadline = time.monotonic() + 15
    while (screen := terminal.screen()).count("FAIL") < 4 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert screen.count("FAIL") >= 4, screen
    return screen


def footer(screen: str) -> str:
    return screen.rstrip("\n").splitlines()[-1]


def wait_for_footer(terminal: Terminal, ending: str, timeout: float = 15) -> str:
    """The footer is drawn a frame or more after the body: poll until it ends with ``ending``
    (every key shown whole, nothing cut after it)."""
    deadline = time.monotonic() + timeout
    while not footer(screen := terminal.screen()).rstrip().endswith(ending):
        if time.monotonic() > deadline:
            raise AssertionError(f"the footer never ended with {ending!r}:\n{screen}")
        time.sleep(0.1)
    return screen


@pytest.mark.parametrize("terminal", SIZES, indirect=True)
def test_root_mfa_qr_code_in_a_small_window(terminal: Terminal) -> None:
    """Root MFA through the sandbox console: the QR code whole (beside the fields where it
    fits, else full-screen with Ctrl-F, and back), then registered; the verdict inline."""
    width, _ = terminal_size(terminal)
    to_dashboard(terminal)
    terminal.keys("w")
    terminal.wait_for("Continue to the steps")
    terminal.keys("c")
    terminal.wait_for(f"Step 1 of {STEPS}")
    terminal.keys("f")
    screen = terminal.wait_for("I've done it: check again")
    assert "https://console.aws.amazon.com/iam/home#/security_credentials" in screen
    terminal.keys("s")
    terminal.wait_for("First code")
    # The cursor is in a code field (so no ? or q); every key shown is whole.
    screen = wait_for_footer(terminal, "^t Secret key  ^s Show codes")
    rows = whole_qr_rows(screen)
    if width >= 100:
        assert rows == 23, screen  # beside the fields, whole
    else:
        assert rows is None, screen  # never a code cut off at the bottom
        assert "Full-screen QR (Ctrl-F)" in screen and "Secret key (Ctrl-T)" in screen
        terminal.keys("C-t")
        screen = terminal.wait_for("Secret key, to type into the app instead:")
        assert re.search(r"(?m)^.*\b([A-Z2-7]{4} ){7}[A-Z2-7]{4}\b", screen), screen
    terminal.keys("C-f")
    screen = terminal.wait_for("to go back to the")
    assert whole_qr_rows(screen) == 23, screen
    terminal.keys("Escape")
    screen = terminal.wait_for("First code")
    terminal.keys("C-s")
    terminal.wait_for("Codes now:")
    terminal.keys("Enter")  # "Register" has the focus
    screen = terminal.wait_for(f"Step 2 of {STEPS}")
    screen = terminal.wait_for("Checked again (read-only)")
    assert "Protect the root user with MFA: PASS" in " ".join(screen.split())
    wait_for_footer(terminal, "? Help  q Quit")


@pytest.mark.parametrize("terminal", SIZES, indirect=True)
def test_dashboard_footer_and_cloudtrail_form_in_a_small_window(terminal: Terminal) -> None:
    """Every footer key readable (a focused row too); Enter through the CloudTrail form brings
    each field into view, and the last one submits: the plan's confirmation appears."""
    to_dashboard(terminal)
    wait_for_footer(terminal, "w Walk every step  p Primer  r Re-verify  s Summary  ? Help  q Quit")
    # From "Walk every step" back over the guardrail rows to CloudTrail's (every guardrail
    # is one row, the three of every Region too).
    guardrails = sum(step.group == "Guardrails" for step in registry.STEPS)
    terminal.keys(*["BTab"] * (guardrails + 1))
    time.sleep(0.5)  # a focused row added "enter Open step" and cut "q Quit" at 80 columns
    wait_for_footer(terminal, "s Summary  ? Help  q Quit")
    terminal.keys("Enter")
    terminal.wait_for("Record account activity with CloudTrail")
    terminal.wait_for("Fix this step")
    terminal.keys("f")
    terminal.wait_for("Plan the changes")
    # Enter from field to field: the last field (below the fold at 80x24) comes into view.
    submit_form(terminal, "KMS key alias", fields=3)
    screen = submit_form(terminal, "changes to account 210987654321?", fields=1)
    assert "Confirm: Record account activity with CloudTrail" in screen
    wait_for_footer(terminal, "esc No  y Yes")


def terminal_size(terminal: Terminal) -> tuple[int, int]:
    width, height = terminal.tmux(
        "display-message", "-p", "-t", "wizard", "#{window_width} #{window_height}"
    ).split()
    return int(width), int(height)
