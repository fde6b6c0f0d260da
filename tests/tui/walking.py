"""What the binding test and the random walker share: when the app is settled, what the
footer shows, what is visible, and a deterministic driver that finishes the flow from anywhere.

*Settled* means the flow thread waits for an answer that nobody gave yet (a screen or a dialog
asks), or the app has ended. A key that answers the flow starts work in the flow's thread
(sandbox calls); settling waits for the next question, so every check sees a whole state.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, MutableSequence
from typing import Any

from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Button, Footer, Input
from textual.worker import Worker, WorkerState

from aws_setup_wizard import steps as registry
from aws_setup_wizard.screens.app import WizardApp
from aws_setup_wizard.screens.bridge import Reply
from tests.owner_answers import CONTACT

#: Keys that end the app (or ask whether to, inside a step).
QUIT_KEYS = ("q", "ctrl+q", "ctrl+c")
#: The dashboard's rows: one per registered step.
STEPS = len(registry.STEPS)


class Watch:
    """Watches one app: the flow's pending question, its thread, the notices it raised."""

    def __init__(self, app: WizardApp) -> None:
        self.app = app
        self.reply: Reply[Any] | None = None
        self.asks = 0
        self.notices: list[str] = []
        self.worker: Worker[Any] | None = None
        ask = app.bridge.ask

        def tracked(setup: Callable[[Reply[Any]], object]) -> Any:
            def wrapped(reply: Reply[Any]) -> object:
                self.reply = reply
                self.asks += 1
                return setup(reply)

            return ask(wrapped)

        app.bridge.ask = tracked  # type: ignore[method-assign]
        notify = app.notify

        def counted(message: str, **kwargs: Any) -> None:
            self.notices.append(str(message))
            notify(message, **kwargs)

        app.notify = counted  # type: ignore[method-assign]

    def flow_error(self) -> BaseException | None:
        """The flow thread's exception, when it died of one."""
        if self.worker is None:
            self.worker = next((w for w in self.app.workers if w.name == "guided flow"), None)
        if self.worker is not None and self.worker.state is WorkerState.ERROR:
            return self.worker.error
        return None

    @property
    def asking(self) -> bool:
        """The flow waits for an answer nobody gave yet."""
        reply = self.reply
        return self.app.bridge.waiting.is_set() and reply is not None and not reply.done

    @property
    def ended(self) -> bool:
        """The app is closing or closed."""
        return self.app.bridge.closed or not self.app.is_running


async def settle(
    pilot: Any, watch: Watch, timeout: float = 60.0, idle: Callable[[], bool] | None = None
) -> None:
    """Wait until the flow asks (or the app ended, or ``idle()``); fail on a flow thread that
    died or never asks again."""
    deadline = time.monotonic() + timeout
    await pilot._wait_for_screen()
    while not watch.ended and not watch.asking and not (idle is not None and idle()):
        error = watch.flow_error()
        if error is not None:
            raise AssertionError(f"the flow thread died: {error!r}") from error
        if time.monotonic() > deadline:
            raise AssertionError(
                f"the flow never asked again within {timeout} s; "
                f"screen is {type(watch.app.screen).__name__}"
            )
        await asyncio.sleep(0.01)
    if watch.ended:
        return
    await pilot.pause()
    # A dialog the flow pushed is mounted after the question was put.
    while not watch.app.screen.is_mounted and not watch.ended:
        await pilot.pause(0.01)


def footer_screen(app: WizardApp) -> Screen[Any] | None:
    """The screen whose footer is visible: the top one, or one seen behind a dialog."""
    for screen in reversed(app.screen_stack):
        if screen.query(Footer):
            return screen
        if not isinstance(screen, ModalScreen):
            return None
    return None


def shown_keys(app: WizardApp) -> list[str]:
    """The keys the visible footer shows, enabled, one per action (as the footer draws them)."""
    screen = footer_screen(app)
    if screen is None:
        return []
    keys: dict[str, str] = {}
    for key, active in screen.active_bindings.items():
        if active.binding.show and active.enabled:
            keys.setdefault(active.binding.action, key)
    return list(keys.values())


def screen_text(app: WizardApp) -> str:
    """Every character of the top screen as drawn."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


def describe(widget: Widget | None) -> str:
    """A focused widget, as a short path."""
    if widget is None:
        return "-"
    names = [
        f"{type(w).__name__}#{w.id}" if w.id else type(w).__name__
        for w in widget.ancestors_with_self
    ]
    return "/".join(reversed(names[:4]))


def view(app: WizardApp) -> tuple[Any, ...]:
    """What the owner sees: the screens, the focus, the text of the top screen."""
    return (
        tuple(type(s).__name__ for s in app.screen_stack),
        id(app.screen),
        describe(app.focused),
        screen_text(app),
    )


def crashed(app: WizardApp) -> str | None:
    """What says a bug happened, if anything does: the navigator's "Something went wrong"
    dialog, or an "Unexpected error" (``describe_error`` of an exception it did not expect)
    in a failure dialog or on the running screen."""
    from textual.widgets import Static

    from aws_setup_wizard.screens.dialogs import MessageScreen

    for screen in app.screen_stack:
        if isinstance(screen, MessageScreen):
            return f"{screen.heading}: {screen.message}"
        for text in screen.query(Static):
            rendered = str(text.render())
            if "Unexpected error" in rendered and not text.has_class("hidden"):
                return f"{type(screen).__name__}: {rendered}"
    return None


def rows(app: WizardApp) -> int:
    """How many step rows the dashboard shows."""
    return len(app.screen.query(".step-row"))


async def press_key(pilot: Any, app: WizardApp, key: str, log: MutableSequence[str]) -> None:
    """Press ``key`` as a command: a letter typed while a text field has the cursor would go
    into the field (the footer shows no letter keys then), so Tab out of the field first."""
    for _ in range(5):
        if len(key) != 1 or not isinstance(app.focused, Input):
            break
        log.append(f"{type(app.screen).__name__}: tab (out of the field)")
        await pilot.press("tab")
    await pilot.press(key)


async def back_to_the_dashboard(
    pilot: Any, watch: Watch, log: MutableSequence[str] | None = None, limit: int = 60
) -> None:
    """Back out (Escape, Back, No, Continue) until the dashboard asks, whole."""
    app = watch.app
    for _ in range(limit):
        await settle(pilot, watch)
        assert not watch.ended, "the app ended while backing out"
        screen = app.screen
        name = type(screen).__name__
        if name == "DashboardScreen":
            assert rows(app) == STEPS, f"backed out to a dashboard with {rows(app)} rows"
            return
        key = {
            "QuitScreen": "n",
            "FailureScreen": "b",
            "StartScreen": "c",
            "MfaOfferScreen": "n",
            "RevealScreen": "c",
            "SummaryScreen": "d",
        }.get(name, "escape")
        if name == "PrimerScreen" and screen.reading:  # type: ignore[attr-defined]
            key = "c"
        if name == "RunningScreen":
            key = "b" if _visible(screen, "#back") else "c"
        log = [] if log is None else log
        log.append(f"(back out) {name}: {key}")
        await press_key(pilot, app, key, log)
    screen = app.screen
    raise AssertionError(
        f"no dashboard after {limit} keys backing out; on {type(screen).__name__} the footer "
        f"shows {shown_keys(app)}; can_return={getattr(screen, 'can_return', None)}; "
        f"stack {[type(s).__name__ for s in app.screen_stack]}; focused {describe(app.focused)}; "
        f"buttons {[(b.id, b.disabled, b.has_class('hidden')) for b in screen.query(Button)]}; "
        f"bindings {[(k, a.enabled) for k, a in screen.active_bindings.items()]}; "
        f"mounted {screen.is_mounted}, footers {len(screen.query(Footer))}, "
        f"main is top {app.main is screen}"
    )


# -- the finishing driver -------------------------------------------------------------------


def _visible(screen: Screen[Any], selector: str) -> bool:
    found = screen.query(selector)
    return bool(found) and not found.first().has_class("hidden")


async def _click(pilot: Any, screen: Screen[Any], selector: str) -> None:
    """Press a button the way Enter would (it may sit below a small window's fold)."""
    button = screen.query_one(selector, Button)
    button.press()
    await pilot.pause()


def all_pass(app: WizardApp) -> bool:
    """The summary on screen says every step passes."""
    summary = app.screen
    verification = getattr(getattr(summary, "summary", None), "verification", None)
    return verification is not None and all(r.check.passed for r in verification.results)


async def finish(pilot: Any, watch: Watch, limit: int = 250) -> list[str]:
    """From wherever the app stands, walk every step with the sandbox console to an all-PASS
    summary; returns what it pressed. Fails when ``limit`` actions do not get there."""
    app = watch.app
    done: list[str] = []
    retries = 0
    for _ in range(limit):
        await settle(pilot, watch)
        assert not watch.ended, f"the app ended while finishing: {done[-10:]}"
        screen = app.screen
        name = type(screen).__name__
        action = ""
        if name in ("QrScreen", "HelpScreen", "MessageScreen", "DeclineReasonScreen"):
            # (a random key may have opened "Decline, with a reason": finishing declines nothing)
            action = "escape"
        elif name == "QuitScreen":
            action = "n"
        elif name == "FailureScreen":
            # Once Retry, then Back: a refusal (root's last key while no administrator can
            # sign in) stays one until the steps before it are done; the walk goes on.
            retries += 1
            action = "r" if retries % 3 == 1 else "b"
        elif name == "StartScreen":
            action = "c"
        elif name == "DashboardScreen":
            action = "w"
            if rows(app) and all(
                "PASS" in str(row.query_one(".status").render())
                for row in screen.query(".step-row")
            ):
                action = "s"
        elif name == "PrimerScreen":
            action = "c"
        elif name == "StepScreen":
            if screen.phase == "options":  # type: ignore[attr-defined]
                from aws_setup_wizard.screens.form import OptionField

                for field in screen.query(OptionField):
                    if field.option.kind != "bool":
                        # The default, or (the contact details have none) what an owner types.
                        value = str(field.initial) or CONTACT.get(field.option.name, "")
                        field.query_one(Input).value = value
                await pilot.pause()
                done.append("StepScreen: plan-it")
                await _click(pilot, screen, "#plan-it")
                continue
            action = "f"
        elif name == "PlanConfirmScreen":
            request = screen.request  # type: ignore[attr-defined]
            for index, suffix in enumerate(request.typed_suffixes):
                screen.query_one(f"#suffix-{index}", Input).value = suffix
            await pilot.pause()
            done.append("PlanConfirmScreen: yes")
            await _click(pilot, screen, "#yes")
            continue
        elif name in ("AccountConfirmScreen", "MfaOfferScreen"):
            action = "y"
        elif name == "RunningScreen":
            if _visible(screen, "#retry"):
                retries += 1
                action = "r" if retries % 3 == 1 else "b"
            else:
                action = "c"
        elif name == "RevealScreen":
            action = "c"
        elif name == "MfaScreen":
            assert screen.codes is not None, "no sandbox codes on the MFA screen"  # type: ignore[attr-defined]
            screen.action_show_codes()  # type: ignore[attr-defined]
            await pilot.pause()
            done.append("MfaScreen: register")
            await _click(pilot, screen, "#register")
            continue
        elif name == "ConsoleScreen":
            action = "s" if screen.helper else "d"  # type: ignore[attr-defined]
        elif name == "SummaryScreen":
            if all_pass(app):
                return done
            action = "d"
        else:
            raise AssertionError(f"finish: no way on from {name}")
        done.append(f"{name}: {action}")
        await press_key(pilot, app, action, done)
    raise AssertionError(f"finish: no all-PASS summary after {limit} actions: {done[-20:]}")
