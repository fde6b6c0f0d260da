"""EC2's ``DescribeRegions`` as a new AWS account answers it (moto's answer would mislead).

What AWS documents:

- EC2 API Reference, ``DescribeRegions``
  (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeRegions.html):
  "Describes the Regions that are enabled for your account, or all Regions." ``AllRegions``
  "Indicates whether to display all Regions, including Regions that are disabled for your
  account"; ``RegionName.N`` may name "any Regions, whether they are enabled and disabled";
  filters ``endpoint``, ``opt-in-status`` (``opt-in-not-required`` | ``opted-in`` |
  ``not-opted-in``) and ``region-name``.
- AWS Account Management Reference Guide, "Enable or disable AWS Regions in your account"
  (https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html): Regions
  launched before 20 March 2019 are enabled by default and cannot be disabled; Regions launched
  after that are disabled until the owner opts in.
- AWS Regions and Availability Zones, "AWS Regions": an AWS account cannot describe or access
  the AWS GovCloud (US) or China Regions.

What moto 5.2.5 does instead: it lists every Region whether or not ``AllRegions`` is set,
includes the GovCloud and China Regions, reports some opt-in Regions (``af-south-1``,
``ap-southeast-3``, ``eu-south-1``) as ``opt-in-not-required`` and ignores the filters. A
trainee (or a regional check) would then believe a new account has 38 Regions enabled, so the
sandbox answers this call itself, per account: the 17 default Regions enabled, every later
Region ``not-opted-in`` unless the account opted in (:meth:`RootAccount.enable_region`).
"""

from __future__ import annotations

import re
from functools import cache

from aws_setup_wizard.sandbox.call import Call, Handler, Outcome
from aws_setup_wizard.sandbox.ebs_layer import EBS_HANDLERS
from aws_setup_wizard.sandbox.protocol import ec2_response, error_response, escape

#: The Regions launched before 20 March 2019: enabled in every account, never opt-in.
DEFAULT_REGIONS = frozenset(
    {
        "us-east-1",
        "us-east-2",
        "us-west-1",
        "us-west-2",
        "ca-central-1",
        "sa-east-1",
        "eu-west-1",
        "eu-west-2",
        "eu-west-3",
        "eu-central-1",
        "eu-north-1",
        "ap-south-1",
        "ap-northeast-1",
        "ap-northeast-2",
        "ap-northeast-3",
        "ap-southeast-1",
        "ap-southeast-2",
    }
)

_FILTERS = ("endpoint", "opt-in-status", "region-name")
_INDEXED = re.compile(r"^Filter\.(\d+)\.(Name|Value\.\d+)$")


@cache
def partition_regions() -> tuple[str, ...]:
    """Every EC2 Region of the ``aws`` partition botocore knows, sorted.

    Taken from botocore's endpoint data, as moto does, so a Region AWS adds later appears (as
    an opt-in Region) once botocore knows it.
    """
    from aws_setup_wizard.sdk.session import process_session

    regions = process_session().get_available_regions("ec2", "aws")
    return tuple(sorted(set(regions) | DEFAULT_REGIONS))


def opt_in_status(region: str, opted_in: frozenset[str]) -> str:
    """A Region's ``OptInStatus`` for an account that opted in to ``opted_in``."""
    if region in DEFAULT_REGIONS:
        return "opt-in-not-required"
    return "opted-in" if region in opted_in else "not-opted-in"


def _indexed(params: dict[str, str], prefix: str) -> list[str]:
    """``RegionName.1``, ``RegionName.2``… in index order."""
    found = []
    for name, value in params.items():
        head, _, index = name.rpartition(".")
        if head == prefix and index.isdigit():
            found.append((int(index), value))
    return [value for _, value in sorted(found)]


def _filters(params: dict[str, str]) -> dict[str, set[str]]:
    """``Filter.N.Name`` / ``Filter.N.Value.M`` as ``{name: {values}}``."""
    names: dict[str, str] = {}
    values: dict[str, set[str]] = {}
    for key, value in params.items():
        match = _INDEXED.match(key)
        if match is None:
            continue
        index, part = match.groups()
        if part == "Name":
            names[index] = value
        else:
            values.setdefault(index, set()).add(value)
    result: dict[str, set[str]] = {}
    for index, name in names.items():
        result.setdefault(name, set()).update(values.get(index, set()))
    return result


def _flag(call: Call, name: str) -> bool:
    return (call.param(name) or "").lower() == "true"


def describe_regions(call: Call) -> Outcome:
    """The account's Regions: enabled ones, or all with ``AllRegions``, or those named."""
    if _flag(call, "DryRun"):
        return error_response(
            "ec2", "DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412
        )
    known = partition_regions()
    named = _indexed(call.request.params, "RegionName")
    unknown = [name for name in named if name not in known]
    if unknown:
        return error_response(
            "ec2", "InvalidParameterValue", f"Invalid region name(s): {', '.join(unknown)}", 400
        )
    filters = _filters(call.request.params)
    invalid = sorted(set(filters) - set(_FILTERS))
    if invalid:
        return error_response(
            "ec2", "InvalidParameterValue", f"The filter '{invalid[0]}' is invalid", 400
        )
    opted_in = call.root.opted_in_regions()
    rows = []
    for region in named or known:
        status = opt_in_status(region, opted_in)
        if not named and not _flag(call, "AllRegions") and status == "not-opted-in":
            continue
        fields = {
            "region-name": region,
            "endpoint": f"ec2.{region}.amazonaws.com",
            "opt-in-status": status,
        }
        if all(fields[name] in wanted for name, wanted in filters.items()):
            rows.append(fields)
    items = "".join(
        f"<item><regionName>{escape(row['region-name'])}</regionName>"
        f"<regionEndpoint>{escape(row['endpoint'])}</regionEndpoint>"
        f"<optInStatus>{escape(row['opt-in-status'])}</optInStatus></item>"
        for row in rows
    )
    return ec2_response("DescribeRegions", f"<regionInfo>{items}</regionInfo>")


EC2_HANDLERS: dict[str, Handler] = {"DescribeRegions": describe_regions, **EBS_HANDLERS}
