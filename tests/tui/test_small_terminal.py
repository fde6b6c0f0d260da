"""The TUI at 80x24 and 60x20, as a trainee's small window shows it (issue 12, items 8-10).

Assertions are on what is on the screen: the rendered lines, and widget regions within the
visible part of the scrolling body.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.widget import Widget

from tests.tui.conftest import Driver

pytestmark = pytest.mark.asyncio

SMALL = (80, 24)
TINY = (60, 20)


def screen_lines(app: Any) -> list[str]:
    """The characters of every line on the screen, as a terminal shows them."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def in_view(widget: Widget) -> bool:
    """The whole widget is drawn inside the visible part of its screen's body."""
    screen = widget.screen
    if widget not in screen._compositor.visible_widgets:
        return False
    body = screen.query_one("#body")
    inside_body = body in widget.ancestors
    return widget.region in (body.content_region if inside_body else screen.region)


async def test_enter_through_the_cloudtrail_form_keeps_the_focus_in_view(make_app):
    """Item 9: each Enter moves to the next field, which is on the screen; the last submits."""
    app = make_app("fresh", "console")
    async with app.run_test(size=SMALL) as pilot:
        driver = Driver(pilot)
        await driver.to_dashboard()
        await driver.click("#row-cloudtrail")
        step = await driver.at("StepScreen")
        await driver.press("f")
        await driver.until(lambda: bool(step.query("#plan-it")), "the form")
        fields = [f"field-{option.name}" for option in step.step.options]
        await driver.until(lambda: app.focused is not None, "the first field's focus")
        for index, field in enumerate(fields):
            await driver.until(lambda: in_view(app.focused), f"{field} in view")
            assert app.focused.id == field
            assert in_view(step.query_one("#plan-it")), "the submit button is on the screen"
            await driver.press("enter")
            if index + 1 < len(fields):
                await driver.until(lambda: app.focused.id == fields[index + 1], "the next field")
        await driver.at("PlanConfirmScreen")
