"""AWS's input checks on IAM calls, run before the IAM layer's own handlers and moto.

Names and paths (:mod:`~aws_setup_wizard.sandbox.iam_names`) are refused before anything
else, as AWS validates a request before acting on it; a console password is then held to the
account password policy (:mod:`~aws_setup_wizard.sandbox.passwords`). ``ChangePassword``, which
moto lacks, is answered whole.
"""

from __future__ import annotations

from aws_setup_wizard.sandbox import iam_names, passwords
from aws_setup_wizard.sandbox.call import Call, Forward, Handler, Outcome

_PASSWORD_ACTIONS = frozenset({"CreateLoginProfile", "UpdateLoginProfile"})


def _forward(call: Call) -> Outcome:
    return Forward()


def _checked(action: str, inner: Handler) -> Handler:
    def handler(call: Call) -> Outcome:
        refused = iam_names.check(call)
        if refused is not None:
            return refused
        if action in _PASSWORD_ACTIONS:
            return passwords.guard_login_profile(call, inner)
        return inner(call)

    handler.__doc__ = f"{action}: AWS's input checks, then {inner.__name__}."
    return handler


def with_checks(handlers: dict[str, Handler]) -> dict[str, Handler]:
    """``handlers`` with every checked action wrapped, and ``ChangePassword`` added."""
    checked = dict(handlers)
    for action in set(iam_names.RULES) | _PASSWORD_ACTIONS:
        checked[action] = _checked(action, handlers.get(action, _forward))
    checked["ChangePassword"] = passwords.change_password
    return checked
