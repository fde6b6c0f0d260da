"""A step's options as a form, rendered from the step's ``Option`` declarations.

The same declarations give the CLI flags and the plain prompts. Each text field is validated
with ``Option.validate`` as the owner types; the error appears right under the field, and the
form refuses to submit while any field is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label, Static, Switch

from aws_setup_wizard.options import Option, OptionError
from aws_setup_wizard.screens.widgets import WizardInput


class FormSwitch(Switch):
    """A yes/no field: Space toggles, Enter moves on like it does in a text field."""

    BINDINGS = [
        Binding("space", "toggle_switch", "Toggle", show=False),
        Binding("enter", "next_field", "Next", show=False),
    ]

    class Next(Message):
        """Enter on the switch."""

        def __init__(self, switch: FormSwitch) -> None:
            super().__init__()
            self.switch = switch

    def action_next_field(self) -> None:
        """Enter: to the next field, or submit from the last one."""
        self.post_message(self.Next(self))


class OptionField(Vertical):
    """One option: label, input (or switch), help, and the validation error."""

    def __init__(self, option: Option, value: str | bool) -> None:
        super().__init__(classes="field")
        self.option = option
        self.initial = value
        self.problem: str | None = None

    def compose(self) -> ComposeResult:
        """Label, control, error line, help line."""
        yield Label(self.option.label, classes="field-label")
        if self.option.kind == "bool":
            yield FormSwitch(bool(self.initial), id=f"field-{self.option.name}", animate=False)
        else:
            yield WizardInput(str(self.initial), id=f"field-{self.option.name}")
        yield Static("", classes="field-error", markup=False)
        yield Static(self.option.help, classes="field-help", markup=False)

    @property
    def raw(self) -> str | bool:
        """What the owner entered."""
        if self.option.kind == "bool":
            return self.query_one(Switch).value
        return self.query_one(Input).value

    def check(self) -> str | bool | None:
        """Validate; show the error beside the field. ``None`` when invalid."""
        try:
            value = self.option.validate(self.raw)
        except OptionError as exc:
            self.problem = str(exc)
        else:
            self.problem = None
        error = self.query_one(".field-error", Static)
        error.update(self.problem or "")
        error.set_class(self.problem is None, "hidden")
        self.set_class(self.problem is not None, "-invalid")
        return None if self.problem else value


class OptionsForm(Vertical):
    """Every option of a step; posts :class:`OptionsForm.Validity` as fields change."""

    class Validity(Message):
        """Whether every field is valid now."""

        def __init__(self, valid: bool) -> None:
            super().__init__()
            self.valid = valid

    class Submitted(Message):
        """Enter in the last field: submit when valid."""

    def __init__(self, options: tuple[Option, ...], defaults: Mapping[str, str | bool]) -> None:
        super().__init__(id="options-form")
        self.options = options
        self.defaults = defaults

    def compose(self) -> ComposeResult:
        """One field per declared option, pre-filled with its default."""
        for option in self.options:
            yield OptionField(option, self.defaults.get(option.name, option.default))

    def on_mount(self) -> None:
        """Show the initial state (defaults are valid, but say so explicitly)."""
        self.validate_all()

    def validate_all(self) -> dict[str, Any] | None:
        """Every value, validated; ``None`` when any field is wrong (errors shown)."""
        values: dict[str, Any] = {}
        valid = True
        for field in self.query(OptionField):
            value = field.check()
            if value is None:
                valid = False
            else:
                values[field.option.name] = value
        self.post_message(self.Validity(valid))
        return values if valid else None

    @on(Input.Changed)
    @on(Switch.Changed)
    def _changed(self, event: Input.Changed | Switch.Changed) -> None:
        event.stop()
        self.validate_all()

    @on(Input.Submitted)
    @on(FormSwitch.Next)
    def _submitted(self, event: Input.Submitted | FormSwitch.Next) -> None:
        """Enter moves to the next field; in the last one it submits."""
        event.stop()
        control = event.input if isinstance(event, Input.Submitted) else event.switch
        fields = list(self.query(OptionField))
        current = next((f for f in fields if control.parent is f), None)
        if current is None or current is fields[-1]:
            self.post_message(self.Submitted())
        else:
            self.screen.focus_next()

    def focus_first(self) -> None:
        """Put the cursor in the first field."""
        first = self.query(OptionField).first()
        first.query_one("Input, Switch").focus()
