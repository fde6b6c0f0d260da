"""The full-screen mode lets an owner decline a step (key ``d``), with a reason."""

from __future__ import annotations

import pytest
from textual.widgets import Button, Input

from aws_setup_wizard import declines
from aws_setup_wizard import steps as registry
from tests.plain.conftest import client
from tests.test_declines import REASON, declinable  # noqa: F401 - registers the fixture here
from tests.tui.conftest import SIZE, Driver


@pytest.mark.asyncio
async def test_the_tui_declines_a_step(declinable, make_app, sandbox_server):  # noqa: F811
    app = make_app("done", "console")
    async with app.run_test(size=SIZE) as pilot:
        driver = Driver(pilot)
        await driver.at("StartScreen")
        await driver.press("c")
        await driver.at("DashboardScreen")
        await driver.press("w")
        await driver.at("PrimerScreen")
        await driver.press("c")
        while True:
            step = await driver.at("StepScreen")
            if step.step.id == declinable.id:
                break
            await driver.click("#continue")  # "Next" on a passing step
        assert str(step.query_one("#decline", Button).label) == "Decline…"
        await driver.press("d")
        dialog = await driver.at("DeclineReasonScreen")
        record = dialog.query_one("#record")
        assert record.disabled  # nothing typed yet
        dialog.query_one("#reason", Input).value = REASON
        await driver.until(lambda: not record.disabled, "the reason is accepted")
        await driver.press("enter")
        await driver.at("PlanConfirmScreen")
        assert declines.parameter_name(declinable.id) in driver.text()
        await driver.press("y")
        await driver.at("AccountConfirmScreen")
        await driver.press("y")
        await driver.at("RunningScreen")
        assert "ssm:PutParameter" in driver.text()
        await driver.until(lambda: "declined" in driver.text(), "the record read back")
    name = declines.parameter_name(declinable.id)
    value = client(sandbox_server, "ssm").get_parameter(Name=name)["Parameter"]["Value"]
    assert REASON in value


@pytest.mark.asyncio
async def test_the_dashboard_shows_declined_with_the_reason(
    declinable,  # noqa: F811
    make_app,
    sandbox_server,
):
    app = make_app("done", "console")
    # Recorded from "another machine" before this one verifies.
    record = (
        '{"reason": "Too dear", "by": "arn:aws:iam::1:root", "at": "2026-01-01T00:00:00+00:00"}'
    )
    client(sandbox_server, "ssm").put_parameter(
        Name=declines.parameter_name(declinable.id), Value=record, Type="String"
    )
    async with app.run_test(size=SIZE) as pilot:
        driver = Driver(pilot)
        await driver.at("StartScreen")
        await driver.press("c")
        dashboard = await driver.at("DashboardScreen")
        count = len(registry.STEPS)
        words = [str(w.render()) for w in dashboard.query(".status")]
        assert words == ["PASS"] * (count - 1) + ["DECLINED"]
        # The headline counts it apart: neither a pass nor a failure.
        headline = str(dashboard.query_one("#dash-title").render())
        assert headline.startswith(f"{count - 1} of {count} steps pass; 1 declined · verified")
        assert "Declined by arn:aws:iam::1:root at 2026-01-01T00:00:00+00:00: Too dear" in (
            driver.text()
        )
