"""Declining a step, on the record: the owner's decision is kept in the account itself.

One SSM Parameter Store *standard* parameter per declined step, in the account's home Region
(the Region the wizard runs in), so that a ``verify`` from any machine sees it:

- name ``/setup-wizard/declined/<step-id>``, type ``String``. Not ``/aws-setup-wizard/...``:
  "A parameter name can't be prefixed with "aws" or "ssm" (case-insensitive)" (Systems Manager
  API Reference, PutParameter, ``Name``:
  https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html); AWS
  refuses such a path with ``AccessDeniedException`` ("No access to reserved parameter name"),
  and the sandbox (moto) does the same;
- value JSON ``{"reason": ..., "by": <caller ARN>, "at": <ISO 8601 UTC>}``.

Standard parameters cost nothing and hold up to 4 KB (AWS Systems Manager User Guide,
"Managing parameter tiers": https://docs.aws.amazon.com/systems-manager/latest/userguide/
parameter-store-advanced-parameters.html); the reason is kept to 500 characters, so the
record always fits.

Declining never hides a step's own check: a verification keeps the check and adds the decline
beside it (:class:`aws_setup_wizard.runner.StepResult`). Writes go through the one dispatcher
as :class:`~aws_setup_wizard.model.Change`\\ s (``ssm:PutParameter``, ``ssm:DeleteParameter``)
made by :class:`DeclineRecord`, a step-shaped record keeper that is never registered.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

from aws_setup_wizard.account import Account
from aws_setup_wizard.dispatch import Found
from aws_setup_wizard.errors import describe_error, error_code
from aws_setup_wizard.model import ApiCall, Change, Check, Plan, Status
from aws_setup_wizard.options import OptionError
from aws_setup_wizard.steps.base import OptionValues, Step

#: Every declined step's parameter lives under this path (GetParametersByPath reads it once).
PREFIX = "/setup-wizard/declined/"

#: The longest reason kept: the JSON record stays far below a standard parameter's 4 KB.
MAX_REASON = 500

#: SSM's answer when a parameter does not exist (GetParameter, DeleteParameter): API Reference,
#: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DeleteParameter.html
NOT_FOUND = "ParameterNotFound"


def parameter_name(step_id: str) -> str:
    """The parameter that records ``step_id`` as declined."""
    return PREFIX + step_id


def reason_problem(reason: str) -> str | None:
    """Why ``reason`` cannot be recorded (checked before any call), or ``None``."""
    text = reason.strip()
    if not text:
        return "the reason is required: say why this step is declined."
    if len(text) > MAX_REASON:
        return f"the reason is {len(text)} characters long; at most {MAX_REASON} are kept."
    if not text.isprintable():
        # A newline or a control character would reach every terminal that shows the report.
        return "the reason must be one line of printable characters."
    return None


@dataclass(frozen=True)
class Decline:
    """One step declined on the record: why, by whom (an ARN) and when (ISO 8601, UTC)."""

    step_id: str
    reason: str
    by: str
    at: str

    def as_json(self) -> dict[str, str]:
        """``{"reason", "by", "at"}``, as the report and the parameter hold it."""
        return {"reason": self.reason, "by": self.by, "at": self.at}

    def describe(self) -> str:
        """``declined by ARN at TIME: reason``, one line."""
        return f"declined by {self.by} at {self.at}: {self.reason}"


@dataclass(frozen=True)
class Declines:
    """What the account's record of declined steps says.

    ``problems`` name the parameters that are not a valid record (they decline nothing);
    ``unreadable`` says why the record could not be read at all (then nothing is known to be
    declined and every step keeps its own verdict).
    """

    by_step: Mapping[str, Decline] = field(default_factory=dict)
    problems: tuple[str, ...] = ()
    unreadable: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The record's state for ``verify --json``."""
        return {
            "readable": self.unreadable is None,
            "unreadable": self.unreadable,
            "problems": list(self.problems),
            "steps": sorted(self.by_step),
        }

    def lines(self) -> list[str]:
        """What the owner must know about the record itself (nothing when all is well)."""
        lines = []
        if self.unreadable is not None:
            lines.append(
                f"Declined steps: UNKNOWN, the record could not be read ({self.unreadable}); "
                "every step shows its own verdict."
            )
        lines += [f"Declined steps: ignored {problem}" for problem in self.problems]
        return lines


def parse(name: str, value: str) -> Decline | str:
    """The decline a parameter records, or why it is not a valid record."""
    step_id = name[len(PREFIX) :] if name.startswith(PREFIX) else ""
    if not step_id or "/" in step_id:
        return f"{name}: not a step's record (expected {PREFIX}<step-id>)"
    try:
        data = json.loads(value)
    except ValueError:
        return f"{name}: its value is not JSON"
    if not isinstance(data, dict):
        return f"{name}: its value is not a JSON object"
    fields = {key: data.get(key) for key in ("reason", "by", "at")}
    missing = [key for key, item in fields.items() if not isinstance(item, str) or not item]
    if missing:
        return f"{name}: no {', '.join(missing)} in its value"
    problem = reason_problem(str(fields["reason"]))
    if problem is not None:
        return f"{name}: {problem}"
    try:
        datetime.fromisoformat(str(fields["at"]))
    except ValueError:
        return f"{name}: 'at' is not an ISO 8601 time"
    return Decline(step_id, str(fields["reason"]).strip(), str(fields["by"]), str(fields["at"]))


def read(account: Account) -> Declines:
    """Every declined step, from ONE paginated ``GetParametersByPath`` (read-only).

    An unreadable record (access denied, no network) is reported, never taken as "nothing
    declined" silently, and never as a decline.
    """
    try:
        client = account.client("ssm")
        paginator = client.get_paginator("get_parameters_by_path")
        found: dict[str, Decline] = {}
        problems: list[str] = []
        for page in paginator.paginate(Path=PREFIX, Recursive=False):
            for parameter in page.get("Parameters", []):
                name = str(parameter.get("Name", ""))
                if parameter.get("Type") != "String":
                    problems.append(f"{name}: a {parameter.get('Type')} parameter, not a String")
                    continue
                parsed = parse(name, str(parameter.get("Value", "")))
                if isinstance(parsed, str):
                    problems.append(parsed)
                else:
                    found[parsed.step_id] = parsed
    except Exception as exc:  # noqa: BLE001 - the record's state is reported, not raised
        return Declines(unreadable=describe_error(exc))
    return Declines(found, tuple(problems))


def now_iso() -> str:
    """The current time in ISO 8601, UTC, to the second (``2026-05-01T10:00:00+00:00``)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class DeclineRecord(Step):
    """The record keeper of one step's decline: its changes go through the one dispatcher.

    Not a step of the wizard (never registered): ``check`` passes when the record is as
    wanted (present for a decline, absent for a withdrawal), so the runner's re-check after
    the write reads it back like any other change.
    """

    controls: ClassVar[tuple[str, ...]] = ()
    services: ClassVar[tuple[str, ...]] = ("ssm",)
    id: ClassVar[str] = "declined"
    title: ClassVar[str] = "Declined steps"

    def __init__(self, step: Step, *, withdraw: bool = False) -> None:
        self.step = step
        self.withdraw = withdraw

    def why(self) -> str:
        """Why a decline is kept in the account."""
        return "A declined step is recorded in the account, so every verify sees it."

    def _current(self, account: Account) -> dict[str, Any] | None:
        """The step's parameter, or ``None`` when there is none."""
        try:
            answer = account.client("ssm").get_parameter(Name=parameter_name(self.step.id))
        except Exception as exc:
            if error_code(exc) == NOT_FOUND:
                return None
            raise
        return dict(answer["Parameter"])

    def check(self, account: Account) -> Check:
        """Pass when the record is as wanted: present and valid, or (withdrawing) absent."""
        name = parameter_name(self.step.id)
        try:
            current = self._current(account)
        except Exception as exc:  # noqa: BLE001
            return Check(Status.UNKNOWN, f"Could not read {name}: {describe_error(exc)}")
        if current is None:
            status = Status.PASS if self.withdraw else Status.FAIL
            return Check(status, f"{self.step.id} is not declined ({name} does not exist).")
        parsed = parse(name, str(current.get("Value", "")))
        if isinstance(parsed, str):
            status = Status.FAIL
            return Check(status, f"{self.step.id}'s record is not valid: {parsed}", {"name": name})
        status = Status.FAIL if self.withdraw else Status.PASS
        return Check(
            status, f"{self.step.id} is {parsed.describe()}", {"declined": parsed.as_json()}
        )

    def plan(self, account: Account, options: OptionValues) -> Plan:
        """Record the decline (``reason`` and ``by`` in ``options``), or withdraw it."""
        name = parameter_name(self.step.id)
        if self.withdraw:
            if self._current(account) is None:
                return Plan(self.id)
            return Plan(self.id, changes=(withdraw_change(self.step),))
        reason = str(options.get("reason", "")).strip()
        problem = reason_problem(reason)
        if problem is not None:
            raise OptionError(problem)
        at = str(options.get("at") or now_iso())
        record = Decline(self.step.id, reason, str(options["by"]), at)
        return Plan(self.id, changes=(decline_change(self.step, record),), context={"name": name})

    def find_made(
        self, account: Account, change: Change, params: Mapping[str, Any]
    ) -> Found | None:
        """An answer lost: the parameter read back says whether the write took effect."""
        try:
            current = self._current(account)
        except Exception:  # noqa: BLE001 - cannot tell: the error stands
            return None
        if change.call is not None and change.call.operation == "DeleteParameter":
            return Found(made=current is None)
        return Found(made=current is not None and current.get("Value") == params.get("Value"))


def decline_change(step: Step, record: Decline) -> Change:
    """``ssm:PutParameter`` of the step's record (overwriting an earlier reason)."""
    name = parameter_name(step.id)
    value = json.dumps(record.as_json(), ensure_ascii=False, sort_keys=True)
    return Change(
        action="ssm:PutParameter",
        resource=name,
        why=f"record that {step.id} is declined: {record.reason}",
        call=ApiCall(
            "ssm",
            "PutParameter",
            {
                "Name": name,
                "Description": f"aws-setup-wizard: the owner declined the {step.id} step",
                "Value": value,
                "Type": "String",
                # Standard: free, 4 KB; Overwrite: a new reason replaces the old one.
                "Tier": "Standard",
                "Overwrite": True,
            },
        ),
        done=f"recorded {step.id} as declined",
    )


def withdraw_change(step: Step) -> Change:
    """``ssm:DeleteParameter`` of the step's record: the step is judged on its own again."""
    name = parameter_name(step.id)
    return Change(
        action="ssm:DeleteParameter",
        resource=name,
        why=f"withdraw the decline: {step.id} counts again",
        destructive=True,
        call=ApiCall("ssm", "DeleteParameter", {"Name": name}),
        # Already withdrawn (another machine did it): the change is in place.
        already_done=frozenset({NOT_FOUND}),
        done=f"withdrew the decline of {step.id}",
    )
