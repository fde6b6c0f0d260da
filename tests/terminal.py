"""Run a command whose standard output is a terminal (a pseudo-terminal), as an owner's is.

The wizard prints an initial password only to a terminal; tests that need to see it run the
command here instead of with captured pipes.
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path


def run_on_terminal(
    argv: Sequence[str],
    *,
    env: Mapping[str, str],
    cwd: Path | str | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` with stdout on a pseudo-terminal (stderr captured, stdin empty)."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        list(argv),
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=subprocess.PIPE,
        env=dict(env),
        cwd=cwd,
    )
    os.close(slave)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:  # the child closed the terminal
                    break
                if not data:
                    break
                chunks.append(data)
            elif process.poll() is not None:
                break
        else:
            process.kill()
            raise TimeoutError(f"{argv} ran longer than {timeout} s")
        _, stderr = process.communicate(timeout=timeout)
    finally:
        os.close(master)
    out = b"".join(chunks).decode("utf-8", errors="replace").replace("\r\n", "\n")
    return subprocess.CompletedProcess(list(argv), process.returncode, out, stderr.decode())
