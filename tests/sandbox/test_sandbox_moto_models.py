"""moto reads lighter models in the sandbox's process and still serves every request as before.

The sandbox gives moto its service models without documentation and answers its questions about
Regions from the process's loader (:mod:`aws_setup_wizard.sandbox.moto_models`). These tests
call operations the wizard's trimmed models leave out, through plain boto3 clients (botocore's
whole models), over HTTP: moto must still parse, route and answer them, errors included.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from aws_setup_wizard.sandbox import moto_models
from aws_setup_wizard.sdk import loader as trimmed


def _trimmed_operations(service: str) -> set[str]:
    return set(trimmed.trimmed_services()[service]["operations"])


@pytest.mark.parametrize(
    ("service", "operations"),
    [
        ("s3", {"PutBucketTagging", "GetBucketTagging", "DeleteBucketTagging"}),
        ("iam", {"TagUser", "ListUserTags"}),
        ("kms", {"UntagResource"}),
    ],
)
def test_the_operations_called_below_are_left_out_of_the_trimmed_models(
    service: str, operations: set[str]
) -> None:
    assert trimmed.trimmed_services(), "the trimmed models are not served in this process"
    assert not operations & _trimmed_operations(service)


def test_s3_routes_and_answers_operations_the_trimmed_model_left_out(
    sandbox_at: Any, client: Any
) -> None:
    s3 = client(sandbox_at("fresh"), "s3")
    s3.create_bucket(Bucket="tagged-bucket")
    # REST-XML: moto finds the operation from the method, path and query among all S3's.
    with pytest.raises(ClientError) as error:
        s3.get_bucket_tagging(Bucket="tagged-bucket")
    assert error.value.response["Error"]["Code"] == "NoSuchTagSet"
    s3.put_bucket_tagging(
        Bucket="tagged-bucket", Tagging={"TagSet": [{"Key": "team", "Value": "ops"}]}
    )
    assert s3.get_bucket_tagging(Bucket="tagged-bucket")["TagSet"] == [
        {"Key": "team", "Value": "ops"}
    ]
    s3.delete_bucket_tagging(Bucket="tagged-bucket")
    with pytest.raises(ClientError) as error:
        s3.get_bucket_tagging(Bucket="tagged-bucket")
    assert error.value.response["Error"]["Code"] == "NoSuchTagSet"


def test_iam_and_kms_parse_and_answer_operations_the_trimmed_models_left_out(
    sandbox_at: Any, client: Any
) -> None:
    sandbox = sandbox_at("fresh")
    iam = client(sandbox, "iam")
    iam.create_user(UserName="tagged")
    iam.tag_user(UserName="tagged", Tags=[{"Key": "team", "Value": "ops"}])
    assert iam.list_user_tags(UserName="tagged")["Tags"] == [{"Key": "team", "Value": "ops"}]
    with pytest.raises(ClientError) as error:
        iam.list_user_tags(UserName="nobody")
    assert error.value.response["Error"]["Code"] == "NoSuchEntity"

    kms = client(sandbox, "kms")
    key = kms.create_key(Tags=[{"TagKey": "team", "TagValue": "ops"}])["KeyMetadata"]["KeyId"]
    kms.untag_resource(KeyId=key, TagKeys=["team"])
    assert kms.list_resource_tags(KeyId=key)["Tags"] == []


def test_moto_reads_every_operation_and_shape_without_documentation(sandbox_at: Any) -> None:
    from moto.core import loaders as moto_loaders
    from moto.core.utils import get_service_model

    sandbox_at("fresh")
    for service in ("iam", "s3"):
        # What moto's own loader reads: botocore's whole model with moto's extras merged.
        whole = moto_loaders.create_loader().load_service_model(service, "service-2")
        served = get_service_model(service)
        description = served._service_description  # type: ignore[attr-defined]
        assert description == moto_models.without_docs(whole)
        assert set(served.operation_names) == set(whole["operations"])
        assert set(served.shape_names) == set(whole["shapes"])
        assert served.metadata == whole["metadata"]
        assert "documentation" not in description
        assert not [op for op in description["operations"].values() if "documentation" in op]
        assert not [s for s in description["shapes"].values() if "documentation" in s]


def _strings(item: Any) -> list[str]:
    if isinstance(item, dict):
        return [s for key, value in item.items() for s in [key, *_strings(value)]]
    if isinstance(item, list):
        return [s for value in item for s in _strings(value)]
    return [item] if isinstance(item, str) else []


def test_moto_s_models_hold_each_distinct_string_once(sandbox_at: Any) -> None:
    from moto.core import loaders as moto_loaders
    from moto.core.utils import get_service_model

    sandbox_at("fresh")
    whole = moto_loaders.create_loader().load_service_model("s3", "service-2")
    described = get_service_model("s3")._service_description  # type: ignore[attr-defined]
    strings = _strings(described)
    # Equal to what moto reads (documentation aside), and each value one object.
    assert described == moto_models.without_docs(whole)
    assert len({id(s) for s in strings}) == len(set(strings)) < len(strings)
    # moto's own parse holds repeated values as separate objects: the saving is real.
    parsed = _strings(moto_models.without_docs(whole))
    assert len({id(s) for s in parsed}) > len(set(parsed))


def test_interned_is_equal_and_keeps_types() -> None:
    item = {"a": ["x", 1, 2.5, None, True, {"b": "x"}], "c": {}}
    out = moto_models.interned(item)
    assert out == item
    assert out["a"][0] is out["a"][5]["b"]
    assert out["a"][4] is True and out["a"][3] is None


def test_without_docs_keeps_a_member_called_documentation() -> None:
    model = {
        "documentation": "prose",
        "metadata": {"protocol": "json"},
        "operations": {"Op": {"name": "Op", "documentation": "x", "input": {"shape": "In"}}},
        "shapes": {
            "In": {
                "type": "structure",
                "documentation": "prose",
                "members": {"documentation": {"shape": "S", "documentation": "prose"}},
            },
            "S": {"type": "string", "documentation": "prose"},
        },
    }
    assert moto_models.without_docs(model) == {
        "metadata": {"protocol": "json"},
        "operations": {"Op": {"name": "Op", "input": {"shape": "In"}}},
        "shapes": {
            "In": {"type": "structure", "members": {"documentation": {"shape": "S"}}},
            "S": {"type": "string"},
        },
    }


@pytest.mark.parametrize("service", ["cloudtrail", "kms", "events", "s3", "dynamodb"])
def test_moto_learns_the_same_regions_as_from_its_own_boto3_session(
    sandbox_at: Any, service: str
) -> None:
    from moto.core.base_backend import AccountSpecificBackend

    sandbox_at("fresh")
    theirs = boto3.Session(region_name="us-east-1")
    ours = AccountSpecificBackend.get_session()
    assert ours.get_available_partitions() == theirs.get_available_partitions()
    for partition in theirs.get_available_partitions():
        assert ours.get_available_regions(
            service, partition_name=partition
        ) == theirs.get_available_regions(service, partition_name=partition)


def test_a_backend_made_after_the_sandbox_started_has_every_region(
    sandbox_at: Any, client: Any
) -> None:
    from moto.cloudtrail.models import cloudtrail_backends

    sandbox = sandbox_at("fresh")
    expected = boto3.Session().get_available_regions("cloudtrail")
    # The first CloudTrail request of an account makes its backends, learning their Regions.
    assert client(sandbox, "cloudtrail").describe_trails()["trailList"] == []
    assert set(expected) <= set(cloudtrail_backends[sandbox.account_id].regions)


def test_the_real_aws_path_imports_no_moto_and_leaves_botocore_alone() -> None:
    """A run against real AWS makes its clients without the sandbox: moto is never imported,
    botocore's loader keeps its own methods and the process's loader its search paths."""
    script = """
import sys, botocore.loaders
before = dict(vars(botocore.loaders.Loader))
from aws_setup_wizard.sdk import session
s = session.process_session()
session.create_client(s, "iam", region_name="us-east-1",
                      credentials=("AKIAIOSFODNN7EXAMPLE", "x" * 40, None))
session.create_client(s, "cloudtrail", region_name="eu-west-1",
                      credentials=("AKIAIOSFODNN7EXAMPLE", "x" * 40, None))
assert "moto" not in sys.modules, sorted(m for m in sys.modules if m.startswith("moto"))
assert "aws_setup_wizard.sandbox.moto_models" not in sys.modules
assert dict(vars(botocore.loaders.Loader)) == before
assert session.loader(None).search_paths[-1] == botocore.loaders.Loader.BUILTIN_DATA_PATH
print("untouched")
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "untouched"


def test_the_shared_loader_keeps_its_search_paths_in_the_sandbox(sandbox_at: Any) -> None:
    """moto's Regions session is botocore's, not boto3's: boto3 would add its resource models'
    folder to the shared loader, and the wizard's clients would stop using trimmed models."""
    from aws_setup_wizard.sdk import session

    sandbox_at("fresh")
    moto_models.regions_session().get_available_regions("iam")
    assert not any("boto3" in path for path in session.loader(None).search_paths)
    assert session.loader(None).served_version("iam") is not None


def test_parameter_store_in_the_sandbox_does_not_load_moto_s_ec2() -> None:
    """Every sandbox verify reads the declined steps from Parameter Store: moto's SSM must not
    bring moto's EC2 (1.8 s, 170 MiB) with it; EC2 itself still loads when an EC2 call comes."""
    script = """
import sys
from aws_setup_wizard.sandbox import Sandbox
from tests.sandbox_accounts import account_on
with Sandbox("fresh") as box:
    ssm = account_on(box).client("ssm")
    ssm.put_parameter(Name="/setup-wizard/probe", Value="on", Type="String")
    assert ssm.get_parameter(Name="/setup-wizard/probe")["Parameter"]["Value"] == "on"
    assert "moto.ec2.models" not in sys.modules, "moto's EC2 was loaded by SSM"
    ec2 = account_on(box).client("ec2")
    assert ec2.describe_vpcs()["Vpcs"]  # moto's own EC2 answers this (its default VPC)
    assert "moto.ec2.models" in sys.modules
print("ssm without ec2")
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ssm without ec2"
