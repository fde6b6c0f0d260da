"""The step contract, for every registered step: a new step gets these tests for free.

Over real HTTP against the sandbox: a check is read-only; a finished account plans nothing;
apply goes through the one dispatcher, is journaled call for call, and a second plan has no
API change left; every step has its why text; every option renders in the CLI, plain mode
and the TUI.
"""

from __future__ import annotations

import argparse
import threading
from typing import Any

import pytest

from aws_setup_wizard import journal as journal_module
from aws_setup_wizard import runner
from aws_setup_wizard.account import Account
from aws_setup_wizard.cli import build_parser
from aws_setup_wizard.journal import is_write
from aws_setup_wizard.model import no_progress
from aws_setup_wizard.steps import STEPS, Step
from tests.owner_answers import CONTACT, filled_in
from tests.sandbox_accounts import account_on

IDS = [step.id for step in STEPS]


def count_writes(account: Account) -> list[str]:
    """Every write the account's clients send, seen independently of the journal."""
    seen: list[str] = []
    lock = threading.Lock()

    def before(model: Any, **_: Any) -> None:
        if is_write(model.name):
            with lock:
                # The service's name, as the journal (and IAM policies) write it: s3control,
                # not its endpoint prefix s3-control.
                seen.append(f"{model.service_model.service_name}:{model.name}")

    account.on_every_client("before-call", before)
    return seen


def defaults(step: Step, account: Account) -> dict[str, str | bool]:
    # The contact details have no default: the owner's, as a scripted owner gives them.
    options = runner.resolve_options([step], CONTACT, account.account_id, account.region)
    return options[step.id]


@pytest.mark.parametrize("scenario", ["fresh", "drifted", "done"])
@pytest.mark.parametrize("step", STEPS, ids=IDS)
def test_check_is_read_only(step: Step, scenario: str, sandbox: Any) -> None:
    box = sandbox(scenario)
    for credentials in ("console", "root") if box.root_access_key else ("console",):
        account = account_on(box, credentials)
        writes = count_writes(account)
        check = step.check(account)
        assert check.summary
        assert writes == [], f"{step.id}.check wrote {writes}"


@pytest.mark.parametrize("step", STEPS, ids=IDS)
def test_a_finished_account_plans_nothing(step: Step, account: Any) -> None:
    acct = account("done")
    assert step.check(acct).passed
    assert step.plan(acct, defaults(step, acct)).empty


#: Where a step's apply starts when ``fresh`` cannot show it: root's last key goes only once
#: another way in exists ("partial" has an administrator who can sign in).
STARTING_SCENARIO = {"root-access-keys": "partial"}


@pytest.mark.parametrize("step", STEPS, ids=IDS)
def test_apply_is_journaled_and_leaves_nothing_to_do(step: Step, sandbox: Any) -> None:
    box = sandbox(STARTING_SCENARIO.get(step.id, "fresh"))
    signer = account_on(box, "root")
    reader = account_on(box, "console")
    plan = step.plan(signer, defaults(step, signer))
    assert all(change.call is not None for change in plan.changes), "every change has its call"
    writes = count_writes(signer)
    step.apply(signer, plan, no_progress)
    assert signer.journal is not None
    journaled = [
        entry["action"]
        for entry in journal_module.read(signer.journal.path)
        if entry.get("kind") == "write" and entry.get("outcome") == "started"
    ]
    assert journaled == writes, "the journal holds exactly the writes that were sent"
    assert len(writes) >= len([c for c in plan.changes if c.call is not None]) or not plan.changes
    again = step.plan(reader, defaults(step, reader))
    assert again.changes == (), f"{step.id}: a second plan still changes {again.changes}"


@pytest.mark.parametrize("step", STEPS, ids=IDS)
def test_every_step_says_why_and_what_it_satisfies(step: Step) -> None:
    assert step.why().strip(), f"assets/why/{step.id}.md is empty"
    assert step.title and step.controls and step.group


@pytest.mark.parametrize("step", STEPS, ids=IDS)
def test_every_option_renders_on_the_command_line(step: Step) -> None:
    parser = build_parser(with_steps=True)
    commands = next(
        action for action in parser._actions if isinstance(action, argparse._SubParsersAction)
    )
    apply = commands.choices["apply"]
    flags = {flag for action in apply._actions for flag in action.option_strings}
    for option in step.options:
        assert option.flag in flags, f"{option.flag} is not an apply flag"


@pytest.mark.parametrize("step", STEPS, ids=IDS)
def test_every_option_renders_in_plain_mode(step: Step, monkeypatch: Any) -> None:
    import io

    from aws_setup_wizard import plain

    out = io.StringIO()
    talk = plain.PlainConversation(out=out)
    monkeypatch.setattr(talk, "select", lambda message, choices, default=None: choices[0])
    values = filled_in(
        {option.name: option.default_for("210987654321", "us-east-1") for option in step.options}
    )
    if not step.options:
        return
    answered = talk.ask_options(step, values)
    assert answered is not None
    for option in step.options:
        assert option.label in out.getvalue()
        assert option.name in answered


@pytest.mark.asyncio
@pytest.mark.parametrize("step", [s for s in STEPS if s.options], ids=lambda s: s.id)
async def test_every_option_renders_in_the_tui(step: Step) -> None:
    from textual.app import App, ComposeResult

    from aws_setup_wizard.screens.form import OptionsForm

    defaults_by_name = filled_in(
        {option.name: option.default_for("210987654321", "us-east-1") for option in step.options}
    )

    class FormApp(App[None]):
        def compose(self) -> ComposeResult:
            yield OptionsForm(step.options, defaults_by_name)

    app = FormApp()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        for option in step.options:
            assert app.query(f"#field-{option.name}"), f"no field for {option.name}"
        form = app.query_one(OptionsForm)
        assert form.validate_all() is not None
