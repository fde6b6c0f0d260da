"""SSM Parameter Store as AWS answers it, where moto is laxer.

moto stores a standard-tier parameter of any length; AWS refuses a value over 4096 characters
in the standard tier: "Standard tier parameters support a maximum parameter value of 4096
characters" (``ValidationException``; AWS Systems Manager User Guide, "Managing parameter
tiers", https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html:
standard parameters hold up to 4 KB, advanced ones up to 8 KB). The wizard keeps declined steps
in standard parameters (:mod:`aws_setup_wizard.declines`), so the sandbox refuses what AWS
would. What moto already answers as AWS does (checked by ``tests/sandbox/test_sandbox_ssm.py``):
``ParameterAlreadyExists`` without ``Overwrite``, ``ParameterNotFound`` from
``DeleteParameter``, ``GetParametersByPath`` paging at most 10 a page (``MaxResults`` 1..10),
and ``AccessDeniedException`` for a name under the reserved ``/aws`` prefix.
"""

from __future__ import annotations

from aws_setup_wizard.sandbox.call import Call, Forward, Handler, Outcome
from aws_setup_wizard.sandbox.protocol import error_response

#: The longest value of a standard-tier parameter, in characters (AWS's own wording).
STANDARD_VALUE_LIMIT = 4096

TOO_LONG = (
    "Standard tier parameters support a maximum parameter value of 4096 characters. To create "
    "a larger parameter value, upgrade the parameter to use the advanced-parameter tier. For "
    "more information, see https://docs.aws.amazon.com/systems-manager/latest/userguide/"
    "parameter-store-advanced-parameters.html"
)


def put_parameter(call: Call) -> Outcome:
    """Refuse a standard-tier value over 4096 characters, as AWS does; else moto answers."""
    tier = call.field("Tier") or "Standard"
    value = call.field("Value")
    # Intelligent-Tiering moves a long value to the advanced tier by itself; Advanced holds 8 KB
    # (moto's own check is kept for those).
    if tier == "Standard" and isinstance(value, str) and len(value) > STANDARD_VALUE_LIMIT:
        return error_response("ssm", "ValidationException", TOO_LONG, 400)
    return Forward()


SSM_HANDLERS: dict[str, Handler] = {"PutParameter": put_parameter}
