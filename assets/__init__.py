"""Texts, styles and policy templates shipped with aws-setup-wizard.

A package (rather than a loose folder) so that an installed wizard finds them through
``importlib.resources`` exactly as a checkout does.
"""

from __future__ import annotations

import json
from string import Template
from typing import Any


def read_text(relative_path: str) -> str:
    """Return the text of an asset file, e.g. ``read_text("why/root-mfa.md")``."""
    # Imported here: the TUI imports this package for its stylesheet's path before the first
    # frame, and importlib.resources costs ~5 ms that only reading a text needs (issue 13).
    from importlib import resources

    resource = resources.files(__name__)
    for part in relative_path.split("/"):
        resource = resource.joinpath(part)
    return resource.read_text(encoding="utf-8")


def policy(name: str, **values: str) -> dict[str, Any]:
    """Load ``policies/NAME.json`` with ``${placeholders}`` filled from ``values``.

    Templates use :class:`string.Template` syntax so that JSON braces need no escaping;
    a missing value raises ``KeyError`` rather than producing a half-filled policy.
    """
    text = Template(read_text(f"policies/{name}.json")).substitute(values)
    loaded: dict[str, Any] = json.loads(text)
    return loaded
