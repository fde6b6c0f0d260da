"""The primer: the shared responsibility model, before any change is made. No AWS calls."""

from __future__ import annotations

from dataclasses import dataclass

from aws_setup_wizard import assets


@dataclass(frozen=True)
class Primer:
    """What AWS secures and what the account owner must secure, read from ``assets/``."""

    id: str = "primer"
    title: str = "Who secures what: the shared responsibility model"

    def text(self) -> str:
        """The primer as Markdown, with its sources."""
        return assets.read_text("primer.md")
