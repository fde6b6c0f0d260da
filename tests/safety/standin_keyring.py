"""A stand-in OS keyring for subprocess tests: entries live in a JSON file the test names.

Set ``PYTHON_KEYRING_BACKEND=tests.safety.standin_keyring.StandInKeyring`` and
``STANDIN_KEYRING_FILE`` (kept outside the tree the leak test scans) so that what one command
keeps, the next can find or forget, as with a real keyring.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class StandInKeyring(KeyringBackend):
    """A keyring whose store is a file outside the scanned tree (tests only)."""

    priority = 1  # type: ignore[assignment]

    def _path(self) -> Path:
        return Path(os.environ["STANDIN_KEYRING_FILE"])

    def _load(self) -> dict[str, str]:
        path = self._path()
        return json.loads(path.read_text()) if path.exists() else {}

    def _save(self, entries: dict[str, str]) -> None:
        self._path().write_text(json.dumps(entries))

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}\n{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        entries = self._load()
        entries[f"{service}\n{username}"] = password
        self._save(entries)

    def delete_password(self, service: str, username: str) -> None:
        entries = self._load()
        if entries.pop(f"{service}\n{username}", None) is None:
            raise PasswordDeleteError("no such entry")
        self._save(entries)
