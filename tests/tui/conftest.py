"""Fixtures for the Textual front end: apps on the session's shared sandbox, a fixed clock.

Only one sandbox may run per process, so every app here is built on accounts made from the
shared ``sandbox_server`` (reset per test), never on a sandbox of its own.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from aws_setup_wizard.launch import Opened
from aws_setup_wizard.sandbox import Sandbox
from aws_setup_wizard.screens.app import WizardApp
from tests.sandbox_accounts import account_on

FIXED_TIME = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
SIZE = (100, 30)


class QuietApp(WizardApp):
    """The wizard as tests see it: no cursor blink, no animation, a fixed clock."""

    CURSOR_BLINK = False

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("clock", lambda: FIXED_TIME)
        super().__init__(**kwargs)
        self.animation_level = "none"


def opened_on(box: Sandbox, credentials: str = "root") -> Opened:
    """An ``Opened`` like ``open_account`` gives for ``--sandbox``, on the shared sandbox."""
    if credentials == "root" and box.root_access_key is not None:
        return Opened(account_on(box, "root"), account_on(box, "console"), True, box.scenario)
    return Opened(account_on(box, "console"), None, True, box.scenario)


@pytest.fixture
def make_app(sandbox: Callable[[str], Sandbox]) -> Callable[..., QuietApp]:
    """``make_app("fresh")``: reset the shared sandbox and build an app on it."""

    def make(scenario: str = "fresh", credentials: str = "root", **kwargs: Any) -> QuietApp:
        box = sandbox(scenario)

        @contextmanager
        def practice(chosen: str) -> Iterator[Opened]:
            box.reset(chosen)
            yield opened_on(box, "console")

        kwargs.setdefault("practice", practice)
        if "opened" not in kwargs:
            kwargs["opened"] = opened_on(box, credentials)
        return QuietApp(**kwargs)

    return make


class Driver:
    """Waits for the flow thread (it runs beside the event loop) before each key press."""

    def __init__(self, pilot: Pilot[Any]) -> None:
        self.pilot = pilot
        self.app: WizardApp = pilot.app  # type: ignore[assignment]

    async def until(self, condition: Callable[[], bool], what: str, timeout: float = 20) -> None:
        """Poll ``condition`` while the app keeps running; fail with what was awaited."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"timed out waiting for {what}; screen is {type(self.app.screen).__name__}"
                )
            await self.pilot.pause(0.02)
        await self.pilot.pause()

    async def at(self, screen: str, timeout: float = 20) -> Any:
        """Wait until ``screen`` (a class name) is on top and the flow waits for the owner."""

        def ready() -> bool:
            top = self.app.screen
            if type(top).__name__ != screen or not top.is_mounted:
                return False
            # Main screens hold the flow's question; dialogs are the question themselves.
            asking = getattr(top, "asking", None)
            return bool(asking) if asking is not None else self.app.bridge.waiting.is_set()

        await self.until(ready, screen, timeout)
        return self.app.screen

    async def to_dashboard(self) -> Any:
        """From the start screen, Continue, to the dashboard (waiting for its question)."""
        await self.at("StartScreen")
        await self.press("c")
        return await self.at("DashboardScreen")

    async def press(self, *keys: str) -> None:
        """Press keys, then let the app settle."""
        await self.pilot.press(*keys)
        await self.pilot.pause()

    async def click(self, selector: str) -> None:
        """Click a widget (the mouse works everywhere)."""
        await self.pilot.click(selector)
        await self.pilot.pause()

    async def type(self, selector: str, text: str, *, keys: bool = False) -> None:
        """Replace an input's text: key by key with ``keys``, else as one edit (faster)."""
        widget = self.app.screen.query_one(selector, Input)
        widget.focus()
        if keys:
            widget.value = ""
            await self.pilot.pause()
            await self.pilot.press(*list(text))
        else:
            widget.value = text
        await self.pilot.pause()

    def text(self) -> str:
        """Every visible Static's text on the current screen (for assertions)."""
        from textual.widgets import Static

        parts = []
        for widget in self.app.screen.query(Static):
            if widget.display and not any(
                ancestor.has_class("hidden") for ancestor in widget.ancestors_with_self
            ):
                parts.append(str(widget.render()))
        return "\n".join(parts)
