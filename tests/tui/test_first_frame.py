"""The first frame is styled by the stylesheet's first part alone, exactly as the whole would.

The TUI parses only the part of ``assets/wizard.tcss`` above its "after the first frame" marker
before drawing the first frame (issue 13), and adds the rest just after. That is right only if
no rule of the rest matches a widget of the first frame: then the first frame looks the same
as with the whole stylesheet, and adding the rest changes nothing drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.css.match import match
from textual.css.stylesheet import Stylesheet
from textual.dom import DOMNode

from aws_setup_wizard.sandbox import Sandbox
from aws_setup_wizard.screens.app import LATER_STYLES, STYLESHEET, stylesheet_parts
from tests.tui.conftest import SIZE, Driver, QuietApp, opened_on

LATER = (str(STYLESHEET), "after the first frame")
#: Mounted by the start screen after the first frame (and after the later styles are added).
LATER_PARTS = ("identity", "no-credentials")


class FirstFrameApp(QuietApp):
    """Notes, when the first frame is up, its widgets and the styles each got."""

    first_frame: list[tuple[DOMNode, str]]
    changed_by_later: list[DOMNode] | None = None

    def on_ready(self) -> None:
        """Note the first frame, then go on as the wizard does."""
        nodes: list[DOMNode] = [self]
        for node in self.screen.walk_children(with_self=True):
            if not any(part.id in LATER_PARTS for part in node.ancestors_with_self):
                nodes.append(node)
        self.first_frame = [(node, node._css_styles.css) for node in nodes]
        super().on_ready()

    def load_later_styles(self) -> None:
        """Note which widget of the first frame the later styles restyle (none should)."""
        adding = not self.stylesheet.has_source(*LATER)
        before = [(node, node._css_styles.css) for node, _ in getattr(self, "first_frame", [])]
        super().load_later_styles()
        if adding:
            self.changed_by_later = [node for node, css in before if node._css_styles.css != css]


def test_the_stylesheet_splits_once_and_loses_nothing() -> None:
    text = STYLESHEET.read_text(encoding="utf-8")
    assert text.count(LATER_STYLES) == 1
    first, later = stylesheet_parts()
    assert first + later.lstrip("\n") == text
    # The later part keeps its lines where they are in the file (for CSS error messages).
    assert later.count("\n") == text.count("\n")


@pytest.mark.asyncio
async def test_no_later_rule_matches_a_widget_of_the_first_frame(
    sandbox: Callable[[str], Sandbox],
) -> None:
    app = FirstFrameApp(opened=opened_on(sandbox("fresh"), "console"))
    async with app.run_test(size=SIZE) as pilot:
        await Driver(pilot).until(
            lambda: app.stylesheet.has_source(*LATER), "the later styles added"
        )
        first_frame = app.first_frame
        assert len(first_frame) > 10  # the frame, its title, the spinner, buttons, footer
        later_rules = _rules(stylesheet_parts()[1], app.get_css_variables())
        assert len(later_rules) > 40  # the part that is deferred is most of the stylesheet
        matching = [
            (type(node).__name__, node.id, rule.css.splitlines()[0])
            for node, _ in first_frame
            for rule in later_rules
            if match(rule.selector_set, node)
        ]
        assert matching == []
        # And so adding them changed no style of the first frame's widgets.
        assert app.changed_by_later == []


def _rules(css: str, variables: dict[str, str]) -> list[Any]:
    sheet = Stylesheet(variables=variables)
    sheet.add_source(css, read_from=LATER, is_default_css=False)
    sheet.parse()
    return sheet.rules
