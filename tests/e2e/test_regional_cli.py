"""The three Region-wide steps at the command line, as separate processes over real HTTP (issue 15).

A fresh sandbox: ``verify --json`` fails all three with a verdict per Region; one ``apply`` of
EBS encryption and Access Analyzer makes both pass in every enabled Region, which the AWS CLI
confirms Region by Region. A done account whose GuardDuty was deleted in one Region: declining
GuardDuty on the record makes ``verify`` pass (exit 0) with the step DECLINED, ``verify
--strict`` fail; withdrawing the decline and applying enables GuardDuty in every enabled Region.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aws_setup_wizard.sandbox.ec2_layer import DEFAULT_REGIONS
from tests.e2e.test_cli_flow import run, serving
from tests.e2e.test_cloudtrail_cli import aws

pytestmark = pytest.mark.slow

REGIONAL = ("ebs-encryption", "access-analyzer", "guardduty")
#: A Region launched after March 2019: disabled in a new account, so never read or written.
OPT_IN_REGION = "af-south-1"


@pytest.fixture
def served_without_one_detector(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A ``done`` account whose GuardDuty detector was deleted in one Region."""
    scenario = tmp_path / "no-detector.toml"
    scenario.write_text(
        'description = "done, then a GuardDuty detector deleted"\n'
        'base = "done"\n'
        'drifts = ["GuardDuty detector deleted in one Region"]\n'
    )
    with serving(tmp_path, str(scenario)) as env:
        yield env


def steps_of(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {step["id"]: step for step in document["steps"]}


def test_ebs_encryption_and_access_analyzer_in_every_region(
    served_fresh: dict[str, str],
) -> None:
    env = served_fresh
    first = run(env, "verify", "--json", *REGIONAL)
    assert first.returncode == 1, first.stderr
    steps = steps_of(json.loads(first.stdout))
    for step_id in REGIONAL:
        assert steps[step_id]["status"] == "fail"
        per_region = steps[step_id]["evidence"]["regions"]
        assert set(per_region) == DEFAULT_REGIONS, step_id  # every enabled Region, no other
        assert {verdict["status"] for verdict in per_region.values()} == {"fail"}

    chosen = ("ebs-encryption", "access-analyzer")
    account_id = env["SANDBOX_ACCOUNT_ID"]
    applied = run(env, "apply", *chosen, "--yes", "--account-id", account_id)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    after = steps_of(json.loads(run(env, "verify", "--json", *chosen).stdout))
    for step_id in chosen:
        assert after[step_id]["status"] == "pass", after[step_id]["summary"]
        per_region = after[step_id]["evidence"]["regions"]
        assert set(per_region) == DEFAULT_REGIONS
        assert {verdict["status"] for verdict in per_region.values()} == {"pass"}

    # What AWS's own CLI reads back, Region by Region.
    for region in sorted(DEFAULT_REGIONS):
        encryption = aws(env, "ec2", "get-ebs-encryption-by-default", "--region", region)
        assert encryption["EbsEncryptionByDefault"] is True, region
        analyzers = aws(env, "accessanalyzer", "list-analyzers", "--region", region)["analyzers"]
        assert [(a["type"], a["status"]) for a in analyzers] == [("ACCOUNT", "ACTIVE")], region
    # Nothing was written in a Region the account has not opted in to.
    off = aws(env, "ec2", "describe-regions", "--all-regions", "--region-names", OPT_IN_REGION)
    assert off["Regions"][0]["OptInStatus"] == "not-opted-in"

    again = run(env, "apply", *chosen, "--yes", "--account-id", account_id)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Nothing to do: every chosen step already passes." in again.stdout


def test_guardduty_declined_on_the_record_then_accepted(
    served_without_one_detector: dict[str, str],
) -> None:
    env = served_without_one_detector
    account_id = env["SANDBOX_ACCOUNT_ID"]
    before = run(env, "verify", "--json")
    assert before.returncode == 1, before.stdout + before.stderr
    statuses = {k: v["status"] for k, v in steps_of(json.loads(before.stdout)).items()}
    assert statuses.pop("guardduty") == "fail"
    assert set(statuses.values()) == {"pass"}

    reason = "Not yet: we review the cost after the first month"
    declined = run(
        env, "decline", "guardduty", "--reason", reason, "--yes", "--account-id", account_id
    )
    assert declined.returncode == 0, declined.stdout + declined.stderr

    verified = run(env, "verify", "--json")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    guardduty = steps_of(json.loads(verified.stdout))["guardduty"]
    assert (guardduty["status"], guardduty["check_status"]) == ("declined", "fail")
    assert guardduty["declined"]["reason"] == reason
    text = run(env, "verify")
    assert text.returncode == 0 and "DECLINED" in text.stdout and reason in text.stdout
    strict = run(env, "verify", "--strict", "guardduty")
    assert strict.returncode == 1, strict.stdout + strict.stderr

    withdrawn = run(env, "decline", "guardduty", "--withdraw", "--yes", "--account-id", account_id)
    assert withdrawn.returncode == 0, withdrawn.stdout + withdrawn.stderr
    applied = run(env, "apply", "guardduty", "--yes", "--account-id", account_id)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert run(env, "verify", "--strict").returncode == 0

    for region in sorted(DEFAULT_REGIONS):
        (detector_id,) = aws(env, "guardduty", "list-detectors", "--region", region)["DetectorIds"]
        detector = aws(
            env, "guardduty", "get-detector", "--detector-id", detector_id, "--region", region
        )
        assert detector["Status"] == "ENABLED", region
