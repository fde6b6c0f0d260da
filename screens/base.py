"""The frame every main screen shares: identity bar, scrolling body, action buttons, footer.

A screen *asks* by holding a :class:`~aws_setup_wizard.screens.bridge.Reply` from the flow thread; a
button press or a key binding answers it. Screens never call AWS: anything that reads or writes goes
back to the flow thread as an answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button

from aws_setup_wizard.screens.bridge import Reply
from aws_setup_wizard.screens.widgets import (
    ActionBar,
    IdentityBar,
    Notice,
    NoticeLine,
    WizardFooter,
)

if TYPE_CHECKING:
    from aws_setup_wizard.screens.app import WizardApp

ResultT = TypeVar("ResultT")


class Asking:
    """Holds the flow's pending question; answers it once."""

    _reply: Reply[Any] | None = None

    def expect(self, reply: Reply[Any]) -> None:
        """The flow waits for this screen's answer now."""
        self._reply = reply
        refresh = getattr(self, "refresh_bindings", None)
        if refresh is not None:
            refresh()

    @property
    def asking(self) -> bool:
        """True while the flow waits for an answer from this screen."""
        return self._reply is not None and not self._reply.done

    def answer(self, value: Any) -> None:
        """Give the flow its answer (ignored when nothing is asked: a double press)."""
        reply, self._reply = self._reply, None
        if reply is not None:
            reply.set(value)


class Body(VerticalScroll, can_focus=False):
    """The scrolling body of a main screen: never a Tab stop of its own.

    Focusable, it was an invisible Tab stop on every screen (issue 12, item 9), and it took
    Up/Down for scrolling from the widgets inside it. Page Up/Down scroll it from anywhere.
    """


class WizardScreen(Asking, Screen[None]):
    """A main screen: bar, body (``body()``), buttons (``actions()``), footer.

    A button's id is the answer it gives, unless the screen handles the press itself.
    """

    # Before a screen focuses its own choice, Textual focuses the first focusable widget ("*"):
    # an input in the body would scroll the body to it. The main action button instead.
    AUTO_FOCUS = "#actions Button"

    # Page keys scroll the body wherever the focus is (a button usually has it).
    BINDINGS = [
        Binding("pagedown", "scroll_body(1)", "Page down", show=False),
        Binding("pageup", "scroll_body(-1)", "Page up", show=False),
    ]

    @property
    def wizard(self) -> WizardApp:
        """The app, typed."""
        return cast("WizardApp", self.app)

    def compose(self) -> ComposeResult:
        """The shared frame around the screen's own parts."""
        yield IdentityBar(self.wizard.bar_line, self.wizard.sandbox)
        with Body(id="body"):
            yield from self.body()
        yield NoticeLine()
        with ActionBar(id="actions"):
            for widget in self.actions():
                # Compact (one-line) buttons leave the body room at 80x24.
                if isinstance(widget, Button):
                    widget.compact = True
                yield widget
        yield WizardFooter()

    def body(self) -> ComposeResult:
        """The screen's content (scrolls)."""
        yield from ()

    def actions(self) -> ComposeResult:
        """The screen's buttons (always visible)."""
        yield from ()

    # Buttons marked "local" are handled by the screen itself.
    @on(Button.Pressed, "#actions Button")
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.has_class("local"):
            return
        event.stop()
        if event.button.id:
            self.answer(event.button.id)

    def action_answer(self, value: str) -> None:
        """Key bindings answer like the matching button, and only when it is offered."""
        if self._offered(value):
            self.answer(value)

    def _offered(self, value: str) -> bool:
        # No such button (the step's form replaced "Fix this step"): not offered either; the
        # key used to answer the form with the button's id (an unexpected error).
        buttons = self.query(f"#actions #{value}")
        return bool(buttons) and not any(b.has_class("hidden") or b.disabled for b in buttons)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A key whose button is hidden or disabled is not offered (nor shown in the footer)."""
        if action == "answer" and parameters and self.is_mounted:
            return self._offered(str(parameters[0]))
        return True

    def action_scroll_body(self, direction: int) -> None:
        """Page the body up or down."""
        body = self.query_one("#body", VerticalScroll)
        if direction > 0:
            body.scroll_page_down()
        else:
            body.scroll_page_up()

    def on_screen_resume(self) -> None:
        """Shown again (or for the first time): the app's latest notice, if it still lasts."""
        self.show_notice(self.wizard.notice)

    def show_notice(self, notice: Notice | None) -> None:
        """Show a notice above the buttons; the focused widget stays in view.

        A screen not composed yet (or gone) shows it when it is resumed, if it still lasts.
        """
        for line in self.query(NoticeLine):
            line.show(notice)
            self.call_after_refresh(self.keep_focus_in_view)

    def keep_focus_in_view(self) -> None:
        """Scroll the body to the focused widget if the body's new height hid it."""
        focused = self.focused
        if focused is None:
            return
        for body in self.query("#body").results(Body):
            if body in focused.ancestors and not body.can_view_entire(focused):
                body.scroll_to_widget(focused, animate=False)

    def refresh_bar(self) -> None:
        """Redraw the identity bar (once the identity is known)."""
        bar = self.query_one(IdentityBar)
        bar.update(self.wizard.bar_line)
        bar.set_class(self.wizard.sandbox, "-sandbox")


class WizardModal(ModalScreen[ResultT]):
    """A dialog the flow pushes; it dismisses itself with its answer."""

    @property
    def wizard(self) -> WizardApp:
        """The app, typed."""
        return cast("WizardApp", self.app)
