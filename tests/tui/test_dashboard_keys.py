"""The dashboard's keys, pressed as a trainee would (issue 12: Re-verify emptied it)."""

from __future__ import annotations

import pytest

from tests.tui.conftest import SIZE, Driver
from tests.tui.walking import STEPS

pytestmark = pytest.mark.asyncio


async def _next_question(driver: Driver) -> str:
    """The name of the next screen that waits for the owner."""

    def asking() -> bool:
        top = driver.app.screen
        waiting = getattr(top, "asking", None)
        return bool(waiting) if waiting is not None else driver.app.bridge.waiting.is_set()

    await driver.until(asking, "a question")
    return type(driver.app.screen).__name__


def _rows(dashboard) -> list[str]:
    return [row.id for row in dashboard.query(".step-row")]


@pytest.mark.parametrize("scenario", ["fresh", "done"])
@pytest.mark.parametrize("how", ["key", "button"])
async def test_reverify_keeps_every_row_and_every_key(make_app, scenario, how):
    """Re-verify, twice, by key or button: the rows come back and the keys still answer."""
    app = make_app(scenario, "console")
    async with app.run_test(size=SIZE) as pilot:
        driver = Driver(pilot)
        dashboard = await driver.to_dashboard()
        before = _rows(dashboard)
        assert len(before) == STEPS
        for _ in range(2):
            if how == "key":
                await driver.press("r")
            else:
                await driver.click("#reverify")
            dashboard = await driver.at("DashboardScreen")
            await driver.until(lambda: len(_rows(app.screen)) == STEPS, "every row")
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
        await driver.to_dashboard()
        for _ in range(2):
            await driver.press("s")
            await driver.at("SummaryScreen")
            await driver.press("d")
            await driver.at("DashboardScreen")
            await driver.until(lambda: len(_rows(app.screen)) == STEPS, "every row")
            await driver.press("r")
            await driver.at("DashboardScreen")
            await driver.until(lambda: len(_rows(app.screen)) == STEPS, "every row again")
        await driver.press("q")
    assert app.return_code == 0


async def test_escape_leaves_a_passing_step_opened_from_the_dashboard(make_app):
    """The footer says ``esc Back / skip`` on a passing step: Escape goes back (issue 12, 5)."""
    app = make_app("done", "console")
    async with app.run_test(size=SIZE) as pilot:
        driver = Driver(pilot)
        await driver.to_dashboard()
        await driver.click("#row-cloudtrail")
        step = await driver.at("StepScreen")
        assert step.check.passed
        await driver.press("escape")
        await driver.at("DashboardScreen")
        await driver.until(lambda: len(_rows(app.screen)) == STEPS, "every row")
        await driver.press("q")
    assert app.return_code == 0


async def test_partial_admin_first_sign_in_has_a_way_forward(make_app):
    """``partial``: the admin exists without MFA and nobody saw its password. The console
    screen's ``s`` plays the admin's first sign-in (MFA registration) and the step passes."""
    from tests.tui.test_flow_tui import register_mfa

    app = make_app("partial", "console")
    async with app.run_test(size=SIZE) as pilot:
        driver = Driver(pilot)
        await driver.to_dashboard()
        await driver.click("#row-admin-user")
        await driver.at("StepScreen")
        await driver.press("f")
        screen = await driver.at("StepScreen")
        if screen.phase == "options":
            await driver.click("#plan-it")
        while type(app.screen).__name__ != "ConsoleScreen":
            top = await _next_question(driver)
            if top in ("PlanConfirmScreen", "AccountConfirmScreen"):
                await driver.press("y")
            elif top == "MfaOfferScreen":
                await driver.press("n")  # leave it for the first sign-in
            elif top in ("RevealScreen", "RunningScreen"):
                await driver.press("c")
        console = app.screen
        assert "s" in {k for k, b in console.active_bindings.items() if b.enabled}
        await driver.press("s")
        await register_mfa(driver)
        await driver.until(lambda: type(app.screen).__name__ == "DashboardScreen", "dashboard")
        await driver.until(lambda: len(_rows(app.screen)) == STEPS, "every row")
        row = app.screen.query_one("#row-admin-user")
        assert "PASS" in str(row.query_one(".status").render())
        await driver.press("q")


async def test_the_primer_continues_on_enter_and_scrolls_on_the_arrows(make_app):
    """Issue 12, item 9: "Continue to the steps" has the focus; Down still scrolls the text."""
    app = make_app("fresh", "console")
    async with app.run_test(size=SIZE) as pilot:
        driver = Driver(pilot)
        await driver.to_dashboard()
        await driver.press("w")
        primer = await driver.at("PrimerScreen")
        assert app.focused is not None and app.focused.id == "continue"
        body = primer.query_one("#body")
        await driver.press("down", "down", "down")
        assert body.scroll_y > 0
        assert app.focused.id == "continue"
        await driver.press("enter")
        step = await driver.at("StepScreen")
        assert f"Step 1 of {STEPS}" in driver.text()
        assert step is app.screen
        await driver.press("q")


async def test_tab_never_stops_on_nothing_and_arrows_move_between_rows(make_app):
    """Issue 12, item 9: every Tab stop is a visible control, and Down moves row to row even
    when the rows overflow a small window (the body took the arrows to scroll)."""
    app = make_app("done", "console")
    async with app.run_test(size=(80, 24)) as pilot:
        driver = Driver(pilot)
        dashboard = await driver.to_dashboard()
        seen = []
        for _ in range(12):
            await driver.press("tab")
            focused = app.focused
            assert focused is not None and focused.id != "body", seen
            seen.append(focused.id)
        rows = _rows(dashboard)
        dashboard.query_one(f"#{rows[0]}").focus()
        await driver.pilot.pause()
        for expected in rows[1:]:
            await driver.press("down")
            assert app.focused is not None and app.focused.id == expected
        await driver.press("q")


async def test_quitting_at_the_first_screen_is_not_a_failure(make_app):
    """``q`` on the who-and-where screen: exit 0 (it used to exit 2, "could not be read")."""
    app = make_app("fresh", "console")
    async with app.run_test(size=SIZE) as pilot:
        driver = Driver(pilot)
        await driver.at("StartScreen")
        await driver.press("q")
    assert app.return_code == 0


async def test_moving_focus_keeps_the_footer_unless_its_keys_change(make_app, monkeypatch):
    """Each Tab announced changed bindings and the footer rebuilt the same keys (~200 ms on
    2 cores, issue 13); it now rebuilds only when what it shows changes."""
    from aws_setup_wizard.screens.widgets import WizardFooter

    rebuilt: list[str] = []
    real = WizardFooter.recompose

    async def counted(self):
        rebuilt.append(type(self.screen).__name__)
        await real(self)

    monkeypatch.setattr(WizardFooter, "recompose", counted)
    app = make_app("done", "console")
    async with app.run_test(size=SIZE) as pilot:
        driver = Driver(pilot)
        dashboard = await driver.to_dashboard()
        await pilot.pause()
        footer = dashboard.query_one(WizardFooter)
        keys_before = [key.key for key in footer.query("FooterKey")]
        rebuilt.clear()
        for _ in range(6):
            await driver.press("tab")
        await pilot.pause()
        assert rebuilt == []
        assert [key.key for key in footer.query("FooterKey")] == keys_before
        # A key whose button is disabled leaves the footer: that change is drawn.
        dashboard.query_one("#summary").disabled = True
        dashboard.refresh_bindings()
        await driver.until(lambda: "s" not in [k.key for k in footer.query("FooterKey")], "no s")
        assert rebuilt
        await driver.press("q")
