"""AWS managed policies: every one of moto's, read over HTTP exactly as moto held them.

The sandbox keeps their documents compressed in one catalogue per process
(:mod:`aws_setup_wizard.sandbox.managed_policies`); these tests compare what IAM answers with
moto's own data, read afresh from its module file.
"""

from __future__ import annotations

import importlib.util
import json
from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import unquote

import moto.iam.aws_managed_policies
import pytest

from aws_setup_wizard.sandbox import managed_policies

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"


@cache
def moto_data() -> dict[str, Any]:
    """moto's managed-policy data as its module holds it (the sandbox let its copy go)."""
    path = moto.iam.aws_managed_policies.__file__
    spec = importlib.util.spec_from_file_location("moto_managed_policies_afresh", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    data: dict[str, Any] = json.loads(module.aws_managed_policies_data)
    return data


def test_the_catalogue_holds_every_policy_as_moto_would(sandbox_at: Any) -> None:
    sandbox_at("fresh")
    catalogue = managed_policies.catalogue()
    assert list(catalogue) == list(moto_data())
    for name, data in moto_data().items():
        entry = catalogue[name]
        assert entry.document == json.dumps(data["Document"]), name
        assert entry.path == data.get("Path")
        assert entry.default_version_id == data.get("DefaultVersionId")
        assert entry.create_date == datetime.fromisoformat(data["CreateDate"])
        assert entry.update_date == datetime.fromisoformat(data["UpdateDate"])


def test_every_aws_managed_policy_is_listed(sandbox_at: Any, client: Any) -> None:
    iam = client(sandbox_at("fresh"), "iam")
    listed = [
        policy["Arn"]
        for page in iam.get_paginator("list_policies").paginate(Scope="AWS")
        for policy in page["Policies"]
    ]
    expected = {f"arn:aws:iam::aws:policy{p['Path']}{name}" for name, p in moto_data().items()}
    assert len(listed) == len(expected) == len(moto_data())
    assert set(listed) == expected == managed_policies.arns()


@pytest.mark.parametrize("name", ["AdministratorAccess", "ReadOnlyAccess", "IAMUserChangePassword"])
def test_a_policy_and_its_document_read_as_moto_held_them(
    sandbox_at: Any, client: Any, name: str
) -> None:
    iam = client(sandbox_at("fresh"), "iam")
    data = moto_data()[name]
    arn = f"arn:aws:iam::aws:policy{data['Path']}{name}"
    policy = iam.get_policy(PolicyArn=arn)["Policy"]
    assert (policy["PolicyName"], policy["Path"]) == (name, data["Path"])
    assert policy["DefaultVersionId"] == data["DefaultVersionId"]
    version = iam.get_policy_version(PolicyArn=arn, VersionId=data["DefaultVersionId"])
    document = version["PolicyVersion"]["Document"]
    # botocore decodes the URL-encoded document into a dict.
    served = document if isinstance(document, dict) else json.loads(unquote(document))
    assert served == data["Document"]
    assert version["PolicyVersion"]["IsDefaultVersion"] is True


def test_an_attached_policy_counts_and_authorizes(sandbox_at: Any, client: Any) -> None:
    iam = client(sandbox_at("fresh"), "iam")
    iam.create_group(GroupName="Admins")
    iam.attach_group_policy(GroupName="Admins", PolicyArn=ADMIN)
    assert iam.get_policy(PolicyArn=ADMIN)["Policy"]["AttachmentCount"] == 1
    details = iam.get_account_authorization_details(Filter=["Group"])["GroupDetailList"]
    assert [p["PolicyArn"] for p in details[0]["AttachedManagedPolicies"]] == [ADMIN]


def test_a_document_set_on_a_catalogued_version_replaces_the_catalogues() -> None:
    version = managed_policies.CataloguedVersion(
        "AdministratorAccess", ADMIN, "v1", datetime(2015, 2, 6)
    )
    assert json.loads(version.document) == moto_data()["AdministratorAccess"]["Document"]
    version.document = '{"Version": "2012-10-17", "Statement": []}'
    assert version.document == '{"Version": "2012-10-17", "Statement": []}'
