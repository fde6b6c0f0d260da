"""Fixtures shared by the end-to-end tests: sandboxes served in their own process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.test_cli_flow import serving


@pytest.fixture
def served_fresh(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A ``fresh`` sandbox in its own process; yields its environment (endpoint, keys…)."""
    with serving(tmp_path, "fresh") as env:
        yield env
