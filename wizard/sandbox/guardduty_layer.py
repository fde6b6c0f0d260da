"""GuardDuty detectors as AWS keeps them: one per account per Region, answered here.

What AWS documents (GuardDuty API Reference, https://docs.aws.amazon.com/guardduty/latest/APIReference/):

- ``CreateDetector`` (``POST /detector``): ``enable`` is required; "You can have only one detector
  per account per Region." A second create in the same Region is refused with HTTP 400
  ``BadRequestException`` (the header ``x-amzn-ErrorType``), the body's ``__type`` being
  ``InvalidInputException`` and its ``message`` "The request is rejected because a detector
  already exists for the current account." (the text AWS returns, as recorded in
  hashicorp/terraform-provider-aws issue 11780 and nozaq/terraform-aws-secure-baseline issue
  199). ``clientToken`` is "the idempotency token for the create request": a create sent again
  with the same token (botocore's retry after a lost answer) gets the detector it made.
  ``findingPublishingFrequency`` is ``FIFTEEN_MINUTES``, ``ONE_HOUR`` or ``SIX_HOURS`` (the
  default). The answer is ``{"detectorId": …}``.
- ``ListDetectors`` (``GET /detector?maxResults=&nextToken=``): ``detectorIds``, a page of at most
  ``maxResults`` (1–50, default 50) with a ``nextToken`` while more are left.
- ``GetDetector`` (``GET /detector/{detectorId}``): ``createdAt``, ``updatedAt`` (strings),
  ``findingPublishingFrequency``, ``serviceRole`` (the service-linked role
  ``AWSServiceRoleForAmazonGuardDuty``), ``status`` (``ENABLED`` or ``DISABLED``),
  ``dataSources`` (the foundational sources CloudTrail, DNS logs and VPC flow logs are always
  on: "GuardDuty foundational data sources", GuardDuty User Guide), ``tags``, ``features``.
- ``UpdateDetector`` (``POST /detector/{detectorId}``) changes ``enable`` (suspends or resumes),
  the frequency, data sources or features, and moves ``updatedAt``; ``DeleteDetector``
  (``DELETE /detector/{detectorId}``) removes it.
- ``Get``/``Update``/``DeleteDetector`` on a detector ID the account does not own in that Region:
  ``BadRequestException`` "The request is rejected because the input detectorId is not owned by
  the current account." An out-of-range value is ``BadRequestException`` too.

Why here and not moto: moto 5.2.5 makes a second (and a third…) detector in a Region, deletes an
unknown ID without a word, never moves ``updatedAt`` and reports the foundational sources
``DISABLED``; and loading its GuardDuty backend costs the sandbox about 8 MiB and each request
twice the time of a layer answer. The sandbox's choices where the reference is silent:
``features`` lists what was asked for (AWS adds the account's default features); a request
signed for a Region the account has not enabled is refused as the Access Analyzer layer refuses
it (:func:`~aws_setup_wizard.sandbox.access_analyzer_layer.in_enabled_region`). GuardDuty
operations other than these five (filters, members, findings…) still go to moto, which knows
none of these detectors.

State lives on the account's :class:`~aws_setup_wizard.sandbox.state.RootAccount`, so a sandbox
reset (a new RootAccount) wipes it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from aws_setup_wizard.sandbox.access_analyzer_layer import in_enabled_region
from aws_setup_wizard.sandbox.call import Call, Handler, Outcome
from aws_setup_wizard.sandbox.protocol import Response, rest_json_error, rest_json_response
from aws_setup_wizard.sandbox.state import RootAccount

SERVICE = "guardduty"
BAD_REQUEST = "BadRequestException"
#: GuardDuty's own name for the cause, sent as the body's ``__type``.
INVALID_INPUT = "InvalidInputException"
DETECTOR_EXISTS = (
    "The request is rejected because a detector already exists for the current account."
)
NOT_OWNED = (
    "The request is rejected because the input detectorId is not owned by the current account."
)
OUT_OF_RANGE = (
    "The request is rejected because an invalid or out-of-range value is specified as an input "
    "parameter."
)
FREQUENCIES = ("FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS")
DEFAULT_FREQUENCY = "SIX_HOURS"
#: ListDetectors' ``maxResults`` range and default (API Reference, ListDetectors).
MAX_RESULTS = 50


def _now() -> datetime:
    return datetime.now(UTC)


def _stamp(moment: datetime) -> str:
    """GuardDuty's timestamp strings: ``2024-05-01T12:34:56.789Z`` (milliseconds, UTC)."""
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def _status(on: Any) -> dict[str, str]:
    return {"status": "ENABLED" if on else "DISABLED"}


@dataclass
class Detector:
    """One detector as the sandbox keeps it."""

    detector_id: str
    enabled: bool
    service_role: str
    frequency: str = DEFAULT_FREQUENCY
    data_sources: dict[str, Any] = field(default_factory=dict)
    features: list[dict[str, Any]] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)
    client_token: str | None = None
    created_at: datetime = field(default_factory=_now)
    updated_at: datetime = field(default_factory=_now)

    def touch(self) -> None:
        """Move ``updatedAt``: later than before even within one millisecond, as a read of
        the update must see it moved."""
        self.updated_at = max(_now(), self.updated_at + timedelta(milliseconds=1))

    def described(self) -> dict[str, Any]:
        """The ``GetDetector`` answer."""
        asked = self.data_sources
        kubernetes = (asked.get("kubernetes") or {}).get("auditLogs") or {}
        return {
            "createdAt": _stamp(self.created_at),
            "findingPublishingFrequency": self.frequency,
            "serviceRole": self.service_role,
            "status": "ENABLED" if self.enabled else "DISABLED",
            "updatedAt": _stamp(self.updated_at),
            "dataSources": {
                "cloudTrail": _status(True),
                "dnsLogs": _status(True),
                "flowLogs": _status(True),
                "s3Logs": _status((asked.get("s3Logs") or {}).get("enable")),
                "kubernetes": {"auditLogs": _status(kubernetes.get("enable"))},
            },
            "tags": dict(self.tags),
            "features": [
                {**feature, "updatedAt": self.updated_at.timestamp()} for feature in self.features
            ],
        }


def detectors(root: RootAccount, region: str) -> dict[str, Detector]:
    """The account's detectors in ``region`` by ID (see :meth:`RootAccount.regional`)."""
    return cast(dict[str, Detector], root.regional(SERVICE, region))


def _bad_request(message: str) -> Response:
    return rest_json_error(BAD_REQUEST, message, 400, {"__type": INVALID_INPUT})


def _settings_problem(body: dict[str, Any], *, enable_required: bool) -> Response | None:
    """AWS's refusal of a body with a setting out of range (``enable``, the frequency…)."""
    enable = body.get("enable")
    missing = enable is None and enable_required
    if missing or (enable is not None and not isinstance(enable, bool)):
        return _bad_request(OUT_OF_RANGE)
    frequency = body.get("findingPublishingFrequency")
    if frequency is not None and frequency not in FREQUENCIES:
        return _bad_request(OUT_OF_RANGE)
    for name, kind in (("dataSources", dict), ("features", list), ("tags", dict)):
        if body.get(name) is not None and not isinstance(body[name], kind):
            return _bad_request(OUT_OF_RANGE)
    return None


def create_detector(call: Call) -> Outcome:
    """Make the Region's one detector (or give back the one a retried create made)."""
    body = call.request.json_body
    problem = _settings_problem(body, enable_required=True)
    if problem is not None:
        return problem
    token = body.get("clientToken")
    with call.root.lock:
        held = detectors(call.root, call.region)
        for existing in held.values():
            if token and existing.client_token == token:
                return rest_json_response({"detectorId": existing.detector_id})
        if held:
            return _bad_request(DETECTOR_EXISTS)
        made = Detector(
            detector_id=secrets.token_hex(16),
            enabled=body["enable"],
            service_role=(
                f"arn:{call.root.partition}:iam::{call.account_id}:role/aws-service-role/"
                "guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty"
            ),
            frequency=body.get("findingPublishingFrequency") or DEFAULT_FREQUENCY,
            data_sources=dict(body.get("dataSources") or {}),
            features=list(body.get("features") or []),
            tags={str(k): str(v) for k, v in dict(body.get("tags") or {}).items()},
            client_token=str(token) if token else None,
        )
        made.updated_at = made.created_at
        held[made.detector_id] = made
        return rest_json_response({"detectorId": made.detector_id})


def list_detectors(call: Call) -> Outcome:
    """The Region's detector IDs, a page at a time."""
    raw_max, token = call.param("maxResults"), call.param("nextToken")
    try:
        limit = int(raw_max) if raw_max is not None else MAX_RESULTS
        start = int(token) if token is not None else 0
    except ValueError:
        return _bad_request(OUT_OF_RANGE)
    if not 1 <= limit <= MAX_RESULTS or start < 0:
        return _bad_request(OUT_OF_RANGE)
    with call.root.lock:
        ids = [
            d.detector_id
            for d in sorted(detectors(call.root, call.region).values(), key=lambda d: d.created_at)
        ]
    page: dict[str, Any] = {"detectorIds": ids[start : start + limit]}
    if start + limit < len(ids):
        page["nextToken"] = str(start + limit)
    return rest_json_response(page)


def _owned(call: Call) -> Detector | Response:
    found = detectors(call.root, call.region).get(call.request.params.get("DetectorId", ""))
    return _bad_request(NOT_OWNED) if found is None else found


def get_detector(call: Call) -> Outcome:
    """One detector by ID, or the not-owned refusal."""
    with call.root.lock:
        found = _owned(call)
        if isinstance(found, Response):
            return found
        return rest_json_response(found.described())


def update_detector(call: Call) -> Outcome:
    """Suspend or resume a detector, or change its settings; ``updatedAt`` moves."""
    body = call.request.json_body
    problem = _settings_problem(body, enable_required=False)
    if problem is not None:
        return problem
    with call.root.lock:
        found = _owned(call)
        if isinstance(found, Response):
            return found
        if body.get("enable") is not None:
            found.enabled = body["enable"]
        if body.get("findingPublishingFrequency") is not None:
            found.frequency = body["findingPublishingFrequency"]
        if body.get("dataSources") is not None:
            found.data_sources = dict(body["dataSources"])
        if body.get("features") is not None:
            found.features = list(body["features"])
        found.touch()
        return rest_json_response({})


def delete_detector(call: Call) -> Outcome:
    """Delete a detector the account has in this Region, or the not-owned refusal."""
    with call.root.lock:
        found = _owned(call)
        if isinstance(found, Response):
            return found
        del detectors(call.root, call.region)[found.detector_id]
        return rest_json_response({})


GUARDDUTY_HANDLERS: dict[str, Handler] = {
    action: in_enabled_region(handler)
    for action, handler in {
        "CreateDetector": create_detector,
        "ListDetectors": list_detectors,
        "GetDetector": get_detector,
        "UpdateDetector": update_detector,
        "DeleteDetector": delete_detector,
    }.items()
}
