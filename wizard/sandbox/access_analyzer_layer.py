"""IAM Access Analyzer's analyzers, answered as AWS answers them (moto 5.2.5 has none).

The four operations the wizard and its tests use are answered here in the REST-JSON protocol
(IAM Access Analyzer API Reference, https://docs.aws.amazon.com/access-analyzer/latest/APIReference/):

- ``CreateAnalyzer`` (``PUT /analyzer``, API_CreateAnalyzer.html): ``analyzerName`` 1–255
  characters matching ``[A-Za-z_][A-Za-z0-9_.-]*`` and ``type`` (``ACCOUNT``,
  ``ORGANIZATION``, ``ACCOUNT_UNUSED_ACCESS``, ``ORGANIZATION_UNUSED_ACCESS``,
  ``ACCOUNT_INTERNAL_ACCESS``, ``ORGANIZATION_INTERNAL_ACCESS``) are required; a broken rule is
  a ``ValidationException`` (HTTP 400, ``reason`` ``fieldValidationFailed`` and a ``fieldList``,
  API_ValidationException.html). A name already used in the Region is a ``ConflictException``
  (HTTP 409, with ``resourceId`` and ``resourceType``). The answer is ``{"arn": …}``, the ARN
  ``arn:aws:access-analyzer:REGION:ACCOUNT:analyzer/NAME``.
- ``ListAnalyzers`` (``GET /analyzer?type=&maxResults=&nextToken=``, API_ListAnalyzers.html):
  the Region's analyzers as ``AnalyzerSummary`` objects (``arn``, ``name``, ``type``,
  ``createdAt``, ``status``, ``statusReason`` when not active, ``tags``, ``configuration`` for the
  unused-access types), paginated by ``nextToken``.
- ``GetAnalyzer`` / ``DeleteAnalyzer`` (``GET`` / ``DELETE /analyzer/{analyzerName}``): an
  unknown name is ``ResourceNotFoundException`` (HTTP 404, API_GetAnalyzer.html,
  API_DeleteAnalyzer.html).

Quotas (IAM User Guide, "IAM Access Analyzer quotas", access-analyzer-quotas.html): "Maximum
account-level analyzers per analyzer type per AWS account per Region: 1" (not adjustable), so a
second ``ACCOUNT`` analyzer in a Region is refused with ``ServiceQuotaExceededException`` (HTTP
402, in CreateAnalyzer's error list); an unused-access analyzer beside it is fine. Analyzers are
per account and per Region ("To enable an external access analyzer in a Region, you must create
an analyzer in that Region", IAM User Guide, access-analyzer-create-external.html).

The sandbox's choices where the reference is silent: sandbox accounts are standalone (no AWS
Organizations), so an organization analyzer is refused with ``ValidationException`` (reason
``notSupported``); a new analyzer is ``ACTIVE`` at once (an account analyzer becomes active in
seconds); ``clientToken`` makes a retried create return the analyzer it already made, as the
model's idempotency token promises. A request signed for a Region the account has not enabled
(an opt-in Region, AWS Account Management Reference Guide, manage-acct-regions.html) is refused
with ``UnrecognizedClientException`` (HTTP 403), as AWS's endpoints in a disabled Region refuse
the account's credentials.

State lives on the account's :class:`~aws_setup_wizard.sandbox.state.RootAccount`, so a sandbox
reset (a new RootAccount) wipes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from aws_setup_wizard.sandbox.call import Call, Handler, Outcome
from aws_setup_wizard.sandbox.ec2_layer import DEFAULT_REGIONS, partition_regions
from aws_setup_wizard.sandbox.protocol import Response, rest_json_error, rest_json_response
from aws_setup_wizard.sandbox.state import RootAccount, utcnow

SERVICE = "access-analyzer"
TYPES = (
    "ACCOUNT",
    "ORGANIZATION",
    "ACCOUNT_UNUSED_ACCESS",
    "ORGANIZATION_UNUSED_ACCESS",
    "ACCOUNT_INTERNAL_ACCESS",
    "ORGANIZATION_INTERNAL_ACCESS",
)
STATUSES = ("ACTIVE", "CREATING", "DISABLED", "FAILED")
#: StatusReason.code values (API Reference, "StatusReason").
REASON_CODES = (
    "AWS_SERVICE_ACCESS_DISABLED",
    "DELEGATED_ADMINISTRATOR_DEREGISTERED",
    "ORGANIZATION_DELETED",
    "SERVICE_LINKED_ROLE_CREATION_FAILED",
)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_NAME_PATTERN = "[A-Za-z_][A-Za-z0-9_.-]*"
#: The unused-access analyzers' default tracking period (API Reference,
#: "UnusedAccessConfiguration": 1 to 365 days; the console proposes 90).
DEFAULT_UNUSED_ACCESS_AGE = 90
RESOURCE_TYPE = "Analyzer"


@dataclass
class Analyzer:
    """One analyzer as the sandbox keeps it."""

    name: str
    type: str
    arn: str
    created_at: datetime = field(default_factory=utcnow)
    status: str = "ACTIVE"
    status_reason: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    configuration: dict[str, Any] | None = None
    client_token: str | None = None

    def summary(self) -> dict[str, Any]:
        """The ``AnalyzerSummary`` AWS returns for it."""
        found: dict[str, Any] = {
            "arn": self.arn,
            "name": self.name,
            "type": self.type,
            "createdAt": self.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "status": self.status,
            "tags": dict(self.tags),
        }
        if self.status_reason:
            found["statusReason"] = {"code": self.status_reason}
        if self.configuration is not None:
            found["configuration"] = self.configuration
        return found


def analyzers(root: RootAccount, region: str) -> dict[str, Analyzer]:
    """The account's analyzers in ``region`` by name (see :meth:`RootAccount.regional`)."""
    return cast(dict[str, Analyzer], root.regional(SERVICE, region))


def set_status(root: RootAccount, region: str, name: str, status: str, reason: str | None) -> None:
    """Put an analyzer in ``status`` (what AWS does on its own, e.g. a failed service-linked
    role makes it ``FAILED``); for drifts and tests, never reachable through the API."""
    if status not in STATUSES or (reason is not None and reason not in REASON_CODES):
        raise ValueError(f"not an analyzer status and reason: {status}, {reason}")
    with root.lock:
        analyzer = analyzers(root, region)[name]
        analyzer.status, analyzer.status_reason = status, reason


def _validation(problems: list[tuple[str, str]], reason: str = "fieldValidationFailed") -> Response:
    """AWS's ``ValidationException`` naming every field that broke a rule."""
    parts = [f"Value at '{name}' failed to satisfy constraint: {rule}" for name, rule in problems]
    count = len(parts)
    message = f"{count} validation error{'s' if count > 1 else ''} detected: " + "; ".join(parts)
    fields = [{"name": name, "message": rule} for name, rule in problems]
    return rest_json_error(
        "ValidationException", message, 400, {"reason": reason, "fieldList": fields}
    )


def _name_problem(name: Any, shown: str) -> tuple[str, str] | None:
    if name is None or name == "":
        return (shown, "Member must not be null")
    if not isinstance(name, str) or not 1 <= len(name) <= 255:
        return (shown, "Member must have length between 1 and 255, inclusive")
    if not _NAME.fullmatch(name):
        return (shown, f"Member must satisfy regular expression pattern: {_NAME_PATTERN}")
    return None


def _type_problem(kind: Any, *, required: bool) -> tuple[str, str] | None:
    if kind is None or kind == "":
        return ("type", "Member must not be null") if required else None
    if kind not in TYPES:
        return ("type", f"Member must satisfy enum value set: [{', '.join(TYPES)}]")
    return None


def _with_resource(code: str, message: str, status: int, name: str) -> Response:
    return rest_json_error(
        code, message, status, {"resourceId": name, "resourceType": RESOURCE_TYPE}
    )


def refuse_disabled_region(call: Call) -> Response | None:
    """A Region the account has not enabled (or that does not exist) refuses the credentials."""
    region = call.region
    if region in DEFAULT_REGIONS or region in call.root.opted_in_regions():
        return None
    detail = "" if region in partition_regions() else " (no such Region)"
    return rest_json_error(
        "UnrecognizedClientException",
        f"The security token included in the request is invalid{detail}.",
        403,
    )


def create_analyzer(call: Call) -> Outcome:
    """Make an analyzer: validated, unique by name, one account analyzer per type per Region."""
    made = create(call.root, call.region, call.request.json_body)
    if isinstance(made, Response):
        return made
    return rest_json_response({"arn": made.arn})


def create(root: RootAccount, region: str, body: dict[str, Any]) -> Analyzer | Response:
    """``CreateAnalyzer``'s rules applied to ``body`` in ``region``: the analyzer, or AWS's
    refusal. The handler and the scenarios' seeding share it, so a seeded analyzer is one AWS
    would have accepted."""
    name, kind = body.get("analyzerName"), body.get("type")
    problems = [
        p
        for p in (_name_problem(name, "analyzerName"), _type_problem(kind, required=True))
        if p is not None
    ]
    if problems:
        return _validation(problems)
    assert isinstance(name, str) and isinstance(kind, str)
    token = body.get("clientToken")
    tags = body.get("tags") or {}
    configuration = body.get("configuration")
    with root.lock:
        held = analyzers(root, region)
        if token:
            for existing in held.values():
                if existing.client_token == token and existing.name == name:
                    # A retried create with the same token: the analyzer it made.
                    return existing
        if kind.startswith("ORGANIZATION"):
            return rest_json_error(
                "ValidationException",
                f"An analyzer of type {kind} needs an AWS Organizations management or "
                "delegated administrator account; this account is standalone.",
                400,
                {"reason": "notSupported"},
            )
        if name in held:
            return _with_resource("ConflictException", f"Analyzer {name} already exists", 409, name)
        if any(a.type == kind for a in held.values()):
            return _with_resource(
                "ServiceQuotaExceededException",
                f"You have reached the quota of 1 analyzer of type {kind} per account per "
                f"Region in {region}.",
                402,
                name,
            )
        if kind.endswith("UNUSED_ACCESS") and configuration is None:
            configuration = {"unusedAccess": {"unusedAccessAge": DEFAULT_UNUSED_ACCESS_AGE}}
        made = Analyzer(
            name,
            kind,
            f"arn:aws:access-analyzer:{region}:{root.account_id}:analyzer/{name}",
            tags={str(k): str(v) for k, v in dict(tags).items()},
            configuration=configuration if isinstance(configuration, dict) else None,
            client_token=str(token) if token else None,
        )
        held[name] = made
        return made


def seed(root: RootAccount, region: str, name: str, kind: str = "ACCOUNT") -> None:
    """Make an analyzer for a scenario (refused exactly as ``CreateAnalyzer`` would be)."""
    made = create(root, region, {"analyzerName": name, "type": kind})
    if isinstance(made, Response):
        raise ValueError(f"the sandbox refused to seed analyzer {name} in {region}: {made.body!r}")


def list_analyzers(call: Call) -> Outcome:
    """The Region's analyzers, of one ``type`` if asked, a page at a time."""
    kind = call.param("type")
    problem = _type_problem(kind, required=False)
    if problem is not None:
        return _validation([problem])
    raw_max, token = call.param("maxResults"), call.param("nextToken")
    try:
        limit = int(raw_max) if raw_max is not None else 100
        start = int(token) if token is not None else 0
    except ValueError:
        return _validation([("nextToken", "Member must be a valid token")], reason="cannotParse")
    if limit < 1 or start < 0:
        return _validation([("maxResults", "Member must be greater than or equal to 1")])
    with call.root.lock:
        found = sorted(analyzers(call.root, call.region).values(), key=lambda a: a.created_at)
        chosen = [a.summary() for a in found if kind is None or a.type == kind]
    page: dict[str, Any] = {"analyzers": chosen[start : start + limit]}
    if start + limit < len(chosen):
        page["nextToken"] = str(start + limit)
    return rest_json_response(page)


def _named(call: Call) -> Analyzer | Response:
    name = call.param("analyzerName")
    problem = _name_problem(name, "analyzerName")
    if problem is not None:
        return _validation([problem])
    assert name is not None
    found = analyzers(call.root, call.region).get(name)
    if found is None:
        return _with_resource("ResourceNotFoundException", f"Analyzer {name} not found", 404, name)
    return found


def get_analyzer(call: Call) -> Outcome:
    """One analyzer by name, or ``ResourceNotFoundException``."""
    with call.root.lock:
        found = _named(call)
        if isinstance(found, Response):
            return found
        return rest_json_response({"analyzer": found.summary()})


def delete_analyzer(call: Call) -> Outcome:
    """Delete one analyzer by name, or ``ResourceNotFoundException``."""
    with call.root.lock:
        found = _named(call)
        if isinstance(found, Response):
            return found
        del analyzers(call.root, call.region)[found.name]
        return rest_json_response({})


def _unknown_operation(call: Call) -> Outcome:
    """A path or method the sandbox does not model: AWS's REST answer for an unknown route."""
    return rest_json_error(
        "UnknownOperationException",
        "The sandbox models CreateAnalyzer, ListAnalyzers, GetAnalyzer and DeleteAnalyzer only.",
        404,
    )


def in_enabled_region(handler: Handler) -> Handler:
    """``handler``, behind the refusal of a Region the account has not enabled."""

    def checked(call: Call) -> Outcome:
        return refuse_disabled_region(call) or handler(call)

    checked.__doc__ = handler.__doc__
    return checked


ACCESS_ANALYZER_HANDLERS: dict[str, Handler] = {
    action: in_enabled_region(handler)
    for action, handler in {
        "CreateAnalyzer": create_analyzer,
        "ListAnalyzers": list_analyzers,
        "GetAnalyzer": get_analyzer,
        "DeleteAnalyzer": delete_analyzer,
        # parse_request names no action for a route it does not know.
        "": _unknown_operation,
    }.items()
}
