"""Per-Region verdicts: a Region that cannot be read is unknown for that Region, never a pass."""

from __future__ import annotations

import threading
import time

import pytest
from botocore.exceptions import ClientError

from aws_setup_wizard.account import enabled_region_names
from aws_setup_wizard.model import Check, Status
from aws_setup_wizard.regions import RegionError, RegionValue, combine, fan_out, judge_regions


def denied(operation: str = "GetEbsEncryptionByDefault") -> ClientError:
    return ClientError({"Error": {"Code": "UnauthorizedOperation", "Message": "no"}}, operation)


PASS = Check(Status.PASS, "on")
FAIL = Check(Status.FAIL, "off")
UNKNOWN = Check(Status.UNKNOWN, "could not read", {"error": "AWS denied it."})


def test_every_region_passing_is_a_pass_with_evidence_by_region():
    verdict = combine({"us-east-1": PASS, "eu-west-1": PASS}, what="EBS encryption by default")
    assert verdict.status is Status.PASS
    assert verdict.summary == "EBS encryption by default is in place in every Region checked (2)."
    assert verdict.evidence["regions"]["eu-west-1"] == {
        "status": "pass",
        "summary": "on",
        "evidence": {},
    }
    assert list(verdict.evidence["regions"]) == ["eu-west-1", "us-east-1"]


def test_one_unknown_region_makes_the_step_unknown_and_names_it():
    verdict = combine({"us-east-1": PASS, "eu-west-2": UNKNOWN}, what="GuardDuty")
    assert verdict.status is Status.UNKNOWN
    assert verdict.summary == "Could not read GuardDuty in 1 Region: eu-west-2 (AWS denied it)."
    assert verdict.evidence["unknown_regions"] == ["eu-west-2"]
    assert verdict.evidence["failing_regions"] == []


def test_a_failing_region_wins_over_an_unknown_one_and_both_are_named():
    verdict = combine(
        {"us-east-1": FAIL, "us-west-2": FAIL, "eu-west-2": UNKNOWN, "eu-west-1": PASS},
        what="Access Analyzer",
    )
    assert verdict.status is Status.FAIL
    assert verdict.summary == (
        "Access Analyzer is not in place in 2 Regions: us-east-1, us-west-2; "
        "could not read 1 Region: eu-west-2."
    )
    assert verdict.evidence["failing_regions"] == ["us-east-1", "us-west-2"]


def test_no_region_at_all_proves_nothing():
    assert combine({}, what="GuardDuty").status is Status.UNKNOWN


def test_fan_out_keeps_each_regions_answer_or_exception_in_order():
    def read(region: str) -> str:
        if region == "eu-west-2":
            raise denied()
        return region.upper()

    results = fan_out(read, ["us-east-1", "eu-west-2", "us-east-1", "ap-south-1"])
    assert results.regions == ("us-east-1", "eu-west-2", "ap-south-1")
    assert results["us-east-1"] == RegionValue("us-east-1", "US-EAST-1")
    failed = results["eu-west-2"]
    assert isinstance(failed, RegionError) and isinstance(failed.error, ClientError)
    assert not results.ok and len(results) == 3
    assert results.values() == {"us-east-1": "US-EAST-1", "ap-south-1": "AP-SOUTH-1"}
    assert set(results.errors()) == {"eu-west-2"}
    with pytest.raises(KeyError):
        results["mx-central-1"]


def test_fan_out_never_runs_more_reads_at_once_than_asked():
    in_flight = 0
    peak = 0
    lock = threading.Lock()

    def read(region: str) -> None:
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
        time.sleep(0.02)
        with lock:
            in_flight -= 1

    fan_out(read, [f"r-{n}" for n in range(12)], max_workers=3)
    assert peak == 3
    with pytest.raises(ValueError):
        fan_out(read, ["us-east-1"], max_workers=0)


def test_fan_out_lets_an_interrupt_through():
    def read(region: str) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fan_out(read, ["us-east-1"])


def test_judge_regions_turns_errors_and_surprises_into_unknown_for_that_region():
    def read(region: str) -> dict[str, bool]:
        if region == "eu-west-2":
            raise denied()
        if region == "ap-south-1":
            return {}  # an answer the judge cannot make sense of
        return {"EbsEncryptionByDefault": region == "us-east-1"}

    def judge(region: str, answer: dict[str, bool]) -> Check:
        on = answer["EbsEncryptionByDefault"]
        return Check(Status.PASS if on else Status.FAIL, "on" if on else "off")

    results = fan_out(read, ["us-east-1", "eu-west-2", "ap-south-1"])
    verdict = judge_regions(results, judge, what="EBS encryption by default")
    assert verdict.status is Status.UNKNOWN
    assert verdict.evidence["unknown_regions"] == ["ap-south-1", "eu-west-2"]
    reason = verdict.evidence["regions"]["eu-west-2"]["evidence"]["error"]
    assert reason.startswith("AWS denied GetEbsEncryptionByDefault")


def test_enabled_region_names_keep_default_and_opted_in_regions_only():
    answer = [
        {"RegionName": "us-east-1", "OptInStatus": "opt-in-not-required"},
        {"RegionName": "af-south-1", "OptInStatus": "not-opted-in"},
        {"RegionName": "me-south-1", "OptInStatus": "opted-in"},
        {"RegionName": "eu-west-1"},
    ]
    assert enabled_region_names(answer) == ("eu-west-1", "me-south-1", "us-east-1")
