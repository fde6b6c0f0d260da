"""Workarounds for Textual bugs that cost the owner something, each named by its upstream issue.

Applied once, when the app is made (:class:`~aws_setup_wizard.screens.app.WizardApp`); each one
checks that the installed Textual still has the bug's exact shape and otherwise does nothing.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any


def keep_removed_widgets_collectable() -> bool:
    """Textual#6665: ``StylesCache.get_inner_outer`` keeps 1,024 removed widgets' styles alive.

    The method is cached with ``functools.lru_cache`` on the instance, so the cache's keys hold
    up to 1,024 ``StylesCache`` objects, each with the rendered lines of a widget long removed
    (15-20 MB by the end of a guided run: the summary screen had 120 live widgets and 1,002 of
    these). Its answer depends on the two colours only; this caches on those, through Textual's
    own code. Returns whether the fix went in (False: this Textual no longer has the bug).
    https://github.com/Textualize/textual/issues/6665
    """
    from textual._styles_cache import StylesCache

    cached: Any = StylesCache.__dict__.get("get_inner_outer")
    original = getattr(cached, "__wrapped__", None)
    if original is None or not hasattr(cached, "cache_info"):
        return False
    if list(inspect.signature(original).parameters) != ["cls", "base_background", "background"]:
        return False

    @functools.lru_cache(1024)
    def inner_outer(base_background: Any, background: Any) -> Any:
        # The instance is never read: the bug's method uses only the colours.
        return original(None, base_background, background)

    def get_inner_outer(self: Any, base_background: Any, background: Any) -> Any:
        return inner_outer(base_background, background)

    get_inner_outer.__doc__ = original.__doc__
    setattr(StylesCache, "get_inner_outer", get_inner_outer)  # noqa: B010 - replaces a method
    return True
