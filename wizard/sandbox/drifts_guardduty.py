"""Drift recipes for the ``guardduty`` step: GuardDuty suspended or removed in some Regions.

Anyone allowed ``guardduty:UpdateDetector`` or ``guardduty:DeleteDetector`` (root, an
administrator, or an attacker with their credentials, who would want GuardDuty quiet first)
can suspend a Region's detector (``UpdateDetector`` with ``Enable=false``) or delete it
(``DeleteDetector``): GuardDuty API Reference, UpdateDetector and DeleteDetector; GuardDuty User
Guide, "Suspending or disabling GuardDuty". Each recipe starts from the ``done`` scenario, where
every enabled Region has an enabled detector (:func:`~.scenarios.seed_guardduty`), and is made
with those calls in the Region concerned, signed with root's console session.

The catalogue (:mod:`~aws_setup_wizard.sandbox.drifts`) takes in :data:`GUARDDUTY_DRIFTS`.
"""

from __future__ import annotations

from typing import Any

from aws_setup_wizard.sandbox.drift_model import Drift, Place
from aws_setup_wizard.sandbox.scenarios import Clients

_STEP = "guardduty"
#: The Regions the recipes change: ones an owner in Europe or the US rarely opens.
SUSPENDED_REGION, DELETED_REGION = "eu-north-1", "ap-southeast-2"


def _detector(place: Place, region: str) -> tuple[Any, str]:
    """The ``guardduty`` client for ``region`` and the ID of the detector there."""
    client = Clients(place.endpoint_url, region, place.root.console_session)("guardduty")
    return client, str(client.list_detectors()["DetectorIds"][0])


def _suspend(place: Place, region: str) -> None:
    client, detector_id = _detector(place, region)
    client.update_detector(DetectorId=detector_id, Enable=False)


def _delete(place: Place, region: str) -> None:
    client, detector_id = _detector(place, region)
    client.delete_detector(DetectorId=detector_id)


def _suspended_in_one_region(place: Place) -> None:
    """GuardDuty suspended in one Region (Settings → Suspend GuardDuty, in that Region)."""
    _suspend(place, SUSPENDED_REGION)


def _deleted_in_one_region(place: Place) -> None:
    """GuardDuty disabled in one Region: its detector and findings are deleted."""
    _delete(place, DELETED_REGION)


def _suspended_and_deleted(place: Place) -> None:
    """One Region's detector suspended, another's deleted: each named with its own repair."""
    _suspend(place, SUSPENDED_REGION)
    _delete(place, DELETED_REGION)


def _s3_protection_off(place: Place) -> None:
    """S3 Protection (an optional protection plan) turned off in one Region.

    GuardDuty.1 asks only for an enabled detector; S3 Protection is Security Hub GuardDuty.10,
    which this step does not judge, so the step still passes.
    """
    client, detector_id = _detector(place, place.region)
    client.update_detector(
        DetectorId=detector_id, Features=[{"Name": "S3_DATA_EVENTS", "Status": "DISABLED"}]
    )


GUARDDUTY_DRIFTS: tuple[Drift, ...] = (
    Drift("GuardDuty suspended in one Region", _STEP, _suspended_in_one_region),
    Drift("GuardDuty detector deleted in one Region", _STEP, _deleted_in_one_region),
    Drift(
        "GuardDuty suspended in one Region and deleted in another", _STEP, _suspended_and_deleted
    ),
    Drift("GuardDuty S3 Protection turned off still passes", _STEP, _s3_protection_off),
)
