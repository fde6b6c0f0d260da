"""The CloudTrail step against the sandbox: check, plan, apply, re-check, and re-runs."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from aws_setup_wizard import assets, runner
from aws_setup_wizard.account import Account
from aws_setup_wizard.errors import WizardError
from aws_setup_wizard.model import Plan, Status, no_progress
from aws_setup_wizard.options import OptionError, resolve
from aws_setup_wizard.steps.cloudtrail import (
    CloudTrailStep,
    Trail,
    bucket_policy_ok,
    fixed_selectors,
    merged_policy,
    records_all_management_events,
)
from tests.sandbox_accounts import journaled

STEP = CloudTrailStep()
BUCKET_ACTIONS = [
    "s3:CreateBucket",
    "s3:PutPublicAccessBlock",
    "s3:PutBucketVersioning",
    "s3:PutBucketPolicy",
]
KMS_ACTIONS = ["kms:CreateKey", "kms:CreateAlias", "kms:EnableKeyRotation"]
TRAIL_ACTIONS = ["cloudtrail:CreateTrail", "cloudtrail:StartLogging"]


def options(account: Account, **given: Any) -> dict[str, str | bool]:
    """Options as the front ends pass them: validated by ``resolve``."""
    return resolve(STEP.options, given, account.account_id, account.region)


def actions(plan: Plan) -> list[str]:
    return [change.action for change in plan.changes]


def recheck(account: Account) -> Any:
    """What the runner does after apply: check again (polling briefly while it settles)."""
    return runner.recheck(STEP, account)


def deny(account: Account, service: str, operation: str, code: str = "AccessDenied") -> None:
    """Make every call of ``operation`` on the account's client fail as AWS would."""

    def refuse(**_: Any) -> None:
        raise ClientError({"Error": {"Code": code, "Message": "injected"}}, operation)

    account.client(service).meta.events.register(f"before-call.{service}.{operation}", refuse)


def count_calls(account: Account) -> list[str]:
    """Record every API call the account's clients make."""
    seen: list[str] = []
    for service in STEP.services:
        account.client(service).meta.events.register(
            "before-call", lambda model, **_: seen.append(model.name)
        )
    return seen


def trails(account: Account) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = account.client("cloudtrail").describe_trails()["trailList"]
    return found


def keys_aliased(account: Account, alias: str) -> list[str]:
    aliases = account.client("kms").list_aliases()["Aliases"]
    return [a["TargetKeyId"] for a in aliases if a["AliasName"] == alias]


def default_bucket(account: Account) -> str:
    return f"aws-cloudtrail-logs-{account.account_id}-{account.region}"


# -- fresh account ---------------------------------------------------------------------------


def test_fresh_account_fails_naming_the_missing_trail(account: Any) -> None:
    check = STEP.check(account("fresh"))
    assert check.status is Status.FAIL
    assert check.summary.startswith("No multi-Region trail")


def test_fresh_plan_lists_the_exact_changes(account: Any) -> None:
    acct = account("fresh")
    plan = STEP.plan(acct, options(acct))
    assert actions(plan) == BUCKET_ACTIONS + KMS_ACTIONS + TRAIL_ACTIONS
    bucket_arn = f"arn:aws:s3:::{default_bucket(acct)}"
    trail_arn = f"arn:aws:cloudtrail:{acct.region}:{acct.account_id}:trail/account-trail"
    assert [c.resource for c in plan.changes[:4]] == [bucket_arn] * 4
    assert plan.changes[5].resource == "alias/account-trail"
    assert [c.resource for c in plan.changes[-2:]] == [trail_arn, trail_arn]
    assert all(change.why for change in plan.changes)
    assert not plan.destructive
    json.dumps(dict(plan.context))  # plain values only


def test_apply_then_check_passes_and_a_second_plan_is_empty(account: Any) -> None:
    acct = account("fresh")
    opts = options(acct)
    plan = STEP.plan(acct, opts)
    messages: list[str] = []
    outcome = STEP.apply(acct, plan, lambda event: messages.append(str(event)))
    assert len(outcome.done) == len(plan.changes)
    assert any("cloudtrail:StartLogging" in message for message in messages)

    check = recheck(acct)
    assert check.status is Status.PASS, check.summary
    assert all(check.evidence["requirements"].values())
    assert check.evidence["trail_name"] == "account-trail"
    assert check.evidence["bucket"] == default_bucket(acct)
    assert STEP.plan(acct, opts).empty
    assert [t["Name"] for t in trails(acct)] == ["account-trail"]


def test_apply_twice_duplicates_nothing(account: Any) -> None:
    acct = account("fresh")
    plan = STEP.plan(acct, options(acct))
    STEP.apply(acct, plan, no_progress)
    again = STEP.apply(acct, plan, no_progress)  # as if the first run's answer was lost
    assert any("already" in line.lower() or "reused" in line.lower() for line in again.done)
    assert recheck(acct).passed
    assert len(trails(acct)) == 1
    assert len(keys_aliased(acct, "alias/account-trail")) == 1
    assert len(acct.client("kms").list_keys()["Keys"]) == 1


def test_no_kms_plan_has_no_key_and_the_check_stays_honest(account: Any) -> None:
    acct = account("fresh")
    plan = STEP.plan(acct, options(acct, use_kms="no"))
    assert actions(plan) == BUCKET_ACTIONS + TRAIL_ACTIONS
    assert any("CloudTrail.2" in note for note in plan.notes)
    STEP.apply(acct, plan, no_progress)

    check = recheck(acct)
    assert check.status is Status.FAIL
    failing = {name for name, ok in check.evidence["requirements"].items() if not ok}
    assert failing == {"kms_encrypted", "kms_key_rotation"}
    assert "KMS" in check.summary and "logging is stopped" not in check.summary


def test_custom_names_are_used(account: Any) -> None:
    acct = account("fresh")
    opts = options(
        acct, trail_name="main-trail", bucket_name="my-logs-bucket-123", kms_alias="alias/logs"
    )
    plan = STEP.plan(acct, opts)
    STEP.apply(acct, plan, no_progress)
    check = recheck(acct)
    assert check.passed, check.summary
    assert check.evidence["trail_name"] == "main-trail"
    assert check.evidence["bucket"] == "my-logs-bucket-123"
    assert keys_aliased(acct, "alias/logs")


def test_outside_us_east_1_the_bucket_gets_a_location_constraint(account: Any) -> None:
    home = account("fresh")
    other = "eu-west-1" if home.region != "eu-west-1" else "us-west-2"
    frozen = home.credentials().get_frozen_credentials()
    acct = journaled(
        Account.from_settings(
            region=other,
            endpoint_url=home.endpoint_url,
            credentials=(frozen.access_key, frozen.secret_key, frozen.token),
        )
    )
    plan = STEP.plan(acct, options(acct))
    assert f"LocationConstraint {other}" in plan.changes[0].why
    STEP.apply(acct, plan, no_progress)
    location = acct.client("s3").get_bucket_location(Bucket=default_bucket(acct))
    assert location["LocationConstraint"] == other
    check = recheck(acct)
    assert check.passed, check.summary
    assert check.evidence["home_region"] == other


# -- existing trails -----------------------------------------------------------------------


def test_drifted_plan_is_only_start_logging_on_the_existing_trail(account: Any) -> None:
    acct = account("drifted")
    check = STEP.check(acct)
    assert check.status is Status.FAIL
    assert "logging is stopped" in check.summary

    plan = STEP.plan(acct, options(acct))
    assert actions(plan) == ["cloudtrail:StartLogging"]
    assert plan.changes[0].resource.endswith(":trail/org-audit")
    assert any("org-audit" in note and "second" in note for note in plan.notes)

    STEP.apply(acct, plan, no_progress)
    assert recheck(acct).passed
    assert [t["Name"] for t in trails(acct)] == ["org-audit"]


def test_done_passes_with_evidence(account: Any) -> None:
    acct = account("done")
    calls = count_calls(acct)
    check = STEP.check(acct)
    assert check.status is Status.PASS, check.summary
    assert len(calls) <= 9  # DescribeTrails, then eight reads at once (status, key, bucket)
    evidence = check.evidence
    assert evidence["trail_name"] == "org-audit"
    assert evidence["trail_arn"].endswith(":trail/org-audit")
    assert evidence["home_region"] == acct.region
    assert evidence["bucket"] == f"org-audit-logs-{acct.account_id}"
    assert evidence["kms_key_arn"].startswith("arn:aws:kms:")
    assert evidence["is_logging"] is True
    assert all(evidence["requirements"].values())
    assert "org-audit" in check.summary and "every Region" in check.summary
    json.dumps(dict(evidence))
    assert STEP.plan(acct, options(acct)).empty


def test_missing_bucket_policy_is_a_fail_and_is_merged_back(account: Any) -> None:
    acct = account("done")
    bucket = f"org-audit-logs-{acct.account_id}"
    s3 = acct.client("s3")
    s3.delete_bucket_policy(Bucket=bucket)
    check = STEP.check(acct)
    assert check.status is Status.FAIL
    assert "bucket policy" in check.summary
    assert check.evidence["requirements"]["bucket_policy_ok"] is False

    plan = STEP.plan(acct, options(acct))
    assert actions(plan) == ["s3:PutBucketPolicy"]
    STEP.apply(acct, plan, no_progress)
    assert recheck(acct).passed


def test_repair_keeps_other_bucket_policy_statements(account: Any) -> None:
    acct = account("done")
    bucket = f"org-audit-logs-{acct.account_id}"
    own = {
        "Sid": "ReadForAuditors",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{acct.account_id}:root"},
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/*",
    }
    policy = {"Version": "2012-10-17", "Statement": [own]}
    acct.client("s3").put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    plan = STEP.plan(acct, options(acct))
    assert actions(plan) == ["s3:PutBucketPolicy"]
    STEP.apply(acct, plan, no_progress)
    written = json.loads(acct.client("s3").get_bucket_policy(Bucket=bucket)["Policy"])
    assert own in written["Statement"]
    assert recheck(acct).passed


def test_single_region_trail_is_repaired_not_duplicated(account: Any) -> None:
    acct = account("done")
    acct.client("cloudtrail").update_trail(
        Name="org-audit", IsMultiRegionTrail=False, EnableLogFileValidation=False
    )
    check = STEP.check(acct)
    assert check.status is Status.FAIL
    assert check.summary.startswith("No multi-Region trail")
    plan = STEP.plan(acct, options(acct, trail_name="org-audit"))
    assert actions(plan) == ["cloudtrail:UpdateTrail"]
    assert "IsMultiRegionTrail" in plan.changes[0].why
    STEP.apply(acct, plan, no_progress)
    assert recheck(acct).passed
    assert len(trails(acct)) == 1


def test_rotation_off_on_the_trail_key_is_turned_back_on(account: Any) -> None:
    acct = account("done")
    key_arn = trails(acct)[0]["KmsKeyId"]
    acct.client("kms").disable_key_rotation(KeyId=key_arn)
    check = STEP.check(acct)
    assert "rotation" in check.summary
    plan = STEP.plan(acct, options(acct))
    assert actions(plan) == ["kms:EnableKeyRotation"]
    assert plan.changes[0].resource == key_arn
    STEP.apply(acct, plan, no_progress)
    assert recheck(acct).passed


def test_multi_region_trail_homed_elsewhere_counts_and_is_not_duplicated(account: Any) -> None:
    acct = account("fresh")
    other = "eu-west-1" if acct.region != "eu-west-1" else "us-west-2"
    frozen = acct.credentials().get_frozen_credentials()
    elsewhere = boto3.session.Session(
        aws_access_key_id=frozen.access_key,
        aws_secret_access_key=frozen.secret_key,
        aws_session_token=frozen.token,
    )
    s3 = elsewhere.client("s3", region_name=other, endpoint_url=acct.endpoint_url)
    cloudtrail = elsewhere.client("cloudtrail", region_name=other, endpoint_url=acct.endpoint_url)
    bucket = f"shadow-logs-{acct.account_id}"
    trail_arn = f"arn:aws:cloudtrail:{other}:{acct.account_id}:trail/shadow"
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": other})
    policy = assets.policy(
        "cloudtrail-bucket",
        key_prefix="",
        partition="aws",
        bucket=bucket,
        trail_arn=trail_arn,
        account_id=acct.account_id,
    )
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    cloudtrail.create_trail(Name="shadow", S3BucketName=bucket, IsMultiRegionTrail=True)

    check = STEP.check(acct)
    assert check.status is Status.FAIL  # read, not unknown: status read from its home Region
    assert check.evidence["trail_name"] == "shadow"
    assert check.evidence["home_region"] == other
    with pytest.raises(WizardError, match=f"--region {other}"):
        STEP.plan(acct, options(acct))


# -- interrupted runs ----------------------------------------------------------------------


def test_interrupted_after_the_bucket_steps_finishes_without_duplicates(account: Any) -> None:
    acct = account("fresh")
    opts = options(acct)
    plan = STEP.plan(acct, opts)
    STEP.apply(acct, replace(plan, changes=plan.changes[:4]), no_progress)

    assert recheck(acct).status is Status.FAIL
    resumed = STEP.plan(acct, opts)
    assert actions(resumed) == KMS_ACTIONS + TRAIL_ACTIONS
    STEP.apply(acct, resumed, no_progress)

    assert recheck(acct).passed
    assert len(trails(acct)) == 1
    assert len(keys_aliased(acct, "alias/account-trail")) == 1
    assert STEP.plan(acct, opts).empty


def test_interrupted_after_the_alias_reuses_the_key(account: Any) -> None:
    acct = account("fresh")
    opts = options(acct)
    plan = STEP.plan(acct, opts)
    STEP.apply(acct, replace(plan, changes=plan.changes[:6]), no_progress)

    resumed = STEP.plan(acct, opts)
    assert actions(resumed) == ["kms:EnableKeyRotation", *TRAIL_ACTIONS]
    assert any("Reusing KMS key" in note for note in resumed.notes)
    STEP.apply(acct, resumed, no_progress)

    assert recheck(acct).passed
    assert len(acct.client("kms").list_keys()["Keys"]) == 1


def test_interrupted_after_create_trail_finishes(account: Any) -> None:
    acct = account("fresh")
    opts = options(acct)
    plan = STEP.plan(acct, opts)
    STEP.apply(acct, replace(plan, changes=plan.changes[:-1]), no_progress)

    resumed = STEP.plan(acct, opts)
    assert actions(resumed) == ["cloudtrail:StartLogging"]
    STEP.apply(acct, resumed, no_progress)
    assert recheck(acct).passed
    assert len(trails(acct)) == 1


# -- could not read --------------------------------------------------------------------------


def test_access_denied_on_trail_status_is_unknown(account: Any) -> None:
    acct = account("done")
    deny(acct, "cloudtrail", "GetTrailStatus")
    check = STEP.check(acct)
    assert check.status is Status.UNKNOWN
    assert "org-audit" in check.summary and "denied" in check.summary
    with pytest.raises(WizardError):
        STEP.plan(acct, options(acct))


def test_throttled_describe_trails_is_unknown(account: Any) -> None:
    acct = account("fresh")
    deny(acct, "cloudtrail", "DescribeTrails", code="ThrottlingException")
    check = STEP.check(acct)
    assert check.status is Status.UNKNOWN
    assert "throttling" in check.summary


def test_unreadable_bucket_is_unknown_for_that_part(account: Any) -> None:
    acct = account("drifted")
    deny(acct, "s3", "GetBucketPolicy")
    check = STEP.check(acct)
    assert check.status is Status.UNKNOWN
    assert "another account" in check.summary
    assert "logging is stopped" in check.summary  # what was read is still reported
    requirements = check.evidence["requirements"]
    assert requirements["bucket_policy_ok"] is None
    assert requirements["is_logging"] is False


def test_bucket_name_owned_by_another_account_is_refused_before_any_write(account: Any) -> None:
    acct = account("fresh")
    deny(acct, "s3", "HeadBucket", code="403")
    calls = count_calls(acct)
    with pytest.raises(WizardError, match="--trail-bucket"):
        STEP.plan(acct, options(acct))
    writes = [name for name in calls if not name.startswith(("Get", "Describe", "Head", "List"))]
    assert writes == []


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"trail_name": "ab"}, "Trail name"),
        ({"trail_name": "my trail"}, "Trail name"),
        ({"trail_name": "a--b"}, "Trail name"),
        ({"bucket_name": "Upper_Case"}, "Log bucket"),
        ({"bucket_name": "xn--bucket"}, "Log bucket"),
        ({"kms_alias": "account-trail"}, "KMS key alias"),
        ({"kms_alias": "alias/aws/cloudtrail"}, "KMS key alias"),
        ({"use_kms": "perhaps"}, "KMS"),
        ({"trail": "x"}, "Unknown option"),
    ],
)
def test_invalid_options_are_refused_before_any_call(given: dict[str, Any], message: str) -> None:
    with pytest.raises(OptionError, match=message):
        resolve(STEP.options, given, "123456789012", "us-east-1")


# -- the judgements, without an account ------------------------------------------------------

TRAIL = Trail(
    name="t-one",
    arn="arn:aws:cloudtrail:us-east-1:111122223333:trail/t-one",
    home_region="us-east-1",
    bucket="logs-bucket",
    multi_region=True,
    global_events=True,
    validation=True,
    kms_key_id=None,
)


def template(trail_arn: str = TRAIL.arn) -> dict[str, Any]:
    return assets.policy(
        "cloudtrail-bucket",
        key_prefix="",
        partition="aws",
        bucket="logs-bucket",
        trail_arn=trail_arn,
        account_id="111122223333",
    )


def test_bucket_policy_judgement() -> None:
    assert bucket_policy_ok(template(), "logs-bucket", TRAIL)
    assert not bucket_policy_ok(None, "logs-bucket", TRAIL)
    other_trail = template("arn:aws:cloudtrail:us-east-1:111122223333:trail/other")
    assert not bucket_policy_ok(other_trail, "logs-bucket", TRAIL)
    assert not bucket_policy_ok(template(), "another-bucket", TRAIL)
    broad = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": ["cloudtrail.amazonaws.com"]},
                "Action": "s3:*",
                "Resource": ["arn:aws:s3:::logs-bucket", "arn:aws:s3:::logs-bucket/*"],
            }
        ]
    }
    assert bucket_policy_ok(broad, "logs-bucket", TRAIL)


def test_merged_policy_replaces_our_statements_and_keeps_others() -> None:
    own = {"Sid": "Mine", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}
    stale = {"Sid": "AWSCloudTrailWrite", "Effect": "Allow"}
    merged = merged_policy({"Statement": [own, stale]}, template())
    assert merged["Statement"][0] == own
    assert stale not in merged["Statement"]
    assert len(merged["Statement"]) == 1 + len(template()["Statement"])


def test_event_selector_judgement() -> None:
    classic = {"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": True}]}
    assert records_all_management_events(classic)
    write_only = {
        "EventSelectors": [{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}]
    }
    assert not records_all_management_events(write_only)
    excluded = {
        "EventSelectors": [
            {
                "ReadWriteType": "All",
                "IncludeManagementEvents": True,
                "ExcludeManagementEventSources": ["kms.amazonaws.com"],
            }
        ]
    }
    assert not records_all_management_events(excluded)
    management = {"Field": "eventCategory", "Equals": ["Management"]}
    advanced = {"AdvancedEventSelectors": [{"FieldSelectors": [management]}]}
    assert records_all_management_events(advanced)
    read_only = {"Field": "readOnly", "Equals": ["true"]}
    filtered = {"AdvancedEventSelectors": [{"FieldSelectors": [management, read_only]}]}
    assert not records_all_management_events(filtered)
    assert not records_all_management_events({})


def test_fixed_selectors_keep_data_events() -> None:
    data = {
        "ReadWriteType": "WriteOnly",
        "IncludeManagementEvents": True,
        "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}],
    }
    fixed = fixed_selectors({"EventSelectors": [data]})
    assert records_all_management_events(fixed)
    assert fixed["EventSelectors"][1]["DataResources"] == data["DataResources"]
    data_advanced = {"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]}]}
    fixed = fixed_selectors({"AdvancedEventSelectors": [data_advanced]})
    assert records_all_management_events(fixed)
    assert data_advanced in fixed["AdvancedEventSelectors"]


def test_declared_options_and_why() -> None:
    flags = {option.name: option.flag for option in STEP.options}
    assert flags == {
        "trail_name": "--trail-name",
        "bucket_name": "--trail-bucket",
        "use_kms": "--kms",
        "kms_alias": "--kms-alias",
    }
    assert "CloudTrail User Guide" in STEP.why()
