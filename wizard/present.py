"""One presentation layer: the words and lines every front end shows for the model.

The CLI, the plain prompts and the Textual screens all render plans, evidence, verdicts,
identities and masked keys from these functions, so a deletion is marked with the same word
everywhere and a verdict is always the same word. Each front end only lays the lines out (an
indent, a heading, a widget); it never rewords them.

Invariants:

- Pure functions over :mod:`aws_setup_wizard.model`: no UI library, no boto3/botocore at import time
  (the guided TUI imports this before its first frame, and ``--help`` must stay quick).
- Nothing reads a :class:`~aws_setup_wizard.model.Change` beyond ``describe()`` and ``destructive``.
- Lines come back unindented and unwrapped unless an ``indent`` is asked for; meaning is always
  carried by words (PASS / FAIL / UNKNOWN, "(deletes)"), never by colour or a symbol alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import IntEnum
from itertools import groupby
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from aws_setup_wizard import wording
from aws_setup_wizard.wording import SANDBOX_BADGE

if TYPE_CHECKING:
    # Only named in hints: the model's ten frozen dataclasses cost ~14 ms to create, and the
    # TUI imports this module (for the identity bar) before its first frame (issue 13).
    from aws_setup_wizard.flow import Identity
    from aws_setup_wizard.model import Change, Check, ConsoleAction, Plan, Status

T = TypeVar("T")


def in_groups(items: Sequence[T], group_of: Callable[[T], str]) -> list[tuple[str | None, list[T]]]:
    """``items`` in runs of one group each (Essentials, then Guardrails), in their order.

    Each run is named by its group, except when every item is in the same group: a heading
    over the whole list would say nothing (the group is ``None`` then).
    """
    runs: list[tuple[str | None, list[T]]] = [
        (group, list(members)) for group, members in groupby(items, key=group_of)
    ]
    if len(runs) == 1:
        return [(None, runs[0][1])]
    return runs


INDENT = "  "

# -- Verdicts ----------------------------------------------------------------------------------

# Keyed by the verdicts' values: a Status is a StrEnum, equal to (and hashed as) its value, so
# this module reads a Status without importing the model.
STATUS_WORDS: dict[str, str] = {"pass": "PASS", "fail": "FAIL", "unknown": "UNKNOWN"}


def status_word(status: Status) -> str:
    """PASS / FAIL / UNKNOWN: meaning never carried by colour or symbols alone."""
    return STATUS_WORDS[status]


#: What a step declined on the record shows instead of FAIL or UNKNOWN (its check stays beside).
DECLINED = "DECLINED"


def verdict_word(check: Check, declined: bool) -> str:
    """PASS / FAIL / UNKNOWN, or DECLINED for a declined step that does not pass."""
    return DECLINED if declined and not check.passed else status_word(check.status)


def declined_line(reason: str, by: str, at: str) -> str:
    """``Declined by ARN at TIME: reason``: who, when and why, in one line."""
    return f"Declined by {by} at {at}: {reason}"


def tally(outcomes: Iterable[tuple[bool, bool]]) -> str:
    """``"11 of 12 steps pass; 1 declined"`` from each step's ``(passed, declined)``: the count
    every front end shows with its verdicts. A declined step is named apart, being neither a
    pass nor (outside ``--strict``) a failure."""
    steps = list(outcomes)
    passed = sum(1 for ok, _ in steps if ok)
    declined = sum(1 for ok, no in steps if no and not ok)
    return f"{passed} of {len(steps)} steps pass" + (f"; {declined} declined" if declined else "")


def status_line(check: Check) -> str:
    """``FAIL: The root user has no MFA ...``: the verdict as a word, then the sentence."""
    return f"{status_word(check.status)}: {check.summary}"


# -- Exit codes --------------------------------------------------------------------------------


class ExitCode(IntEnum):
    """What every command and front end exits with; one meaning per number."""

    PASS = 0
    FAIL = 1
    UNKNOWN = 2
    ERROR = 3
    USAGE = 64  # sysexits.h EX_USAGE: 2 already means "unknown" here
    INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C


EXIT_CODE_MEANINGS = {
    ExitCode.PASS: "every step passes or is declined on the record (apply: everything done and "
    "verified; the guided modes: also when you quit before anything was checked)",
    ExitCode.FAIL: "a step fails (apply: something is still to do, e.g. a console action; "
    "verify --strict: also a declined step)",
    ExitCode.UNKNOWN: "no step fails but one could not be read (access denied, throttled, network)",
    ExitCode.ERROR: "a change failed or was refused (no --yes without a terminal, wrong "
    "--account-id)",
    ExitCode.USAGE: "invalid command line or option value (nothing was called or changed)",
    ExitCode.INTERRUPTED: "interrupted (Ctrl-C); run the same command again to finish",
}


def exit_codes_help() -> str:
    """The ``exit codes:`` block of ``--help``, one code a line."""
    lines = ["exit codes:"]
    lines += [f"  {int(code):<3} {meaning}" for code, meaning in EXIT_CODE_MEANINGS.items()]
    return "\n".join(lines) + "\n"


def exit_code_for(statuses: Iterable[Status]) -> ExitCode:
    """The exit code for a set of verdicts: any FAIL wins, then any UNKNOWN, else PASS.

    A failure is reported before an unknown because it is certain: something is to do.
    """
    from aws_setup_wizard.model import Status

    seen = set(statuses)
    if Status.FAIL in seen:
        return ExitCode.FAIL
    if Status.UNKNOWN in seen:
        return ExitCode.UNKNOWN
    return ExitCode.PASS


# -- Keys --------------------------------------------------------------------------------------


def grouped_secret(secret: str) -> str:
    """A base32 MFA secret in groups of four, as authenticator apps accept it typed."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def mask_key(key_id: str) -> str:
    """Show only the first four and the last four characters of an access key ID."""
    return f"{key_id[:4]}…{key_id[-4:]}" if len(key_id) > 8 else key_id


# -- Plans -------------------------------------------------------------------------------------

DELETES = "(deletes)"
"""The one deletion marker, after the change it marks: a word, so it survives no colour,
screen readers and transcripts."""
NOTE = "Note: {note}"
NOTHING_TO_DO = "Nothing to do."
IN_THE_SANDBOX = "In the sandbox: {command}"


def change_line(number: int, change: Change) -> str:
    """``2. iam:DeleteAccessKey … — why (deletes)``: numbered, deletion marked in words."""
    marker = f" {DELETES}" if change.destructive else ""
    return f"{number}. {change.describe()}{marker}"


def change_lines(plan: Plan) -> list[str]:
    """The plan's API changes, numbered from 1, deletions marked."""
    return [change_line(number, change) for number, change in enumerate(plan.changes, 1)]


def note_lines(plan: Plan) -> list[str]:
    """What the owner must know before confirming, one ``Note:`` line each."""
    return [NOTE.format(note=note) for note in plan.notes]


def console_lines(action: ConsoleAction, *, sandbox_command: bool = False) -> list[str]:
    """A console-only action: its title, the numbered steps indented below, and the link.

    ``sandbox_command`` adds the command that does it against a served sandbox (the CLI shows
    it; a guided run offers the simulated console as an answer instead).
    """
    lines = action.describe().splitlines()
    if sandbox_command and action.sandbox_command:
        lines.append(IN_THE_SANDBOX.format(command=action.sandbox_command))
    return lines


def plan_lines(plan: Plan, *, sandbox_command: bool = False) -> list[str]:
    """The whole plan: numbered changes (deletions marked), notes, then any console action.

    An empty plan says :data:`NOTHING_TO_DO`. Front ends add their own heading and indent.
    """
    lines = [NOTHING_TO_DO] if plan.empty else change_lines(plan)
    lines += note_lines(plan)
    if plan.console is not None:
        lines += console_lines(plan.console, sandbox_command=sandbox_command)
    return lines


# -- Evidence ----------------------------------------------------------------------------------


#: An evidence key that names something (a Region such as ``us-west-2``, a budget, a trail)
#: rather than a fact: shown exactly as AWS spells it.
_NAME_KEY = re.compile(r".*[-./:@].*")


def _label(key: str) -> str:
    if _NAME_KEY.fullmatch(key):
        return key  # "us-west-2", not "Us-west-2"
    text = key.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


#: An access key ID as AWS issues them (long-term AKIA…, temporary ASIA…).
ACCESS_KEY_ID = re.compile(r"(?:AKIA|ASIA)[A-Z0-9]{16}")


def scalar(value: Any) -> str:
    """One value as a word: ``yes``/``no`` for booleans, ``none`` for nothing.

    An access key ID is masked (``AKIA…WXYZ``), as every other place the wizard shows one:
    the plain mode printed root's key in full in the evidence while the TUI masked it.
    """
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value is None or value == "":
        return "none"
    if isinstance(value, str) and ACCESS_KEY_ID.fullmatch(value):
        return mask_key(value)
    return str(value)


def evidence_lines(evidence: Mapping[str, Any], indent: str = "") -> list[str]:
    """The raw facts as readable ``Label: value`` lines, nested values indented below.

    A list of plain values is one line (``a, b``); a list of mappings is numbered, each item's
    first fact on the number's line and its other facts aligned under it.
    """
    lines: list[str] = []
    for key, value in evidence.items():
        label = _label(str(key))
        if isinstance(value, Mapping):
            if not value:
                lines.append(f"{indent}{label}: none")
                continue
            lines.append(f"{indent}{label}:")
            lines += evidence_lines(value, indent + INDENT)
        elif isinstance(value, list | tuple):
            if not value:
                lines.append(f"{indent}{label}: none")
            elif all(not isinstance(item, Mapping | list | tuple) for item in value):
                lines.append(f"{indent}{label}: {', '.join(scalar(item) for item in value)}")
            else:
                lines.append(f"{indent}{label}:")
                for number, item in enumerate(value, 1):
                    if isinstance(item, Mapping) and item:
                        # "1. First key: value", the item's other facts aligned below it.
                        inner = evidence_lines(item, indent + INDENT * 2 + " ")
                        first = inner[0].lstrip()
                        lines.append(f"{indent}{INDENT}{number}. {first}")
                        lines += inner[1:]
                    else:
                        lines.append(f"{indent}{INDENT}{number}. {scalar(item)}")
        else:
            lines.append(f"{indent}{label}: {scalar(value)}")
    return lines


# -- Identity ----------------------------------------------------------------------------------

SANDBOX_NOTE = f"{SANDBOX_BADGE}: a practice account on this machine; nothing real is touched."
REAL_NOTE = "A real AWS account: every change is shown first and asked for."
BUILT_IN_ENDPOINT = "this machine (the built-in sandbox)"
DEFAULT_ENDPOINT = "AWS"
IDENTITY_LABELS = ("Account ID", "Caller", "Caller ARN", "Credentials from", "Region", "Endpoint")


def account_kind(sandbox: bool) -> str:
    """One sentence saying whether this is the practice sandbox or a real account."""
    return SANDBOX_NOTE if sandbox else REAL_NOTE


def identity_facts(identity: Identity) -> list[tuple[str, str]]:
    """Who and where as labelled facts, in the order every front end shows them."""
    account, caller, arn, source, region, endpoint = IDENTITY_LABELS
    where = BUILT_IN_ENDPOINT if identity.sandbox else identity.endpoint or DEFAULT_ENDPOINT
    return [
        (account, identity.account_id),
        (caller, identity.caller.describe()),
        (arn, identity.caller.arn),
        (source, identity.credential_source),
        (region, identity.region),
        (endpoint, where),
    ]


def identity_lines(identity: Identity) -> list[str]:
    """Who and where as text: what kind of account, one ``Label: value`` a line, notices."""
    lines = [account_kind(identity.sandbox)]
    lines += [f"{label}: {value}" for label, value in identity_facts(identity)]
    if identity.notices:
        lines += ["", *identity.notices]
    return lines


def identity_line(sandbox: bool, account_id: str | None, caller: str | None, region: str) -> str:
    """``SANDBOX · account … · caller · region`` in one line (fits 80 columns)."""
    parts = [] if account_id else ["aws-setup-wizard"]
    if sandbox:
        parts.append(SANDBOX_BADGE)
    if account_id:
        parts.append(f"account {account_id}")
    if caller:
        parts.append(caller)
    if region:
        parts.append(region)
    return " · ".join(parts)


def withheld_password(user: str, kept_in_keyring: bool, account_id: str) -> str:
    """What to say instead of an initial password when the output is not a terminal."""
    from aws_setup_wizard.secrets import SERVICE, admin_password_entry

    kept = (
        wording.PASSWORD_KEPT.format(
            user=user, service=SERVICE, entry=admin_password_entry(account_id, user)
        )
        if kept_in_keyring
        else ""
    )
    return wording.PASSWORD_WITHHELD.format(user=user, kept=kept)


# C0 controls but tab and newline, DEL and C1, and the Unicode bidirectional controls: text
# from the account (a user name, a policy's Sid, an error message) must not move the cursor,
# change colours or reorder what the owner reads (Trojan Source, CVE-2021-42574).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """``text`` with every control or bidi character shown as an escape (``\\x1b``, ``\\u202e``)."""
    return _UNSAFE.sub(lambda match: _escape(match.group()), text)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


class SafeStream:
    """A text stream that writes everything through :func:`terminal_safe` (tab and newline
    pass); every other attribute (``isatty``, ``flush``, ``encoding``) is the stream's own."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        """Write ``text`` with control and bidi characters escaped."""
        return self._stream.write(terminal_safe(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
