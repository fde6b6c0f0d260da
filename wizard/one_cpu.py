"""Keep ``verify``'s process on the CPU it started on (Linux), where its CPUs are all alike.

``verify`` reads the account with a few dozen threads (steps, Regions, reads within a step), and
all of them run Python under the one interpreter lock, so the process never runs more than one
CPU's worth of Python at a time. Each time a thread blocks (a socket, the random number of
botocore's invocation id) it hands the lock to a waiting thread, and on a machine with several
CPUs the kernel wakes that thread on another CPU, whose caches are cold for it: the lock
bounces between CPUs hundreds of times a second (D. Beazley, "Understanding the Python GIL",
PyCon 2010; CPython issue 7946, "Convoy effect with I/O bound threads and New GIL"). Kept to
one CPU, the same threads take turns there, and the process does the same work in markedly
less CPU time and wall time (``benchmarks/verify.py`` measures it; the figures are in the
README).

Only the command's own process is kept, to the CPU the kernel chose to start it on (so runs at
the same time spread as the kernel spreads them), and only where that CPU is as fast as any
other it may use. On machines whose CPUs differ (performance and efficiency cores, big.LITTLE,
or a few favoured cores that boost higher), the kernel places threads better than a fixed
choice, so nothing changes; nor where the operating system has no CPU affinity (only Linux
has ``os.sched_setaffinity``) or only one CPU is allowed anyway.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

#: Per-CPU figures that differ between kinds of core: the scheduler's relative capacity
#: (big.LITTLE, and hybrid x86 on recent kernels), and the highest frequency cpufreq allows.
CPU_SYSFS = "/sys/devices/system/cpu"
KIND_OF_CORE = ("cpu_capacity", "cpufreq/cpuinfo_max_freq")


def processor_of(stat: bytes) -> int | None:
    """The ``processor`` field (39) of a ``/proc/PID/stat`` line, or ``None``.

    The command name (field 2, in parentheses) may hold spaces and parentheses of its own, so
    fields are counted after its last ``)`` (proc(5)).
    """
    _, closing, rest = stat.rpartition(b")")
    fields = rest.split()
    if not closing or len(fields) < 37:
        return None
    try:
        return int(fields[36])  # fields[0] is field 3 (state)
    except ValueError:
        return None


def current_cpu() -> int | None:
    """The CPU this process runs on now, or ``None`` where ``/proc`` does not say."""
    try:
        with open("/proc/self/stat", "rb") as stat:
            return processor_of(stat.read())
    except OSError:
        return None


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="ascii") as figure:
            return figure.read().strip()
    except (OSError, ValueError):
        return None


def cpus_alike(cpus: Iterable[int]) -> bool:
    """True when every CPU in ``cpus`` reports the same capacity and top frequency.

    A figure no CPU reports (a virtual machine often has no cpufreq) tells nothing apart; one
    that only some report, or that differs, does.
    """
    chosen = sorted(cpus)
    for figure in KIND_OF_CORE:
        values = {_read(f"{CPU_SYSFS}/cpu{cpu}/{figure}") for cpu in chosen}
        if len(values) > 1:
            return False
    return True


def keep_to_one_cpu() -> int | None:
    """Keep this thread, and the threads it starts, on the CPU it runs on now.

    Returns that CPU, or ``None`` when nothing changed (see the module's docstring for when).
    Call it before starting threads: Linux sets the affinity of the calling thread, and new
    threads inherit it.
    """
    setaffinity = getattr(os, "sched_setaffinity", None)
    getaffinity = getattr(os, "sched_getaffinity", None)
    if setaffinity is None or getaffinity is None:
        return None
    try:
        allowed = getaffinity(0)
    except OSError:
        return None
    cpu = current_cpu()
    if len(allowed) < 2 or cpu not in allowed or not cpus_alike(allowed):
        return None
    try:
        setaffinity(0, {cpu})
    except OSError:
        return None
    return cpu
