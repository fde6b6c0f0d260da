"""GuardDuty detectors as AWS keeps them: one per account per Region.

What AWS documents (GuardDuty API Reference, https://docs.aws.amazon.com/guardduty/latest/APIReference/):

- ``CreateDetector``: "You can have only one detector per account per Region." A second create
  in the same Region is refused with HTTP 400 ``BadRequestException`` (the header
  ``x-amzn-ErrorType``), the body's ``__type`` being ``InvalidInputException`` and its
  ``message`` "The request is rejected because a detector already exists for the current
  account." (the text AWS returns, as recorded in hashicorp/terraform-provider-aws issue 11780
  and nozaq/terraform-aws-secure-baseline issue 199).
- ``GetDetector``, ``UpdateDetector``, ``DeleteDetector`` on a detector ID the account does not
  own in that Region: ``BadRequestException`` "The request is rejected because the input
  detectorId is not owned by the current account." ("Errors": BadRequestException, HTTP 400).
- ``UpdateDetector`` changes ``updatedAt`` (GetDetector: "The last-updated timestamp for the
  detector").

What moto 5.2.5 does instead: ``CreateDetector`` makes a second (and a third…) detector in the
same Region, ``DeleteDetector`` of an unknown ID succeeds, and ``updatedAt`` never moves. A
trainee (or the wizard's lost-answer handling) would learn that creating twice is harmless, so
those three are answered here; everything else is moto's own (its ``Get``/``UpdateDetector``
already refuse an unknown ID the way AWS does).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aws_setup_wizard.sandbox.call import Call, Forward, Handler, Outcome
from aws_setup_wizard.sandbox.protocol import Response, rest_json_error

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


def detectors(account_id: str, region: str) -> dict[str, Any]:
    """moto's detectors of ``account_id`` in ``region``, by ID."""
    from moto.guardduty.models import guardduty_backends

    found: dict[str, Any] = guardduty_backends[account_id][region].detectors
    return found


def _bad_request(message: str) -> Response:
    return rest_json_error(BAD_REQUEST, message, 400, {"__type": INVALID_INPUT})


def create_detector(call: Call) -> Outcome:
    """Refuse a second detector in the Region, as GuardDuty does."""
    if detectors(call.account_id, call.region):
        return _bad_request(DETECTOR_EXISTS)
    return Forward()


def delete_detector(call: Call) -> Outcome:
    """Refuse to delete a detector the account does not have in this Region."""
    if call.request.params.get("DetectorId") not in detectors(call.account_id, call.region):
        return _bad_request(NOT_OWNED)
    return Forward()


def update_detector(call: Call) -> Outcome:
    """After moto updates the detector, move its ``updatedAt`` as AWS does."""
    detector_id = call.request.params.get("DetectorId", "")
    account_id, region = call.account_id, call.region

    def touched(status: int, body: bytes) -> bytes:
        detector = detectors(account_id, region).get(detector_id)
        if status == 200 and detector is not None:
            detector.updated_at = datetime.now()
        return body

    return Forward(touched)


GUARDDUTY_HANDLERS: dict[str, Handler] = {
    "CreateDetector": create_detector,
    "DeleteDetector": delete_detector,
    "UpdateDetector": update_detector,
}
