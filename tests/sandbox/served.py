"""A real ``sandbox serve`` in its own process, for tests that need sandboxes side by side
(only one sandbox runs per process) or the command line itself."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from aws_setup_wizard.sandbox.cli import read_env_file

PROJECT_ROOT = Path(__file__).resolve().parents[2]
RUN_CLI = "import sys; from aws_setup_wizard.sandbox.cli import main; sys.exit(main(sys.argv[1:]))"


@contextmanager
def served(env_file: Path, env: dict[str, str], *args: str) -> Iterator[dict[str, str]]:
    """``sandbox serve --env-file FILE ARGS`` in its own process; yields the file's variables
    and stops it with ``sandbox stop --env-file`` (never by name)."""
    process = subprocess.Popen(
        [sys.executable, "-c", RUN_CLI, "sandbox", "serve", "--env-file", str(env_file), *args],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while "SANDBOX_PID=" not in (env_file.read_text() if env_file.exists() else ""):
            assert process.poll() is None, process.communicate()[1]
            assert time.monotonic() < deadline, "sandbox serve wrote no env file"
            time.sleep(0.1)
        yield read_env_file(env_file)
    finally:
        subprocess.run(
            [sys.executable, "-c", RUN_CLI, "sandbox", "stop", "--env-file", str(env_file)],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            timeout=60,
        )
        if process.poll() is None:
            process.terminate()
        process.communicate(timeout=30)
