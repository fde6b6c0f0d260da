"""Every key the footer shows does something visible, on every screen, in every state the
sandbox reaches (issue 12, (a): Re-verify once emptied the dashboard and no test pressed it).

For each state below, the test drives the app there, reads the keys the visible footer shows
(:func:`tests.tui.walking.shown_keys`: the active bindings with ``show=True`` that are enabled,
one per action, from the footer of the top screen or of the screen seen behind a dialog), and
presses each of them from that same state: a key must change what the owner sees (the screens,
the focus, or the drawn text of the top screen), raise a notice, or end the app; and what it
leads to must not be a bug (:func:`tests.tui.walking.crashed`). A key that does nothing visible
must not be shown. Between keys the state is restored: an owner-opened overlay
(help, the quit question, the full-screen QR) is closed; anything else means driving there again
from a freshly reset sandbox.

The clock ticks a second per reading, so a verification that repeats the same verdicts still
shows a new time (Re-verify is visible even when nothing changed in the account).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from textual.widgets import Button, Input

from tests.tui.conftest import FIXED_TIME, SIZE, Driver
from tests.tui.walking import (
    Watch,
    back_to_the_dashboard,
    crashed,
    settle,
    shown_keys,
    view,
)

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]

Drive = Callable[[Driver], Awaitable[None]]


def untimed(seen: tuple[Any, ...]) -> tuple[Any, ...]:
    """A view without its screen's identity and its times (for "the same state again")."""
    stack, _, focused, text = seen
    return stack, focused, re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", "<time>", text)


def ticking() -> Callable[[], Any]:
    """A clock one second later at each reading."""
    ticks = iter(range(1_000_000))
    return lambda: FIXED_TIME + timedelta(seconds=next(ticks))


@dataclass
class State:
    """A screen in one of its states, and how to get there."""

    name: str
    scenario: str
    credentials: str
    drive: Drive
    # Set up the app before it starts (injected failures); returns what ``idle`` needs.
    prepare: Callable[[Any], Any] | None = None
    # The state is settled although the flow does not ask (a write in progress).
    blocked: bool = False
    # Keys this state must show (a guard against a state that lost its footer).
    expect: set[str] = field(default_factory=set)
    # A dashboard state: backing out to the dashboard restores it (cheaper than driving).
    dashboard: bool = False


# -- how to get there -------------------------------------------------------------------------


async def at_start(d: Driver) -> None:
    await d.at("StartScreen")


async def no_credentials(d: Driver) -> None:
    start = await d.at("StartScreen")
    await d.until(lambda: not start.query_one("#no-credentials").has_class("hidden"), "offer")


async def dashboard(d: Driver) -> None:
    await d.to_dashboard()


async def row_focused(d: Driver) -> None:
    dash = await d.to_dashboard()
    dash.query_one("#row-admin-user").focus()
    await d.pilot.pause()


async def primer_walk(d: Driver) -> None:
    await d.to_dashboard()
    await d.press("w")
    await d.at("PrimerScreen")


async def primer_reading(d: Driver) -> None:
    await d.to_dashboard()
    await d.press("p")
    await d.at("PrimerScreen")


async def step_walked(d: Driver) -> None:
    await primer_walk(d)
    await d.press("c")
    await d.at("StepScreen")


def step(step_id: str) -> Drive:
    async def drive(d: Driver) -> None:
        await d.to_dashboard()
        await d.click(f"#row-{step_id}")
        await d.at("StepScreen")

    return drive


async def form(d: Driver) -> None:
    await step("admin-user")(d)
    await d.press("f")
    screen = d.app.screen
    await d.until(lambda: screen.phase == "options" and bool(screen.query("#plan-it")), "form")
    await d.pilot.pause()


async def form_on_button(d: Driver) -> None:
    await form(d)
    d.app.screen.query_one("#plan-it", Button).focus()
    await d.pilot.pause()


async def plan_confirm(d: Driver) -> None:
    await form(d)
    await d.click("#plan-it")
    await d.at("PlanConfirmScreen")


async def account_confirm(d: Driver) -> None:
    await plan_confirm(d)
    await d.press("y")
    await d.at("AccountConfirmScreen")


async def running(d: Driver) -> None:
    await account_confirm(d)
    await d.press("y")
    await d.until(lambda: type(d.app.screen).__name__ == "RunningScreen", "running")


async def running_done(d: Driver) -> None:
    await running(d)
    await d.at("RunningScreen")


async def reveal(d: Driver) -> None:
    await running_done(d)
    await d.press("c")
    await d.at("RevealScreen")


async def mfa_offer(d: Driver) -> None:
    await reveal(d)
    await d.press("c")
    await d.at("MfaOfferScreen")


async def mfa(d: Driver) -> None:
    await mfa_offer(d)
    await d.press("y")
    await d.at("MfaScreen")


async def qr(d: Driver) -> None:
    await mfa(d)
    await d.press("ctrl+f")
    await d.until(lambda: type(d.app.screen).__name__ == "QrScreen", "the QR code")


async def console(d: Driver) -> None:
    await step("root-mfa")(d)
    await d.press("f")
    await d.at("ConsoleScreen")


async def console_again(d: Driver) -> None:
    await console(d)
    await d.press("d")
    await d.until(lambda: d.app.screen.again, "asked again")  # type: ignore[attr-defined]
    await d.at("ConsoleScreen")


async def console_keys(d: Driver) -> None:
    """Root's keys under the console session: deleted in the (simulated) console."""
    await step("root-access-keys")(d)
    await d.press("f")
    await d.at("ConsoleScreen")


async def suffixes(d: Driver) -> None:
    await step("root-access-keys")(d)
    await d.press("f")
    await d.at("PlanConfirmScreen")


async def refused(d: Driver) -> None:
    """Root's last key while no administrator can sign in: the write is refused."""
    await suffixes(d)
    screen = d.app.screen
    for index, suffix in enumerate(screen.request.typed_suffixes):  # type: ignore[attr-defined]
        screen.query_one(f"#suffix-{index}", Input).value = suffix
    await d.pilot.pause()
    await d.click("#yes")
    await d.at("AccountConfirmScreen")
    await d.press("y")
    await d.at("FailureScreen")


async def summary(d: Driver) -> None:
    await d.to_dashboard()
    await d.press("s")
    await d.at("SummaryScreen")


async def help_screen(d: Driver) -> None:
    await d.to_dashboard()
    await d.press("question_mark")
    await d.until(lambda: type(d.app.screen).__name__ == "HelpScreen", "help")


async def quit_question(d: Driver) -> None:
    await step("cloudtrail")(d)
    await d.press("q")
    await d.until(lambda: type(d.app.screen).__name__ == "QuitScreen", "the quit question")


# -- what to inject ----------------------------------------------------------------------------


def block_create_user(app: Any) -> Any:
    """CreateUser waits until the app closes: the running screen stays mid-write."""
    gate = threading.Event()

    def wait(**_: object) -> None:
        gate.set()
        while not app.bridge.closed:
            threading.Event().wait(0.05)

    app.opened.account.on_every_client("before-call.iam.CreateUser", wait)
    return gate


def fail_create_user(app: Any) -> Any:
    def fail(**_: object) -> None:
        raise ClientError(
            {"Error": {"Code": "ServiceFailure", "Message": "injected"}}, "CreateUser"
        )

    app.opened.account.on_every_client("before-call.iam.CreateUser", fail)
    return None


def no_credentials_app(app: Any) -> None:
    from aws_setup_wizard.launch import Opened

    app.opened = Opened(app.opened.account, None, has_credentials=False)


STATES = [
    State("start", "fresh", "root", at_start, expect={"c"}),
    State("start-no-credentials", "fresh", "console", no_credentials, no_credentials_app),
    *(
        State(
            f"dashboard-{scenario}",
            scenario,
            "root",
            dashboard,
            expect={"w", "p", "r", "s"},
            dashboard=True,
        )
        for scenario in ("fresh", "partial", "drifted", "done")
    ),
    # Enter opens the focused row; the footer leaves it out to keep "q Quit" whole at 80
    # columns (the dashboard's hint and Help name it).
    State("dashboard-row-focused", "done", "console", row_focused, expect={"w", "r", "s"}),
    State("primer-walk", "fresh", "root", primer_walk, expect={"c"}),
    State("primer-reading", "done", "console", primer_reading, expect={"c"}),
    State("step-failing-walked", "fresh", "root", step_walked, expect={"f"}),
    State("step-passing", "done", "console", step("cloudtrail")),
    State("form-field", "fresh", "console", form),
    State("form-button", "fresh", "console", form_on_button),
    State("plan-confirm", "fresh", "console", plan_confirm, expect={"y"}),
    State("account-confirm", "fresh", "console", account_confirm, expect={"y"}),
    State("running", "fresh", "console", running, block_create_user, blocked=True),
    State("running-done", "fresh", "console", running_done, expect={"c"}),
    State("running-failed", "fresh", "console", running_done, fail_create_user),
    State("reveal", "fresh", "console", reveal, expect={"c", "p", "u"}),
    State("mfa-offer", "fresh", "console", mfa_offer, expect={"y"}),
    State("mfa", "fresh", "console", mfa, expect={"ctrl+f"}),
    State("qr-full-screen", "fresh", "console", qr),
    State("console-mfa", "fresh", "root", console, expect={"d", "l", "s"}),
    State("console-again", "fresh", "root", console_again, expect={"d"}),
    State("console-root-keys", "fresh", "console", console_keys, expect={"d", "l"}),
    State("confirm-typed-suffixes", "fresh", "root", suffixes),
    State("failure", "fresh", "root", refused),
    State("summary", "done", "console", summary, expect={"e", "d"}),
    State("help", "fresh", "root", help_screen),
    State("quit-question", "fresh", "console", quit_question, expect={"y"}),
]


#: The states every run checks; the rest (about 18 minutes in all on 2 cores) run with
#: ``-m exhaustive``, as before a release.
EVERY_RUN = {
    "start",
    "dashboard-fresh",
    "dashboard-done",
    "dashboard-row-focused",
    "step-passing",
    "form-button",
    "mfa",
    "console-root-keys",
    "summary",
    "help",
}


@pytest.mark.parametrize(
    "state",
    [
        pytest.param(s, id=s.name, marks=() if s.name in EVERY_RUN else pytest.mark.exhaustive)
        for s in STATES
    ],
)
async def test_every_shown_key_does_something_visible(make_app, state, tmp_path, monkeypatch):
    """Drive to ``state``; each key its footer shows, pressed there, changes what is seen."""
    monkeypatch.chdir(tmp_path)  # the summary's export lands here
    pending: list[str] | None = None
    pressed: list[str] = []
    while pending is None or pending:
        app = make_app(state.scenario, state.credentials, clock=ticking())
        gate = state.prepare(app) if state.prepare else None
        watch = Watch(app)
        idle = gate.is_set if state.blocked else None
        async with app.run_test(size=SIZE) as pilot:
            driver = Driver(pilot)
            await state.drive(driver)
            await settle(pilot, watch, idle=idle)
            if pending is None:
                pending = shown_keys(app)
                assert state.expect <= set(pending), (state.name, pending)
                if not pending:
                    break
            before = original = view(app)
            await pilot.pause()
            assert view(app) == before, f"{state.name}: the state is still changing"
            while pending:
                key = pending.pop(0)
                notices = len(watch.notices)
                await pilot.press(key)
                await settle(pilot, watch, idle=idle)
                pressed.append(key)
                visible = watch.ended or len(watch.notices) > notices or view(app) != before
                assert visible, (
                    f"{state.name}: the footer shows {key!r} but pressing it changes nothing "
                    f"visible on {type(app.screen).__name__}"
                )
                bug = crashed(app) or watch.flow_error()
                assert bug is None, f"{state.name}: {key!r} led to a bug: {bug}"
                if watch.ended:
                    break
                while getattr(app.screen, "TRANSIENT", False):
                    app.pop_screen()
                    await settle(pilot, watch, idle=idle)
                if state.dashboard and view(app) != before:
                    await back_to_the_dashboard(pilot, watch)
                    await pilot.pause()
                    before = view(app)  # the same dashboard, verified a few seconds later
                    if untimed(before) != untimed(original):
                        break
                if view(app) != before:
                    break  # drive there again
            if not watch.ended:
                await pilot.press("ctrl+q")
                if type(app.screen).__name__ == "QuitScreen":
                    await pilot.press("y")
    assert pending == [], state.name


async def test_a_step_key_on_the_form_does_not_answer_the_form(make_app):
    """With the form up and the focus on "Plan the changes", ``f`` (Fix this step, whose
    button the form replaced) was shown and answered the form with the word "continue":
    "Unexpected error: AttributeError: 'str' object has no attribute 'get'"."""
    from tests.tui.walking import Watch as _Watch

    app = make_app("fresh", "console")
    watch = _Watch(app)
    async with app.run_test(size=SIZE) as pilot:
        driver = Driver(pilot)
        await form_on_button(driver)
        assert "f" not in shown_keys(app)
        await driver.press("f")
        await settle(pilot, watch)
        screen = app.screen
        assert type(screen).__name__ == "StepScreen" and screen.phase == "options"
        assert watch.flow_error() is None
        await driver.press("escape")
        await driver.at("StepScreen")
        await driver.press("q")
