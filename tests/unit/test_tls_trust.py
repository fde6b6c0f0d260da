"""HTTPS servers are verified as strictly as before, against a CA bundle parsed once per process.

Over real TLS on loopback (:mod:`tests.tls_server`), with the bundle named the way an owner
names one (``AWS_CA_BUNDLE``): many clients parse it once; a server its authorities did not sign,
or whose certificate does not name the host, is still refused (:mod:`aws_setup_wizard.sdk.trust`).
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import SSLError

from aws_setup_wizard.account import Account
from aws_setup_wizard.sdk import trust
from tests.tls_server import Authority, make_authority, tls_endpoint

REGIONS = ("eu-west-1", "eu-west-2", "eu-west-3", "us-east-2", "ap-south-1")
KEYS = ("AKIDEXAMPLE", "secret", None)


@pytest.fixture
def authority(tmp_path: Path) -> Authority:
    """A certificate authority of the test's own."""
    return make_authority(tmp_path)


@pytest.fixture
def endpoint(authority: Authority, tmp_path: Path) -> Iterator[str]:
    """An HTTPS endpoint whose certificate ``authority`` signed, for ``localhost``."""
    with tls_endpoint(authority, tmp_path) as url:
        yield url


@pytest.fixture
def bundle_loads(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every CA file parsed into an SSL context from now on (botocore's, urllib3's or ours)."""
    loaded: list[Any] = []
    real = ssl.SSLContext.load_verify_locations

    def counted(self: ssl.SSLContext, *args: Any, **kwargs: Any) -> None:
        loaded.append(args[0] if args else kwargs.get("cafile"))
        real(self, *args, **kwargs)

    monkeypatch.setattr(ssl.SSLContext, "load_verify_locations", counted)
    return loaded


def account_trusting(bundle: Path, endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Account:
    """An account whose CA bundle is ``bundle``, named as an owner would (``AWS_CA_BUNDLE``)."""
    monkeypatch.setenv("AWS_CA_BUNDLE", str(bundle))
    return Account.from_settings(region="eu-west-1", endpoint_url=endpoint, credentials=KEYS)


def test_many_clients_parse_the_bundle_once(
    authority: Authority,
    endpoint: str,
    bundle_loads: list[Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    account = account_trusting(authority.bundle, endpoint, monkeypatch)
    for region in REGIONS:
        account.client("kms", region).describe_key(KeyId="alias/any")
        account.client("ssm", region).get_parameters_by_path(Path="/setup-wizard/")
    # Ten clients, each with its own connection: the bundle was read once.
    assert [str(path) for path in bundle_loads] == [str(authority.bundle.resolve())]


def test_an_edited_bundle_is_read_again(
    authority: Authority,
    endpoint: str,
    bundle_loads: list[Any],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    account = account_trusting(authority.bundle, endpoint, monkeypatch)
    account.client("kms", "eu-west-1").describe_key(KeyId="alias/any")
    other = make_authority(tmp_path, "another CA")
    authority.bundle.write_bytes(authority.bundle.read_bytes() + other.bundle.read_bytes())
    account.client("kms", "eu-west-2").describe_key(KeyId="alias/any")
    assert len(bundle_loads) == 2


def test_a_server_another_authority_signed_is_refused(
    endpoint: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    stranger = make_authority(tmp_path, "a stranger's CA")
    account = account_trusting(stranger.bundle, endpoint, monkeypatch)
    with pytest.raises(SSLError, match="CERTIFICATE_VERIFY_FAILED"):
        account.client("kms", "eu-west-1", once=True).describe_key(KeyId="alias/any")
    # The same refusal the second time, from the shared context.
    with pytest.raises(SSLError, match="CERTIFICATE_VERIFY_FAILED"):
        account.client("kms", "eu-west-2", once=True).describe_key(KeyId="alias/any")


def test_a_certificate_for_another_name_is_refused(
    authority: Authority, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with tls_endpoint(authority, tmp_path, names=("kms.example.test",)) as url:
        account = account_trusting(authority.bundle, url, monkeypatch)
        with pytest.raises(SSLError, match="CERTIFICATE_VERIFY_FAILED|match"):
            account.client("kms", "eu-west-1", once=True).describe_key(KeyId="alias/any")


def test_a_bundle_that_cannot_be_read_fails_as_botocore_fails(
    endpoint: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    broken = tmp_path / "not-a-bundle.pem"
    broken.write_text("not a certificate\n")
    assert trust.trusted_context(str(broken)) is None
    account = account_trusting(broken, endpoint, monkeypatch)
    with pytest.raises(SSLError):
        account.client("kms", "eu-west-1", once=True).describe_key(KeyId="alias/any")


def test_every_client_gets_the_trust_once_pool(
    authority: Authority, endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hook reaches botocore's pool table (a botocore that moves it fails here first)."""
    account = account_trusting(authority.bundle, endpoint, monkeypatch)
    client = account.client("kms", "eu-west-1")
    assert client._endpoint.http_session._pool_classes_by_scheme["https"] is trust.TrustOncePool
