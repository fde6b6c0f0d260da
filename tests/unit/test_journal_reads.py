"""The journal is parsed again only when it changed (verify reads it twice)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aws_setup_wizard import journal


def test_an_unchanged_journal_is_parsed_once_and_a_grown_one_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "journal.jsonl"
    path.write_text(json.dumps({"kind": "run", "run": "a"}) + "\n", encoding="utf-8")
    parsed: list[Path] = []
    parse = journal._parse
    monkeypatch.setattr(journal, "_parse", lambda target: parsed.append(target) or parse(target))
    assert journal.read(path) == journal.read(path) == [{"kind": "run", "run": "a"}]
    assert len(parsed) == 1
    with path.open("a", encoding="utf-8") as grown:
        grown.write(json.dumps({"kind": "write", "run": "a"}) + "\n")
    assert [entry["kind"] for entry in journal.read(path)] == ["run", "write"]
    assert len(parsed) == 2


def test_a_missing_journal_reads_as_empty(tmp_path: Path) -> None:
    assert journal.read(tmp_path / "nothing-here.jsonl") == []


def test_the_list_returned_is_the_caller_s_own(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    path.write_text(json.dumps({"kind": "run"}) + "\n", encoding="utf-8")
    journal.read(path).clear()
    assert journal.read(path) == [{"kind": "run"}]
