"""Every enabled Region over real HTTP: listed once, read a bounded few at a time, judged."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.exceptions import ClientError

from aws_setup_wizard.account import Account
from aws_setup_wizard.model import Check, Status
from aws_setup_wizard.regions import RegionError, judge_regions
from aws_setup_wizard.sandbox.ec2_layer import DEFAULT_REGIONS
from tests.sandbox_accounts import account_on


def count_calls(acct: Account, operation: str) -> list[str]:
    calls: list[str] = []
    acct.client("ec2").meta.events.register(
        f"before-call.ec2.{operation}", lambda **_: calls.append(operation)
    )
    return calls


def deny_in(acct: Account, region: str, operation: str) -> None:
    """Make ``operation`` fail in one Region only, as a missing permission would."""

    def deny(**_: object) -> None:
        raise ClientError(
            {"Error": {"Code": "UnauthorizedOperation", "Message": "not for you"}}, operation
        )

    acct.client("ec2", region).meta.events.register(f"before-call.ec2.{operation}", deny)


def ebs_default(acct: Account, region: str) -> bool:
    return bool(
        acct.client("ec2", region).get_ebs_encryption_by_default()["EbsEncryptionByDefault"]
    )


def judge_ebs(region: str, enabled: bool) -> Check:
    return Check(Status.PASS if enabled else Status.FAIL, "on" if enabled else "off")


def test_enabled_regions_leave_out_the_regions_not_opted_in(account):
    acct = account("fresh")
    enabled = acct.enabled_regions()
    assert enabled == tuple(sorted(DEFAULT_REGIONS))
    assert "me-south-1" not in enabled and "af-south-1" not in enabled


def test_an_opted_in_region_counts_as_enabled(sandbox):
    box = sandbox("fresh")
    box.root.enable_region("me-south-1")
    assert "me-south-1" in account_on(box).enabled_regions()


def test_enabled_regions_are_read_once_even_when_asked_at_once(account):
    acct = account("fresh")
    calls = count_calls(acct, "DescribeRegions")
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda _: acct.enabled_regions(), range(6)))
    assert acct.enabled_regions() == answers[0]
    assert all(answer == answers[0] for answer in answers)
    assert calls == ["DescribeRegions"]


def test_a_failed_region_listing_is_raised_not_cached(account):
    acct = account("fresh")
    failures = iter([True])

    def deny_once(**_: object) -> None:
        if next(failures, False):
            raise ClientError(
                {"Error": {"Code": "AccessDenied", "Message": "no"}}, "DescribeRegions"
            )

    acct.client("ec2").meta.events.register("before-call.ec2.DescribeRegions", deny_once)
    with pytest.raises(ClientError):
        acct.enabled_regions()
    assert len(acct.enabled_regions()) == 17


def test_per_region_reads_every_enabled_region_at_most_max_workers_at_once(account):
    acct = account("fresh")
    in_flight = peak = 0
    lock = threading.Lock()

    def read(region: str) -> bool:
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
        try:
            enabled = ebs_default(acct, region)
            time.sleep(0.05)  # hold the slot so overlapping reads are seen
            return enabled
        finally:
            with lock:
                in_flight -= 1

    results = acct.per_region(read, max_workers=4)
    assert results.regions == acct.enabled_regions()
    assert results.ok and set(results.values().values()) == {False}
    assert peak == 4


def test_a_region_that_cannot_be_read_is_unknown_for_that_region_never_a_pass(account):
    acct = account("fresh")
    acct.per_region(lambda region: acct.client("ec2", region).enable_ebs_encryption_by_default())
    deny_in(acct, "eu-west-2", "GetEbsEncryptionByDefault")

    results = acct.per_region(lambda region: ebs_default(acct, region))
    failed = results["eu-west-2"]
    assert isinstance(failed, RegionError)
    assert isinstance(failed.error, ClientError)
    assert set(results.errors()) == {"eu-west-2"}
    assert len(results.values()) == 16 and all(results.values().values())

    verdict = judge_regions(results, judge_ebs, what="EBS encryption by default")
    assert verdict.status is Status.UNKNOWN
    assert "eu-west-2" in verdict.summary
    assert verdict.evidence["unknown_regions"] == ["eu-west-2"]
    assert verdict.evidence["regions"]["eu-west-2"]["status"] == "unknown"
    assert verdict.evidence["regions"]["us-east-1"]["status"] == "pass"


def test_a_failing_region_makes_the_step_fail_and_is_named(account):
    acct = account("fresh")
    regions = [region for region in acct.enabled_regions() if region != "ap-south-1"]
    acct.per_region(
        lambda region: acct.client("ec2", region).enable_ebs_encryption_by_default(), regions
    )
    deny_in(acct, "eu-west-2", "GetEbsEncryptionByDefault")
    verdict = judge_regions(
        acct.per_region(lambda region: ebs_default(acct, region)),
        judge_ebs,
        what="EBS encryption by default",
    )
    assert verdict.status is Status.FAIL
    assert verdict.summary == (
        "EBS encryption by default is not in place in 1 Region: ap-south-1; "
        "could not read 1 Region: eu-west-2."
    )


def test_per_region_reads_only_the_regions_asked(account):
    acct = account("fresh")
    calls = count_calls(acct, "DescribeRegions")
    results = acct.per_region(lambda region: region, regions=["eu-west-1", "us-east-1"])
    assert results.values() == {"eu-west-1": "eu-west-1", "us-east-1": "us-east-1"}
    assert calls == []


def test_each_account_reads_its_own_regions(sandbox):
    box = sandbox("fresh")
    other = box.add_account()
    other.enable_region("af-south-1")
    first, second = account_on(box), account_on(box, account_id=other.account_id)
    first.client("ec2", "eu-west-1").enable_ebs_encryption_by_default()
    assert "af-south-1" in second.enabled_regions()
    assert "af-south-1" not in first.enabled_regions()
    assert ebs_default(first, "eu-west-1") and not ebs_default(second, "eu-west-1")
