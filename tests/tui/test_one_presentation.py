"""The CLI, the plain mode and the Textual screens mark a deletion with the same words."""

from __future__ import annotations

import re

import pytest

from aws_setup_wizard import cli, plain_render
from aws_setup_wizard.flow import ConfirmRequest
from aws_setup_wizard.model import Change, Check, Plan, Status
from aws_setup_wizard.present import DELETES
from aws_setup_wizard.screens.dialogs import PlanConfirmScreen
from aws_setup_wizard.screens.step import StepScreen
from aws_setup_wizard.steps.root_keys import RootAccessKeysStep
from tests.tui.conftest import SIZE, Driver

pytestmark = pytest.mark.asyncio

KEEP = Change("iam:UpdateAccessKey", "root access key AKIA…KEEP", "kept for now")
DELETE = Change("iam:DeleteAccessKey", "root access key AKIA…MPLE", "no root key", True)
PLAN = Plan("root-access-keys", (KEEP, DELETE), notes=("The signing key is deleted last.",))
MARKED = f"2. {DELETE.describe()} {DELETES}"
# Any other way a deletion was once marked: none may come back.
OTHER_MARKERS = re.compile(r"\[(deletes|DELETES)\]|\bDELETES\b")


def assert_marked_once(text: str) -> None:
    assert MARKED in text
    assert text.count(DELETES) == 1  # the kept key is not marked
    assert not OTHER_MARKERS.search(text.replace(DELETES, ""))


async def test_every_front_end_marks_a_deletion_with_the_same_words(make_app, capsys):
    # The CLI's apply listing.
    cli._print_plan(RootAccessKeysStep(), PLAN)
    assert_marked_once(capsys.readouterr().out)

    # The plain mode's plan.
    assert_marked_once("\n".join(plain_render.plan_lines(PLAN)))

    # The TUI: the step screen's plan and the confirmation dialog in front of it.
    app = make_app("fresh", "console")
    async with app.run_test(size=SIZE) as pilot:
        driver = Driver(pilot)
        await driver.at("StartScreen")
        await driver.press("c")
        await driver.at("DashboardScreen")
        step = StepScreen(RootAccessKeysStep(), Check(Status.FAIL, "A root key exists."), None)
        await app.push_screen(step)
        await step.show_plan(PLAN)
        assert_marked_once(driver.text())
        request = ConfirmRequest("210987654321", "Make 2 changes?", ("MPLE",))
        await app.push_screen(PlanConfirmScreen(RootAccessKeysStep(), PLAN, request))
        await driver.until(lambda: "Make 2 changes?" in driver.text(), "the confirmation")
        assert_marked_once(driver.text())
