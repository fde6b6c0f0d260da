"""Small widgets every screen shares: the identity bar, status words, evidence, inputs.

The words and lines come from :mod:`aws_setup_wizard.present`; these widgets only lay them out.

Colours come from ``assets/wizard.tcss`` through CSS classes; the words themselves always carry
the meaning (PASS / FAIL / UNKNOWN), so NO_COLOR and colour-blind owners lose nothing.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.geometry import Region, Size
from textual.layout import ArrangeResult, Layout, WidgetPlacement
from textual.layouts.horizontal import HorizontalLayout
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Input, LoadingIndicator, Static
from textual.widgets._footer import FooterKey

from aws_setup_wizard.present import DECLINED, evidence_lines, status_word

if TYPE_CHECKING:
    # Only named in hints: the first frame does not show a check, and the model costs ~14 ms
    # to import (issue 13); the flow thread imports it just after the first frame.
    from aws_setup_wizard.model import Check, Status

# Keyed by the verdicts' values (a Status is a StrEnum, equal to and hashed as its value).
STATUS_CLASS: dict[str, str] = {"pass": "-pass", "fail": "-fail", "unknown": "-unknown"}


def plain(text: str) -> Static:
    """A Static whose text is shown as is (ARNs and policy names may contain brackets)."""
    return Static(text, markup=False)


class StatusWord(Static):
    """PASS, FAIL or UNKNOWN as a word, coloured by class; DECLINED for a step declined on
    the record that does not pass."""

    def __init__(self, status: Status, *, declined: bool = False, **kwargs: Any) -> None:
        from aws_setup_wizard.model import Status

        shown = declined and status is not Status.PASS
        super().__init__(DECLINED if shown else status_word(status), markup=False, **kwargs)
        self.add_class("status", "-declined" if shown else STATUS_CLASS[status])


class IdentityBar(Static):
    """The top line of every screen: who the wizard is talking to, with the SANDBOX badge."""

    def __init__(self, line: str, sandbox: bool) -> None:
        super().__init__(line, markup=False, id="identity-bar")
        self.set_class(sandbox, "-sandbox")


class CheckView(Widget):
    """A check: its status word, its one sentence, and its evidence."""

    def __init__(self, check: Check, *, evidence: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.check = check
        self.show_evidence = evidence

    def compose(self) -> ComposeResult:
        """Status and sentence on one row, evidence below."""
        with Horizontal(classes="check-row"):
            yield StatusWord(self.check.status)
            yield Static(self.check.summary, markup=False, classes="check-summary")
        if self.show_evidence and self.check.evidence:
            yield Static(
                "\n".join(evidence_lines(self.check.evidence)), markup=False, classes="evidence"
            )


def controls_line(controls: Iterable[str]) -> str:
    """Controls grouped by framework: ``Security Hub IAM.9, IAM.6 · CIS … v3.0 1.5, 1.6``."""
    groups: dict[str, list[str]] = {}
    for control in controls:
        framework, _, number = control.rpartition(" ")
        groups.setdefault(framework, []).append(number)
    return " · ".join(f"{framework} {', '.join(numbers)}" for framework, numbers in groups.items())


def numbered(lines: Iterable[str]) -> str:
    """``1. first`` / ``2. second`` as one block of text."""
    return "\n".join(f"{number}. {line}" for number, line in enumerate(lines, 1))


class WizardInput(Input):
    """An Input that follows the app's cursor blink setting (off in tests and snapshots)."""

    def on_mount(self) -> None:
        """Apply the app's ``CURSOR_BLINK`` (an App attribute Textual itself does not read)."""
        self.cursor_blink = bool(getattr(self.app, "CURSOR_BLINK", True))


class Busy(Widget):
    """A spinner with a sentence; without animation (reduced motion) only the sentence."""

    def __init__(self, text: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.text = text

    def compose(self) -> ComposeResult:
        """The spinner only when animations are on: reduced motion means no moving dots."""
        with Horizontal(classes="busy-row"):
            if self.app.animation_level != "none":
                yield LoadingIndicator()
            yield Static(self.text, markup=False, classes="busy-text")

    def say(self, text: str) -> None:
        """Change the sentence."""
        self.text = text
        self.query_one(".busy-text", Static).update(text)


class Chosen(Message):
    """A screen's button or key chose an answer."""

    def __init__(self, answer: str) -> None:
        super().__init__()
        self.answer = answer


@dataclass(frozen=True)
class Notice:
    """Something the app said in passing ("Copied", "Checked again: PASS"), until ``until``."""

    title: str
    message: str
    severity: str
    until: float  # time.monotonic()

    @property
    def text(self) -> str:
        """Title and message on one line (wrapped at spaces, so a URL in it stays whole)."""
        return f"{self.title}: {self.message}" if self.title else self.message


class NoticeLine(Static):
    """The latest notice, inline above a screen's buttons.

    A toast covered the content it talked about at 80x24 (the form, the password box) and split
    the sign-in URL across its narrow lines; this line takes its room from the scrolling body
    instead, so nothing is hidden and a URL is wrapped like any other text.
    """

    def __init__(self) -> None:
        super().__init__("", id="notice", markup=False, classes="hidden")
        self.notice: Notice | None = None

    def show(self, notice: Notice | None) -> None:
        """Show ``notice`` while it lasts (``None`` or an expired one: nothing)."""
        remaining = notice.until - time.monotonic() if notice is not None else 0.0
        if notice is None or remaining <= 0:
            self.notice = None
            self.add_class("hidden")
            return
        self.notice = notice
        self.update(notice.text)
        self.set_classes(f"-{notice.severity}")
        self.set_timer(remaining, lambda: self._expire(notice))

    def _expire(self, notice: Notice) -> None:
        if self.notice is notice:
            self.show(None)

    def on_click(self) -> None:
        """A click puts it away."""
        self.show(None)


class WizardFooter(Footer):
    """Textual's footer, where every key shown is readable whole.

    Keys that do not fit the width are left out, never cut ("q Qui" at 80 columns): the
    screen's own keys from the last one back, while ``?`` Help and ``q`` Quit always stay.
    Help lists every key of the screen, shown here or not.
    """

    # Actions that stay in the footer whatever the width.
    KEEP = frozenset({"help", "request_quit", "app.help", "app.request_quit"})

    def __init__(self) -> None:
        super().__init__(show_command_palette=False)
        self._composed_width = 0
        self._composed_keys: tuple[tuple[object, ...], ...] | None = None

    def _shown_keys(self) -> tuple[tuple[object, ...], ...]:
        """What the footer draws from: each shown binding's key, words, action, state."""
        return tuple(
            (binding.key, binding.description, binding.action, enabled, tooltip)
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show
        )

    def bindings_changed(self, screen: Screen[Any]) -> None:
        """Recompose only when the keys to show changed.

        Every focus move announces changed bindings; rebuilding the same keys cost about
        200 ms per Tab on a 2-core machine (issue 13), for an identical footer.
        """
        if (
            self._bindings_ready
            and self.is_attached
            and screen is self.screen
            and self._shown_keys() == self._composed_keys
        ):
            return
        super().bindings_changed(screen)

    def compose(self) -> ComposeResult:
        """The keys Footer would show, less the ones that do not fit."""
        if self._bindings_ready:
            self._composed_keys = self._shown_keys()
        widgets = list(super().compose())
        keys = [widget for widget in widgets if isinstance(widget, FooterKey)]
        width = self.size.width or self.app.size.width
        self._composed_width = width
        total = sum(self.key_width(key) for key in keys)
        for key in reversed(keys):
            if total <= width:
                break
            if key.action not in self.KEEP:
                widgets.remove(key)
                total -= self.key_width(key)
        yield from widgets

    @staticmethod
    def key_width(key: FooterKey) -> int:
        """Cells a key takes: `` k Description `` (padding around the key, after the text)."""
        if not key.description:
            return cell_len(key.key_display) + 2
        return cell_len(key.key_display) + cell_len(key.description) + 3

    def on_resize(self) -> None:
        """Another width: choose the keys again."""
        if self.size.width != self._composed_width:
            self.call_after_refresh(self.recompose)


class WrapLayout(HorizontalLayout):
    """Left to right, and on to the next line where the width ends (no Textual layout wraps).

    At 60 columns a screen's buttons ran off the edge ("Bac" for Back); wrapped, each one
    stays whole.
    """

    name = "wrap"

    def arrange(
        self, parent: Widget, children: list[Widget], size: Size, greedy: bool = True
    ) -> ArrangeResult:
        """One row as HorizontalLayout places it, cut into rows that fit ``size.width``."""
        placements = super().arrange(parent, children, size, greedy)
        if size.width <= 0:  # measuring the optimal width: one row
            return placements
        wrapped: list[WidgetPlacement] = []
        shift = top = row_height = 0
        for placement in placements:
            region = placement.region
            x = region.x - shift
            if wrapped and x > 0 and x + region.width > size.width:
                shift, x = region.x, 0
                top += row_height
                row_height = 0
            row_height = max(row_height, region.height)
            moved = Region(x, region.y + top, region.width, region.height)
            wrapped.append(placement._replace(region=moved))
        return wrapped


class ActionBar(Widget):
    """A screen's buttons in a row, wrapped onto a second line when they do not fit."""

    DEFAULT_CSS = """
    ActionBar {
        width: 1fr;
        height: auto;
    }
    """

    def __init__(self, *children: Widget, id: str | None = None) -> None:  # noqa: A002
        super().__init__(*children, id=id)
        self._wrap = WrapLayout()

    @property
    def layout(self) -> Layout:
        """Always the wrapping layout (no ``layout`` rule in the tcss can name it)."""
        return self._wrap
