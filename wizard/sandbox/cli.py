"""``aws-setup-wizard sandbox …``: serve a sandbox account, and play the console against it.

``sandbox serve`` prints the environment (``KEY=VALUE`` lines, loadable with
``set -a; . FILE``) once the account is ready and serves until SIGINT/SIGTERM.
``sandbox console …`` performs a console-only action against ``$AWS_ENDPOINT_URL``.
"""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import sys
import textwrap
import threading
import time
from pathlib import Path
from types import FrameType
from typing import Any

from aws_setup_wizard.present import ExitCode
from aws_setup_wizard.sandbox import (
    ACCOUNT_ID_ENV,
    SCENARIOS,
    Sandbox,
    SandboxSettingError,
    choose_account_id,
)

#: The ``--realistic`` flag's help, shared with the guided mode's.
REALISTIC_HELP = (
    "answer with AWS's delays: IAM reads lag IAM writes by $SANDBOX_IAM_LAG_SECONDS (default "
    "3), CreateTrail refuses a bucket for $SANDBOX_BUCKET_POLICY_SECONDS (default 5) after its "
    "policy changed"
)


#: The ``--scenario`` flag's help, shared with the guided mode's.
SCENARIO_HELP = (
    f"the account's starting state: a built-in scenario ({', '.join(SCENARIOS)}), a shipped "
    "example's name or the path of a scenario file (TOML); `aws-setup-wizard sandbox "
    "scenarios` lists them (default: fresh)"
)

#: The ``--account-id`` / ``--sandbox-account-id`` flag's help, shared with the guided mode's.
ACCOUNT_ID_HELP = (
    f"the sandbox account's 12-digit ID (default: ${ACCOUNT_ID_ENV} if set, else a new random "
    "one for every sandbox, so trainees on one machine never share an account)"
)


#: The env file's line naming the serving process, for ``sandbox stop``.
PID_ENV = "SANDBOX_PID"


def add_sandbox_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``sandbox`` command (``serve`` and ``console …``) to a CLI's sub-parsers."""
    sandbox = subparsers.add_parser(
        "sandbox", help="a simulated new AWS account on this machine, for practice"
    )
    commands = sandbox.add_subparsers(dest="sandbox_command", required=True)

    serve = commands.add_parser("serve", help="run a sandbox account until interrupted")
    serve.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any)")
    serve.add_argument("--scenario", metavar="NAME|FILE", default="fresh", help=SCENARIO_HELP)
    serve.add_argument("--env-file", type=Path, help="also write the environment to this file")
    serve.add_argument("--realistic", action="store_true", help=REALISTIC_HELP)
    serve.add_argument("--account-id", metavar="ID", help=ACCOUNT_ID_HELP)
    serve.set_defaults(func=serve_command)

    listing = commands.add_parser(
        "scenarios",
        help="list the starting states --scenario takes: built-in, shipped examples, drifts",
    )
    listing.set_defaults(func=scenarios_command)

    stop = commands.add_parser(
        "stop", help="stop the sandbox that wrote this env file (and no other)"
    )
    stop.add_argument(
        "--env-file", type=Path, required=True, help="the file `sandbox serve --env-file` wrote"
    )
    stop.set_defaults(func=stop_command)

    console = commands.add_parser(
        "console", help="do a console-only action against $AWS_ENDPOINT_URL"
    )
    actions = console.add_subparsers(dest="console_command", required=True)
    actions.add_parser("root-mfa", help="assign a virtual MFA device to root").set_defaults(
        func=root_mfa_command
    )
    actions.add_parser("delete-root-keys", help="delete every root access key").set_defaults(
        func=delete_root_keys_command
    )
    user_mfa = actions.add_parser("user-mfa", help="an IAM user registers a virtual MFA device")
    user_mfa.add_argument("user_name", metavar="NAME")
    user_mfa.set_defaults(func=user_mfa_command)
    actions.add_parser(
        "inbox", help="list the e-mails AWS would have sent (subscription confirmations, alerts)"
    ).set_defaults(func=inbox_command)
    actions.add_parser(
        "confirm-subscriptions", help="click every pending subscription confirmation link"
    ).set_defaults(func=confirm_subscriptions_command)


def env_lines(env: dict[str, str]) -> str:
    """``KEY=VALUE`` lines, quoted only where a shell would need it."""
    return "".join(f"{key}={shlex.quote(value)}\n" for key, value in env.items())


def serve_command(args: argparse.Namespace) -> int:
    """Serve a sandbox until SIGINT or SIGTERM; print its environment when ready.

    The environment names the account (``SANDBOX_ACCOUNT_ID``): a shell that loads it and
    serves again gets the same account ID back.
    """
    from aws_setup_wizard.sandbox.scenario_files import resolve

    try:
        account_id = choose_account_id(args.account_id, source="--account-id")
        box = Sandbox(
            resolve(args.scenario), port=args.port, realistic=args.realistic, account_id=account_id
        )
    except SandboxSettingError as error:
        return _usage(error)
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        try:
            box.start()
        except SandboxSettingError as error:  # a scenario file the account refused: not served
            return _usage(error)
        try:
            _announce(box, args)
            while not stop.wait(0.5):
                pass
        finally:
            box.stop()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return ExitCode.PASS


def _announce(sandbox: Sandbox, args: argparse.Namespace) -> None:
    """Print the running sandbox's environment (and write it to ``--env-file``)."""
    mode = ", realistic" if args.realistic else ""
    text = (
        f"# aws-setup-wizard sandbox ({sandbox.scenario}{mode}), account "
        f"{sandbox.account_id}, at {sandbox.endpoint_url}\n"
        # S3 Control's endpoint rules put the account ID in front of the endpoint's host, a
        # name only a proxy can reach; the sandbox accepts proxy-form requests (RFC 9112).
        f"# The AWS CLI's s3control commands: prefix them with HTTP_PROXY={sandbox.endpoint_url}\n"
    )
    # The server's pid: `sandbox stop --env-file` stops exactly this sandbox.
    text += env_lines(
        {**sandbox.env(), ACCOUNT_ID_ENV: sandbox.account_id, PID_ENV: str(os.getpid())}
    )
    if args.env_file is not None:
        write_private(args.env_file, text)
    sys.stdout.write(text)
    sys.stdout.flush()


def _usage(error: Exception) -> int:
    print(f"aws-setup-wizard: {error}", file=sys.stderr)
    return ExitCode.USAGE


def scenarios_command(args: argparse.Namespace) -> int:
    """``sandbox scenarios``: every starting state, one line each, and how to pass a file."""
    print(scenarios_text())
    return ExitCode.PASS


def scenarios_text(width: int = 100) -> str:
    """The text of ``sandbox scenarios``."""
    from aws_setup_wizard.sandbox import drifts, scenario_files

    def rows(items: list[tuple[str, str]]) -> list[str]:
        column = max(len(name) for name, _ in items) + 2
        return [
            textwrap.fill(
                text,
                width,
                initial_indent=f"  {name:<{column}}",
                subsequent_indent=" " * (column + 2),
            )
            for name, text in items
        ]

    lines = ["Built-in scenarios (--scenario NAME):"]
    lines += rows([(name, scenario_files.BUILT_IN[name]) for name in SCENARIOS])
    shipped = scenario_files.examples()
    folder = scenario_files.examples_folder()
    lines += ["", f"Example scenario files (--scenario NAME; the files are in {folder}):"]
    lines += rows(shipped) if shipped else ["  (none)"]
    lines += [
        "",
        "Your own scenario file: --scenario PATH, a TOML file; copy an example to start.",
        "  aws-setup-wizard sandbox serve --scenario my-class.toml --env-file trainee.env",
        "  aws-setup-wizard --sandbox --scenario my-class.toml",
        "",
        'Drifts a file may name (drifts = ["..."], with base = "done"):',
    ]
    for step_id in dict.fromkeys(drift.step_id for drift in drifts.CATALOGUE):
        lines.append(f"  {step_id}:")
        lines += [f"    {d.name}" for d in drifts.CATALOGUE if d.step_id == step_id]
    return "\n".join(lines)


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to a file only its owner can read, from its first byte.

    Created 0600 by ``os.open`` (not chmod after writing, which leaves the credentials
    readable by others for a moment); an existing file is truncated and made 0600 too.
    """
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        os.fchmod(file.fileno(), 0o600)
        file.write(text)


def read_env_file(path: Path) -> dict[str, str]:
    """The ``KEY=VALUE`` lines of an env file ``sandbox serve`` wrote (comments skipped)."""
    values: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#") or "=" not in line:
            continue
        key, _, raw = line.partition("=")
        parts = shlex.split(raw)
        values[key.strip()] = parts[0] if parts else ""
    return values


def _is_sandbox_server(pid: int) -> bool:
    """True when ``pid`` runs ``sandbox serve`` (read from /proc where there is one)."""
    cmdline = Path(f"/proc/{pid}/cmdline")
    if not Path("/proc/self").exists():
        return True  # no /proc (macOS): the pid from our own 0600 file is all we have
    try:
        words = cmdline.read_bytes().split(b"\0")
    except OSError:
        return False
    return b"sandbox" in words and b"serve" in words


def _alive(pid: int) -> bool:
    """Whether ``pid`` still runs; an exited process its parent has not reaped yet (a zombie)
    has stopped serving, so it counts as gone."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state != "Z"


def stop_command(args: argparse.Namespace) -> int:
    """Stop the sandbox whose env file is given: its pid, checked, then SIGTERM.

    Never ``pkill``: on a shared training machine that stops every trainee's sandbox.
    """
    path: Path = args.env_file
    try:
        if path.stat().st_uid != os.getuid():
            print(f"{path} belongs to another user: not stopping anything.", file=sys.stderr)
            return ExitCode.USAGE
        values = read_env_file(path)
    except (OSError, ValueError) as error:
        print(f"Cannot read {path}: {error}.", file=sys.stderr)
        return ExitCode.USAGE
    raw_pid = values.get(PID_ENV, "")
    if not raw_pid.isdigit():
        print(f"{path} names no sandbox process ({PID_ENV} is missing).", file=sys.stderr)
        return ExitCode.USAGE
    pid = int(raw_pid)
    where = values.get("AWS_ENDPOINT_URL", "?")
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        print(f"The sandbox at {where} (pid {pid}) is not running any more.")
        return ExitCode.PASS
    except PermissionError:
        print(f"Process {pid} belongs to another user: not stopping it.", file=sys.stderr)
        return ExitCode.USAGE
    if not _is_sandbox_server(pid):
        print(f"Process {pid} is not a sandbox any more: not stopping it.", file=sys.stderr)
        return ExitCode.USAGE
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if not _alive(pid):
            print(f"Stopped the sandbox at {where} (pid {pid}).")
            return ExitCode.PASS
        time.sleep(0.1)
    print(f"The sandbox at {where} (pid {pid}) did not stop within 10 s.", file=sys.stderr)
    return ExitCode.ERROR


def _endpoint() -> str | None:
    endpoint = os.environ.get("AWS_ENDPOINT_URL", "").strip()
    if not endpoint:
        print(
            "AWS_ENDPOINT_URL is not set: start `sandbox serve` and load its environment first.",
            file=sys.stderr,
        )
        return None
    return endpoint


def _run_console(action: str, args: argparse.Namespace) -> int:
    # Imported here so that `sandbox serve` never loads the console client and vice versa.
    from aws_setup_wizard.sandbox import console

    endpoint = _endpoint()
    if endpoint is None:
        return ExitCode.USAGE
    try:
        if action == "root-mfa":
            serial = console.enable_root_mfa(endpoint)
            print(f"Assigned virtual MFA device {serial} to the root user.")
        elif action == "delete-root-keys":
            deleted = console.delete_root_keys(endpoint)
            if deleted:
                print(f"Deleted root access key(s): {', '.join(deleted)}.")
            else:
                print("The root user had no access keys; nothing was deleted.")
        elif action == "inbox":
            print(inbox_text(console.inbox(endpoint)))
        elif action == "confirm-subscriptions":
            confirmed = console.confirm_subscriptions(endpoint)
            if confirmed:
                print(f"Confirmed subscription(s): {', '.join(confirmed)}.")
            else:
                print("No subscription was waiting for confirmation; nothing was clicked.")
        else:
            serial = console.register_user_mfa(endpoint, args.user_name)
            print(f"IAM user {args.user_name} registered virtual MFA device {serial}.")
    except console.SandboxConsoleError as error:
        print(str(error), file=sys.stderr)
        return ExitCode.FAIL
    return ExitCode.PASS


def root_mfa_command(args: argparse.Namespace) -> int:
    """``sandbox console root-mfa``."""
    return _run_console("root-mfa", args)


def delete_root_keys_command(args: argparse.Namespace) -> int:
    """``sandbox console delete-root-keys``."""
    return _run_console("delete-root-keys", args)


def user_mfa_command(args: argparse.Namespace) -> int:
    """``sandbox console user-mfa NAME``."""
    return _run_console("user-mfa", args)


def inbox_command(args: argparse.Namespace) -> int:
    """``sandbox console inbox``."""
    return _run_console("inbox", args)


def confirm_subscriptions_command(args: argparse.Namespace) -> int:
    """``sandbox console confirm-subscriptions``."""
    return _run_console("confirm-subscriptions", args)


def inbox_text(messages: list[dict[str, Any]]) -> str:
    """The inbox as the owner reads it: newest last, each with its sender's subject."""
    if not messages:
        return "The inbox is empty: AWS has sent no e-mail."
    blocks = []
    for number, message in enumerate(messages, 1):
        blocks.append(
            f"{number}. {message.get('sent', '')}  To: {message.get('to', '')}\n"
            f"   Subject: {message.get('subject', '')}\n"
            + "\n".join(f"   {line}" for line in str(message.get("body", "")).splitlines())
        )
    return "\n\n".join(blocks)


def main(argv: list[str] | None = None) -> int:
    """Run the sandbox commands on their own (``python -m aws_setup_wizard.sandbox.cli …``)."""
    # The main command line's parser: usage errors exit 64 here too, not argparse's 2.
    from aws_setup_wizard.cli import UsageParser

    parser: argparse.ArgumentParser = UsageParser(prog="aws-setup-wizard")
    add_sandbox_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
