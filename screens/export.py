"""Export of a verification as Markdown and JSON files (never a secret).

The JSON is ``wizard.report.to_json`` (what ``verify --json`` prints) plus what this run
changed; the Markdown is the same content for people. Neither ever holds a password: outcome
reveals never reach a Verification or the changes list.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.wording import status_word

if TYPE_CHECKING:
    from wizard.runner import Verification


def _cell(text: Any) -> str:
    """A value made safe for a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def to_markdown(verification: Verification, changes: Sequence[str] = ()) -> str:
    """The verification as a Markdown document: who, when, each step, what changed."""
    passed = sum(1 for r in verification.results if r.check.passed)
    badge = " (SANDBOX)" if verification.sandbox else ""
    lines = [
        f"# AWS account {verification.account_id}{badge}: setup verification",
        "",
        f"- Verified: {verification.verified_at:%Y-%m-%d %H:%M:%S} UTC",
        f"- Caller: `{verification.caller}`",
        f"- Region: {verification.region}",
        f"- Result: {passed} of {len(verification.results)} steps pass",
        "",
        "| Status | Step | Result | Controls |",
        "|---|---|---|---|",
    ]
    for result in verification.results:
        lines.append(
            f"| {status_word(result.check.status)} | {_cell(result.step.title)} "
            f"(`{result.step.id}`) | {_cell(result.check.summary)} | "
            f"{_cell(', '.join(result.step.controls))} |"
        )
    lines += ["", "## Evidence", ""]
    for result in verification.results:
        lines += [
            f"### {result.step.title}",
            "",
            "```json",
            json.dumps(dict(result.check.evidence), indent=2, default=str),
            "```",
            "",
        ]
    lines += ["## Changes made in this run", ""]
    lines += [f"- {change}" for change in changes] or ["- None."]
    return "\n".join(lines) + "\n"


def to_json(verification: Verification, changes: Sequence[str] = ()) -> dict[str, Any]:
    """``verify --json``'s object plus this run's changes."""
    from wizard import report

    document = report.to_json(verification)
    document["changes"] = list(changes)
    return document


def targets(verification: Verification, chosen: str, cwd: Path) -> tuple[Path, Path]:
    """Where the two files go: a directory gets default names; anything else is a stem."""
    stamp = f"{verification.verified_at:%Y%m%d-%H%M%S}"
    default = f"aws-setup-wizard-{verification.account_id}-{stamp}"
    path = Path(chosen.strip() or ".").expanduser()
    if not path.is_absolute():
        path = cwd / path
    if path.is_dir():
        path = path / default
    elif path.suffix in {".md", ".json"}:
        path = path.with_suffix("")
    return path.with_name(path.name + ".md"), path.with_name(path.name + ".json")


def write_exports(
    verification: Verification, changes: Sequence[str], chosen: str, cwd: Path
) -> tuple[Path, Path]:
    """Write the Markdown and JSON files; returns their paths (``OSError`` when it cannot)."""
    markdown, json_path = targets(verification, chosen, cwd)
    markdown.parent.mkdir(parents=True, exist_ok=True)
    markdown.write_text(to_markdown(verification, changes), encoding="utf-8")
    json_path.write_text(
        json.dumps(to_json(verification, changes), indent=2, default=str) + "\n",
        encoding="utf-8",
    )
    return markdown, json_path
