"""The sandbox's HTTP server: moto's WSGI app behind the root-account layer, on loopback.

We build our own werkzeug server instead of using moto's ``ThreadedMotoServer`` because we
need three things it does not offer: our middleware in front of moto, a silent request log
(werkzeug's per-request lines on stderr would corrupt a TUI), and port 0 with the OS-chosen
port read back.
"""

from __future__ import annotations

import threading
from typing import Any

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import BaseWSGIServer, make_server

from aws_setup_wizard.sandbox import action_names, arenas, backends, managed_policies, moto_models
from aws_setup_wizard.sandbox.middleware import RootAccountMiddleware
from aws_setup_wizard.sandbox.state import SandboxAccounts


class QuietRequestHandler(MotoRequestHandler):
    """moto's request handler (it keeps underscore headers S3 needs) with logging removed."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        """Say nothing about each request."""

    def log_error(self, *args: Any) -> None:
        """Say nothing about client disconnects and the like."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base class name
        """Say nothing at all."""

    def log(self, type: str, message: str, *args: Any) -> None:  # noqa: A002
        """Werkzeug's own logging entry point: silent too."""


class RememberingDispatcher(DomainDispatcherApplication):
    """moto's dispatcher, remembering which of its backends serves each host.

    moto answers "which backend serves this host?" by listing its own package folder (about 200
    ``listdir``/``isdir`` calls, ``moto.backends.list_of_moto_modules``), then matching URL
    patterns; twice for most requests, and under the one lock every request thread shares. That
    cost a few milliseconds per request, with the sandbox's other requests queued behind it.
    The answer depends on the host alone, and moto's files do not change while it runs, so each
    host is worked out once.
    """

    #: Hosts come from what a request says (its signature's service and Region): a bound keeps a
    #: stream of made-up ones from growing the memory without end (past it, nothing is kept).
    MOST_REMEMBERED = 4096

    def __init__(self, create_app: Any) -> None:
        super().__init__(create_app)
        self._backend_by_host: dict[str | None, Any] = {}

    def get_backend_for_host(self, host: str | None) -> Any:
        """moto's answer for ``host``, worked out once (moto calls this under its lock)."""
        if host in self._backend_by_host:
            return self._backend_by_host[host]
        backend = super().get_backend_for_host(host)
        if len(self._backend_by_host) < self.MOST_REMEMBERED:
            self._backend_by_host[host] = backend
        return backend


class SandboxServer:
    """moto + root-account layer served on a background thread."""

    def __init__(
        self, accounts: SandboxAccounts, host: str, port: int, region: str, secret: str
    ) -> None:
        # Before the first server thread: one C heap for all threads, not one per thread.
        arenas.limit()
        # Before moto serves anything: it reads its models and Regions without dead weight.
        moto_models.install()
        # ... and asks which actions a response class has once per class, not per request.
        action_names.install()
        # ... and every IAM backend's AWS managed policies keep their documents compressed.
        managed_policies.install()
        backends.reset_all()
        self.middleware = RootAccountMiddleware(
            RememberingDispatcher(create_backend_app), accounts, region, secret
        )
        self._server: BaseWSGIServer = make_server(
            host, port, self.middleware, threaded=True, request_handler=QuietRequestHandler
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="aws-sandbox", daemon=True
        )

    @property
    def port(self) -> int:
        """The port the server listens on (the OS's choice when 0 was asked for)."""
        return int(self._server.server_address[1])

    def start(self) -> None:
        """Start answering requests (the socket is already bound)."""
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and release the port."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def reset(self, accounts: SandboxAccounts) -> None:
        """Wipe moto's state (every account) and put the new set of accounts in place."""
        backends.reset_all()
        self.middleware.accounts = accounts
