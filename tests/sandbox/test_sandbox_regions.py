"""DescribeRegions as a new AWS account answers it: 17 default Regions, opt-in ones disabled."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from aws_setup_wizard.sandbox import SandboxCredentials
from aws_setup_wizard.sandbox.ec2_layer import DEFAULT_REGIONS


def regions(ec2: Any, **kwargs: Any) -> dict[str, str]:
    return {r["RegionName"]: r["OptInStatus"] for r in ec2.describe_regions(**kwargs)["Regions"]}


def test_a_new_account_has_the_default_regions_enabled_and_no_other(
    sandbox_at: Any, client: Any
) -> None:
    ec2 = client(sandbox_at("fresh"), "ec2")
    enabled = regions(ec2)
    assert set(enabled) == DEFAULT_REGIONS and len(enabled) == 17
    assert set(enabled.values()) == {"opt-in-not-required"}


def test_all_regions_shows_opt_in_regions_as_not_opted_in_and_no_govcloud_or_china(
    sandbox_at: Any, client: Any
) -> None:
    every = regions(client(sandbox_at("fresh"), "ec2"), AllRegions=True)
    for opt_in in ("af-south-1", "ap-east-1", "eu-south-1", "me-south-1", "ap-southeast-3"):
        assert every[opt_in] == "not-opted-in"
    assert every["us-east-1"] == "opt-in-not-required"
    assert not [name for name in every if name.startswith(("us-gov-", "cn-"))]


def test_an_opted_in_region_is_listed_as_enabled_in_that_account_only(
    sandbox_at: Any, client: Any
) -> None:
    sandbox = sandbox_at("fresh")
    other = sandbox.add_account()
    other.enable_region("me-south-1")
    assert regions(client(sandbox, "ec2", other.console_session))["me-south-1"] == "opted-in"
    assert "me-south-1" not in regions(client(sandbox, "ec2"))


def test_named_regions_and_filters_are_honoured(sandbox_at: Any, client: Any) -> None:
    ec2 = client(sandbox_at("fresh"), "ec2")
    assert regions(ec2, RegionNames=["me-south-1", "eu-west-1"]) == {
        "me-south-1": "not-opted-in",
        "eu-west-1": "opt-in-not-required",
    }
    not_opted_in = regions(
        ec2,
        AllRegions=True,
        Filters=[
            {"Name": "opt-in-status", "Values": ["not-opted-in"]},
            {"Name": "region-name", "Values": ["af-south-1", "us-east-1"]},
        ],
    )
    assert not_opted_in == {"af-south-1": "not-opted-in"}
    (listed,) = ec2.describe_regions(RegionNames=["eu-west-1"])["Regions"]
    assert listed["Endpoint"] == "ec2.eu-west-1.amazonaws.com"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"RegionNames": ["xx-nowhere-1"]}, "InvalidParameterValue"),
        ({"Filters": [{"Name": "colour", "Values": ["blue"]}]}, "InvalidParameterValue"),
        ({"DryRun": True}, "DryRunOperation"),
    ],
)
def test_refusals_come_in_ec2s_error_format(
    sandbox_at: Any, client: Any, kwargs: dict[str, Any], code: str
) -> None:
    with pytest.raises(ClientError) as error:
        client(sandbox_at("fresh"), "ec2").describe_regions(**kwargs)
    assert error.value.response["Error"]["Code"] == code
    assert error.value.response["ResponseMetadata"]["RequestId"]


def test_ec2_refuses_an_unknown_key_as_aws_does(sandbox_at: Any, client: Any) -> None:
    stranger = SandboxCredentials("AKIAUNKNOWNUNKNOWN00", "x" * 40)
    with pytest.raises(ClientError) as error:
        client(sandbox_at("fresh"), "ec2", stranger).describe_regions()
    assert error.value.response["Error"]["Code"] == "AuthFailure"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 401


def test_ec2_refuses_a_wrong_secret_with_a_parseable_error(sandbox_at: Any, client: Any) -> None:
    sandbox = sandbox_at("fresh")
    session = sandbox.console_credentials
    forged = SandboxCredentials(session.access_key_id, "y" * 40, session.session_token)
    with pytest.raises(ClientError) as error:
        client(sandbox, "ec2", forged).describe_regions()
    assert error.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
