"""``UpdateAccountPasswordPolicy`` held to IAM's own value ranges; moto checks only the tops.

Followed: IAM API Reference, "UpdateAccountPasswordPolicy": MinimumPasswordLength 6–128,
PasswordReusePrevention 1–24, MaxPasswordAge 1–1095 ("Valid Range"); a parameter left out takes
its default (6, no reuse prevention, no expiry), so 0 is never a value the API accepts: "not
set" is said by leaving the parameter out. AWS refuses a value out of range with
``ValidationError`` (HTTP 400) before changing anything. moto 5.2.5 refuses only values above
the maxima and stores 0 or a length of 5 as given; botocore validates the minima on the client,
but the AWS CLI with ``--no-cli-param-validation`` (or any other SDK) does not, so the sandbox
answers as AWS does.
"""

from __future__ import annotations

from aws_setup_wizard.sandbox.call import Call, Forward, Outcome
from aws_setup_wizard.sandbox.protocol import error_response

#: parameter -> (the name AWS's message uses, minimum, maximum)
RANGES: dict[str, tuple[str, int, int]] = {
    "MinimumPasswordLength": ("minimumPasswordLength", 6, 128),
    "PasswordReusePrevention": ("passwordReusePrevention", 1, 24),
    "MaxPasswordAge": ("maxPasswordAge", 1, 1095),
}


def _violations(call: Call) -> list[str]:
    found = []
    for parameter, (name, low, high) in RANGES.items():
        raw = call.request.params.get(parameter)
        if raw is None:
            continue
        try:
            value = int(raw)
        except ValueError:
            found.append(
                f"Value '{raw}' at '{name}' failed to satisfy constraint: Member must be an integer"
            )
            continue
        if value < low:
            found.append(
                f"Value '{value}' at '{name}' failed to satisfy constraint: "
                f"Member must have value greater than or equal to {low}"
            )
        elif value > high:
            found.append(
                f"Value '{value}' at '{name}' failed to satisfy constraint: "
                f"Member must have value less than or equal to {high}"
            )
    return found


def update_account_password_policy(call: Call) -> Outcome:
    """Refuse values outside IAM's ranges, all named in one message; else moto stores it."""
    found = _violations(call)
    if not found:
        return Forward()
    plural = "s" if len(found) > 1 else ""
    message = f"{len(found)} validation error{plural} detected: " + "; ".join(found)
    return error_response("iam", "ValidationError", message, 400)
