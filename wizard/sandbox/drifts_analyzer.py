"""The access-analyzer step's drifts: how a ``done`` account loses an external access analyzer
in one Region.

A ``done`` account has the ``aws-setup-wizard-external-access`` analyzer (type ``ACCOUNT``) in
every enabled Region (:mod:`~aws_setup_wizard.sandbox.scenarios`). Each drift is made the way
it happens in AWS: with the API calls an owner would make in CloudShell (root's console
session) or, for a status only AWS sets, on the sandbox's Access Analyzer layer (an analyzer
whose service-linked role could not be made is ``FAILED`` with
``SERVICE_LINKED_ROLE_CREATION_FAILED``; API Reference, "StatusReason").
The names are an interface (trainers' scenario files use them).

The catalogue (:mod:`aws_setup_wizard.sandbox.drifts`) takes these in.
"""

from __future__ import annotations

from typing import Any

from aws_setup_wizard.sandbox import access_analyzer_layer
from aws_setup_wizard.sandbox.drift_model import Drift, Place
from aws_setup_wizard.sandbox.scenarios import ANALYZER_NAME, Clients

STEP = "access-analyzer"
#: The Regions the drifts happen in: default Regions other than the sandbox's home Region, so
#: the check has to look beyond the home Region to see them.
DELETED_IN, FAILED_IN, REPLACED_IN = "eu-west-1", "ap-southeast-2", "us-west-2"
UNUSED_ACCESS_NAME = "unused-access"


def _analyzers(place: Place, region: str) -> Any:
    return Clients(place.endpoint_url, region, place.root.console_session)("accessanalyzer")


def _delete_in_one_region(place: Place) -> None:
    """The owner deletes the analyzer in one Region (IAM console → Access analyzer → Delete)."""
    _analyzers(place, DELETED_IN).delete_analyzer(analyzerName=ANALYZER_NAME)


def _failed_in_one_region(place: Place) -> None:
    """AWS reports the analyzer FAILED in one Region (its service-linked role was not made)."""
    access_analyzer_layer.set_status(
        place.root,
        FAILED_IN,
        ANALYZER_NAME,
        "FAILED",
        "SERVICE_LINKED_ROLE_CREATION_FAILED",
    )


def _replaced_by_unused_access(place: Place) -> None:
    """The external access analyzer is swapped for an unused-access one, which does not count."""
    client = _analyzers(place, REPLACED_IN)
    client.delete_analyzer(analyzerName=ANALYZER_NAME)
    client.create_analyzer(analyzerName=UNUSED_ACCESS_NAME, type="ACCOUNT_UNUSED_ACCESS")


ANALYZER_DRIFTS: tuple[Drift, ...] = (
    Drift("the external access analyzer deleted in one Region", STEP, _delete_in_one_region),
    Drift("the external access analyzer FAILED in one Region", STEP, _failed_in_one_region),
    Drift(
        "the external access analyzer replaced by an unused-access one",
        STEP,
        _replaced_by_unused_access,
    ),
)
