"""The dashboard's keys, pressed as a trainee would (issue 12: Re-verify emptied it)."""

from __future__ import annotations

import pytest

from tests.tui.conftest import SIZE, Driver

pytestmark = pytest.mark.asyncio


def _rows(dashboard) -> list[str]:
    return [row.id for row in dashboard.query(".step-row")]


@pytest.mark.parametrize("scenario", ["fresh", "done"])
@pytest.mark.parametrize("how", ["key", "button"])
async def test_reverify_keeps_every_row_and_every_key(make_app, scenario, how):
    """Re-verify, twice, by key or button: the rows come back and the keys still answer."""
    app = make_app(scenario, "console")
    async with app.run_test(size=SIZE) as pilot:
        driver = Driver(pilot)
        await driver.at("StartScreen")
        await driver.press("c")
        dashboard = await driver.at("DashboardScreen")
        before = _rows(dashboard)
        assert len(before) == 4
        for _ in range(2):
            if how == "key":
                await driver.press("r")
            else:
                await driver.click("#reverify")
            dashboard = await driver.at("DashboardScreen")
            await driver.until(lambda: len(_rows(app.screen)) == 4, "four rows")
            assert _rows(dashboard) == before
            active = app.screen.active_bindings.items()
            shown = {key for key, b in active if b.binding.show and b.enabled}
            assert {"w", "p", "r", "s"} <= shown, shown
        await driver.press("s")
        await driver.at("SummaryScreen")
        await driver.press("q")


async def test_back_to_the_dashboard_from_the_summary_shows_every_row(make_app):
    """Summary, then ``d``: the dashboard is whole again, and Re-verify still works there."""
    app = make_app("done", "console")
    async with app.run_test(size=SIZE) as pilot:
        driver = Driver(pilot)
        await driver.at("StartScreen")
        await driver.press("c")
        await driver.at("DashboardScreen")
        for _ in range(2):
            await driver.press("s")
            await driver.at("SummaryScreen")
            await driver.press("d")
            await driver.at("DashboardScreen")
            await driver.until(lambda: len(_rows(app.screen)) == 4, "four rows")
            await driver.press("r")
            await driver.at("DashboardScreen")
            await driver.until(lambda: len(_rows(app.screen)) == 4, "four rows again")
        await driver.press("q")
    assert app.return_code == 0


async def test_escape_leaves_a_passing_step_opened_from_the_dashboard(make_app):
    """The footer says ``esc Back / skip`` on a passing step: Escape goes back (issue 12, 5)."""
    app = make_app("done", "console")
    async with app.run_test(size=SIZE) as pilot:
        driver = Driver(pilot)
        await driver.at("StartScreen")
        await driver.press("c")
        await driver.at("DashboardScreen")
        await driver.click("#row-cloudtrail")
        step = await driver.at("StepScreen")
        assert step.check.passed
        await driver.press("escape")
        await driver.at("DashboardScreen")
        await driver.until(lambda: len(_rows(app.screen)) == 4, "four rows")
        await driver.press("q")
    assert app.return_code == 0
