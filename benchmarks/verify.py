"""Figures for ``verify`` on a sandbox in the ``done`` scenario.

Prints: API calls made (and how many were in flight at once), verify time inside the process,
and the whole ``aws-setup-wizard verify`` process time beside ``python -c "import boto3"``.
Run: ``python benchmarks/verify.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time

from aws_setup_wizard import runner
from aws_setup_wizard.account import Account
from aws_setup_wizard.sandbox import Sandbox


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


def timed_process(command: list[str], env: dict[str, str], runs: int) -> list[float]:
    """Wall time of a whole process, ``runs`` times."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    """Run the measurements and print them."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
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

        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update({k: v for k, v in box.env().items() if not k.startswith("SANDBOX_")})
        verify_times = timed_process(
            [sys.executable, "-m", "aws_setup_wizard", "verify"], env, runs
        )
        import_times = timed_process([sys.executable, "-c", "import boto3"], env, runs)

    verify_median = statistics.median(verify_times)
    import_median = statistics.median(import_times)
    print(f"API calls per verify:             {per_run} (peak in flight: {in_flight[1]})")
    print(f"  operations: {', '.join(sorted(set(calls)))}")
    print(
        f"verify inside the process:        median {statistics.median(in_process) * 1000:.1f} ms "
        f"(min {min(in_process) * 1000:.1f}, max {max(in_process) * 1000:.1f}, {runs} runs)"
    )
    print(f"aws-setup-wizard verify process:  median {verify_median * 1000:.0f} ms")
    print(f'python -c "import boto3":         median {import_median * 1000:.0f} ms')
    print(f"ratio verify / import boto3:      {verify_median / import_median:.2f}x (aim: <= 2x)")


if __name__ == "__main__":
    main()
