"""Shared fixtures: one sandbox account per test session, reset per test; no real AWS ever."""

from __future__ import annotations

import os
import socket
import tempfile
from collections.abc import Callable, Iterator

import botocore.endpoint
import pytest

from aws_setup_wizard.account import Account
from aws_setup_wizard.sandbox import Realism, Sandbox
from aws_setup_wizard.sdk import loader as trimmed_models
from tests.sandbox_accounts import account_on

# Keep the developer's own AWS configuration out of every test.
for _name in list(os.environ):
    if _name.startswith("AWS_") or _name.startswith("SANDBOX_"):
        del os.environ[_name]
# Every sandbox gets a random account ID unless one is fixed: the tests (and the SVG snapshots)
# expect 210987654321, so fix it here, where sandboxes started by a subprocess inherit it too.
# Tests of the random IDs remove it (monkeypatch.delenv, or a subprocess's clean environment).
os.environ["SANDBOX_ACCOUNT_ID"] = "210987654321"
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
# Every operation called through a client made by the tool is in the trimmed service models: one
# left out fails the test that calls it (see aws_setup_wizard.sdk.loader), in this process and in
# the commands tests start.
os.environ[trimmed_models.MODE_ENV] = "strict"
# Never the developer's own keyring or state: secrets stay in memory, the journal in a temp dir.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="aws-setup-wizard-state-")

_LOCAL = {"127.0.0.1", "localhost", "::1"}


@pytest.fixture(autouse=True)
def _no_real_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any attempt to reach a host other than loopback (a real AWS endpoint above all)."""
    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in _LOCAL and self.family != socket.AF_UNIX:
            raise AssertionError(f"test tried to reach {address!r}: only the sandbox is allowed")
        return real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)

    real_send = botocore.endpoint.Endpoint._send

    def guarded_send(self: botocore.endpoint.Endpoint, request: object) -> object:
        url = getattr(request, "url", "")
        if "amazonaws.com" in url:
            raise AssertionError(f"test tried to call real AWS: {url}")
        return real_send(self, request)

    monkeypatch.setattr(botocore.endpoint.Endpoint, "_send", guarded_send)


@pytest.fixture(autouse=True)
def _only_trimmed_operations() -> Iterator[None]:
    """No call fell back to botocore's whole model, even one whose failure a test caught."""
    before = len(trimmed_models.LEFT_OUT)
    yield
    left_out = trimmed_models.LEFT_OUT[before:]
    assert not left_out, (
        f"called outside the trimmed service models: {left_out}; add them to "
        "wizard/sdk/kept.py and run 'python -m aws_setup_wizard.sdk.generate'"
    )


@pytest.fixture(autouse=True)
def _own_state_directory(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each test its own journal and locks: one test's unfinished run (a password never shown,
    say) must not change what the next one plans on the same sandbox account ID."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("state")))


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[Sandbox]:
    """The one sandbox server of this test session."""
    with Sandbox("fresh") as running:
        yield running


#: Realistic mode in tests: shorter than the defaults (3 s, 5 s) to keep the suite quick, but
#: long enough that a flow trusting one read after its write fails.
TEST_IAM_LAG = 1.0
TEST_POLICY_WINDOW = 1.5


@pytest.fixture
def realistic(sandbox_server: Sandbox) -> Iterator[Realism]:
    """The session's sandbox in realistic mode for one test (IAM lag, bucket-policy window)."""
    settings = Realism(iam_lag=TEST_IAM_LAG, policy_window=TEST_POLICY_WINDOW)
    sandbox_server.set_realism(settings)
    try:
        yield settings
    finally:
        sandbox_server.set_realism(None)


AccountFactory = Callable[..., Account]


@pytest.fixture
def sandbox(sandbox_server: Sandbox) -> Callable[[str], Sandbox]:
    """Reset the session's sandbox to a scenario: ``sandbox("fresh")``."""

    def reset(scenario: str = "fresh") -> Sandbox:
        sandbox_server.reset(scenario)
        return sandbox_server

    return reset


@pytest.fixture
def account(sandbox: Callable[[str], Sandbox]) -> AccountFactory:
    """``account("fresh", "root")``: reset the sandbox and return an Account on it."""

    def make(scenario: str = "fresh", credentials: str = "console") -> Account:
        return account_on(sandbox(scenario), credentials)

    return make
