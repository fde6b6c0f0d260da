"""Verification results as a plain-text table and as JSON (for scripts and exports).

One account's report (``to_json``, ``to_text``, ``to_markdown``) keeps its shape; a report of
several accounts (an organisation's) is the same per-account parts in order, inside one
document (``to_json_many``, ``to_text_many``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from aws_setup_wizard.present import declined_line, in_groups, terminal_safe, verdict_word
from aws_setup_wizard.runner import StepResult, Verification, results_exit_code


def _step_json(result: StepResult) -> dict[str, Any]:
    """One step in ``verify --json``: a declined step says ``"status": "declined"``, who,
    when and why, and its own check's verdict as ``check_status``."""
    item: dict[str, Any] = {
        "id": result.step.id,
        "group": result.step.group,
        "title": result.step.title,
        "status": "declined" if result.declined else result.check.status.value,
        "summary": result.check.summary,
        "evidence": dict(result.check.evidence),
        "controls": list(result.step.controls),
    }
    if result.decline is not None:
        item["check_status"] = result.check.status.value
        item["declined"] = result.decline.as_json()
    return item


def _word(result: StepResult) -> str:
    return verdict_word(result.check, result.declined)


def _decline_note(result: StepResult) -> str | None:
    """The decline's who, when and why; for a step that passes anyway, that it was declined."""
    if result.decline is None:
        return None
    line = declined_line(result.decline.reason, result.decline.by, result.decline.at)
    return line if result.declined else f"Passes anyway; earlier {line[0].lower()}{line[1:]}"


def to_json(verification: Verification) -> dict[str, Any]:
    """The JSON object ``verify --json`` prints: account, caller and every step's verdict."""
    declines = verification.declines
    return {
        "account_id": verification.account_id,
        "caller": verification.caller,
        "region": verification.region,
        "sandbox": verification.sandbox,
        "verified_at": verification.verified_at.isoformat(timespec="seconds"),
        "steps": [_step_json(result) for result in verification.results],
        **({"declines": declines.as_json()} if declines is not None else {}),
    }


def to_text(verification: Verification) -> str:
    """A readable report: status as a word (never colour alone), summary and controls."""
    badge = " [SANDBOX]" if verification.sandbox else ""
    lines = [
        f"Account {verification.account_id}{badge} · {verification.caller} · "
        f"{verification.region} · verified {verification.verified_at:%Y-%m-%d %H:%M:%S} UTC",
        "",
    ]
    for group, results in in_groups(verification.results, lambda result: result.step.group):
        if group is not None:
            lines += [f"{group}:", ""] if lines[-1] == "" else ["", f"{group}:", ""]
        for result in results:
            lines.append(f"{_word(result):<8} {result.step.title} ({result.step.id})")
            note = _decline_note(result)
            if note is not None:
                lines.append(f"         {note}")
            check = "Check: " if result.declined else ""
            lines.append(f"         {check}{result.check.summary}")
            lines.append(f"         Controls: {', '.join(result.step.controls)}")
    lines += ["", f"{verification.tally}."]
    if verification.declines is not None and verification.declines.lines():
        lines += ["", *verification.declines.lines()]
    return "\n".join(terminal_safe(line) for line in lines)


def _cell(text: Any) -> str:
    """A value made safe for a Markdown table cell (and for any terminal that shows it)."""
    return terminal_safe(str(text).replace("|", "\\|").replace("\n", " "))


def to_markdown(verification: Verification, changes: Sequence[str] = ()) -> str:
    """The verification as a Markdown document: who, when, each step, what changed."""
    badge = " (SANDBOX)" if verification.sandbox else ""
    lines = [
        f"# AWS account {verification.account_id}{badge}: setup verification",
        "",
        f"- Verified: {verification.verified_at:%Y-%m-%d %H:%M:%S} UTC",
        f"- Caller: `{verification.caller}`",
        f"- Region: {verification.region}",
        f"- Result: {verification.tally}",
        "",
        "| Status | Step | Result | Controls |",
        "|---|---|---|---|",
    ]
    for result in verification.results:
        note = _decline_note(result)
        summary = f"{note}. Check: {result.check.summary}" if note else result.check.summary
        lines.append(
            f"| {_word(result)} | {_cell(result.step.title)} "
            f"(`{result.step.id}`) | {_cell(summary)} | "
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


def exit_code_many(verifications: Sequence[Verification], *, strict: bool = False) -> int:
    """The exit code over every account: 1 if any step fails, else 2 if any is unknown
    (a declined step counts as a pass, or under ``strict`` as a failure)."""
    return results_exit_code((r for v in verifications for r in v.results), strict=strict)


def to_json_many(verifications: Sequence[Verification]) -> dict[str, Any]:
    """Several accounts in one JSON object: each account exactly as :func:`to_json` gives it.

    Scripts that read one account's report read ``accounts[i]`` the same way.
    """
    return {
        "accounts": [to_json(verification) for verification in verifications],
        "account_ids": [verification.account_id for verification in verifications],
        "steps_passed": sum(r.check.passed for v in verifications for r in v.results),
        "steps_total": sum(len(v.results) for v in verifications),
    }


def to_text_many(verifications: Sequence[Verification]) -> str:
    """Several accounts, one :func:`to_text` block each, then one line over them all."""
    if not verifications:
        return "No account was verified."
    blocks = [to_text(verification) for verification in verifications]
    passed = sum(r.check.passed for v in verifications for r in v.results)
    total = sum(len(v.results) for v in verifications)
    accounts = len(verifications)
    noun = "account" if accounts == 1 else "accounts"
    footer = f"{accounts} {noun}: {passed} of {total} steps pass."
    return "\n\n".join([*blocks, footer])
