"""HTTPS servers are verified as strictly as before, against a CA bundle parsed once per process.

Over real TLS on loopback (:mod:`tests.tls_server`), with the bundle named the way an owner
names one (``AWS_CA_BUNDLE``): many clients parse it once; a server its authorities did not sign,
or whose certificate does not name the host, is still refused (:mod:`aws_setup_wizard.sdk.trust`).
A client makes no SSL context of its own until a connection needs one.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.exceptions import SSLError
from botocore.httpsession import create_urllib3_context

from aws_setup_wizard.account import Account
from aws_setup_wizard.sdk import trust
from aws_setup_wizard.sdk.session import create_client, process_session
from tests.tls_server import Authority, make_authority, plain_endpoint, tls_endpoint

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


@pytest.fixture
def contexts_made(monkeypatch: pytest.MonkeyPatch) -> list[ssl.SSLContext]:
    """Every SSL context made from now on, by anyone (botocore, urllib3 or this project)."""
    made: list[ssl.SSLContext] = []
    real = ssl.SSLContext.__new__

    def counted(cls: type[ssl.SSLContext], *args: Any, **kwargs: Any) -> ssl.SSLContext:
        context = real(cls, *args, **kwargs)
        made.append(context)
        return context

    monkeypatch.setattr(ssl.SSLContext, "__new__", counted)
    return made


def http_session(client: Any) -> Any:
    """botocore's HTTP session of ``client``."""
    return client._endpoint.http_session


def test_clients_of_a_plain_http_endpoint_make_no_ssl_context(
    contexts_made: list[ssl.SSLContext],
) -> None:
    with plain_endpoint() as url:
        account = Account.from_settings(region="eu-west-1", endpoint_url=url, credentials=KEYS)
        for region in REGIONS:
            account.client("kms", region).describe_key(KeyId="alias/any")
    assert contexts_made == []


def test_clients_trusting_the_bundle_make_no_context_of_their_own(
    authority: Authority,
    endpoint: str,
    contexts_made: list[ssl.SSLContext],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    account = account_trusting(authority.bundle, endpoint, monkeypatch)
    clients = [account.client("kms", region) for region in REGIONS]
    for client in clients:
        client.describe_key(KeyId="alias/any")
    # One context, the bundle's, shared by the five clients' connections.
    assert len(contexts_made) == 1
    assert all(not http_session(c)._manager.connection_pool_kw["ssl_context"].made for c in clients)


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_a_session_that_needs_its_own_context_gets_botocores_once(
    endpoint: str, contexts_made: list[ssl.SSLContext]
) -> None:
    """Verification turned off: the server is not checked, with botocore's context, made on
    the first connection and shared by the session's later ones."""
    client = create_client(
        process_session(),
        "kms",
        KEYS,
        region_name="eu-west-1",
        endpoint_url=endpoint,
        verify=False,
    )
    promised = http_session(client)._manager.connection_pool_kw["ssl_context"]
    assert isinstance(promised, trust.ContextOnDemand)
    assert not promised.made and contexts_made == []
    client.describe_key(KeyId="alias/any")
    client._endpoint.http_session._manager.clear()  # the next call opens a new connection
    client.describe_key(KeyId="alias/one-more")
    assert promised.made and contexts_made == [promised.context()]
    botocores = create_urllib3_context()
    assert promised.options == botocores.options
    assert promised.verify_mode == ssl.CERT_NONE  # as urllib3 set it for verify=False


def test_a_session_made_outside_the_process_session_gets_its_context_at_once() -> None:
    client = botocore.session.Session().create_client(
        "kms", region_name="eu-west-1", aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="x"
    )
    made = http_session(client)._manager.connection_pool_kw["ssl_context"]
    assert isinstance(made, ssl.SSLContext)


def test_a_context_on_demand_passes_reads_and_writes_to_the_real_one() -> None:
    promised = trust.ContextOnDemand(create_urllib3_context)
    promised.check_hostname = False
    promised.verify_mode = ssl.CERT_NONE
    assert promised.made
    real = promised.context()
    assert isinstance(real, ssl.SSLContext) and promised.context() is real
    assert (real.check_hostname, real.verify_mode) == (False, ssl.CERT_NONE)
    assert promised.options == real.options
