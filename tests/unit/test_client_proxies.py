"""Clients reach AWS through the proxy the environment names, and only then look for one.

``client_config`` tells botocore "no proxy" once when none is configured (botocore would
otherwise scan the environment for each of the ~60 clients of a verify); with ``HTTPS_PROXY``
set, botocore chooses per address as it always does (botocore's ``get_environ_proxies``,
Python's ``urllib.request.getproxies``).
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from aws_setup_wizard.account import Account, client_config

PROXY = "http://proxy.example.test:3128"


@pytest.fixture
def no_proxy_variables(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """An environment with no ``*_proxy`` variable, whatever the developer's shell has."""
    for name in list(os.environ):
        if name.lower().endswith("_proxy"):
            monkeypatch.delenv(name)
    return monkeypatch


def proxy_of(client: Any) -> str | None:
    """The proxy the client's HTTP session sends its own endpoint's requests through."""
    endpoint = client._endpoint
    found: str | None = endpoint.http_session._proxy_config.proxy_url_for(endpoint.host)
    return found


def test_with_no_proxy_configured_clients_use_none(no_proxy_variables: Any) -> None:
    assert client_config().proxies == {}
    account = Account.from_settings(region="eu-west-1", credentials=("AKIDEXAMPLE", "secret", None))
    assert proxy_of(account.client("ec2", "eu-west-2")) is None


def test_a_proxy_in_the_environment_is_used_for_every_client(no_proxy_variables: Any) -> None:
    no_proxy_variables.setenv("HTTPS_PROXY", PROXY)
    assert client_config().proxies is None  # botocore decides per address
    account = Account.from_settings(region="eu-west-1", credentials=("AKIDEXAMPLE", "secret", None))
    assert proxy_of(account.client("ec2", "eu-west-2")) == PROXY
    assert proxy_of(account.client("iam")) == PROXY


def test_no_proxy_still_bypasses_the_proxy_for_its_hosts(no_proxy_variables: Any) -> None:
    no_proxy_variables.setenv("HTTPS_PROXY", PROXY)
    no_proxy_variables.setenv("NO_PROXY", "ec2.eu-west-2.amazonaws.com")
    account = Account.from_settings(region="eu-west-1", credentials=("AKIDEXAMPLE", "secret", None))
    assert proxy_of(account.client("ec2", "eu-west-2")) is None
    assert proxy_of(account.client("ec2", "eu-west-1")) == PROXY
