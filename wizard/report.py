"""Verification results as a plain-text table and as JSON (for scripts and exports)."""

from __future__ import annotations

from typing import Any

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
            f"{result.check.status.value.upper():<8} {result.step.title} ({result.step.id})"
        )
        lines.append(f"         {result.check.summary}")
        lines.append(f"         Controls: {', '.join(result.step.controls)}")
    passed = sum(1 for r in verification.results if r.check.passed)
    lines += ["", f"{passed} of {len(verification.results)} steps pass."]
    return "\n".join(lines)
