"""Export of a verification as Markdown and JSON files (never a secret).

The JSON is ``aws_setup_wizard.report.to_json`` (what ``verify --json`` prints) plus what this run
changed; the Markdown is the same content for people. Neither ever holds a password: outcome
reveals never reach a Verification or the changes list.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aws_setup_wizard.runner import Verification


def to_markdown(verification: Verification, changes: Sequence[str] = ()) -> str:
    """The verification as Markdown (the engine's report), for the summary's export."""
    from aws_setup_wizard import report

    return report.to_markdown(verification, changes)


def to_json(verification: Verification, changes: Sequence[str] = ()) -> dict[str, Any]:
    """``verify --json``'s object plus this run's changes."""
    from aws_setup_wizard import report

    document = report.to_json(verification)
    document["changes"] = list(changes)
    return document


#: Where an export goes unless the owner names another place: one folder of the owner's own,
#: not whatever directory the wizard happened to start in (a checkout, a shared classroom folder).
DEFAULT_EXPORT_FOLDER = "~/aws-setup-wizard-reports"


def targets(verification: Verification, chosen: str, cwd: Path) -> tuple[Path, Path]:
    """Where the two files go: a directory gets default names; anything else is a stem."""
    stamp = f"{verification.verified_at:%Y%m%d-%H%M%S}"
    default = f"aws-setup-wizard-{verification.account_id}-{stamp}"
    path = Path(chosen.strip() or DEFAULT_EXPORT_FOLDER).expanduser()
    if not path.is_absolute():
        path = cwd / path
    if path.is_dir() or chosen.strip() in ("", DEFAULT_EXPORT_FOLDER):
        path = path / default
    elif path.suffix in {".md", ".json"}:
        path = path.with_suffix("")
    return path.with_name(path.name + ".md"), path.with_name(path.name + ".json")


def write_exports(
    verification: Verification, changes: Sequence[str], chosen: str, cwd: Path
) -> tuple[Path, Path]:
    """Write the Markdown and JSON files; returns their paths (``OSError`` when it cannot)."""
    markdown, json_path = targets(verification, chosen, cwd)
    # Only the owner may list their reports (they name the account and what it lacks).
    markdown.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    markdown.write_text(to_markdown(verification, changes), encoding="utf-8")
    json_path.write_text(
        json.dumps(to_json(verification, changes), indent=2, default=str) + "\n",
        encoding="utf-8",
    )
    return markdown, json_path
