"""One C heap for the sandbox's process, instead of one per thread that ever ran at once.

The sandbox's server answers each connection on a thread of its own (werkzeug's threaded
server), and a guided run opens about 250 of them, beside the app's own worker threads. glibc's
``malloc`` gives a thread that finds the heap busy an *arena* of its own (up to 8 per core), and
keeps what was freed in each arena for later instead of returning it to the system. Python puts
every object of more than 512 bytes there (the dicts and lists of moto's backends and of the
parsed requests and answers), so each arena ends up holding the free space of its busiest moment:
measured on a full guided sandbox run (``benchmarks/startup.py --child-full-run``), peak RSS
178 MB with glibc's default, 153 MB with one arena (the ``MALLOC_ARENA_MAX=1`` environment
variable gives the same figure).

Nothing is lost by sharing one arena here: a Python thread allocates while holding the GIL, so
the threads never ran their allocations side by side anyway. Only how free memory is kept
changes; no request is served differently.

:func:`limit` asks glibc for one arena (``mallopt(M_ARENA_MAX, 1)``) when the sandbox's server is
made, before its first thread starts. It does nothing where the C library is not glibc (macOS,
musl), and leaves alone a process whose owner chose ``MALLOC_ARENA_MAX`` themselves.
"""

from __future__ import annotations

import ctypes
import os
import threading

#: glibc's ``M_ARENA_MAX`` parameter of ``mallopt`` (``malloc.h``).
M_ARENA_MAX = -8

_lock = threading.Lock()
_limited: bool | None = None


def _glibc() -> ctypes.CDLL | None:
    """The process's C library if it is glibc (the only one with arenas to limit), else None."""
    try:
        libc = ctypes.CDLL(None)
    except OSError:  # pragma: no cover - every CPython on a POSIX system can open itself
        return None
    if not hasattr(libc, "gnu_get_libc_version") or not hasattr(libc, "mallopt"):
        return None
    return libc


def limit(arenas: int = 1) -> bool:
    """Ask glibc to keep at most ``arenas`` malloc arenas in this process (once per process).

    Returns whether the limit is in place: False where the C library is not glibc, or when
    ``MALLOC_ARENA_MAX`` is set in the environment (glibc already read it; the owner's choice
    stands). Arenas made before the call stay, which is why it is called before the sandbox's
    server starts any thread.
    """
    global _limited
    with _lock:
        if _limited is None:
            libc = None if "MALLOC_ARENA_MAX" in os.environ else _glibc()
            _limited = bool(libc is not None and libc.mallopt(M_ARENA_MAX, arenas) == 1)
        return _limited
