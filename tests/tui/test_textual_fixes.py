"""The Textual workaround keeps removed widgets collectable and draws the same colours."""

from __future__ import annotations

import gc

from textual._styles_cache import StylesCache
from textual.color import Color

from aws_setup_wizard.screens.app import WizardApp
from aws_setup_wizard.screens.textual_fixes import keep_removed_widgets_collectable


def test_the_fix_is_in_once_the_app_is_made() -> None:
    WizardApp(scenario="fresh")
    # Applied: a second call finds Textual's cached method gone and does nothing.
    assert not keep_removed_widgets_collectable()
    assert not hasattr(StylesCache.__dict__["get_inner_outer"], "cache_info")


def test_same_colours_and_no_styles_cache_kept_alive() -> None:
    WizardApp(scenario="fresh")
    base, background = Color(10, 20, 30), Color(200, 100, 50, 0.5)
    expected_inner = base + background
    caches = [StylesCache() for _ in range(50)]
    answers = {cache.get_inner_outer(base, background) for cache in caches}
    assert len(answers) == 1  # one answer, shared, as the colours are the same
    inner, outer = answers.pop()
    assert inner.background == expected_inner and outer.background == base
    alive_before = sum(isinstance(o, StylesCache) for o in gc.get_objects())
    del caches
    gc.collect()
    alive_after = sum(isinstance(o, StylesCache) for o in gc.get_objects())
    assert alive_before - alive_after >= 50
