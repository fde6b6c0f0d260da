"""A new step is one module, one why text and one registry line: nothing else learns of it.

A throwaway step that writes through a service no other step uses (SSM Parameter Store) is
registered for these tests only; ``verify``, ``apply``, both guided front ends and the journal
pick it up with no change outside the step.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import redirect_stdout
from typing import Any

import pytest
from botocore.exceptions import ClientError

from aws_setup_wizard import journal, report, runner
from aws_setup_wizard import steps as registry
from aws_setup_wizard.account import Account
from aws_setup_wizard.errors import error_code
from aws_setup_wizard.model import ApiCall, Change, Check, Plan, Status
from aws_setup_wizard.steps.base import OptionValues, Step, require_known, unknown
from tests.plain.conftest import ENTER, client, run_plain  # noqa: F401 - registers the fixture here
from tests.tui.conftest import make_app  # noqa: F401 - registers the fixture here

PARAMETER = "/practice/new-step"


class PracticeParameterStep(Step):
    """Keeps one SSM parameter set to ``on`` (a stand-in for a real guardrail)."""

    id = "practice-parameter"
    title = "Keep the practice parameter on"
    controls = ("Practice 1",)
    services = ("ssm",)
    group = "Guardrails"
    #: The parameter it keeps on, and what its sentences call it (subclasses change both).
    parameter = PARAMETER
    noun = "practice parameter"

    def why(self) -> str:
        """A short why, in place of ``assets/why/practice-parameter.md``."""
        return "# Why\n\nA throwaway step: it proves a new step needs nothing outside its module."

    def check(self, account: Account) -> Check:
        """Pass when the parameter reads ``on``."""
        try:
            found = account.client("ssm").get_parameter(Name=self.parameter)["Parameter"]["Value"]
        except ClientError as exc:
            if error_code(exc) != "ParameterNotFound":
                return unknown(exc, f"the {self.noun}")
            found = None
        if found == "on":
            return Check(Status.PASS, f"The {self.noun} is on.", {"value": found})
        return Check(Status.FAIL, f"The {self.noun} is not on.", {"value": found})

    def plan(self, account: Account, options: OptionValues) -> Plan:
        """One PutParameter when it is not on."""
        check = self.check(account)
        require_known(check)
        if check.passed:
            return Plan(self.id)
        call = ApiCall(
            "ssm",
            "PutParameter",
            {"Name": self.parameter, "Value": "on", "Type": "String", "Overwrite": True},
        )
        return Plan(self.id, (Change("ssm:PutParameter", self.parameter, "turn it on", call=call),))


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[PracticeParameterStep]:
    step = PracticeParameterStep()
    monkeypatch.setattr(registry, "STEPS", (*registry.STEPS, step))
    yield step


def journaled_writes() -> list[dict[str, Any]]:
    return [e for e in journal.read() if e.get("kind") == "write"]


def test_verify_and_apply_know_the_new_step(registered, sandbox, monkeypatch):
    box = sandbox("done")
    verification = runner.verify(
        Account.from_settings(
            region=box.region,
            endpoint_url=box.endpoint_url,
            credentials=(
                box.console_credentials.access_key_id,
                box.console_credentials.secret_access_key,
                box.console_credentials.session_token,
            ),
        )
    )
    document = report.to_json(verification)
    assert {s["id"]: s["status"] for s in document["steps"]}[registered.id] == "fail"
    assert {s["id"]: s["group"] for s in document["steps"]}[registered.id] == "Guardrails"
    # Two groups now: the text report heads each group's steps with its name.
    text = report.to_text(verification).splitlines()
    assert text.index("Guardrails:") > text.index("Essentials:")
    guardrails = [line for line in text[text.index("Guardrails:") :] if line.endswith(")")]
    assert guardrails[-1].endswith(f"({registered.id})")
    assert verification.exit_code == 1

    from aws_setup_wizard import cli

    for name, value in box.env().items():
        monkeypatch.setenv(name, value)
    before = len(journaled_writes())
    out = io.StringIO()
    with redirect_stdout(out):
        code = cli.main(["apply", registered.id, "--yes"])
    assert code == 0, out.getvalue()
    assert "ssm:PutParameter /practice/new-step: done" in out.getvalue()
    written = journaled_writes()[before:]
    assert [(e["action"], e["outcome"]) for e in written] == [
        ("ssm:PutParameter", "started"),
        ("ssm:PutParameter", "ok"),
    ]
    out = io.StringIO()
    with redirect_stdout(out):
        assert cli.main(["verify", "--json"]) == 0
    assert registered.id in {s["id"] for s in json.loads(out.getvalue())["steps"]}


def test_plain_mode_walks_the_new_step(registered, request, sandbox_server):
    run_plain_mode = request.getfixturevalue("run_plain")
    before = len(journaled_writes())
    script = [
        ("Ready to continue?", ENTER),  # who and where
        ("Ready to continue?", ENTER),  # the primer; every other step passes already
        ("What would you like to do?", ENTER),  # Fix this now
        ("Make 1 change", "y" + ENTER),
        ("Is this the account you mean to change?", "y" + ENTER),
    ]
    run = run_plain_mode(script, scenario="done", credentials="console")
    assert run.typist.finished, run.out[-2000:]
    assert run.code == 0, run.out[-2000:]
    count = len(registry.STEPS)
    assert f"Step {count} of {count} (Guardrails): Keep the practice parameter on" in run.out
    assert f"Step 1 of {count} (Essentials): " in run.out
    assert f"{count} of {count} steps pass." in run.out
    value = client(sandbox_server, "ssm").get_parameter(Name=PARAMETER)["Parameter"]["Value"]
    assert value == "on"
    assert any(e["action"] == "ssm:PutParameter" for e in journaled_writes()[before:])


@pytest.mark.asyncio
async def test_the_tui_walks_the_new_step(registered, request, sandbox_server):
    build_app = request.getfixturevalue("make_app")
    from tests.tui.conftest import SIZE, Driver

    app = build_app("done", "console")
    async with app.run_test(size=SIZE) as pilot:
        driver = Driver(pilot)
        await driver.at("StartScreen")
        await driver.press("c")
        dashboard = await driver.at("DashboardScreen")
        assert registered.title in driver.text()
        count = len(registry.STEPS)
        words = [str(w.render()) for w in dashboard.query(".status")]
        assert words == ["PASS"] * (count - 1) + ["FAIL"]
        # The rows stand under their groups' headings, Essentials first.
        rows = dashboard.query_one("#rows").children
        headings = [i for i, w in enumerate(rows) if w.has_class("group-heading")]
        assert [str(rows[i].render()) for i in headings] == ["Essentials", "Guardrails"]
        assert headings == [0, 5] and len(rows) == count + 2
        await driver.press("r")  # Re-verify keeps the headings and the rows
        await driver.at("DashboardScreen")
        await driver.until(
            lambda: (
                len(app.screen.query(".status")) == count
                and len(app.screen.query(".group-heading")) == 2
            ),
            "every row under two headings",
        )
        await driver.press("w")
        await driver.at("PrimerScreen")
        await driver.press("c")
        while True:
            step = await driver.at("StepScreen")
            if step.step.id == registered.id:
                break
            await driver.click("#continue")  # "Next" on a passing step
        await driver.press("f")
        await driver.at("PlanConfirmScreen")
        await driver.press("y")
        await driver.at("AccountConfirmScreen")
        await driver.press("y")
        await driver.at("RunningScreen")
        assert "ssm:PutParameter /practice/new-step ... done" in driver.text()
        assert "PASS" in driver.text()
    value = client(sandbox_server, "ssm").get_parameter(Name=PARAMETER)["Parameter"]["Value"]
    assert value == "on"
