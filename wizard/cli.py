"""The entry point: parses arguments, builds the engine, and picks what to run.

Only this module knows every room. It imports heavy parts (botocore, the sandbox) only when
the chosen command needs them, so ``--help`` and ``verify`` start quickly; ``verify`` and
``apply`` also keep Python's cyclic garbage collector out of their start-up (see :func:`main`).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import sys
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TextIO, cast

from aws_setup_wizard.errors import (
    ACCESS_DENIED,
    ConfigurationError,
    WizardError,
    describe_error,
    error_code,
)
from aws_setup_wizard.one_cpu import keep_to_one_cpu
from aws_setup_wizard.options import Option, OptionError
from aws_setup_wizard.options import account_id as account_id_rule
from aws_setup_wizard.present import (
    ExitCode,
    SafeStream,
    exit_codes_help,
    identity_line,
    plan_lines,
    status_line,
)

if TYPE_CHECKING:
    from aws_setup_wizard.account import Account
    from aws_setup_wizard.journal import Journal
    from aws_setup_wizard.model import Plan
    from aws_setup_wizard.steps import Step

EXIT_CODES_HELP = exit_codes_help()


RUN_AGAIN = "Run the same command again: it finds what was done and finishes the rest."


class UsageParser(argparse.ArgumentParser):
    """An argument parser whose usage errors exit 64, not 2 (2 means "unknown" here).

    Its sub-parsers are of the same class, so every command of the tool exits alike.
    """

    def error(self, message: str) -> NoReturn:
        """Print the usage and the problem; exit :attr:`ExitCode.USAGE`.

        A missing argument with a fixed set of values (``apply``'s STEP) lists them: the
        usage line names only ``STEP``, and the owner should not have to guess the ids.
        """
        for action in self._actions:
            if action.choices and action.metavar and f"required: {action.metavar}" in message:
                message += f" (choose one or more of: {', '.join(map(str, action.choices))})"
        self.print_usage(sys.stderr)
        self.exit(ExitCode.USAGE, f"{self.prog}: error: {message}\n")


def _connection_options() -> UsageParser:
    """--profile, --region, --endpoint-url: accepted before or after the command."""
    common = UsageParser(add_help=False)
    group = common.add_argument_group("connection")
    group.add_argument("--profile", default=argparse.SUPPRESS, help="AWS profile to use")
    group.add_argument("--region", default=argparse.SUPPRESS, help="AWS Region (e.g. us-east-1)")
    group.add_argument(
        "--endpoint-url",
        default=argparse.SUPPRESS,
        help="send every request here (also AWS_ENDPOINT_URL), e.g. the sandbox",
    )
    return common


def build_parser(*, with_steps: bool = True, with_sandbox: bool = True) -> argparse.ArgumentParser:
    """The whole command line, with step options rendered from the steps' declarations.

    ``with_steps=False`` leaves ``apply``'s step options out: loading the steps loads botocore,
    which the guided TUI must not pay for before its first screen is drawn. ``with_sandbox=False``
    leaves the ``sandbox`` command out and does not check ``--scenario`` (a guided-mode option),
    so that ``verify``, ``apply`` and the guided mode do not load the sandbox package (``--help``
    still shows the sandbox's own help texts).
    """
    realistic_help = "answer with AWS's delays"
    scenario_help = "a built-in scenario name or a scenario file"
    account_id_help = "the sandbox account's 12-digit ID (default: a random one)"
    if with_sandbox:
        from aws_setup_wizard.sandbox.cli import ACCOUNT_ID_HELP as account_id_help
        from aws_setup_wizard.sandbox.cli import REALISTIC_HELP as realistic_help
        from aws_setup_wizard.sandbox.cli import SCENARIO_HELP as scenario_help
        from aws_setup_wizard.sandbox.cli import add_sandbox_parser

    common = _connection_options()
    parser = UsageParser(
        prog="aws-setup-wizard",
        description=(
            "Secure a brand-new AWS account and prove it: root MFA, no root access keys, an "
            "administrator IAM user, CloudTrail. Try it safely with the built-in sandbox."
        ),
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[common],
    )
    guided = parser.add_argument_group("guided mode (no COMMAND)")
    guided.add_argument(
        "--sandbox",
        action="store_true",
        help="practise on a built-in sandbox account instead of a real one",
    )
    guided.add_argument("--scenario", metavar="NAME|FILE", help=f"with --sandbox: {scenario_help}")
    guided.add_argument(
        "--realistic", action="store_true", help=f"with --sandbox: {realistic_help}"
    )
    guided.add_argument(
        "--sandbox-account-id", metavar="ID", help=f"with --sandbox: {account_id_help}"
    )
    guided.add_argument(
        "--plain",
        action="store_true",
        help="line-by-line prompts instead of the full-screen interface (screen readers, "
        "simple terminals; also chosen when TERM=dumb or there is no terminal)",
    )
    guided.add_argument(
        "--transcript",
        metavar="FILE",
        help="with --plain: also save the run as plain text to a new file (secrets and MFA "
        "codes are left out)",
    )
    guided.add_argument(
        "--replace-transcript",
        action="store_true",
        help="with --transcript: overwrite the file if it exists",
    )
    parser.set_defaults(func=run_guided)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    verify = commands.add_parser(
        "verify",
        parents=[common],
        help="re-verify every step, read-only",
        description="Read the account and report every step: pass, fail or unknown.",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    # No choices here: listing them would load the steps (and botocore) to build the parser;
    # run_verify refuses an unknown id with the list instead.
    verify.add_argument(
        "steps", nargs="*", metavar="STEP", help="verify only these steps (default: every step)"
    )
    verify.add_argument("--json", action="store_true", help="print one JSON object")
    verify.add_argument(
        "--strict",
        action="store_true",
        help="count a declined step as a failure (exit 1); by default it does not fail",
    )
    verify.set_defaults(func=run_verify)

    decline = commands.add_parser(
        "decline",
        parents=[common],
        help="record, in the account, that a step is declined (and why); or withdraw that",
        description=(
            "Record in the account itself that the owner declines STEP, with a reason: an SSM\n"
            "Parameter Store standard parameter (free) in the home Region,\n"
            "/setup-wizard/declined/STEP. 'verify' from any machine then shows the step as\n"
            "DECLINED with who, when and why, and does not fail on it ('verify --strict'\n"
            "does). --withdraw removes the record. A write: the plan is shown and confirmed\n"
            "first, and the write is journaled."
        ),
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    # No choices (they would load the steps): run_decline refuses an unknown id with the list.
    decline.add_argument("step", metavar="STEP", help="the step id to decline")
    said = decline.add_mutually_exclusive_group(required=True)
    said.add_argument(
        "--reason", metavar="TEXT", help="why it is declined (1 to 500 printable characters)"
    )
    said.add_argument("--withdraw", action="store_true", help="remove the step's decline")
    decline.add_argument(
        "--yes",
        action="store_true",
        help="write without asking; pass --account-id too (not needed in the sandbox)",
    )
    decline.add_argument(
        "--account-id", help="refuse to write unless the credentials belong to this account"
    )
    decline.set_defaults(func=run_decline)

    apply = commands.add_parser(
        "apply",
        parents=[common],
        help="plan, confirm, apply and re-verify steps",
        description=(
            "Show each step's plan, ask for confirmation, make the changes, then re-verify. "
            "Deleting root keys always runs last."
        ),
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    apply.set_defaults(func=run_apply)
    if with_steps:
        _add_step_arguments(apply)

    if with_sandbox:
        add_sandbox_parser(cast("argparse._SubParsersAction[argparse.ArgumentParser]", commands))
    return parser


def _add_step_arguments(apply: argparse.ArgumentParser) -> None:
    """``apply``'s STEP list and every step option, from the steps' declarations."""
    from aws_setup_wizard import steps as registry

    ids = registry.step_ids()

    apply.add_argument("steps", nargs="+", choices=ids, metavar="STEP", help=", ".join(ids))
    apply.add_argument(
        "--yes",
        action="store_true",
        help=(
            "apply without asking; pass --account-id too, so that a stale profile cannot "
            "write to the wrong account"
        ),
    )
    apply.add_argument(
        "--account-id", help="refuse to write unless the credentials belong to this account"
    )
    for step, options in shared_once(registry.STEPS):
        group = apply.add_argument_group(f"{step.id} options")
        for option in options:
            if option.kind == "bool":
                group.add_argument(
                    option.flag,
                    dest=option.name,
                    action=argparse.BooleanOptionalAction,
                    default=None,
                    help=f"{option.help} (default: {'yes' if option.default else 'no'})",
                )
            else:
                group.add_argument(
                    option.flag,
                    dest=option.name,
                    default=None,
                    metavar="NAME",
                    help=f"{option.help} (default: {option.default})",
                )


def shared_once(steps: Sequence[Step]) -> list[tuple[Step, tuple[Option, ...]]]:
    """Each step with the options no earlier step declared (steps share the contact e-mail:
    one flag, given once); a name two different options use is a mistake in the steps."""
    seen: dict[str, Option] = {}
    result = []
    for step in steps:
        mine = tuple(option for option in step.options if option.name not in seen)
        for option in step.options:
            if seen.setdefault(option.name, option) is not option:
                raise ValueError(f"two different step options are named {option.name!r}")
        if mine:
            result.append((step, mine))
    return result


def _account(args: argparse.Namespace) -> Account:
    from aws_setup_wizard.account import Account

    return Account.from_settings(
        profile=getattr(args, "profile", None),
        region=getattr(args, "region", None),
        endpoint_url=getattr(args, "endpoint_url", None),
    )


def run_verify(args: argparse.Namespace) -> int:
    """``verify``: read-only report as text or JSON; exit 0/1/2."""
    from aws_setup_wizard import report, runner
    from aws_setup_wizard import steps as registry

    try:
        chosen = [registry.step_by_id(step_id) for step_id in dict.fromkeys(args.steps)] or None
    except KeyError as exc:
        return _fail(f"{exc.args[0]}; nothing was read.", ExitCode.USAGE)
    account = _account(args)
    # A hung network is not silence: after 2 s, say what the command waits for.
    waiting = "Still waiting for AWS to answer (reading the account)..."
    slow = threading.Timer(2.0, lambda: print(waiting, file=sys.stderr))
    slow.daemon = True
    slow.start()
    try:
        verification = runner.verify(account, steps=chosen, recheck_failures=_written_recently)
    except Exception as exc:  # noqa: BLE001 - every failure becomes one sentence
        return _fail(describe_error(exc), ExitCode.UNKNOWN)
    finally:
        slow.cancel()
    if args.json:
        print(json.dumps(report.to_json(verification), indent=2, default=str))
    else:
        print(report.to_text(verification))
    return verification.exit_code_for(strict=args.strict)


def run_decline(args: argparse.Namespace) -> int:
    """``decline STEP --reason TEXT`` / ``--withdraw``: plan, confirm, write, read back."""
    from aws_setup_wizard import declines, runner
    from aws_setup_wizard import steps as registry
    from aws_setup_wizard.model import Status

    try:
        step = registry.step_by_id(args.step)
    except KeyError as exc:
        return _fail(f"{exc.args[0]}; nothing was read or changed.", ExitCode.USAGE)
    # Everything typed is checked before any call.
    problem = None if args.withdraw else declines.reason_problem(args.reason)
    if problem is not None:
        return _fail(f"--reason: {problem} Nothing was read or changed.", ExitCode.USAGE)
    if args.account_id is not None and account_id_rule(args.account_id):
        return _fail(f"--account-id {account_id_rule(args.account_id)}", ExitCode.USAGE)
    account = _account(args)
    refused = _unnamed_account(args, account)
    if refused is not None:
        return refused
    record = declines.DeclineRecord(step, withdraw=args.withdraw)
    values = {"reason": args.reason or "", "by": ""}
    try:
        caller = account.caller()
        if (refused := _other_account(args, caller.account_id)) is not None:
            return refused
        values["by"] = caller.arn
        who = caller.describe()
        print(identity_line(account.is_sandbox, caller.account_id, who, account.region))
        plan = record.plan(account, values)
    except WizardError as exc:
        return _fail(str(exc), ExitCode.ERROR)
    except Exception as exc:  # noqa: BLE001
        return _fail(describe_error(exc), ExitCode.UNKNOWN)
    verb = "Withdraw the decline of" if args.withdraw else "Decline"
    print(f"\n== {verb} {step.title} ({step.id})")
    for line in plan_lines(plan):
        print(f"   {line}")
    if not plan.changes:
        print(f"\nNothing to do: {step.id} is not declined.")
        return ExitCode.PASS
    target = f"account {caller.account_id} as {caller.describe()}"
    if not _confirmed(args, target, len(plan.changes)):
        return _fail(
            "not confirmed (use --yes to write without asking): nothing was changed.",
            ExitCode.ERROR,
        )
    from aws_setup_wizard.lock import AccountBusy
    from aws_setup_wizard.writes import writing

    command = f"decline {step.id}" + (" --withdraw" if args.withdraw else "")
    try:
        with writing(account, command, on_wait=print) as journal:
            if journal.waited_for_lock:
                # Another wizard held the account: what it did decides what is left to do.
                plan = record.plan(account, values)
                if not plan.changes:
                    print(f"\nNothing to do: {step.id} is not declined.")
                    return ExitCode.PASS
            try:
                applied = runner.apply_step(
                    record, account, plan, lambda event: print(f"   {event}", flush=True)
                )
            except Exception as exc:  # noqa: BLE001 - one sentence, and the run's record says so
                journal.mark_failed(f"{command}: {describe_error(exc)}")
                print(f"   FAILED: {describe_error(exc)}")
                return ExitCode.ERROR
    except AccountBusy as exc:
        return _fail(str(exc), ExitCode.ERROR)
    assert applied.check is not None  # an SSM write never ends the session
    print(f"   Re-read: {status_line(applied.check)}")
    if applied.check.status is Status.UNKNOWN:
        return ExitCode.UNKNOWN
    return ExitCode.PASS if applied.check.passed else ExitCode.FAIL


def _written_recently(account_id: str) -> frozenset[str]:
    """Every step, when a run on this machine has just written to the account: IAM shows a
    change only after a few seconds, so a failure then is re-checked before it is reported."""
    from aws_setup_wizard import journal, runner

    # A recorded decline (ssm:) changes no step's state: it makes no failure stale.
    if journal.wrote_recently(account_id, runner.WROTE_RECENTLY_SECONDS, ignoring=("ssm:",)):
        return runner.EVERY_STEP
    return frozenset()


def _fail(message: str, code: int) -> int:
    print(f"aws-setup-wizard: {message}", file=sys.stderr)
    return code


def _validate_given(args: argparse.Namespace, steps: Sequence[Step]) -> dict[str, Any]:
    """Validate option values given on the command line before any AWS call."""
    given: dict[str, Any] = {}
    for step in steps:
        for option in step.options:
            value = getattr(args, option.name, None)
            if value is not None:
                given[option.name] = option.validate(value)
    if args.account_id is not None:
        problem = account_id_rule(args.account_id)
        if problem:
            raise OptionError(f"--account-id {problem}")
    return given


def _print_plan(step: Step, plan: Plan) -> None:
    print(f"\n== {step.title} ({step.id})")
    for line in plan_lines(plan, sandbox_command=True):
        print(f"   {line}")


def _confirmed(args: argparse.Namespace, target: str, count: int) -> bool:
    """The owner confirms the account and the caller with the changes (default No)."""
    if args.yes:
        return True
    if not sys.stdin.isatty():
        return False
    answer = input(f"\nApply these {count} change(s) to {target}? [y/N] ")
    return answer.strip().lower() in {"y", "yes"}


def run_apply(args: argparse.Namespace) -> int:
    """``apply STEP...``: plan, confirm, apply, re-verify; root keys last."""
    from aws_setup_wizard import runner

    steps = runner.apply_order(args.steps)  # re-ordered for this account below
    try:
        given = _validate_given(args, steps)
    except OptionError as exc:
        return _fail(str(exc), ExitCode.USAGE)
    account = _account(args)
    # The sandbox is a practice account: there is no wrong account to protect it from.
    refused = _unnamed_account(args, account)
    if refused is not None:
        return refused
    try:
        caller = account.caller()
        if (refused := _other_account(args, caller.account_id)) is not None:
            return refused
        steps = runner.in_apply_order(steps, account)
        options = runner.resolve_options(steps, given, caller.account_id, account.region)
        who = caller.describe()
        print(identity_line(account.is_sandbox, caller.account_id, who, account.region))
        plans = [(step, step.plan(account, options[step.id])) for step in steps]
    except OptionError as exc:  # a value the plan needs was not given: nothing was changed
        return _fail(f"{exc} Nothing was changed.", ExitCode.USAGE)
    except WizardError as exc:
        return _fail(str(exc), ExitCode.ERROR)
    except Exception as exc:  # noqa: BLE001
        return _fail(describe_error(exc), ExitCode.UNKNOWN)
    _started()  # what follows may wait on the owner and on AWS for minutes
    for step, plan in plans:
        _print_plan(step, plan)
    count = sum(len(plan.changes) for _, plan in plans)
    if count == 0:
        return _finish_without_changes(plans)
    if not _confirmed(args, f"account {caller.account_id} as {caller.describe()}", count):
        return _fail(
            "not confirmed (use --yes to apply without asking): nothing was changed.",
            ExitCode.ERROR,
        )
    from aws_setup_wizard.lock import AccountBusy
    from aws_setup_wizard.secrets import SecretStore
    from aws_setup_wizard.writes import writing

    account.secrets = SecretStore()
    if any(change.secret_param for _, plan in plans for change in plan.changes):
        print(account.secrets.describe())
    try:
        with writing(account, "apply " + " ".join(args.steps), on_wait=print) as journal:
            if journal.waited_for_lock:
                # The other wizard may have changed what this plan was made from.
                fresh = [(step, step.plan(account, options[step.id])) for step, _ in plans]
                if [p.changes for _, p in fresh] != [p.changes for _, p in plans]:
                    print("\nThe account changed while this run waited: the plan now is:")
                    for step, plan in fresh:
                        _print_plan(step, plan)
                    count = sum(len(plan.changes) for _, plan in fresh)
                    target = f"account {caller.account_id} as {caller.describe()}"
                    if count and not _confirmed(args, target, count):
                        journal.mark_failed("the new plan was not confirmed")
                        return _fail("not confirmed: nothing was changed.", ExitCode.ERROR)
                plans = fresh
            return _apply_plans(account, plans, journal)
    except AccountBusy as exc:
        return _fail(str(exc), ExitCode.ERROR)


def _finish_without_changes(plans: list[tuple[Step, Plan]]) -> int:
    pending = [step.id for step, plan in plans if not plan.empty]
    if not pending:
        print("\nNothing to do: every chosen step already passes.")
        return ExitCode.PASS
    print(f"\nNo API changes to make; waiting on console actions for: {', '.join(pending)}.")
    return ExitCode.FAIL


def _apply_plans(account: Account, plans: list[tuple[Step, Plan]], journal: Journal) -> int:
    from aws_setup_wizard import runner
    from aws_setup_wizard.model import Check, ProgressEvent, Status

    def progress(event: ProgressEvent) -> None:
        print(f"   {event}", flush=True)

    checks: list[Check] = []
    done: list[str] = []
    for step, plan in plans:
        if not plan.changes:
            checks.append(
                Check(Status.FAIL, "waiting on a console action")
                if not plan.empty
                else Check(Status.PASS, "")
            )
            continue
        print(f"\n>> {step.title} ({step.id})")
        try:
            applied = runner.apply_step(step, account, plan, progress)
        except KeyboardInterrupt:
            # Say what this run's journal holds as done, then let the interrupt end its record.
            made = journal.writes_done()
            print(f"\nInterrupted. Done so far: {'; '.join(made) or 'nothing'}.")
            raise
        except Exception as exc:  # noqa: BLE001 - say what happened and how to finish
            journal.mark_failed(f"{step.id}: {describe_error(exc)}")
            print(f"   FAILED: {describe_error(exc)}")
            if error_code(exc) not in ACCESS_DENIED:
                # A refused permission is not fixed by running again: the sentence above
                # already says which permission to ask for.
                print(f"   {RUN_AGAIN}")
            return ExitCode.ERROR
        done += list(applied.outcome.done)
        _show_reveal(account, applied.outcome.reveal, journal)
        if applied.check is None:
            print(
                "   The key this tool was signed with is deleted: this session ends here, as "
                "expected. Re-verify with 'aws-setup-wizard verify' from CloudShell as root or "
                "with the admin user's profile."
            )
            continue
        checks.append(applied.check)
        print(f"   Re-verified: {status_line(applied.check)}")
        if plan.console is not None and not applied.check.passed:
            print("   Still to do in the console: " + plan.console.title)
    return runner.exit_code(checks)


def _show_reveal(account: Account, reveal: Any, journal: Journal) -> None:
    """Show the admin's initial password once, on a terminal only; never to a file or pipe."""
    if not reveal:
        return
    from aws_setup_wizard import wording
    from aws_setup_wizard.present import withheld_password

    if not sys.stdout.isatty():
        kept = account.secrets is not None and account.secrets.uses_keyring
        print("\n" + withheld_password(reveal["user"], kept, account.account_id) + "\n")
        return
    print("\n" + wording.PASSWORD_ONCE.format(**reveal) + "\n", flush=True)
    # Only the fact that it was shown is journaled, so a run stopped before this point can
    # tell that nobody knows the password and offer a new one.
    journal.record("revealed", account_id=account.account_id, user=reveal["user"])


def wants_plain(args: argparse.Namespace) -> bool:
    """Plain prompts when asked, or when the terminal cannot run a full-screen interface."""
    return bool(
        args.plain
        or os.environ.get("TERM", "") in {"dumb", ""}
        or not sys.stdin.isatty()
        or not sys.stdout.isatty()
    )


def _unnamed_account(args: argparse.Namespace, account: Account) -> int | None:
    """``--yes`` off the sandbox needs ``--account-id``: a refusal's exit code, or ``None``."""
    if args.yes and not args.account_id and not account.is_sandbox:
        return _fail(
            "--yes needs --account-id (the 12-digit account you mean to change), so that a "
            "stale profile cannot write to the wrong account; nothing was changed.",
            ExitCode.USAGE,
        )
    return None


def _other_account(args: argparse.Namespace, account_id: str) -> int | None:
    """``--account-id`` that is not the credentials' account: a refusal's exit code, or ``None``."""
    if args.account_id and args.account_id != account_id:
        return _fail(
            f"these credentials belong to account {account_id}, not "
            f"{args.account_id}: nothing was changed.",
            ExitCode.ERROR,
        )
    return None


#: The sandbox's own environment variable for its account ID (``sandbox.ACCOUNT_ID_ENV``),
#: named here so that a guided run on the defaults does not import the sandbox package.
SANDBOX_ACCOUNT_ID_ENV = "SANDBOX_ACCOUNT_ID"


def _sandbox_settings_given(args: argparse.Namespace) -> bool:
    """Whether the owner chose a scenario or an account ID (flag or environment) to check."""
    chosen_id = args.sandbox_account_id is not None
    return args.scenario is not None or chosen_id or bool(os.environ.get(SANDBOX_ACCOUNT_ID_ENV))


def run_guided(args: argparse.Namespace) -> int:
    """No command: the guided wizard, full-screen (Textual) or plain (questionary)."""
    from aws_setup_wizard.launch import Launch

    account_id: str | None = None
    for flag, given in (
        ("--scenario", args.scenario),
        ("--sandbox-account-id", args.sandbox_account_id),
    ):
        if given is not None and not args.sandbox:
            # Never silently ignored: without --sandbox the run is on a real account.
            return _fail(f"{flag} works only with --sandbox.", ExitCode.USAGE)
    if args.sandbox and _sandbox_settings_given(args):
        # Only what the owner chose needs checking; the defaults (the built-in "fresh"
        # scenario, a random ID chosen when the sandbox starts) cannot be wrong, and importing
        # the sandbox package to check them cost ~40 ms before the first frame (issue 13).
        from aws_setup_wizard.sandbox import SandboxSettingError, choose_account_id
        from aws_setup_wizard.sandbox.scenario_files import resolve

        try:
            # Before any screen: a bad ID (flag or $SANDBOX_ACCOUNT_ID) or scenario file
            # starts nothing.
            account_id = choose_account_id(args.sandbox_account_id, source="--sandbox-account-id")
            resolve(args.scenario or "fresh")
        except SandboxSettingError as exc:
            return _fail(str(exc), ExitCode.USAGE)
    launch = Launch(
        profile=getattr(args, "profile", None),
        region=getattr(args, "region", None),
        endpoint_url=getattr(args, "endpoint_url", None),
        sandbox_scenario=(args.scenario or "fresh") if args.sandbox else None,
        realistic=bool(args.realistic),
        sandbox_account_id=account_id,
    )
    if wants_plain(args):
        from pathlib import Path

        from aws_setup_wizard import plain

        transcript = Path(args.transcript) if args.transcript else None
        if transcript is not None:
            problem = plain.transcript_problem(transcript, replace=args.replace_transcript)
            if problem:
                return _fail(problem, ExitCode.USAGE)
        return plain.run_guided(
            launch, transcript=transcript, replace_transcript=args.replace_transcript
        )
    from aws_setup_wizard.screens import app

    return app.run_guided(launch)


#: Options that take a value, for :func:`command_of`.
_VALUED = {
    "--profile",
    "--region",
    "--endpoint-url",
    "--scenario",
    "--sandbox-account-id",
    "--transcript",
}
#: Commands that read (and for ``apply``, plan) and then end: no sandbox, no front end.
_SHORT_LIVED = {"verify", "apply"}


def command_of(arguments: Sequence[str]) -> str | None:
    """The command named in ``arguments`` (``verify``, ``apply``, ``sandbox``), or ``None``."""
    skip = False
    for argument in arguments:
        if skip:
            skip = False
        elif argument in _VALUED:
            skip = True
        elif not argument.startswith("-"):
            return argument
    return None


def _started() -> None:
    """End of a short-lived command's start-up: the collector runs again, over new objects only.

    ``gc.freeze()`` moves what start-up made (modules, parsed service models, clients) out of
    the collector's sight, so later collections cost as little as the objects made since.
    """
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def _collector_after(short_lived: bool, *, exiting: bool) -> None:
    """Leave the garbage collector as :func:`main` found it, unless the process now ends.

    Ending, everything is frozen instead: the interpreter's shutdown runs one last full
    collection, over every object not frozen, only to free memory the exit frees anyway.
    """
    if not short_lived:
        return
    if exiting:
        gc.freeze()
    else:
        gc.unfreeze()
        gc.enable()


#: Read-only commands whose process may end without the interpreter's teardown.
_ENDS_AT_ONCE = {"verify"}
#: Short commands whose many reading threads run faster on one CPU (:mod:`.one_cpu`); only
#: for the process's own command line, never a caller's process (the tests, the benchmarks).
_ON_ONE_CPU = {"verify"}


def _end_process(code: int) -> NoReturn:
    """End the process now, with ``code``, once what it printed is out.

    The interpreter's normal exit tears down every module and frees each of the few hundred
    thousand objects start-up made (botocore's models, clients, handlers): several milliseconds
    of a ``verify`` that has already said everything, and memory the exit returns anyway.
    ``verify`` writes no file and leaves no thread working (its pools are joined before it
    prints), so nothing is lost by skipping it; what is buffered for the terminal or a pipe is
    flushed first. A reader that has gone away (a closed pipe) cannot be told more: its error
    is dropped, as the exit code says how the check went.
    """
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


#: The guided mode's own flags (attribute, flag): a COMMAND given them would ignore them.
_GUIDED_FLAGS = (
    ("sandbox", "--sandbox"),
    ("scenario", "--scenario"),
    ("realistic", "--realistic"),
    ("sandbox_account_id", "--sandbox-account-id"),
    ("plain", "--plain"),
    ("transcript", "--transcript"),
    ("replace_transcript", "--replace-transcript"),
)


def _guided_flags_given(args: argparse.Namespace) -> list[str]:
    """The guided-mode flags set on a command's command line."""
    return [flag for name, flag in _GUIDED_FLAGS if getattr(args, name, None) not in (None, False)]


def _guided_flags_problem(flags: list[str], command: str | None) -> str:
    """Why a command refuses guided-mode flags, and how to reach the sandbox instead.

    Never silently ignored: ``--sandbox verify`` would otherwise judge whatever real account
    the credentials open, while the owner believes it judged the practice account.
    """
    said = f"{', '.join(flags)} {'is a' if len(flags) == 1 else 'are'} guided-mode flag"
    said += "" if len(flags) == 1 else "s"
    said += f": '{command}' does not use {'it' if len(flags) == 1 else 'them'}, and nothing was "
    said += "read or changed."
    if any(flag.startswith(("--sandbox", "--scenario", "--realistic")) for flag in flags):
        said += (
            " To run a command on a sandbox: 'aws-setup-wizard sandbox serve --env-file F' in "
            "one terminal, then '. F' and the command in another."
        )
    return said


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code.

    ``argv`` None means this is the process's own command line (the console script, ``python
    -m aws_setup_wizard``): the process ends when this returns.
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    command = command_of(arguments)
    helping = "-h" in arguments or "--help" in arguments
    short_lived = command in _SHORT_LIVED and not helping and gc.isenabled()
    if argv is None and command in _ON_ONE_CPU and not helping:
        keep_to_one_cpu()  # before any thread starts: they inherit it
    if short_lived:
        # Start-up (imports, parsed service models, clients) makes a few hundred thousand
        # objects and almost no garbage: the cyclic collector would walk them all several
        # times for nothing. ``verify`` keeps it off to the end (it reads a bounded amount and
        # exits; reference counting frees the rest); ``apply`` turns it back on once planned,
        # before it waits on the owner and on AWS.
        gc.disable()
    # Line-by-line commands print text from the account: escape control and bidi characters
    # on the way out. The full-screen and plain guided modes draw their own output.
    saved = sys.stdout, sys.stderr
    try:
        # Only apply (and help) need the steps' options; anything else starts without botocore.
        # The guided mode (no command) needs neither the sandbox command nor its help texts:
        # loading them cost ~25 ms before the first frame (issue 13).
        guided = command is None and not helping
        parser = build_parser(
            with_steps=command == "apply" or helping, with_sandbox=not (short_lived or guided)
        )
        args = parser.parse_args(arguments)
        # (the sandbox command has a --scenario of its own, with the same destination)
        commanded = args.func is not run_guided and command != "sandbox"
        misplaced = _guided_flags_given(args) if commanded else []
        if misplaced:
            return _fail(_guided_flags_problem(misplaced, command), ExitCode.USAGE)
        if args.func is not run_guided:
            sys.stdout = cast("TextIO", SafeStream(sys.stdout))
            sys.stderr = cast("TextIO", SafeStream(sys.stderr))
        code: int = args.func(args)
    except ConfigurationError as exc:
        return _fail(str(exc), ExitCode.USAGE)
    except KeyboardInterrupt:
        print(RUN_AGAIN)
        return ExitCode.INTERRUPTED
    finally:
        sys.stdout, sys.stderr = saved
        _collector_after(short_lived, exiting=argv is None)
    if argv is None and command in _ENDS_AT_ONCE:
        _end_process(code)
    return code


if __name__ == "__main__":
    sys.exit(main())
