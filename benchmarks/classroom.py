"""Twenty trainees on one machine: each with their own sandbox, all at once, fresh to verified.

Starts N sandboxes (``aws-setup-wizard sandbox serve --env-file``), then runs N scripted
trainees in parallel: each is ``aws-setup-wizard --plain`` on its own sandbox with its answers
sent through a pipe (each answer once its question is on the screen, as a person would), then
``aws-setup-wizard verify`` on the same sandbox. All trainees share one state directory, as
trainees on one classroom login would, so a shared lock would show.

Prints: the total time, each trainee's time, the sandboxes' account IDs (all different), whether
any trainee waited for another's lock, every ``verify`` exit code, and the peak memory (RSS of
every sandbox and wizard process together, sampled from /proc).
Run: ``python benchmarks/classroom.py [--trainees 20]``.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ENTER = "\r"
DOWN = "\x1b[B"

# Questions, as the plain mode asks them.
READY = "Ready to continue?"
NEXT = "What would you like to do?"
ACCOUNT = "Is this the account you mean to change?"
MAKE = "Make "
FIRST_CODE = "First code"
SECOND_CODE = "Second code"


def sandbox_mfa() -> list[tuple[str, str]]:
    """The MFA exchange in the sandbox: show the secret, then let the sandbox show the codes."""
    return [
        (NEXT, DOWN + ENTER),  # Show the secret key as text
        (NEXT, DOWN + DOWN + ENTER),  # Show me the codes (sandbox only)
        (FIRST_CODE, ENTER),
        (SECOND_CODE, ENTER),
    ]


def trainee_script() -> list[tuple[str, str]]:
    """A trainee's whole run on the sandbox's console session: every step fixed, in the order
    the wizard takes them there (root keys second: the run is not signed with one)."""
    return [
        (READY, ENTER),  # who and where
        (READY, ENTER),  # the primer
        # root-mfa: the sandbox's simulated console, QR and codes.
        (NEXT, ENTER),  # Fix this now
        (NEXT, DOWN + ENTER),  # Do it in the sandbox's simulated console
        *sandbox_mfa(),
        # root-access-keys: deleted in the sandbox's simulated console.
        (NEXT, ENTER),  # Fix this now
        (NEXT, DOWN + ENTER),  # Do it in the sandbox's simulated console
        # admin-user: the defaults, then the admin's MFA.
        (NEXT, ENTER),
        (NEXT, ENTER),  # Use these settings
        (MAKE, "y" + ENTER),
        (ACCOUNT, "y" + ENTER),
        ("MFA now", "y" + ENTER),
        *sandbox_mfa(),
        # cloudtrail: the defaults.
        (NEXT, ENTER),
        (NEXT, ENTER),  # Use these settings
        (MAKE, "y" + ENTER),
    ]


@dataclass
class Screen:
    """What a process printed so far, read on a thread; ``wait_for`` finds text after a mark."""

    text: str = ""
    mark: int = 0
    done: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def follow(self, stream: object) -> None:
        for chunk in iter(lambda: stream.read1(4096), b""):  # type: ignore[attr-defined]
            with self.lock:
                self.text += chunk.decode("utf-8", "replace")
        self.done = True

    def wait_for(self, what: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                found = self.text.find(what, self.mark)
                if found >= 0:
                    self.mark = found + len(what)
                    return True
            if self.done:
                return False
            time.sleep(0.05)
        return False


@dataclass
class Trainee:
    """One trainee: a sandbox, a guided run through a pipe, then ``verify``."""

    number: int
    folder: Path
    env: dict[str, str]
    account_id: str = ""
    seconds: float = 0.0
    verify_code: int | None = None
    run_code: int | None = None
    waited: bool = False
    problem: str = ""
    pids: list[int] = field(default_factory=list)

    def start_sandbox(self) -> subprocess.Popen[bytes]:
        env_file = self.folder / "sandbox.env"
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "aws_setup_wizard",
                "sandbox",
                "serve",
                "--env-file",
                str(env_file),
            ],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.pids.append(process.pid)
        return process

    def read_sandbox_env(self, timeout: float) -> None:
        env_file = self.folder / "sandbox.env"
        deadline = time.monotonic() + timeout
        while not (env_file.exists() and "SANDBOX_PID" in env_file.read_text()):
            if time.monotonic() > deadline:
                raise RuntimeError(f"sandbox {self.number} did not start")
            time.sleep(0.2)
        for line in env_file.read_text().splitlines():
            if "=" in line and not line.startswith("#"):
                name, value = line.split("=", 1)
                self.env[name] = value

    def run(self) -> None:
        started = time.monotonic()
        try:
            self._guided()
            verify = subprocess.run(
                [sys.executable, "-m", "aws_setup_wizard", "verify", "--json"],
                env=self.env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            self.verify_code = verify.returncode
            match = re.search(r'"account_id":\s*"(\d{12})"', verify.stdout)
            self.account_id = match.group(1) if match else "?"
        except Exception as exc:  # noqa: BLE001 - reported with the figures
            self.problem = f"{type(exc).__name__}: {exc}"
        self.seconds = time.monotonic() - started

    def _guided(self) -> None:
        process = subprocess.Popen(
            [sys.executable, "-m", "aws_setup_wizard", "--plain"],
            env={**self.env, "COLUMNS": "100", "NO_COLOR": "1"},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self.pids.append(process.pid)
        assert process.stdin is not None and process.stdout is not None
        screen = Screen()
        reader = threading.Thread(target=screen.follow, args=(process.stdout,), daemon=True)
        reader.start()
        try:
            for question, keys in trainee_script():
                if not screen.wait_for(question, timeout=120):
                    process.kill()
                    raise RuntimeError(f"never asked {question!r}")
                time.sleep(0.1)  # the prompt is drawn before it reads: a person is not faster
                process.stdin.write(keys.encode())
                process.stdin.flush()
                # The answered question is printed again with its answer: past it, the next
                # question is a new one.
                if not screen.wait_for(question, timeout=60):
                    process.kill()
                    raise RuntimeError(f"no answer taken for {question!r}")
            process.stdin.close()
            self.run_code = process.wait(timeout=180)
            reader.join(5)
            self.waited = "Waiting for" in screen.text
        finally:
            (self.folder / "run.txt").write_text(screen.text, encoding="utf-8")


def rss_kib(pids: list[int]) -> int:
    """Resident memory of ``pids`` and their children, from /proc (KiB)."""
    total = 0
    seen: set[int] = set()
    todo = list(pids)
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            continue
        match = re.search(r"^VmRSS:\s+(\d+)", status, re.MULTILINE)
        total += int(match.group(1)) if match else 0
        todo += [int(child) for child in children]
    return total


def main() -> int:
    """Run the classroom and print its figures; exit 1 unless every trainee verified."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=20)
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="classroom-"))
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "SANDBOX_"))}
    base.update(
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        XDG_STATE_HOME=str(root / "state"),  # one classroom login: one state directory
    )
    trainees = []
    for number in range(1, args.trainees + 1):
        folder = root / f"trainee-{number:02d}"
        folder.mkdir()
        trainees.append(Trainee(number, folder, dict(base)))

    peak = [0]
    sampling = threading.Event()

    def sample() -> None:
        while not sampling.is_set():
            peak[0] = max(peak[0], rss_kib([p for t in trainees for p in t.pids]))
            time.sleep(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.monotonic()
    sandboxes = [trainee.start_sandbox() for trainee in trainees]
    try:
        for trainee in trainees:
            trainee.read_sandbox_env(timeout=180)
        ready = time.monotonic() - started
        runs = [threading.Thread(target=t.run) for t in trainees]
        for thread in runs:
            thread.start()
        for thread in runs:
            thread.join()
        total = time.monotonic() - started
    finally:
        sampling.set()
        sampler.join(2)
        for trainee, sandbox in zip(trainees, sandboxes, strict=True):
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "aws_setup_wizard",
                    "sandbox",
                    "stop",
                    "--env-file",
                    str(trainee.folder / "sandbox.env"),
                ],
                env=base,
                capture_output=True,
                timeout=30,
            )
            if sandbox.poll() is None:
                sandbox.kill()

    times = [t.seconds for t in trainees]
    accounts = [t.account_id for t in trainees]
    print(f"trainees: {len(trainees)} on {os.cpu_count()} cores (work folder {root})")
    print(f"sandboxes ready after: {ready:.1f} s")
    print(f"total time, start of the first sandbox to the last verify: {total:.1f} s")
    print(
        f"per trainee (guided run + verify): median {statistics.median(times):.1f} s, "
        f"min {min(times):.1f} s, max {max(times):.1f} s"
    )
    print(f"account IDs: {len(set(accounts))} different of {len(accounts)}")
    print(f"trainees that waited for another's lock: {sum(t.waited for t in trainees)}")
    codes = [t.verify_code for t in trainees]
    print(f"verify exit codes: {codes}")
    print(f"peak memory, every sandbox and wizard process together: {peak[0] / 1024:.0f} MiB")
    for trainee in trainees:
        if trainee.problem or trainee.verify_code != 0:
            print(
                f"trainee {trainee.number}: {trainee.problem or 'verify failed'} "
                f"(run exit {trainee.run_code}; output in {trainee.folder / 'run.txt'})"
            )
    everyone = all(code == 0 for code in codes) and len(set(accounts)) == len(accounts)
    return 0 if everyone and not any(t.waited for t in trainees) else 1


if __name__ == "__main__":
    sys.exit(main())
