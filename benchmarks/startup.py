"""Start-up time of the TUI and peak memory of a full sandbox run; prints figures.

First paint is measured honestly: the app writes the wall-clock time of its first drawn frame
(Textual's ``Ready`` event) to the file named by ``AWS_SETUP_WIZARD_FIRST_PAINT_FILE``; the
benchmark notes the time just before it starts the process, in a pseudo-terminal sized 80x24.
The baseline is a Textual app with one label, its first frame noted the same way (the issue's
measure); ``python -c "import textual.app"`` from start to exit is printed beside it.

    .venv/bin/python benchmarks/startup.py [--runs 5] [--skip-memory]
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import os
import pty
import resource
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARKER_ENV = "AWS_SETUP_WIZARD_FIRST_PAINT_FILE"
PACKAGE_DIRS = ("wizard", "screens", "assets")


#: Each child gets a state directory of its own, all of them removed when the benchmark ends.
_STATE_HOMES = tempfile.TemporaryDirectory(prefix="aws-setup-wizard-bench-")


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "SANDBOX_"))}
    env.update(
        PYTHONPATH=str(ROOT),
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
        TERM="xterm-256color",
        XDG_STATE_HOME=tempfile.mkdtemp(dir=_STATE_HOMES.name),
    )
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    env.update(extra)
    return env


#: The issue's baseline: a Textual app with one label, whose first frame is noted the same way.
ONE_LABEL_APP = f"""
import os, sys, time
from pathlib import Path
from textual.app import App
from textual.widgets import Label

class OneLabel(App):
    def compose(self):
        yield Label("Hello")

    def on_ready(self):
        Path(os.environ["{MARKER_ENV}"]).write_text(f"{{time.time()!r}} boto3_loaded=False\\n")

OneLabel().run()
"""


def baseline() -> float:
    """Seconds for ``python -c "import textual.app"``, process start to exit."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import textual.app"], check=True, env=child_env())
    return time.perf_counter() - start


def first_paint(command: list[str]) -> tuple[float, bool]:
    """Seconds from process start to the first frame, and whether boto3 was loaded by then."""
    with tempfile.TemporaryDirectory() as folder:
        marker = Path(folder) / "first-paint"
        primary, secondary = pty.openpty()
        fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        start = time.time()
        process = subprocess.Popen(
            command,
            stdin=secondary,
            stdout=secondary,
            stderr=secondary,
            env=child_env(**{MARKER_ENV: str(marker)}),
            cwd=folder,
            start_new_session=True,
        )
        os.close(secondary)
        try:
            deadline = time.monotonic() + 60
            while not (marker.exists() and marker.read_text().strip()):
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"no first paint from {command}")
                _drain(primary)
                time.sleep(0.005)
            stamp, loaded = marker.read_text().split()
            return float(stamp) - start, loaded == "boto3_loaded=True"
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
            os.close(primary)


def _drain(fd: int) -> None:
    """Read what the app drew so its writes never block on a full pseudo-terminal."""
    import select

    while select.select([fd], [], [], 0)[0]:
        try:
            if not os.read(fd, 65536):
                return
        except OSError:
            return


def peak_memory_of_a_full_run() -> tuple[float, float]:
    """(peak RSS in MiB, seconds) of a child that walks fresh → every step verified."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--child-full-run"],
        env=child_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    elapsed = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert "all steps pass" in done.stdout, done.stdout + done.stderr
    return usage.ru_maxrss / 1024, elapsed


def _child_full_run() -> None:
    """In a child: the whole guided flow on a fresh sandbox, through the screens (Pilot)."""
    sys.path.insert(0, str(ROOT))
    from aws_setup_wizard.launch import Launch, open_account
    from tests.owner_answers import CONTACT
    from tests.tui.conftest import Driver, QuietApp

    async def walk() -> bool:
        with open_account(Launch(sandbox_scenario="fresh")) as opened:
            app = QuietApp(opened=opened)
            async with app.run_test(size=(100, 30)) as pilot:
                driver = Driver(pilot)
                for keys, screen in _FULL_RUN:
                    await driver.at(screen, timeout=60)
                    if keys == "contact":
                        # The owner's contact details, typed once into the first form.
                        await driver.until(
                            lambda: bool(driver.app.screen.query("#field-contact_name")),
                            "the contact form",
                        )
                        for name, value in CONTACT.items():
                            await driver.type(f"#field-{name}", value)
                    elif keys == "suffix":
                        confirm = driver.app.screen
                        await driver.type("#suffix-0", confirm.request.typed_suffixes[0])
                        await driver.click("#yes")
                    elif keys.startswith("#"):
                        await driver.click(keys)
                    else:
                        await driver.press(*keys.split())
                summary = await driver.at("SummaryScreen")
                return summary.summary.verification.exit_code == 0

    if asyncio.run(walk()):
        print("all steps pass")


# (keys or a widget to click, on which screen) for fresh → all steps verified, on the root key.
_FULL_RUN = [
    ("c", "StartScreen"),
    ("w", "DashboardScreen"),
    ("c", "PrimerScreen"),
    ("f", "StepScreen"),
    ("s", "ConsoleScreen"),
    ("ctrl+s enter", "MfaScreen"),
    ("f", "StepScreen"),
    ("#plan-it", "StepScreen"),
    ("y", "PlanConfirmScreen"),  # the plan first, then (before the first write) the account
    ("y", "AccountConfirmScreen"),
    ("c", "RunningScreen"),
    ("c", "RevealScreen"),
    ("y", "MfaOfferScreen"),
    ("ctrl+s enter", "MfaScreen"),
    ("f", "StepScreen"),
    ("#plan-it", "StepScreen"),
    ("y", "PlanConfirmScreen"),
    ("c", "RunningScreen"),
    # The guardrails: security contact (typed), budget (the defaults), S3 and passwords (no
    # settings), then the root activity alert, its e-mail confirmed in the simulated inbox.
    ("f", "StepScreen"),
    ("contact", "StepScreen"),
    ("#plan-it", "StepScreen"),
    ("y", "PlanConfirmScreen"),
    ("c", "RunningScreen"),
    ("f", "StepScreen"),
    ("#plan-it", "StepScreen"),
    ("y", "PlanConfirmScreen"),
    ("c", "RunningScreen"),
    ("f", "StepScreen"),
    ("y", "PlanConfirmScreen"),
    ("c", "RunningScreen"),
    ("f", "StepScreen"),
    ("y", "PlanConfirmScreen"),
    ("c", "RunningScreen"),
    ("f", "StepScreen"),
    ("y", "PlanConfirmScreen"),
    ("c", "RunningScreen"),
    ("s", "ConsoleScreen"),
    # Every Region: EBS encryption and GuardDuty (no settings), Access Analyzer (its defaults).
    ("f", "StepScreen"),
    ("y", "PlanConfirmScreen"),
    ("c", "RunningScreen"),
    ("f", "StepScreen"),
    ("#plan-it", "StepScreen"),
    ("y", "PlanConfirmScreen"),
    ("c", "RunningScreen"),
    ("f", "StepScreen"),
    ("y", "PlanConfirmScreen"),
    ("c", "RunningScreen"),
    # Root keys last.
    ("f", "StepScreen"),
    ("suffix", "PlanConfirmScreen"),
    ("c", "RunningScreen"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--child-full-run", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_full_run:
        _child_full_run()
        return

    # Byte code compiled first, as an installed package has it.
    compiled = [sys.executable, "-m", "compileall", "-q", *(str(ROOT / d) for d in PACKAGE_DIRS)]
    subprocess.run(compiled, check=True, stdout=subprocess.DEVNULL)
    base, label, direct, command = [], [], [], []
    # Alternating, so that a busier moment of the machine weighs on every figure alike.
    for _ in range(args.runs):
        base.append(baseline())
        label.append(first_paint([sys.executable, "-c", ONE_LABEL_APP])[0])
        direct.append(first_paint([sys.executable, "-m", "aws_setup_wizard.screens", "--sandbox"]))
        command.append(first_paint([sys.executable, "-m", "aws_setup_wizard", "--sandbox"]))
    b = statistics.median(base)
    one = statistics.median(label)
    d = statistics.median(t for t, _ in direct)
    c = statistics.median(t for t, _ in command)
    ratios = [t / o for (t, _), o in zip(command, label, strict=True)]
    print(f"runs: {args.runs}, alternating (medians)")
    print(f"python -c 'import textual.app', start to exit      {b * 1000:7.0f} ms")
    print(f"first paint  a one-label Textual app (baseline)    {one * 1000:7.0f} ms")
    print(
        f"first paint  python -m aws_setup_wizard.screens --sandbox  {d * 1000:7.0f} ms  "
        f"({d / one:.2f}x baseline; boto3 loaded before it: {any(x for _, x in direct)})"
    )
    print(
        f"first paint  aws-setup-wizard --sandbox (CLI)     {c * 1000:7.0f} ms  "
        f"({c / one:.2f}x baseline, median of pairs {statistics.median(ratios):.2f}x; "
        f"boto3 loaded before it: {any(x for _, x in command)})"
    )
    print("aim (issue 13): first paint within 1.3x the one-label app")
    if not args.skip_memory:
        peak, seconds = peak_memory_of_a_full_run()
        print(
            f"full sandbox run (fresh -> all steps verified, Pilot): peak RSS {peak:.0f} MiB, "
            f"{seconds:.1f} s"
        )


if __name__ == "__main__":
    main()
