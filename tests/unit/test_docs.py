"""The README's table of what ``verify`` checks is generated from the steps and kept current."""

from __future__ import annotations

from pathlib import Path

import pytest

from aws_setup_wizard import docs
from aws_setup_wizard.steps import STEPS

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_table_matches_the_steps():
    text = README.read_text(encoding="utf-8")
    assert docs.replace_table(text, docs.render()) == text, (
        "README.md's checks table is stale: run python -m aws_setup_wizard.docs"
    )


def test_every_step_has_a_row_with_its_checks_and_controls():
    table = docs.render()
    for step in STEPS:
        row = next(line for line in table.splitlines() if line.startswith(f"| `{step.id}` |"))
        assert step.title in row
        assert all(control in row for control in step.controls)
        assert docs.checks_of(step), f"{step.id} says nothing about what it checks"


def test_check_mode_reports_a_stale_readme_without_writing(tmp_path, capsys):
    stale = tmp_path / "README.md"
    stale.write_text(f"intro\n{docs.START}\nold\n{docs.END}\nrest\n", encoding="utf-8")
    assert docs.main(["--check", "--readme", str(stale)]) == 1
    assert "old" in stale.read_text(encoding="utf-8")
    assert docs.main(["--readme", str(stale)]) == 0
    assert docs.main(["--check", "--readme", str(stale)]) == 0
    assert stale.read_text(encoding="utf-8").endswith(f"{docs.END}\nrest\n")


def test_missing_markers_are_an_error():
    with pytest.raises(docs.MarkersMissing):
        docs.replace_table("no markers here", docs.render())
