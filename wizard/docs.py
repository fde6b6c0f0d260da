"""The README's table of what ``verify`` checks, generated from the steps themselves.

The table sits between ``<!-- checks:start -->`` and ``<!-- checks:end -->`` in README.md and is
rendered from the registry: each step's id, title, ``checks`` (or the first line of its
``check`` docstring when it declares none) and ``controls``. A test compares the README with
:func:`render`, so the two cannot drift apart. Regenerate with ``python -m aws_setup_wizard.docs``
(``--check`` exits 1 instead of writing when the README is stale).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from aws_setup_wizard import steps as steps_module
from aws_setup_wizard.steps.base import Step

START = "<!-- checks:start -->"
END = "<!-- checks:end -->"
README = Path(__file__).resolve().parent.parent / "README.md"


class MarkersMissing(ValueError):
    """The README has no (or a broken) pair of table markers."""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def checks_of(step: Step) -> tuple[str, ...]:
    """What ``verify`` checks for ``step``: its declared phrases, else its check's docstring."""
    if step.checks:
        return step.checks
    doc = (type(step).check.__doc__ or "").strip().splitlines()
    return (doc[0].rstrip("."),) if doc else ()


def render(steps: Iterable[Step] | None = None) -> str:
    """The Markdown table (header and one row per step), without the markers."""
    chosen = tuple(steps_module.STEPS if steps is None else steps)
    lines = ["| Step | Title | What `verify` checks | Controls |", "|---|---|---|---|"]
    for step in chosen:
        lines.append(
            f"| `{step.id}` | {_cell(step.title)} | "
            f"{'; '.join(_cell(phrase) for phrase in checks_of(step))} | "
            f"{_cell(', '.join(step.controls))} |"
        )
    return "\n".join(lines)


def replace_table(text: str, table: str) -> str:
    """``text`` with everything between the markers replaced by ``table``."""
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise MarkersMissing(f"README.md needs {START} … {END} around the checks table")
    return f"{text[: start + len(START)]}\n{table}\n{text[end:]}"


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite the README's table (``--check``: only report whether it is current)."""
    parser = argparse.ArgumentParser(prog="python -m aws_setup_wizard.docs", description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if README.md is stale")
    parser.add_argument("--readme", type=Path, default=README, help="the file to update")
    args = parser.parse_args(argv)
    current = args.readme.read_text(encoding="utf-8")
    wanted = replace_table(current, render())
    if wanted == current:
        print(f"{args.readme.name}: the checks table is current.")
        return 0
    if args.check:
        print(f"{args.readme.name}: the checks table is stale; run python -m aws_setup_wizard.docs")
        return 1
    args.readme.write_text(wanted, encoding="utf-8")
    print(f"{args.readme.name}: checks table updated.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
