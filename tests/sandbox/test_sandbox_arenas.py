"""The sandbox's process keeps one C heap (glibc arena) however many threads allocate at once.

Each case runs in a child process, because the limit lasts for the process and arenas made
before it stay. glibc's ``malloc_stats()`` writes one ``Arena N:`` block per arena to stderr,
which is what is counted. The control case (no limit) shows the count does grow with threads,
so the limited case's single arena means something.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from aws_setup_wizard.sandbox import arenas

pytestmark = pytest.mark.skipif(
    arenas._glibc() is None, reason="malloc arenas are glibc's (Linux); elsewhere nothing to limit"
)

# Four threads, all alive at once, each allocating objects too big for Python's own small
# allocator (so they come from malloc), then glibc's account of its arenas.
_CHILD = """
import ctypes, sys, threading
from aws_setup_wizard.sandbox import arenas
print(arenas.limit() if sys.argv[1] == "limit" else "unlimited", flush=True)
barrier = threading.Barrier(4)
def work():
    kept = [bytes(4096) for _ in range(200)]
    barrier.wait()
    barrier.wait()
threads = [threading.Thread(target=work) for _ in range(3)]
for t in threads:
    t.start()
barrier.wait()
ctypes.CDLL(None).malloc_stats()
barrier.wait()
for t in threads:
    t.join()
"""


def _arenas(mode: str, env: dict[str, str] | None = None) -> tuple[str, int]:
    child_env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    child_env.update(env or {})
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, mode],
        capture_output=True,
        text=True,
        check=True,
        env=child_env,
        timeout=60,
    )
    return done.stdout.strip(), done.stderr.count("Arena ")


def test_threads_share_one_arena_once_limited() -> None:
    said, count = _arenas("limit")
    assert said == "True"
    assert count == 1


def test_without_the_limit_threads_get_arenas_of_their_own() -> None:
    said, count = _arenas("none")
    assert said == "unlimited"
    assert count > 1


def test_an_owners_malloc_arena_max_is_left_alone() -> None:
    # glibc read the variable at start; the limit is not set over it and says so.
    said, count = _arenas("limit", {"MALLOC_ARENA_MAX": "2"})
    assert said == "False"
    assert count == 2


# A sandbox started in a fresh process, then answering calls from several threads at once
# (each connection is served on a server thread of its own).
_SANDBOX_CHILD = """
import ctypes, os, threading
import boto3
from aws_setup_wizard.sandbox import Sandbox
with Sandbox("fresh") as sandbox:
    os.environ.update(sandbox.env())
    barrier = threading.Barrier(5)
    def work():
        client = boto3.session.Session().client("sts", region_name="us-east-1")
        client.get_caller_identity()
        barrier.wait()
        barrier.wait()
    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    barrier.wait()
    print(threading.active_count() - 1 > 4, flush=True)  # server threads alive too
    ctypes.CDLL(None).malloc_stats()
    barrier.wait()
    for t in threads:
        t.join()
"""


def test_a_sandbox_serving_threads_at_once_keeps_one_arena() -> None:
    child_env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    done = subprocess.run(
        [sys.executable, "-c", _SANDBOX_CHILD],
        capture_output=True,
        text=True,
        check=True,
        env=child_env,
        timeout=120,
    )
    assert done.stdout.strip() == "True"
    assert done.stderr.count("Arena ") == 1
