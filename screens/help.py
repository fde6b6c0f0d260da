"""Help (``?``): the keys, how the wizard moves, and what it never does."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Footer, Markdown

from aws_setup_wizard.screens.base import WizardModal

HELP = """\
# Help

**Moving around**: Tab / Shift+Tab move between fields and buttons, Enter presses the focused
button, the mouse works everywhere, Page Up / Page Down scroll long texts. The footer shows the
keys of the current screen.

**Keys**: `?` this help · `q` quit (inside a step it asks first; Ctrl-C and Ctrl-Q too) ·
Escape goes back. Dashboard: `w` walk every step, `p` primer, `r` re-verify, `s` summary,
Enter or a click opens a step. Step: `f` fix this step. Console actions: `d` done, check again ·
`l` copy the link · `s` sandbox console. Summary: `e` export.

**How it works**: the dashboard reads every step (read-only). Each step shows why it matters
and the current state, then the exact changes; nothing is written until you answer **Yes**
(the default is always No). After a change the step is checked again: only a PASS counts.
Deleting root access keys asks you to type the last four characters of each key.

**Never**: the wizard never stores a password or a secret key; the admin's initial password is
shown once. Exports hold verdicts and evidence only.

**Colours**: every verdict is a word (PASS, FAIL, UNKNOWN). `NO_COLOR=1` turns colour off;
`TEXTUAL_ANIMATIONS=none` or `AWS_SETUP_WIZARD_REDUCED_MOTION=1` stops the spinner.
"""


def keys_section(keys: list[tuple[str, str]]) -> str:
    """The current screen's keys as one Markdown paragraph (the footer may show fewer)."""
    if not keys:
        return ""
    listed = " · ".join(f"`{key}` {description}" for key, description in keys)
    return f"**Keys on this screen**: {listed}\n\n"


class HelpScreen(WizardModal[None]):
    """Keys and how the wizard works; Escape, ``?`` or Close return.

    ``keys`` are the screen's own keys (key, description), every one of them: a narrow footer
    leaves some out.
    """

    # Opened by the owner, not the flow: closed when the flow moves on.
    TRANSIENT = True

    AUTO_FOCUS = "#close"
    BINDINGS = [Binding("escape,question_mark", "close", "Close help")]

    def __init__(self, keys: list[tuple[str, str]] | None = None) -> None:
        super().__init__()
        self.keys = keys or []

    def compose(self) -> ComposeResult:
        """The help text and a close button."""
        with Vertical(classes="dialog help-dialog"):
            # Only the text scrolls: the focused Close button must not pull it to the end.
            with VerticalScroll(id="help-text"):
                title, _, rest = HELP.partition("\n\n")
                yield Markdown(f"{title}\n\n{keys_section(self.keys)}{rest}")
            with Horizontal(classes="dialog-actions"):
                yield Button("Close", id="close", variant="primary")
        # Its own footer: without it the screen's footer behind showed keys that do nothing here.
        yield Footer()

    def on_button_pressed(self) -> None:
        """Close."""
        self.dismiss(None)

    def action_close(self) -> None:
        """Close."""
        self.dismiss(None)
