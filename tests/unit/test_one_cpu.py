"""``verify``'s process keeps to the CPU it started on, where that is safe (``one_cpu``)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from aws_setup_wizard import cli, one_cpu
from aws_setup_wizard.sandbox import Sandbox

LINUX_AFFINITY = pytest.mark.skipif(
    not hasattr(os, "sched_setaffinity"), reason="CPU affinity is Linux's (os.sched_setaffinity)"
)


def _stat_line(command: bytes, processor: int) -> bytes:
    # Fields 3..52 of proc(5), with field 39 (processor) set; the rest are placeholders.
    fields = [b"S"] + [str(n).encode() for n in range(4, 53)]
    fields[36] = str(processor).encode()
    return b"4242 (" + command + b") " + b" ".join(fields) + b"\n"


@pytest.mark.parametrize("command", [b"python3", b"a) b (c", b"x y) 1 2 3"])
def test_the_processor_is_counted_after_the_command_name(command: bytes) -> None:
    assert one_cpu.processor_of(_stat_line(command, 7)) == 7


@pytest.mark.parametrize("line", [b"", b"4242 (python3", b"4242 (python3) S 1 2", b"1 (x) " * 3])
def test_a_stat_line_without_the_processor_says_nothing(line: bytes) -> None:
    assert one_cpu.processor_of(line) is None


@LINUX_AFFINITY
def test_the_current_cpu_is_one_this_process_may_use() -> None:
    assert one_cpu.current_cpu() in os.sched_getaffinity(0)


def _cpu_figures(root: Path, figures: dict[int, dict[str, str]]) -> None:
    for cpu, values in figures.items():
        for name, value in values.items():
            path = root / f"cpu{cpu}" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(value + "\n")


@pytest.mark.parametrize(
    ("figures", "alike"),
    [
        ({0: {}, 1: {}}, True),  # no figures (a virtual machine): nothing tells them apart
        ({0: {"cpu_capacity": "1024"}, 1: {"cpu_capacity": "1024"}}, True),
        ({0: {"cpu_capacity": "1024"}, 1: {"cpu_capacity": "446"}}, False),  # big.LITTLE
        ({0: {"cpu_capacity": "1024"}, 1: {}}, False),  # only one reports it
        (
            {
                0: {"cpufreq/cpuinfo_max_freq": "4700000"},
                1: {"cpufreq/cpuinfo_max_freq": "3600000"},  # a hybrid x86's efficiency core
            },
            False,
        ),
    ],
)
def test_cpus_are_alike_only_when_no_figure_differs(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    figures: dict[int, dict[str, str]],
    alike: bool,
) -> None:
    _cpu_figures(tmp_path, figures)
    monkeypatch.setattr(one_cpu, "CPU_SYSFS", str(tmp_path))
    assert one_cpu.cpus_alike(figures) is alike


class _Affinity:
    """A stand-in for the process's CPU affinity, so no test moves pytest's own process."""

    def __init__(self, allowed: set[int], refuse: bool = False) -> None:
        self.allowed = allowed
        self.refuse = refuse
        self.set_to: list[set[int]] = []

    def get(self, pid: int) -> set[int]:
        assert pid == 0
        return set(self.allowed)

    def set(self, pid: int, cpus: set[int]) -> None:
        assert pid == 0
        if self.refuse:
            raise PermissionError("not allowed")
        self.set_to.append(set(cpus))


def _stand_in(
    monkeypatch: pytest.MonkeyPatch, affinity: _Affinity, cpu: int | None, alike: bool = True
) -> None:
    monkeypatch.setattr(one_cpu.os, "sched_getaffinity", affinity.get, raising=False)
    monkeypatch.setattr(one_cpu.os, "sched_setaffinity", affinity.set, raising=False)
    monkeypatch.setattr(one_cpu, "current_cpu", lambda: cpu)
    monkeypatch.setattr(one_cpu, "cpus_alike", lambda cpus: alike)


def test_the_process_is_kept_to_the_cpu_it_runs_on(monkeypatch: pytest.MonkeyPatch) -> None:
    affinity = _Affinity({0, 1, 2, 3})
    _stand_in(monkeypatch, affinity, cpu=2)
    assert one_cpu.keep_to_one_cpu() == 2
    assert affinity.set_to == [{2}]


@pytest.mark.parametrize(
    ("affinity", "cpu", "alike"),
    [
        (_Affinity({3}), 3, True),  # one CPU allowed anyway
        (_Affinity({0, 1}), None, True),  # /proc did not say where it runs
        (_Affinity({0, 1}), 5, True),  # running where it may not (a changed cpuset)
        (_Affinity({0, 1}), 1, False),  # CPUs of different kinds: the kernel knows better
        (_Affinity({0, 1}, refuse=True), 1, True),  # the system refuses
    ],
)
def test_nothing_changes_where_keeping_to_one_cpu_is_not_safe(
    monkeypatch: pytest.MonkeyPatch, affinity: _Affinity, cpu: int | None, alike: bool
) -> None:
    _stand_in(monkeypatch, affinity, cpu, alike)
    assert one_cpu.keep_to_one_cpu() is None
    assert affinity.set_to == []


def test_without_cpu_affinity_nothing_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(one_cpu.os, "sched_setaffinity", raising=False)
    assert one_cpu.keep_to_one_cpu() is None


@LINUX_AFFINITY
def test_threads_started_afterwards_stay_on_that_cpu() -> None:
    """The real system call, in a process of its own: the threads it starts inherit the CPU."""
    allowed = os.sched_getaffinity(0)
    if len(allowed) < 2 or not one_cpu.cpus_alike(allowed):
        pytest.skip("needs two CPUs of one kind")
    script = textwrap.dedent(
        """
        import os, threading
        from aws_setup_wizard.one_cpu import keep_to_one_cpu
        kept = keep_to_one_cpu()
        seen = []
        thread = threading.Thread(target=lambda: seen.append(os.sched_getaffinity(0)))
        thread.start()
        thread.join()
        print(kept, sorted(os.sched_getaffinity(0)), sorted(seen[0]))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.split(maxsplit=1)
    cpu = int(out[0])
    assert cpu in allowed
    assert out[1].strip() == f"[{cpu}] [{cpu}]"


@LINUX_AFFINITY
def test_a_process_allowed_one_cpu_is_left_alone() -> None:
    only = min(os.sched_getaffinity(0))
    script = (
        f"import os; os.sched_setaffinity(0, {{{only}}}); "
        "from aws_setup_wizard.one_cpu import keep_to_one_cpu; "
        "print(keep_to_one_cpu(), sorted(os.sched_getaffinity(0)))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"None [{only}]"


# -- which processes the command line keeps to one CPU ----------------------------------------

_RUN_MAIN = textwrap.dedent(
    """
    import sys
    from aws_setup_wizard import cli
    cli.keep_to_one_cpu = lambda: print("kept to one CPU", flush=True)
    sys.argv = ["aws-setup-wizard", *sys.argv[1:]]
    cli.main()
    """
)


@pytest.mark.parametrize(
    ("arguments", "kept"),
    [
        (["verify", "--json"], True),
        (["verify", "--help"], False),
        (["decline", "--help"], False),
    ],
)
def test_only_verify_s_own_process_keeps_to_one_cpu(
    sandbox: Callable[[str], Sandbox], arguments: list[str], kept: bool
) -> None:
    env = {**os.environ, **sandbox("done").env()}
    done = subprocess.run(
        [sys.executable, "-c", _RUN_MAIN, *arguments], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    assert ("kept to one CPU" in done.stdout) is kept


def test_verify_called_in_a_process_of_the_caller_s_leaves_its_cpus_alone(
    sandbox: Callable[[str], Sandbox], monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    calls: list[None] = []
    monkeypatch.setattr(cli, "keep_to_one_cpu", lambda: calls.append(None))
    for name, value in sandbox("done").env().items():
        if name.startswith("AWS_"):
            monkeypatch.setenv(name, value)
    assert cli.main(["verify", "--json"]) == 0
    assert capsys.readouterr().out
    assert calls == []
