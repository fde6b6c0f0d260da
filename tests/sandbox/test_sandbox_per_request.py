"""What the sandbox works out once instead of per request gives moto's own answers."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from moto.core import responses as moto_responses
from moto.core import utils as moto_utils
from moto.iam import models as iam_models
from moto.iam.responses import IamResponse
from moto.s3.responses import S3Response
from moto.sts.responses import TokenResponse
from moto.utilities.utils import ARN_PARTITION_REGEX

from aws_setup_wizard.sandbox import Sandbox, action_names, backends, managed_policies


def test_each_class_gets_moto_s_own_action_names() -> None:
    for clazz in (IamResponse, S3Response, TokenResponse):
        assert action_names.method_names(clazz) == set(moto_utils.method_names_from_class(clazz))


def test_a_class_is_looked_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    looked: list[object] = []

    def counted(clazz: object) -> list[str]:
        looked.append(clazz)
        return ["get_user"]

    monkeypatch.setattr(action_names, "_MOTO_METHOD_NAMES", counted)
    monkeypatch.setattr(action_names, "_names_by_class", {})
    for _ in range(3):
        assert "get_user" in action_names.method_names(IamResponse)
    assert looked == [IamResponse]


def test_the_server_answers_moto_s_question_from_memory(sandbox_server: Sandbox) -> None:
    # Made by the sandbox's server (the session's, already running).
    assert moto_responses.method_names_from_class is action_names.method_names


def test_the_summary_counts_customer_policies_as_moto_does(
    account: Any, sandbox_server: Sandbox
) -> None:
    acct = account("fresh", "root")
    iam = acct.client("iam")
    document = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
        }
    )
    for name in ("one", "two"):
        iam.create_policy(PolicyName=name, PolicyDocument=document)
    assert iam.get_account_summary()["SummaryMap"]["Policies"] == 2
    backend = backends.iam(acct.account_id)
    motos = [
        arn
        for arn in backend.managed_policies
        if not re.match(ARN_PARTITION_REGEX + ":iam::aws:policy", arn)
    ]
    assert len(backend.managed_policies) > 1000  # every AWS managed policy is there too
    assert backend.account_summary._policies == len(motos) == 2
    assert iam_models.AccountSummary._policies.fget is managed_policies._customer_policy_count
