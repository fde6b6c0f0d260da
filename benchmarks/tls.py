"""What verifying servers over HTTPS costs the wizard's clients, with the CA bundle parsed once.

The sandbox speaks plain HTTP on loopback, so ``benchmarks/verify.py`` never sees TLS; AWS is
only reached over HTTPS. This starts an HTTPS endpoint on loopback with a certificate authority
of its own (``tests/tls_server.py``), names that authority's certificate as the CA bundle the
way an owner does (``AWS_CA_BUNDLE``), padded to the size of a real bundle (Debian's
``/etc/ssl/certs/ca-certificates.crt`` when present, else certifi's), and makes one call from
each of as many clients as a verify of every step makes (three JSON-protocol services in each
of the 17 default Regions: 51), in a new process each run:

- **once**: the wizard's clients (``aws_setup_wizard.sdk.trust``: the bundle parsed once);
- **botocore**: the same clients with botocore's own HTTPS pool put back (urllib3 parses the
  bundle on every new connection, botocore issue 3171).

It prints the medians of the calls' CPU and wall time and the bundle reads of each, alternating
the two. Run: ``python benchmarks/tls.py [--runs 10]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: JSON-protocol reads the endpoint's ``{}`` answers (service, operation, parameters).
CALLS = (
    ("kms", "describe_key", {"KeyId": "alias/any"}),
    ("ssm", "get_parameters_by_path", {"Path": "/setup-wizard/"}),
    ("events", "list_rules", {}),
)
REAL_BUNDLES = ("/etc/ssl/certs/ca-certificates.crt",)


def padding_bundle() -> Path:
    """A real CA bundle to append, so the parse costs what an owner's does."""
    for candidate in REAL_BUNDLES:
        if Path(candidate).is_file():
            return Path(candidate)
    import certifi

    return Path(certifi.where())


def child(endpoint: str, mode: str) -> None:
    """One run: every client makes one call; prints the figures as JSON."""
    import ssl

    from botocore.awsrequest import AWSHTTPSConnectionPool

    from aws_setup_wizard.account import Account

    loads = [0]
    real = ssl.SSLContext.load_verify_locations

    def counted(self: ssl.SSLContext, *args: object, **kwargs: object) -> None:
        loads[0] += 1
        real(self, *args, **kwargs)  # type: ignore[arg-type]

    ssl.SSLContext.load_verify_locations = counted  # type: ignore[method-assign]
    account = Account.from_settings(
        region="us-east-1", endpoint_url=endpoint, credentials=("AKIDEXAMPLE", "secret", None)
    )
    clients = []
    from aws_setup_wizard.sandbox.ec2_layer import DEFAULT_REGIONS

    for region in sorted(DEFAULT_REGIONS):
        for service, operation, params in CALLS:
            client = account.client(service, region)
            if mode == "botocore":
                pools = client._endpoint.http_session._pool_classes_by_scheme
                pools["https"] = AWSHTTPSConnectionPool
            clients.append((getattr(client, operation), params))
    cpu, wall = time.process_time(), time.perf_counter()
    for call, params in clients:
        call(**params)
    print(
        json.dumps(
            {
                "cpu_ms": (time.process_time() - cpu) * 1000,
                "wall_ms": (time.perf_counter() - wall) * 1000,
                "clients": len(clients),
                "bundle_reads": loads[0],
            }
        )
    )


def run(endpoint: str, mode: str, bundle: Path) -> dict[str, float]:
    """One child process's figures."""
    env = {
        **os.environ,
        "AWS_CA_BUNDLE": str(bundle),
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [sys.executable, __file__, "--child", endpoint, mode],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    """Alternate the two kinds of run and print their medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    sys.path.insert(0, str(ROOT))
    from tests.tls_server import make_authority, tls_endpoint

    with tempfile.TemporaryDirectory() as folder:
        authority = make_authority(Path(folder))
        padding = padding_bundle()
        bundle = Path(folder) / "bundle.pem"
        bundle.write_bytes(authority.bundle.read_bytes() + padding.read_bytes())
        with tls_endpoint(authority, Path(folder)) as endpoint:
            results: dict[str, list[dict[str, float]]] = {"once": [], "botocore": []}
            for _ in range(args.runs):
                for mode in results:
                    results[mode].append(run(endpoint, mode, bundle))
        size = bundle.stat().st_size
    print(f"CA bundle: our authority + {padding} ({size / 1024:.0f} KiB), AWS_CA_BUNDLE")
    print(f"runs: {args.runs} of each, alternating, a new process each (medians)")
    for mode, runs in results.items():
        cpu = statistics.median(r["cpu_ms"] for r in runs)
        wall = statistics.median(r["wall_ms"] for r in runs)
        reads = statistics.median(r["bundle_reads"] for r in runs)
        clients = int(runs[0]["clients"])
        print(
            f"  {mode:9s} {clients} clients, one HTTPS call each: CPU {cpu:7.1f} ms, "
            f"wall {wall:7.1f} ms, bundle parsed {reads:.0f} times"
        )
    once = statistics.median(r["cpu_ms"] for r in results["once"])
    botocore = statistics.median(r["cpu_ms"] for r in results["botocore"])
    print(f"  saved: {botocore - once:.0f} ms of CPU ({botocore / once:.2f}x less)")


if __name__ == "__main__":
    main()
