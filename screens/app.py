"""The Textual front end: :class:`WizardApp` and :func:`run_guided`, called by
``aws_setup_wizard.cli``.

The first screen is drawn before anything heavy is imported: boto3, the sandbox (moto) and the
guided flow load in the flow's thread worker once the first frame is up (``on_ready``), so the
owner sees the wizard as fast as Textual itself starts. Only cheap engine modules (wording,
present) are imported at module level here and in the screens the first frame shows; the model
and the no-credentials choices load after it. Likewise only the first part of the stylesheet
is parsed before the first frame (:meth:`WizardApp.load_later_styles`).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from aws_setup_wizard.present import ExitCode, identity_line
from aws_setup_wizard.screens.bridge import Bridge, RunOnUi
from aws_setup_wizard.screens.start import StartScreen
from aws_setup_wizard.screens.textual_fixes import keep_removed_widgets_collectable
from aws_setup_wizard.screens.widgets import Notice

if TYPE_CHECKING:
    from aws_setup_wizard.flow import Identity
    from aws_setup_wizard.launch import Launch, Opened

from aws_setup_wizard import assets

ASSETS = Path(assets.__file__).parent
STYLESHEET = ASSETS / "wizard.tcss"
#: Where the stylesheet's second part begins: the first frame waits only for the first part
#: (parsing all of it, and matching every widget against its rules, cost ~25 ms; issue 13).
LATER_STYLES = "/* == after the first frame =="

# Set to a file path, the app writes the wall-clock time of its first drawn frame there (and
# whether boto3 was already loaded): benchmarks/startup.py measures start-up honestly with it.
FIRST_PAINT_ENV = "AWS_SETUP_WIZARD_FIRST_PAINT_FILE"
# Any non-empty value turns every animation off (no spinner), like TEXTUAL_ANIMATIONS=none.
REDUCED_MOTION_ENV = "AWS_SETUP_WIZARD_REDUCED_MOTION"

# After the first frame: long enough for it to be written out (see screens/start.py).
LATER_STYLES_DELAY = 0.02

# How long a notice stays above the buttons (Textual's toasts: 5 s, but they covered content).
NOTICE_SECONDS = 10.0

Practice = Callable[[str], AbstractContextManager["Opened"]]
Clock = Callable[[], datetime]


def _practice(scenario: str) -> AbstractContextManager[Opened]:
    """Start an in-process sandbox account (the "no credentials: practise" choice)."""
    from aws_setup_wizard.launch import Launch, open_account

    return open_account(Launch(sandbox_scenario=scenario))


def _now() -> datetime:
    return datetime.now(UTC)


def stylesheet_parts() -> tuple[str, str]:
    """The stylesheet's first-frame part and the rest (its line numbers kept for errors)."""
    text = STYLESHEET.read_text(encoding="utf-8")
    first, marker, later = text.partition(LATER_STYLES)
    return first, "\n" * first.count("\n") + marker + later


class WizardApp(App[int]):
    """The guided wizard, full-screen.

    ``launch`` is what the command line asked for; ``scenario`` is a shorthand for a sandbox
    launch that does not import the engine up front. Tests pass ``opened`` (an account already
    opened on the shared test sandbox), ``practice`` (how the no-credentials screen opens a
    sandbox), a fixed ``clock``, and set ``CURSOR_BLINK = False``.
    """

    TITLE = "aws-setup-wizard"
    # No CSS_PATH: Textual would parse the whole stylesheet before the first frame.
    # :meth:`__init__` adds its first part, :meth:`load_later_styles` the rest.
    ENABLE_COMMAND_PALETTE = False
    # Read by aws_setup_wizard.screens.widgets.WizardInput; Textual's own inputs blink regardless.
    CURSOR_BLINK = True
    BINDINGS = [
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("q", "request_quit", "Quit"),
        Binding("ctrl+c", "request_quit", "Quit", show=False),
        Binding("ctrl+q", "request_quit", "Quit", show=False, priority=True),
    ]

    def __init__(
        self,
        launch: Launch | None = None,
        *,
        scenario: str | None = None,
        opened: Opened | None = None,
        practice: Practice | None = None,
        clock: Clock | None = None,
    ) -> None:
        super().__init__()
        keep_removed_widgets_collectable()
        first, later = stylesheet_parts()
        self._later_styles: str | None = later
        self.stylesheet.add_source(first, read_from=(str(STYLESHEET), ""), is_default_css=False)
        self.launch = launch
        self.scenario = scenario
        self.opened = opened
        self.practice = practice or _practice
        self.clock = clock or _now
        self.bridge = Bridge(self)
        self.identity: Identity | None = None
        self.sandbox = bool(
            scenario or (launch is not None and launch.sandbox_scenario) or opened is not None
        )
        self.main: Screen[Any] | None = None
        # What the flow is doing, for the quit question: inside a step, inside a write.
        self.mid_step = False
        self.writing = False
        self.done_in_write: list[str] = []
        self.changes: list[str] = []
        self.farewell: list[str] = []
        # UNKNOWN until the account answers (no credentials, an unreadable caller); then PASS
        # until a verification says otherwise: quitting before any check is not a failure.
        self.exit_code: int = ExitCode.UNKNOWN
        # The latest notice (shown inline by the main screen) and every notice of the run.
        self.notice: Notice | None = None
        self.notices: list[Notice] = []
        if os.environ.get(REDUCED_MOTION_ENV):
            self.animation_level = "none"

    # -- what every screen shows -----------------------------------------------------------

    @property
    def bar_line(self) -> str:
        """The identity bar's text: SANDBOX badge, account, caller, region."""
        identity = self.identity
        if identity is None:
            return identity_line(self.sandbox, None, None, "")
        return identity_line(
            identity.sandbox,
            identity.account_id,
            identity.caller.describe(),
            identity.region,
        )

    def set_identity(self, identity: Identity) -> None:
        """The flow knows who it talks to: every bar shows it from now on."""
        self.identity = identity
        self.sandbox = identity.sandbox
        if self.main is not None and hasattr(self.main, "refresh_bar"):
            self.main.refresh_bar()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: Any = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """A notice goes inline above the main screen's buttons, never in a toast over it.

        Kept as :attr:`notice` for its time, so a screen the flow shows next picks it up (the
        re-check's verdict outlives the console screen). Without a main screen: a toast.
        """
        if self._thread_id != threading.get_ident():
            self.call_from_thread(
                self.notify,
                message,
                title=title,
                severity=severity,
                timeout=timeout,
                markup=markup,
            )
            return
        seconds = NOTICE_SECONDS if timeout is None else timeout
        notice = Notice(title, str(message), str(severity), time.monotonic() + seconds)
        self.notice = notice
        self.notices.append(notice)
        main = self.main
        if main is not None and main in self.screen_stack and hasattr(main, "show_notice"):
            main.show_notice(notice)
        else:
            super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    # -- start-up ---------------------------------------------------------------------------

    def on_mount(self) -> None:
        """Draw the start screen at once: it reads "who am I talking to" in the background."""
        start = StartScreen()
        self.main = start
        self.push_screen(start)

    def on_ready(self) -> None:
        """The first frame is up: note the time for the benchmark, then start the flow."""
        marker = os.environ.get(FIRST_PAINT_ENV)
        if marker:
            loaded = "boto3" in sys.modules
            Path(marker).write_text(f"{time.time()!r} boto3_loaded={loaded}\n", encoding="utf-8")
        # A timer, so that the frame is written out first; anything shown earlier loads it.
        self.set_timer(LATER_STYLES_DELAY, self.load_later_styles)
        self.run_flow()

    def load_later_styles(self) -> None:
        """Add the stylesheet's second part (once): before anything but the first frame shows.

        Called on a timer after the first frame, and before whatever else the app shows (a
        flow request, help, the quit question, the start screen's hidden parts), whichever
        comes first. No rule of this part matches a widget of the first frame, so nothing
        drawn changes; only the new part is parsed (Textual caches the others).
        """
        later, self._later_styles = self._later_styles, None
        if later is None:
            return
        self.stylesheet.add_source(
            later, read_from=(str(STYLESHEET), "after the first frame"), is_default_css=False
        )
        self.stylesheet.update(self)
        for screen in self.screen_stack:
            self.stylesheet.update(screen)

    @work(thread=True, exit_on_error=False, name="guided flow")
    def run_flow(self) -> None:
        """The guided flow, in a thread: it blocks on AWS calls and on the owner's answers."""
        from aws_setup_wizard.screens.navigator import Navigator

        code = Navigator(self).run()
        self.bridge.post(lambda: self.exit(code, return_code=code))

    # -- screens the flow shows ---------------------------------------------------------------

    @on(RunOnUi)
    async def _run_on_ui(self, message: RunOnUi) -> None:
        """Run a flow thread's request on the event loop; errors go back to that thread."""
        self.load_later_styles()
        try:
            result = message.setup(message.reply)
            if hasattr(result, "__await__"):
                await result
        except Exception as exc:  # noqa: BLE001 - re-raised in the flow thread
            message.reply.fail(exc)

    async def show_main(self, screen: Screen[Any]) -> None:
        """Make ``screen`` the main screen, closing help or quit dialogs the owner left open."""
        while getattr(self.screen, "TRANSIENT", False):
            self.pop_screen()
        if self.main is None or self.main not in self.screen_stack:
            await self.push_screen(screen)
        else:
            await self.switch_screen(screen)
        self.main = screen

    # -- keys ----------------------------------------------------------------------------------

    def action_help(self) -> None:
        """``?``: what each key does and where the wizard is."""
        # Imported on demand: Markdown is costly and the first frame must not wait for it.
        from aws_setup_wizard.screens.help import HelpScreen

        self.load_later_styles()
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen_keys()))

    def screen_keys(self) -> list[tuple[str, str]]:
        """Every footer key the current screen offers now, shown or left out for width."""
        keys: list[tuple[str, str]] = []
        seen: set[str] = set()
        for _, binding, enabled, _ in self.screen.active_bindings.values():
            if not enabled or not binding.show or not binding.description:
                continue
            key = self.get_key_display(binding)
            if key not in seen:
                seen.add(key)
                keys.append((key, binding.description))
        return keys

    def action_request_quit(self) -> None:
        """``q`` / Ctrl-C: quit at once between steps; inside a step, ask first (default No)."""
        from aws_setup_wizard.screens.dialogs import QuitScreen

        if isinstance(self.screen, QuitScreen):
            return
        if not self.mid_step:
            self.exit(self.exit_code, return_code=self.exit_code)
            return

        def decided(quit_now: bool | None) -> None:
            if quit_now:
                self.exit(self.exit_code, return_code=self.exit_code)

        self.load_later_styles()
        self.push_screen(QuitScreen(writing=self.writing), decided)

    def exit(
        self, result: int | None = None, return_code: int = 0, message: Any | None = None
    ) -> None:
        """Quit: release the flow thread first (it must not ask anything more), then close."""
        self.bridge.close()
        self.farewell = self._farewell()
        super().exit(result, return_code, message)

    def on_unmount(self) -> None:
        """However the app ends (tests end it without ``exit``), release the flow thread."""
        self.bridge.close()

    def _farewell(self) -> list[str]:
        """What to print on the terminal after the screen is gone (never a secret)."""
        from aws_setup_wizard.wording import CANCELLED_DURING_WRITE, NOTHING_CHANGED

        if self.writing:
            done = "; ".join(self.done_in_write) or "nothing yet"
            return [CANCELLED_DURING_WRITE.format(done=done)]
        if not self.changes:
            return [NOTHING_CHANGED]
        return ["Changes made in this run:", *(f"  {line}" for line in self.changes)]


def run_guided(launch: Launch) -> int:
    """Run the full-screen wizard for ``launch``; returns the exit code (0 all steps pass)."""
    app = WizardApp(launch)
    result = app.run()
    for line in app.farewell:
        print(line)
    if result is None:
        return app.return_code or 0
    return result
