"""Figures for ``verify`` on a sandbox in the ``done`` scenario, every one in one run (issue 13).

Prints, each with the commands that reproduce it with public tools:

- API calls per verify (and the most in flight at once), and verify's time inside a process;
- client creation: the clients the steps declare (``Step.services``, and sts) made in a new
  process, with the trimmed service models and with botocore's own (median of the runs); and
  what each further Region's client of the Regional steps' services costs;
- the whole ``aws-setup-wizard verify --json`` process beside ``python -c "import boto3"``, for
  every step (aim 2.5x, issue 15), the account-wide steps (those of the home Region; aim 1.6x,
  issue 13) and the four essentials (1.6x): alternating runs, medians, and the median of the
  pairwise ratios;
- the peak memory (maximum resident set) of each of those two processes, from GNU time.

Byte code is compiled first (``python -m compileall``), as an installed package has it; the
verify process gets no AWS configuration of the developer's (``AWS_CONFIG_FILE=/dev/null``).
Run: ``python benchmarks/verify.py [--runs 10] [--with-startup]``.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import aws_setup_wizard
from aws_setup_wizard import runner
from aws_setup_wizard.account import Account
from aws_setup_wizard.sandbox import Sandbox
from aws_setup_wizard.sdk.loader import MODE_ENV
from aws_setup_wizard.steps import STEPS

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(aws_setup_wizard.__file__).resolve().parent
#: The aims of issue 13 (the account-wide steps, and the essentials alone).
AIM_RATIO = 1.6
AIM_PEAK_MIB = 45
#: The aim of issue 15: verify of everything, the steps that cover every enabled Region too.
AIM_RATIO_EVERYTHING = 2.5


def count_calls(account: Account) -> tuple[list[str], list[int]]:
    """Hook every client: record operations and the peak number of calls in flight."""
    calls: list[str] = []
    in_flight = [0, 0]  # current, peak
    lock = threading.Lock()

    def before(event_name: str, **_: object) -> None:
        with lock:
            calls.append(event_name.rsplit(".", 1)[-1])
            in_flight[0] += 1
            in_flight[1] = max(in_flight)

    def after(**_: object) -> None:
        with lock:
            in_flight[0] -= 1

    account.on_every_client("before-call", before)
    account.on_every_client("after-call", after)
    return calls, in_flight


def compile_bytecode() -> list[str]:
    """Compile the package's byte code, as installing it does; returns the command."""
    command = [sys.executable, "-m", "compileall", "-q", str(PACKAGE)]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return command


#: GNU time reports the command's own peak memory. (A child of this process would not: Linux
#: counts the resident set a child inherits at fork, and this process holds the sandbox.)
TIME = "/usr/bin/time"


def run_once(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, peak resident MiB) of one whole process, its own figures only."""
    with tempfile.NamedTemporaryFile("r", prefix="bench-time-") as report:
        start = time.perf_counter()
        done = subprocess.run(
            [TIME, "-f", "%M", "-o", report.name, *command], env=env, stdout=subprocess.DEVNULL
        )
        elapsed = time.perf_counter() - start
        peak_kib = int(report.read().split()[-1])
    if done.returncode not in (0, 1):
        raise SystemExit(f"{shlex.join(command)} exited {done.returncode}")
    return elapsed, peak_kib / 1024


def alternating(
    commands: list[list[str]], env: dict[str, str], runs: int
) -> list[list[tuple[float, float]]]:
    """``runs`` rounds of every command in turn; one warm-up round is not counted."""
    for command in commands:
        run_once(command, env)
    results: list[list[tuple[float, float]]] = [[] for _ in commands]
    for _ in range(runs):
        for command, result in zip(commands, results, strict=True):
            result.append(run_once(command, env))
    return results


def _child_clients(services: list[str]) -> None:
    """In a new process: ms to create each client (printed as JSON), as verify creates them.

    With the garbage collector off, as ``verify`` runs (``cli.main``): otherwise a full
    collection lands on whichever client is made when the threshold is crossed (it made the
    11th client, sns, look 40 ms slower than it is).
    """
    gc.disable()
    account = Account.from_settings(region="us-east-1", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
    times = {}
    for service in services:
        start = time.perf_counter()
        account.client(service)
        times[service] = (time.perf_counter() - start) * 1000
    print(json.dumps(times))


def step_services() -> list[str]:
    """Every service a step declares (``Step.services``), and sts, which every verify calls."""
    return sorted({"sts", *(service for step in STEPS for service in step.services)})


def _child_regional(services: list[str], regions: list[str]) -> None:
    """In a new process: ms to make each service's client in every other Region (JSON).

    The first client of every service the steps use is made first and not counted, as a
    verify has made them by then: this is what the steps that read every enabled Region pay
    for each further Region (a client per service and Region), with the models, handlers and
    settings already loaded.
    """
    gc.disable()
    account = Account.from_settings(region="us-east-1", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
    for service in step_services():
        account.client(service)
    others = [region for region in regions if region != account.region]
    start = time.perf_counter()
    for service in services:
        for region in others:
            account.client(service, region)
    elapsed = (time.perf_counter() - start) * 1000
    print(json.dumps({"clients": len(services) * len(others), "ms": elapsed}))


def clients_command(services: list[str]) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--child-clients", *services]


def regional_command(services: list[str], regions: list[str]) -> list[str]:
    return [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child-regional",
        ",".join(services),
        ",".join(regions),
    ]


def regional_clients(command: list[str], env: dict[str, str], runs: int) -> tuple[int, float]:
    """(clients, median ms each) of :func:`_child_regional` over ``runs`` new processes."""
    each = []
    clients = 0
    for _ in range(runs):
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
        found = json.loads(done.stdout)
        clients = int(found["clients"])
        each.append(float(found["ms"]) / clients)
    return clients, statistics.median(each)


def client_creation(services: list[str], env: dict[str, str], runs: int) -> dict[str, float]:
    """Median ms to create each client (and ``total``) in a new process, over ``runs``."""
    samples: list[dict[str, float]] = []
    for _ in range(runs):
        done = subprocess.run(
            clients_command(services),
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        times = json.loads(done.stdout)
        times["total"] = sum(times.values())
        samples.append(times)
    return {key: statistics.median(s[key] for s in samples) for key in samples[0]}


def main() -> None:
    """Run the measurements and print them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="runs of each (default 10)")
    parser.add_argument(
        "--with-startup", action="store_true", help="then run benchmarks/startup.py too"
    )
    parser.add_argument("--child-clients", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--child-regional", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_clients:
        _child_clients(args.child_clients)
        return
    if args.child_regional:
        _child_regional(*(value.split(",") for value in args.child_regional))
        return
    runs = args.runs
    compiled = compile_bytecode()
    services = step_services()
    with Sandbox("done") as box:
        creds = box.console_credentials
        account = Account.from_settings(
            region=box.region,
            endpoint_url=box.endpoint_url,
            credentials=(creds.access_key_id, creds.secret_access_key, creds.session_token),
        )
        calls, in_flight = count_calls(account)
        runner.verify(account)  # warm-up: clients, connections
        calls.clear()
        in_process = []
        for _ in range(runs):
            start = time.perf_counter()
            verification = runner.verify(account)
            in_process.append(time.perf_counter() - start)
        per_run = len(calls) // runs
        assert verification.exit_code == 0, "the done scenario should verify clean"

        sandbox_env = {k: v for k, v in box.env().items() if not k.startswith("SANDBOX_")}
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(sandbox_env, AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
        # A machine's own state as a new owner's is: verify reads this machine's journal (a
        # recent write means a failure is re-checked), and a developer's holds thousands of runs.
        state = tempfile.TemporaryDirectory(prefix="bench-verify-state-")
        env["XDG_STATE_HOME"] = state.name
        trimmed = client_creation(services, env, runs)
        whole = client_creation(services, {**env, MODE_ENV: "off"}, runs)
        regional_services = sorted({s for step in STEPS if step.regional for s in step.services})
        regional = regional_command(regional_services, list(account.enabled_regions()))
        regional_count, regional_each = regional_clients(regional, env, runs)

        script = Path(sys.executable).with_name("aws-setup-wizard")
        command = [str(script)] if script.exists() else [sys.executable, "-m", "aws_setup_wizard"]
        verify_command = [*command, "verify", "--json"]
        # Issue 13's aims hold for the steps of the account's home Region (the nine essentials
        # and guardrails) and for the design card's four alone (issue 14); issue 15 aims at
        # 2.5x for everything, the steps that read every enabled Region too.
        account_wide = [step.id for step in STEPS if not step.regional]
        essentials = [step.id for step in STEPS if step.group == "Essentials"]
        import_command = [sys.executable, "-c", "import boto3"]
        measured = [
            (f"every step ({len(STEPS)})", verify_command, AIM_RATIO_EVERYTHING, None),
            (
                f"the account-wide ({len(account_wide)})",
                [*verify_command, *account_wide],
                AIM_RATIO,
                AIM_PEAK_MIB,
            ),
            (
                f"the essentials ({len(essentials)})",
                [*verify_command, *essentials],
                AIM_RATIO,
                AIM_PEAK_MIB,
            ),
        ]
        *verify_runs, import_runs = alternating(
            [*(shown for _, shown, _, _ in measured), import_command], env, runs
        )

    import_median = statistics.median(t for t, _ in import_runs)
    import_peak = statistics.median(m for _, m in import_runs)
    load = os.getloadavg()[0]

    print(f"byte code compiled first: {shlex.join(compiled)}")
    print(f"load average at the end: {load:.2f} on {os.cpu_count()} cores")
    print()
    print(f"API calls per verify:             {per_run} (peak in flight: {in_flight[1]})")
    print(f"  operations: {', '.join(sorted(set(calls)))}")
    print(
        f"verify inside the process:        median {statistics.median(in_process) * 1000:.1f} ms "
        f"(min {min(in_process) * 1000:.1f}, max {max(in_process) * 1000:.1f}, {runs} runs)"
    )
    print(
        f"client creation, new process:     {trimmed['total']:.1f} ms for {len(services)} "
        f"clients with the trimmed models; {whole['total']:.1f} ms with botocore's "
        f"({MODE_ENV}=off); medians of {runs}"
    )
    print(
        "  per client (trimmed / botocore's): "
        + ", ".join(f"{s} {trimmed[s]:.1f}/{whole[s]:.1f}" for s in services)
    )
    print(
        f"Regional clients, new process:    {regional_each:.2f} ms each for {regional_count} "
        f"({', '.join(regional_services)} in every other enabled Region); median of {runs}"
    )
    print(f"whole process, {runs} alternating rounds (medians):")
    rows = [
        (label, runs_of, shown)
        for (label, shown, _, _), runs_of in zip(measured, verify_runs, strict=True)
    ]
    for label, runs_of, shown in [*rows, ("import boto3", import_runs, import_command)]:
        median = statistics.median(t for t, _ in runs_of)
        peak = statistics.median(m for _, m in runs_of)
        print(f"  {label:<26} {median * 1000:6.0f} ms  {peak:5.1f} MiB   {shlex.join(shown)}")
    for (label, _, aim_ratio, aim_peak), runs_of in zip(measured, verify_runs, strict=True):
        median = statistics.median(t for t, _ in runs_of)
        pairwise = statistics.median(
            a / b for (a, _), (b, _) in zip(runs_of, import_runs, strict=True)
        )
        peak = statistics.median(m for _, m in runs_of)
        peak_aim = f"; aim: <= {aim_peak} MiB" if aim_peak is not None else ""
        print(
            f"verify of {label:<26} {median / import_median:.2f}x import boto3 (medians), "
            f"{pairwise:.2f}x median of pairs (aim: <= {aim_ratio}x); peak {peak:.1f} MiB "
            f"(import boto3: {import_peak:.1f}{peak_aim})"
        )
    print()
    print("To reproduce with public tools (a second shell):")
    print(f"  {shlex.join(compiled)}")
    print("  aws-setup-wizard sandbox serve --scenario done --env-file sb.env &")
    print("  until [ -s sb.env ]; do sleep 0.2; done; set -a; . ./sb.env; set +a")
    print("  export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null")
    print("  export XDG_STATE_HOME=$(mktemp -d)   # a new machine's state")
    print(f"  /usr/bin/time -v {shlex.join(verify_command)} >/dev/null   # wall, maximum RSS")
    print(f"  /usr/bin/time -v {shlex.join(import_command)}")
    print(f"  {shlex.join(clients_command(services))}   # ms per client")
    print(f"  {shlex.join(regional)}   # Regional clients")
    print("  aws-setup-wizard sandbox stop --env-file sb.env")
    if args.with_startup:
        print()
        subprocess.run(
            [sys.executable, str(ROOT / "benchmarks" / "startup.py"), "--runs", str(runs)],
            check=True,
        )


if __name__ == "__main__":
    main()
