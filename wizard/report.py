"""Verification results as a plain-text table and as JSON (for scripts and exports)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from wizard.present import status_word
from wizard.runner import Verification


def to_json(verification: Verification) -> dict[str, Any]:
    """The JSON object ``verify --json`` prints: account, caller and every step's verdict."""
    return {
        "account_id": verification.account_id,
        "caller": verification.caller,
        "region": verification.region,
        "sandbox": verification.sandbox,
        "verified_at": verification.verified_at.isoformat(timespec="seconds"),
        "steps": [
            {
                "id": result.step.id,
                "title": result.step.title,
                "status": result.check.status.value,
                "summary": result.check.summary,
                "evidence": dict(result.check.evidence),
                "controls": list(result.step.controls),
            }
            for result in verification.results
        ],
    }


def to_text(verification: Verification) -> str:
    """A readable report: status as a word (never colour alone), summary and controls."""
    badge = " [SANDBOX]" if verification.sandbox else ""
    lines = [
        f"Account {verification.account_id}{badge} · {verification.caller} · "
        f"{verification.region} · verified {verification.verified_at:%Y-%m-%d %H:%M:%S} UTC",
        "",
    ]
    for result in verification.results:
        lines.append(
            f"{status_word(result.check.status):<8} {result.step.title} ({result.step.id})"
        )
        lines.append(f"         {result.check.summary}")
        lines.append(f"         Controls: {', '.join(result.step.controls)}")
    passed = sum(1 for r in verification.results if r.check.passed)
    lines += ["", f"{passed} of {len(verification.results)} steps pass."]
    return "\n".join(lines)


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
