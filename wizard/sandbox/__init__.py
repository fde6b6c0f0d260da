"""The embedded sandbox: a brand-new AWS account on loopback, for training and tests.

moto's server runs in-process behind a root-account layer that gives it what a real account
has and moto lacks (a root user with access keys, MFA and a console session; AWS's refusals
where moto is lenient). Importing this package is cheap: moto and werkzeug are loaded only
when a :class:`Sandbox` starts.
"""

from __future__ import annotations

import threading
from types import TracebackType
from typing import TYPE_CHECKING

from wizard.sandbox.credentials import SandboxCredentials
from wizard.sandbox.state import RootAccount

if TYPE_CHECKING:
    from wizard.sandbox.server import SandboxServer

__all__ = [
    "SANDBOX_ACCOUNT_ID",
    "SANDBOX_REGION",
    "SCENARIOS",
    "Sandbox",
    "SandboxCredentials",
    "SandboxError",
]

SCENARIOS: tuple[str, ...] = ("fresh", "partial", "drifted", "done")
SANDBOX_REGION = "us-east-1"
#: Deliberately not moto's default 123456789012, so code that assumes that ID shows up.
SANDBOX_ACCOUNT_ID = "210987654321"

_running_lock = threading.Lock()
_running: Sandbox | None = None


class SandboxError(RuntimeError):
    """The sandbox cannot do what was asked (not started, or another one is running)."""


class Sandbox:
    """A new AWS account served on ``http://HOST:PORT``, seeded with a scenario.

    Only one sandbox may run per process: moto keeps its state in process-global backends,
    so two would share (and wipe) each other's accounts. Starting a second raises
    :class:`SandboxError`. Use :meth:`reset` to reseed between tests instead of restarting.
    """

    def __init__(self, scenario: str = "fresh", *, host: str = "127.0.0.1", port: int = 0) -> None:
        _check_scenario(scenario)
        self.scenario = scenario
        self.account_id = SANDBOX_ACCOUNT_ID
        self.region = SANDBOX_REGION
        self._host = host
        self._port = port
        self._server: SandboxServer | None = None
        self._root: RootAccount | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Start the server and seed the scenario; returns once the account is ready."""
        global _running
        with _running_lock:
            if _running is not None:
                raise SandboxError(
                    "A sandbox is already running in this process; moto's state is "
                    "process-wide, so stop it (or reset it) instead of starting another."
                )
            _running = self
        try:
            from wizard.sandbox.server import SandboxServer  # heavy: moto, werkzeug, flask

            self._root = RootAccount(self.account_id)
            self._server = SandboxServer(self._root, self._host, self._port, self.region)
            self._server.start()
            self._seed(self.scenario)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop the server (idempotent). moto's state stays until the next start or reset."""
        global _running
        server, self._server = self._server, None
        if server is not None:
            server.stop()
        with _running_lock:
            if _running is self:
                _running = None

    def reset(self, scenario: str) -> None:
        """Wipe the whole account (moto and root layer) and seed ``scenario``, same endpoint.

        The console session credentials survive a reset, so clients built from :meth:`env`
        keep working; root access keys are new.
        """
        _check_scenario(scenario)
        server = self._require_server()
        previous = self._root.console_session if self._root else None
        self._root = RootAccount(self.account_id, console_session=previous)
        server.reset(self._root)
        self.scenario = scenario
        self._seed(scenario)

    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # -- what clients need ---------------------------------------------------------------------

    @property
    def endpoint_url(self) -> str:
        """``http://HOST:PORT`` of the running sandbox."""
        return f"http://{self._host}:{self._require_server().port}"

    @property
    def root(self) -> RootAccount:
        """The root user's state (for tests and scenarios: e.g. ``enable_hardware_mfa()``)."""
        if self._root is None:
            raise SandboxError("The sandbox has not been started.")
        return self._root

    @property
    def console_credentials(self) -> SandboxCredentials:
        """Root's console session: temporary credentials, like CloudShell signed in as root."""
        return self.root.console_session

    @property
    def root_access_key(self) -> SandboxCredentials | None:
        """Root's (first) current access key, or ``None`` when root has none."""
        keys = self.root.access_keys()
        return keys[0].credentials if keys else None

    def env(self) -> dict[str, str]:
        """Environment variables that point boto3 and the AWS CLI at this sandbox."""
        session = self.console_credentials
        values = {
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": session.access_key_id,
            "AWS_SECRET_ACCESS_KEY": session.secret_access_key,
            "AWS_SESSION_TOKEN": session.session_token or "",
            "AWS_DEFAULT_REGION": self.region,
        }
        key = self.root_access_key
        if key is not None:
            values["SANDBOX_ROOT_ACCESS_KEY_ID"] = key.access_key_id
            values["SANDBOX_ROOT_SECRET_ACCESS_KEY"] = key.secret_access_key
        return values

    # -- internals ---------------------------------------------------------------------------

    def _require_server(self) -> SandboxServer:
        if self._server is None:
            raise SandboxError("The sandbox has not been started.")
        return self._server

    def _seed(self, scenario: str) -> None:
        from wizard.sandbox.scenarios import seed

        seed(scenario, self.root, self.endpoint_url, self.region)


def _check_scenario(scenario: str) -> None:
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown sandbox scenario {scenario!r}; choose one of {SCENARIOS}")
