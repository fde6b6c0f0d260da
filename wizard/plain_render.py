"""Pure text rendering for the plain front end: Markdown, evidence, plans, the summary.

Nothing here prompts or prints; every function returns lines of plain text (no colour, no
escape codes) so the same lines serve a terminal, a screen reader and a saved transcript.
Lines are returned unwrapped (except Markdown paragraphs): the printer wraps them to the
terminal's width with :func:`wrap_line`, so nothing is wrapped twice.
Status is always a word (PASS / FAIL / UNKNOWN), never a colour or a symbol alone.
"""

from __future__ import annotations

import os
import re
import shutil
import textwrap
from collections.abc import Iterable
from typing import Any, TextIO

from aws_setup_wizard import present, report, runner, wording
from aws_setup_wizard.flow import Summary
from aws_setup_wizard.model import Check, Plan
from aws_setup_wizard.present import status_line

WIDTH = 88
INDENT = "  "

# Headings of the plain renderer's own layout; the lines under them come from
# aws_setup_wizard.present.
STATE_HEADING = "Current state"
PLAN_HEADING = "The plan"
NEXT_STEPS_HEADING = "Next steps"
CHANGES_HEADING = "Changed in this run"
SUMMARY_HEADING = "Final verification"
# Phrases and answers of the plain front end.
CONTINUE = "Continue"
QUIT = wording.QUIT
READY = "Ready to continue?"
FIX_NOW = "Fix this now"
SKIP_STEP = "Skip this step for now"
DECLINE_STEP = "Decline, with a reason"
DECLINE_REASON = "Why is this step declined? (kept in the account; 1 to 500 characters)"
WHAT_NEXT = "What would you like to do?"
KEEP_SETTINGS = "Use these settings"
CHANGE_SETTINGS = "Change them"
FILL_IN_SETTINGS = "Fill in the missing ones"
SETTINGS_INTRO = "Settings for this step:"
NOT_CONFIRMED = "Not confirmed: nothing was changed."
SUFFIX_MISMATCH = "The characters typed do not match the key: nothing was deleted."
CONSOLE_WAIT = "When you have done it in the console, choose the first answer (Enter)."
ENTER_CODES = "Enter two codes from the app"
SHOW_SECRET = "Show the secret key as text (to type into the app instead of scanning)"
SECRET_KEY = "Secret key (shown once): {secret}"
PRACTICE_CODES = "The app would show {code1} now and {code2} next; press Enter to use them."
MFA_DONE = "MFA device registered."
CHECKING_AGAIN = "Checking the step again."
PROBLEM = "Problem: {message}"
STOPPED_BETWEEN = (
    "Stopped. Done in this run: {done}. Run the wizard again to finish the rest: it re-checks "
    "every step first."
)
NOTHING_COMPLETED = "no call had completed yet"
INPUT_ENDED = "The input ended before the question was answered."
CANNOT_READ_CALLER = "Could not read who is calling: {message}"

REDACTED = "[shown once on the terminal; not saved in this transcript]"
QR_REDACTED = "[QR code shown on the terminal only: it holds the MFA device's secret]"

# -- Terminal --------------------------------------------------------------------------------

_COLOURS = {"PASS": "32", "FAIL": "31", "UNKNOWN": "33"}
_STATUS = re.compile(r"\b(PASS|FAIL|UNKNOWN)\b")


def terminal_width() -> int:
    """The terminal's width, at most 100 columns: long lines are hard to follow."""
    return max(40, min(100, shutil.get_terminal_size((88, 24)).columns - 1))


def paint(line: str) -> str:
    """Status words in colour (bold green, red, yellow); the word itself is kept."""
    return _STATUS.sub(lambda m: f"\x1b[1;{_COLOURS[m[1]]}m{m[1]}\x1b[0m", line)


def wants_color(out: TextIO) -> bool:
    """Colour only on a terminal, and never when ``NO_COLOR`` is set (no-color.org)."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(out, "isatty", None)
    return bool(isatty and isatty())


def shown(value: str | bool) -> str:
    """An option's value as text (``yes``/``no`` for a bool)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def answer_text(answer: Any) -> str:
    """A prompt's answer as the transcript records it (``Yes``/``No`` for a confirmation)."""
    if isinstance(answer, bool):
        return "Yes" if answer else "No"
    return str(answer)


# -- Markdown --------------------------------------------------------------------------------

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^(\s*)[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^(\s*)(\d+)[.)]\s+(.*)$")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>]+)>")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])")
_CODE = re.compile(r"`([^`]+)`")


def inline(text: str) -> str:
    """Markdown inline markup as plain text: links as ``text (url)``, no emphasis markers."""
    text = _CODE.sub(r"\1", text)
    text = _LINK.sub(lambda m: m.group(1) if m.group(1) == m.group(2) else f"{m[1]} ({m[2]})", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _STRONG.sub(r"\2", text)
    return _EMPHASIS.sub(r"\2", text)


def _wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    # Never break a URL or a hyphenated name: a broken link cannot be copied.
    return textwrap.wrap(
        text,
        width=width,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [first.rstrip()]


_MARKER = re.compile(r"^(\s*)((?:[-*]|\d+\.)\s+)?")


def wrap_line(line: str, width: int = WIDTH) -> list[str]:
    """One long line as several, continuing under its text (after any list marker)."""
    if len(line) <= width:
        return [line]
    match = _MARKER.match(line)
    hang = len(match.group(0)) if match else 0
    return _wrap(line.strip(), width, line[: len(line) - len(line.lstrip())], " " * hang)


def markdown_to_text(markdown: str, width: int = WIDTH) -> list[str]:
    """Render Markdown as plain lines: headings as their own line, bullets kept, links as text.

    Paragraphs and list items are re-wrapped to ``width``; code blocks are kept as they are.
    """
    lines: list[str] = []
    block: list[str] = []  # the paragraph or list item being gathered
    first, rest = "", ""
    fenced = False

    def flush() -> None:
        nonlocal block
        if block:
            lines.extend(_wrap(inline(" ".join(block)), width, first, rest))
        block = []

    def blank() -> None:
        if lines and lines[-1] != "":
            lines.append("")

    for raw in markdown.splitlines():
        stripped = raw.strip()
        if stripped.startswith("```"):
            flush()
            fenced = not fenced
            continue
        if fenced:
            lines.append(INDENT * 2 + raw)
            continue
        if not stripped:
            flush()
            blank()
            continue
        heading = _HEADING.match(stripped)
        bullet = _BULLET.match(raw)
        numbered = _NUMBERED.match(raw)
        if heading:
            flush()
            blank()
            lines.append(inline(heading.group(2)))
            lines.append("")
        elif bullet:
            flush()
            depth = len(bullet.group(1)) // 2
            first = INDENT * (depth + 1) + "- "
            rest = " " * len(first)
            block = [bullet.group(2)]
        elif numbered:
            flush()
            depth = len(numbered.group(1)) // 2
            first = INDENT * (depth + 1) + f"{numbered.group(2)}. "
            rest = " " * len(first)
            block = [numbered.group(3)]
        elif block:
            block.append(stripped)  # a continuation line of the paragraph or item
        else:
            first, rest = "", ""
            block = [stripped]
    flush()
    while lines and lines[-1] == "":
        lines.pop()
    return lines


# -- Facts -----------------------------------------------------------------------------------


def check_lines(check: Check) -> list[str]:
    """The current state: the verdict, what it waits on, and the evidence."""
    lines = [f"{STATE_HEADING}:", status_line(check)]
    if check.waiting_on:
        lines.append(f"{INDENT}Waiting on: {check.waiting_on}")
    return lines + present.evidence_lines(check.evidence, INDENT)


def plan_lines(plan: Plan) -> list[str]:
    """The plan under its heading, indented: :func:`aws_setup_wizard.present.plan_lines`."""
    return [f"{PLAN_HEADING}:", *(INDENT + line for line in present.plan_lines(plan))]


def applied_lines(applied: runner.Applied, reported: Iterable[str] = ()) -> list[str]:
    """After apply: what was done and the re-verification (the reveal is shown separately).

    ``reported`` are the calls the progress lines already showed as done: not repeated.
    """
    seen = set(reported)
    lines = [f"{INDENT}Done: {item}" for item in applied.outcome.done if item not in seen]
    if applied.check is None:
        lines.append(wording.SESSION_ENDED)
    else:
        lines.append(f"Re-verified: {status_line(applied.check)}")
    return lines


def summary_lines(summary: Summary) -> list[str]:
    """The end of a run: the final verification as a report, what changed, next steps."""
    lines = [SUMMARY_HEADING, ""]
    if summary.verification is not None:
        lines += report.to_text(summary.verification).splitlines()
    if summary.ended_session and summary.verification is None:
        lines.append(wording.SESSION_ENDED)
    lines += ["", f"{CHANGES_HEADING}:"]
    lines += [f"{INDENT}- {change}" for change in summary.changes] or [
        f"{INDENT}{wording.NOTHING_CHANGED}"
    ]
    lines += ["", f"{NEXT_STEPS_HEADING}:"]
    lines += [f"{INDENT}- {step}" for step in summary.next_steps]
    return lines


def joined(items: Iterable[str]) -> str:
    """Items as one phrase for a sentence: ``a; b; c``."""
    return "; ".join(items)
