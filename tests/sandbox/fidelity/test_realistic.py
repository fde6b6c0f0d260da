"""Realistic mode: AWS's eventual consistency and CloudTrail's bucket-policy race, over HTTP.

Each test names the AWS documentation it follows. The model is described in
:mod:`aws_setup_wizard.sandbox.realism`.
"""

from __future__ import annotations

import json
import time
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from aws_setup_wizard.sandbox import Realism, Sandbox
from tests.sandbox_accounts import console_clients

# IAM User Guide, "Troubleshoot IAM", section "Changes that I make are not always immediately
# visible":
IAM_EVENTUAL_CONSISTENCY = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html"
    "#troubleshoot_general_eventual-consistency"
)


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def _wait_until_past(seconds: float) -> None:
    time.sleep(seconds + 0.2)


def test_a_read_made_before_an_iam_write_stays_stale_for_the_lag(
    sandbox: Any, realistic: Realism
) -> None:
    """IAM User Guide, "Troubleshoot IAM" → "Changes that I make are not always immediately
    visible": a change "takes time to become visible from all possible endpoints … The change
    might not be visible until the previously cached data times out". A reader polling after its
    own write sees the old answer (here ``NoSuchEntity``) until the lag has passed."""
    box: Sandbox = sandbox("fresh")
    iam = console_clients(box)("iam")
    with pytest.raises(ClientError) as before:
        iam.get_user(UserName="lagging")
    assert _code(before) == "NoSuchEntity"
    written = time.monotonic()
    iam.create_user(UserName="lagging")
    with pytest.raises(ClientError) as stale:
        iam.get_user(UserName="lagging")
    assert _code(stale) == "NoSuchEntity"
    assert time.monotonic() - written < realistic.lag()  # the stale answer came inside the lag
    _wait_until_past(realistic.lag())
    assert iam.get_user(UserName="lagging")["User"]["UserName"] == "lagging"


def test_a_reader_that_never_read_sees_the_new_state_and_writes_are_never_stale(
    sandbox: Any, realistic: Realism
) -> None:
    """IAM User Guide, "Changes that I make are not always immediately visible": the delay is
    in what readers see; the change itself is made (a second create of the same name is
    refused at once with ``EntityAlreadyExists``, as AWS's primary store refuses it)."""
    box: Sandbox = sandbox("fresh")
    iam = console_clients(box)("iam")
    iam.list_groups()
    iam.create_group(GroupName="Fresh")
    assert iam.list_groups()["Groups"] == []  # asked before the write: the old answer
    assert iam.get_group(GroupName="Fresh")["Group"]["GroupName"] == "Fresh"  # never asked
    with pytest.raises(ClientError) as again:
        iam.create_group(GroupName="Fresh")
    assert _code(again) == "EntityAlreadyExists"


def test_a_refused_write_starts_no_lag(sandbox: Any, realistic: Realism) -> None:
    """IAM User Guide, "Changes that I make are not always immediately visible": only a
    change takes time to propagate; a refused call changed nothing."""
    box: Sandbox = sandbox("fresh")
    iam = console_clients(box)("iam")
    iam.create_user(UserName="early")
    _wait_until_past(realistic.lag())
    assert [u["UserName"] for u in iam.list_users()["Users"]] == ["early"]
    with pytest.raises(ClientError):
        iam.create_user(UserName="early")  # EntityAlreadyExists: nothing changed
    assert [u["UserName"] for u in iam.list_users()["Users"]] == ["early"]


def test_the_root_users_account_summary_lags_a_root_key_deletion(
    sandbox: Any, realistic: Realism
) -> None:
    """IAM User Guide, "Changes that I make are not always immediately visible" (and
    AWS-FACTS: "A deleted key can stay usable for a few seconds"): ``GetAccountSummary``'s
    ``AccountAccessKeysPresent`` may still say 1 just after root's key is deleted."""
    box: Sandbox = sandbox("fresh")
    key = box.root_access_key
    assert key is not None
    iam = console_clients(box)("iam")
    assert iam.get_account_summary()["SummaryMap"]["AccountAccessKeysPresent"] == 1
    root_iam = boto3.client(
        "iam",
        endpoint_url=box.endpoint_url,
        region_name=box.region,
        aws_access_key_id=key.access_key_id,
        aws_secret_access_key=key.secret_access_key,
    )
    root_iam.delete_access_key(AccessKeyId=key.access_key_id)
    assert iam.get_account_summary()["SummaryMap"]["AccountAccessKeysPresent"] == 1  # stale
    _wait_until_past(realistic.lag())
    assert iam.get_account_summary()["SummaryMap"]["AccountAccessKeysPresent"] == 0


def _bucket_with_cloudtrail_policy(box: Sandbox, client: Any, name: str) -> str:
    s3 = client("s3")
    bucket = f"realistic-{box.account_id}"
    s3.create_bucket(Bucket=bucket)
    arn = f"arn:aws:cloudtrail:{box.region}:{box.account_id}:trail/{name}"
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AWSCloudTrailAclCheck",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:GetBucketAcl",
                "Resource": f"arn:aws:s3:::{bucket}",
                "Condition": {"StringEquals": {"aws:SourceArn": arn}},
            },
            {
                "Sid": "AWSCloudTrailWrite",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{bucket}/AWSLogs/{box.account_id}/*",
                "Condition": {
                    "StringEquals": {
                        "s3:x-amz-acl": "bucket-owner-full-control",
                        "aws:SourceArn": arn,
                    }
                },
            },
        ],
    }
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    return bucket


def test_create_trail_right_after_put_bucket_policy_is_refused_until_cloudtrail_sees_it(
    sandbox: Any, realistic: Realism
) -> None:
    """CloudTrail API Reference, CreateTrail → Errors: ``InsufficientS3BucketPolicyException``
    ("the policy on the S3 bucket is not sufficient"), with AWS's message "Incorrect S3 bucket
    policy is detected for bucket: NAME"; CloudTrail User Guide, "Amazon S3 bucket policy for
    CloudTrail" (the policy used). Met by owners right after writing a correct policy
    (hashicorp/terraform-provider-aws issue 820): the same call succeeds moments later."""
    box: Sandbox = sandbox("fresh")
    client = console_clients(box)
    bucket = _bucket_with_cloudtrail_policy(box, client, "racing")
    cloudtrail = client("cloudtrail")
    with pytest.raises(ClientError) as refused:
        cloudtrail.create_trail(Name="racing", S3BucketName=bucket)
    assert _code(refused) == "InsufficientS3BucketPolicyException"
    assert refused.value.response["Error"]["Message"] == (
        f"Incorrect S3 bucket policy is detected for bucket: {bucket}"
    )
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert cloudtrail.describe_trails()["trailList"] == []  # a definite refusal: nothing made
    _wait_until_past(realistic.window())
    made = cloudtrail.create_trail(Name="racing", S3BucketName=bucket)
    assert made["S3BucketName"] == bucket


def test_update_trail_to_a_bucket_whose_policy_just_changed_is_refused_too(
    sandbox: Any, realistic: Realism
) -> None:
    """CloudTrail API Reference, UpdateTrail → Errors: ``InsufficientS3BucketPolicyException``
    when the trail is pointed at a bucket whose policy CloudTrail does not (yet) accept; an
    UpdateTrail that leaves the bucket alone is not affected."""
    box: Sandbox = sandbox("done")
    client = console_clients(box)
    cloudtrail = client("cloudtrail")
    trail = cloudtrail.describe_trails()["trailList"][0]
    bucket = _bucket_with_cloudtrail_policy(box, client, str(trail["Name"]))
    cloudtrail.update_trail(Name=trail["Name"], IncludeGlobalServiceEvents=True)  # no bucket
    with pytest.raises(ClientError) as refused:
        cloudtrail.update_trail(Name=trail["Name"], S3BucketName=bucket)
    assert _code(refused) == "InsufficientS3BucketPolicyException"
    _wait_until_past(realistic.window())
    cloudtrail.update_trail(Name=trail["Name"], S3BucketName=bucket)


def test_without_realistic_mode_the_sandbox_is_instant(sandbox: Any) -> None:
    """The default sandbox answers at once (IAM and CloudTrail), so ordinary tests stay fast;
    realistic mode is asked for (``--realistic``, the ``realistic`` fixture)."""
    box: Sandbox = sandbox("fresh")
    client = console_clients(box)
    iam = client("iam")
    iam.list_users()
    iam.create_user(UserName="instant")
    assert [u["UserName"] for u in iam.list_users()["Users"]] == ["instant"]
    bucket = _bucket_with_cloudtrail_policy(box, client, "instant")
    client("cloudtrail").create_trail(Name="instant", S3BucketName=bucket)
