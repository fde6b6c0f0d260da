"""A step: why it matters, the current state with its evidence, its options, then the plan.

One screen per step, revealed in the flow's order: first why and the state (Fix this step /
Skip / Decline), then the form (when the step has options), then the exact changes, one line
each, with the confirmation dialog in front of them. The plan's lines are
:func:`aws_setup_wizard.present.plan_lines`, the same the plain mode and the CLI print.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Button, Markdown, Static

from aws_setup_wizard.model import Plan, Status
from aws_setup_wizard.present import plan_lines
from aws_setup_wizard.screens.base import WizardScreen
from aws_setup_wizard.screens.bridge import Reply
from aws_setup_wizard.screens.form import OptionsForm
from aws_setup_wizard.screens.widgets import CheckView, controls_line

if TYPE_CHECKING:
    from aws_setup_wizard.model import Check
    from aws_setup_wizard.steps import Step


class StepScreen(WizardScreen):
    """Why, state, options, plan for one step."""

    BINDINGS = [
        Binding("f", "answer('continue')", "Fix this step"),
        Binding("d", "answer('decline')", "Decline"),
        Binding("escape", "back", "Back / skip"),
    ]

    def __init__(self, step: Step, check: Check, position: tuple[int, int] | None) -> None:
        super().__init__()
        self.step = step
        self.check = check
        self.position = position
        self.phase = "state"

    def body(self) -> ComposeResult:
        """Title and controls, why, current state; form and plan are filled in later."""
        where = f"Step {self.position[0]} of {self.position[1]} · " if self.position else ""
        yield Static(f"{where}{self.step.title}", classes="title", markup=False)
        yield Static(controls_line(self.step.controls), classes="muted", markup=False)
        yield Static("Why it matters", classes="subtitle")
        yield Markdown(self.step.why(), classes="why")
        yield Static("Current state", classes="subtitle")
        yield CheckView(self.check, id="state")
        with Vertical(id="options", classes="hidden"):
            yield Static("Options", classes="subtitle")
        with Vertical(id="plan", classes="hidden"):
            yield Static("The plan: exactly these changes", classes="subtitle")
            yield Static("", id="plan-lines", markup=False)

    def actions(self) -> ComposeResult:
        """Fix / skip at first; plan / back while the form is shown."""
        if self.check.passed:
            yield Button("Next", id="continue", variant="primary")
        elif self.check.status is Status.UNKNOWN:
            yield Button("Continue", id="continue", variant="primary")
            yield Button("Skip for now", id="back")
            yield Button("Decline…", id="decline")
        else:
            yield Button("Fix this step", id="continue", variant="primary")
            yield Button("Skip for now", id="back")
            # On the record, with a reason (asked next): verify then shows DECLINED.
            yield Button("Decline…", id="decline")

    def expect(self, reply: Reply[Any]) -> None:
        """Asked "act or move on": the main button takes the focus."""
        super().expect(reply)
        self.query_one("#continue", Button).focus()

    # -- the form -----------------------------------------------------------------------------

    async def ask_options(self, defaults: Mapping[str, str | bool], reply: Reply[Any]) -> None:
        """Show the form for the step's options; answers the values, or ``None`` for back."""
        self.phase = "options"
        box = self.query_one("#options", Vertical)
        for old in box.query(OptionsForm):
            old.remove()
        form = OptionsForm(self.step.options, defaults)
        box.remove_class("hidden")
        await box.mount(form)
        self.query_one("#plan").add_class("hidden")
        actions = self.query_one("#actions")
        await actions.remove_children()
        await actions.mount(
            Button(
                "Plan the changes", id="plan-it", variant="primary", classes="local", compact=True
            )
        )
        await actions.mount(Button("Back", id="options-back", classes="local", compact=True))
        self._reply = reply
        self.call_after_refresh(self._focus_form, form)

    def _focus_form(self, form: OptionsForm) -> None:
        form.focus_first()
        self.query_one("#body").scroll_to_widget(
            self.query_one("#options"), top=True, animate=False
        )

    @on(OptionsForm.Validity)
    def _validity(self, message: OptionsForm.Validity) -> None:
        for button in self.query("#plan-it"):
            button.disabled = not message.valid

    @on(OptionsForm.Submitted)
    def _form_submitted(self) -> None:
        self._submit()

    @on(Button.Pressed, "#plan-it")
    def _plan_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self._submit()

    @on(Button.Pressed, "#options-back")
    def _options_back(self, event: Button.Pressed) -> None:
        event.stop()
        self.answer(None)

    def _submit(self) -> None:
        if self.phase != "options":
            return
        values = self.query_one(OptionsForm).validate_all()
        if values is not None:
            self.answer(values)

    def action_back(self) -> None:
        """Escape: skip the step, or leave the form."""
        if self.phase == "options":
            self.answer(None)
        elif self.query("#actions #back") or (self.phase == "state" and self.check.passed):
            # A passing step has only "Next"; Escape still leaves it, as the footer says.
            self.answer("back")

    # -- the plan -----------------------------------------------------------------------------

    async def show_plan(self, plan: Plan) -> None:
        """The exact changes and notes, scrolled into view before the dialog comes in front.

        Awaited to the end: once the dialog covers this screen it is no longer redrawn, so a
        scroll still pending then would leave it half-way (and snapshots would vary).
        """
        self.phase = "plan"
        self.query_one("#plan-lines", Static).update("\n".join(plan_lines(plan)))
        section = self.query_one("#plan")
        section.remove_class("hidden")
        for button in self.query("#actions Button"):
            button.disabled = True
        await self.wait_for_refresh()
        self.query_one("#body").scroll_to_widget(section, top=True, animate=False, immediate=True)
        await self.wait_for_refresh()
