"""The credential value type the sandbox hands out (no moto, no werkzeug: cheap to import)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SandboxCredentials:
    """An access key pair, with a session token when the credentials are temporary."""

    access_key_id: str
    secret_access_key: str
    session_token: str | None = None

    def __repr__(self) -> str:
        # Never let a secret reach a log line or a test failure message by accident.
        token = ", session_token=…" if self.session_token else ""
        return f"SandboxCredentials(access_key_id={self.access_key_id!r}, secret=…{token})"
