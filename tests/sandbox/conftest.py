"""Fixtures for the sandbox tests: one sandbox per session, reseeded per test.

Every client is built with the sandbox's endpoint URL and credentials, so no request can
reach a real AWS host.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

from aws_setup_wizard.sandbox import Sandbox, SandboxCredentials

ClientFactory = Callable[..., Any]


@pytest.fixture(scope="session")
def running_sandbox(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    """The session's one sandbox: the shared ``sandbox_server`` when the suite defines one.

    Only one sandbox can run per process, so these tests must not start their own when the
    top-level conftest already does.
    """
    try:
        shared: Sandbox = request.getfixturevalue("sandbox_server")
    except pytest.FixtureLookupError:
        with Sandbox("fresh") as own:
            yield own
        return
    yield shared


@pytest.fixture
def sandbox_at(running_sandbox: Sandbox) -> Callable[[str], Sandbox]:
    """Reset the shared sandbox to a scenario and return it."""

    def reset(scenario: str) -> Sandbox:
        running_sandbox.reset(scenario)
        return running_sandbox

    return reset


def make_client(
    sandbox: Sandbox, service: str, credentials: SandboxCredentials | None = None
) -> Any:
    creds = credentials or sandbox.console_credentials
    return boto3.client(
        service,  # type: ignore[call-overload]
        endpoint_url=sandbox.endpoint_url,
        region_name=sandbox.region,
        aws_access_key_id=creds.access_key_id,
        aws_secret_access_key=creds.secret_access_key,
        aws_session_token=creds.session_token,
        config=Config(retries={"max_attempts": 1}),
    )


@pytest.fixture
def client() -> Callable[..., Any]:
    """``client(sandbox, "iam", creds=None)``: a boto3 client on the sandbox."""
    return make_client


def clean_env(**extra: str) -> dict[str, str]:
    """A subprocess environment: no developer AWS config (the package comes from the install)."""
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "SANDBOX_"))
    }
    env["AWS_CONFIG_FILE"] = os.devnull
    env["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    env.update(extra)
    return env


@pytest.fixture
def cli_env() -> Callable[..., dict[str, str]]:
    """``cli_env(KEY=VALUE, ...)``: a clean environment for a subprocess."""
    return clean_env
