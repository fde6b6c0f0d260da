"""Server certificates checked against a CA bundle parsed once per process, not per connection.

botocore names its CA bundle (``verify``, ``AWS_CA_BUNDLE``, ``ca_bundle`` or its default) on
each HTTPS connection pool, and urllib3 parses that file into the pool's SSL context every time
it opens a connection (``ssl_wrap_socket`` calls ``SSLContext.load_verify_locations``): 20-30 ms
of CPU for the 220-235 KB bundles of certifi and Debian (botocore issue 3171, "Performance
issue due to SSLContext being recreated over and over"). Each client has pools of its own, and
a verify of every step against AWS opens at least one connection per client, some 60 of them:
over a second of CPU spent reading the same file again.

Each client's HTTPS pools here make :class:`TrustOnceConnection` s. When a connection is about
to verify the server (``CERT_REQUIRED``) against a CA *file*, with no CA directory, no CA data
and no client certificate, it takes the process's SSL context for that file instead: made by
botocore's own ``create_urllib3_context`` and loaded once per file (its real path, size and
modification time, so an edited bundle is read again), and urllib3 is given no file to parse.
The server is verified exactly as before, against the same certificates, with the same
hostname check (urllib3 and ``ssl`` do both, per connection). Anything else (verification off,
a CA directory, a client certificate, a file that cannot be read) goes botocore's and
urllib3's own way, errors included. Sharing a context between connections and threads is what
a botocore pool already does with its own.

botocore also makes an SSL context for each client's HTTP session as the client is made, about
0.3 ms of CPU and 18 KB each, whether or not it is ever used: and it is not, for a client of a
plain-HTTP endpoint (the sandbox) nor for one whose connections take the once-parsed bundle's
context (every client against AWS with the default settings). A verify of every step makes 64
clients. A client made by the process's session (:mod:`aws_setup_wizard.sdk.session`) is given
a :class:`ContextOnDemand` instead (:func:`context_on_demand`): botocore's own context for that
session, made by botocore's own method the first time anything uses it, and then the same
object for every connection of the session, as botocore shares it.
"""

from __future__ import annotations

import os
import ssl
import threading
from collections.abc import Callable
from functools import partial
from typing import Any

from botocore.awsrequest import AWSHTTPSConnection, AWSHTTPSConnectionPool
from botocore.httpsession import create_urllib3_context
from urllib3.util.ssl_ import resolve_cert_reqs

_lock = threading.Lock()
_contexts: dict[tuple[str, int, int], ssl.SSLContext] = {}


def trusted_context(ca_file: str) -> ssl.SSLContext | None:
    """The process's SSL context trusting exactly ``ca_file``, loaded on first use.

    ``None`` when the file cannot be read or parsed: the caller then lets urllib3 load it,
    which raises the error an owner would have seen without this module.
    """
    try:
        path = os.path.realpath(os.path.expanduser(ca_file))
        found = os.stat(path)
    except OSError:
        return None
    key = (path, found.st_size, found.st_mtime_ns)
    with _lock:
        context = _contexts.get(key)
        if context is None:
            context = create_urllib3_context()
            try:
                context.load_verify_locations(path)
            except (ssl.SSLError, OSError, ValueError):
                return None
            _contexts[key] = context
        return context


def loaded_bundles() -> int:
    """How many CA bundles this process has parsed here (for tests and benchmarks)."""
    with _lock:
        return len(_contexts)


class ContextOnDemand:
    """An HTTP session's SSL context, made by ``make`` (botocore's own method) on first use.

    It stands where botocore keeps the context (the session's pool manager hands it to each
    HTTPS pool and connection): any attribute read or set reaches the real context, made then
    (once, under a lock), so a path that was never expected to touch it still gets botocore's
    context with botocore's settings. :class:`TrustOnceConnection` swaps it for the real one
    before connecting.
    """

    __slots__ = ("_make", "_lock", "_context")

    def __init__(self, make: Callable[[], ssl.SSLContext]) -> None:
        object.__setattr__(self, "_make", make)
        object.__setattr__(self, "_lock", threading.Lock())
        object.__setattr__(self, "_context", None)

    @property
    def made(self) -> bool:
        """Whether the real context exists yet."""
        return self._context is not None

    def context(self) -> ssl.SSLContext:
        """The real context: made on the first call, the same object on every later one."""
        made: ssl.SSLContext | None = self._context
        if made is None:
            with self._lock:
                made = self._context
                if made is None:
                    made = self._make()
                    object.__setattr__(self, "_context", made)
        return made

    def __getattr__(self, name: str) -> Any:
        return getattr(self.context(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self.context(), name, value)


def context_on_demand(
    botocores: Callable[[Any], ssl.SSLContext], http_session: Any
) -> ContextOnDemand:
    """``URLLib3Session._get_ssl_context`` while the process session makes a client (botocore's
    is ``botocores``): botocore's context, made when first used."""
    return ContextOnDemand(partial(botocores, http_session))


class TrustOnceConnection(AWSHTTPSConnection):
    """botocore's HTTPS connection, verifying against the once-parsed CA bundle when it can."""

    def connect(self) -> Any:
        """Swap the CA file for the shared context (when nothing else asks for its own), else
        make the session's own context if it was left for later; then connect and verify as
        urllib3 does."""
        ca_file = getattr(self, "ca_certs", None)
        if (
            ca_file
            and not getattr(self, "ca_cert_dir", None)
            and not getattr(self, "ca_cert_data", None)
            and not getattr(self, "cert_file", None)
            and resolve_cert_reqs(getattr(self, "cert_reqs", None)) == ssl.CERT_REQUIRED
        ):
            shared = trusted_context(ca_file)
            if shared is not None:
                self.ssl_context = shared
                self.ca_certs = None
        if isinstance(self.ssl_context, ContextOnDemand):
            self.ssl_context = self.ssl_context.context()
        return super().connect()


class TrustOncePool(AWSHTTPSConnectionPool):
    """botocore's HTTPS pool, making :class:`TrustOnceConnection` s."""

    ConnectionCls = TrustOnceConnection


def trust_once(client: Any) -> None:
    """Make ``client``'s HTTPS connections verify against the once-parsed bundle.

    botocore keeps one pool-class table per client's HTTP session, shared by its pool manager
    and any proxy manager it makes later; only botocore's own HTTPS pool class is replaced, so
    a session of another kind (or a later botocore that changes this) is left as it is.
    """
    http_session = getattr(getattr(client, "_endpoint", None), "http_session", None)
    pools = getattr(http_session, "_pool_classes_by_scheme", None)
    if isinstance(pools, dict) and pools.get("https") is AWSHTTPSConnectionPool:
        pools["https"] = TrustOncePool
