"""Drifts of EBS encryption by default (the ``ebs-encryption`` step), made per Region.

Each starts from the ``done`` scenario (encryption by default on in every enabled Region, the
AWS managed default key) and uses what an owner in CloudShell would: ``ec2``
``DisableEbsEncryptionByDefault`` and ``ModifyEbsDefaultKmsKeyId`` in one Region's endpoint
(EC2 API Reference), ``kms:CreateKey``, and opting in to a Region under Account → AWS Regions
(AWS Account Management Reference Guide, "Enable or disable AWS Regions in your account"), which
the sandbox's root layer does. A Region opted in later starts with the setting off, as every
Region of a new account does (the setting is per Region: Amazon EBS User Guide, "Enable Amazon
EBS encryption by default").

The catalogue (:mod:`aws_setup_wizard.sandbox.drifts`) takes these in.
"""

from __future__ import annotations

from typing import Any

from aws_setup_wizard.sandbox.drift_model import Drift, Place
from aws_setup_wizard.sandbox.scenarios import Clients

EBS_ENCRYPTION = "ebs-encryption"
#: The opt-in Region the owner enables in one drift (launched 2020, so not a default Region).
OPT_IN_REGION = "af-south-1"


def _ec2(place: Place, region: str) -> Any:
    """An EC2 client of ``region`` on root's console session."""
    return Clients(place.endpoint_url, region, place.root.console_session)("ec2")


def _off(place: Place, *regions: str) -> None:
    for region in regions:
        _ec2(place, region).disable_ebs_encryption_by_default()


def _off_in_one_region(place: Place) -> None:
    """Someone turns the setting off in eu-west-2 (EC2 console → Data protection and security)."""
    _off(place, "eu-west-2")


def _off_in_three_regions(place: Place) -> None:
    """A script meant for a test account turns it off in three Regions."""
    _off(place, "us-east-1", "ap-southeast-2", "sa-east-1")


def _opt_in_region_enabled(place: Place) -> None:
    """The owner opts in to an opt-in Region; nothing there is encrypted by default yet."""
    place.root.enable_region(OPT_IN_REGION)


def _customer_default_key(place: Place) -> None:
    """The owner makes a customer managed key the EBS default in eu-west-2: still encrypted."""
    region = "eu-west-2"
    kms = Clients(place.endpoint_url, region, place.root.console_session)("kms")
    key = kms.create_key(Description="EBS default key")["KeyMetadata"]["Arn"]
    _ec2(place, region).modify_ebs_default_kms_key_id(KmsKeyId=key)


EBS_DRIFTS: tuple[Drift, ...] = (
    Drift("EBS encryption by default turned off in one Region", EBS_ENCRYPTION, _off_in_one_region),
    Drift(
        "EBS encryption by default turned off in three Regions",
        EBS_ENCRYPTION,
        _off_in_three_regions,
    ),
    Drift(
        "an opt-in Region enabled without EBS encryption by default",
        EBS_ENCRYPTION,
        _opt_in_region_enabled,
    ),
    Drift(
        "a customer managed default key for EBS still passes",
        EBS_ENCRYPTION,
        _customer_default_key,
    ),
)
