"""SSM Parameter Store in the sandbox answers as AWS does for what declined steps use."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

NAME = "/setup-wizard/declined/example"


def refused(call: Any, **params: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as raised:
        call(**params)
    error: dict[str, Any] = raised.value.response["Error"]
    return error


def test_parameter_store_answers_as_aws(sandbox_at: Any, client: Any) -> None:
    ssm = client(sandbox_at("fresh"), "ssm")
    first = ssm.put_parameter(Name=NAME, Value="a", Type="String", Tier="Standard")
    assert (first["Version"], first["Tier"]) == (1, "Standard")
    # Without Overwrite an existing name is refused (API Reference, PutParameter).
    error = refused(ssm.put_parameter, Name=NAME, Value="b", Type="String")
    assert error["Code"] == "ParameterAlreadyExists"
    assert ssm.put_parameter(Name=NAME, Value="b", Type="String", Overwrite=True)["Version"] == 2
    # Names under "aws" are reserved (PutParameter, Name: can't be prefixed with "aws").
    error = refused(ssm.put_parameter, Name="/aws-setup-wizard/x", Value="a", Type="String")
    assert error["Code"] == "AccessDeniedException"
    # GetParametersByPath: at most 10 a page, NextToken for the rest.
    assert refused(ssm.get_parameters_by_path, Path="/setup-wizard/declined/", MaxResults=11)[
        "Code"
    ] == ("ValidationException")
    for number in range(11):
        ssm.put_parameter(Name=f"{NAME}-{number}", Value="v", Type="String")
    page = ssm.get_parameters_by_path(Path="/setup-wizard/declined/")
    assert len(page["Parameters"]) == 10 and page["NextToken"]
    rest = ssm.get_parameters_by_path(Path="/setup-wizard/declined/", NextToken=page["NextToken"])
    assert len(rest["Parameters"]) == 2 and "NextToken" not in rest
    ssm.delete_parameter(Name=NAME)
    assert refused(ssm.delete_parameter, Name=NAME)["Code"] == "ParameterNotFound"


def test_a_standard_value_over_4096_characters_is_refused(sandbox_at: Any, client: Any) -> None:
    ssm = client(sandbox_at("fresh"), "ssm")
    for tier in ({"Tier": "Standard"}, {}):
        error = refused(ssm.put_parameter, Name=NAME, Value="x" * 4097, Type="String", **tier)
        assert error["Code"] == "ValidationException"
        assert "maximum parameter value of 4096 characters" in error["Message"]
    with pytest.raises(ClientError):
        ssm.get_parameter(Name=NAME)  # nothing was stored
    ssm.put_parameter(Name=NAME, Value="x" * 4096, Type="String")
    assert len(ssm.get_parameter(Name=NAME)["Parameter"]["Value"]) == 4096
