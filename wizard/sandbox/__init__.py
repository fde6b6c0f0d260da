"""The embedded sandbox: a brand-new AWS account on loopback, for training and tests.

moto's server runs in-process behind a root-account layer that gives it what a real account
has and moto lacks (a root user with access keys, MFA and a console session; AWS's refusals
where moto is lenient). Importing this package is cheap: moto and werkzeug are loaded only
when a :class:`Sandbox` starts.

A sandbox starts with one account and can hold more (:meth:`Sandbox.add_account`), each with
its own root user; every set of credentials belongs to one account and moto serves its requests
there (see :mod:`aws_setup_wizard.sandbox.middleware`). Its first account's ID is new and random
for every sandbox (so that trainees sharing a machine never share the wizard's per-account lock
and journal), unless fixed: ``Sandbox(account_id=...)``, else ``$SANDBOX_ACCOUNT_ID``
(:data:`ACCOUNT_ID_ENV`). Read it from :attr:`Sandbox.account_id`, never assume it.

A sandbox is instant unless made *realistic* (``realistic=True`` or a
:class:`~aws_setup_wizard.sandbox.realism.Realism`): then IAM reads lag IAM writes and CloudTrail
refuses a bucket whose policy just changed, as AWS does (see
:mod:`aws_setup_wizard.sandbox.realism`).
"""

from __future__ import annotations

import os
import threading
from types import TracebackType
from typing import TYPE_CHECKING

from aws_setup_wizard.errors import ConfigurationError
from aws_setup_wizard.options import account_id as account_id_rule
from aws_setup_wizard.sandbox import realism
from aws_setup_wizard.sandbox.credentials import SandboxCredentials
from aws_setup_wizard.sandbox.gate import SECRET_ENV, new_secret
from aws_setup_wizard.sandbox.realism import Realism
from aws_setup_wizard.sandbox.state import (
    MOTO_DEFAULT_ACCOUNT_ID,
    RootAccount,
    SandboxAccounts,
    random_account_id,
)

if TYPE_CHECKING:
    from aws_setup_wizard.sandbox.drift_model import Place
    from aws_setup_wizard.sandbox.scenario_files import TrainerScenario
    from aws_setup_wizard.sandbox.server import SandboxServer

__all__ = [
    "ACCOUNT_ID_ENV",
    "SANDBOX_REGION",
    "SCENARIOS",
    "Realism",
    "Sandbox",
    "SandboxCredentials",
    "SandboxError",
    "SandboxSettingError",
    "choose_account_id",
    "secret_for",
]

SCENARIOS: tuple[str, ...] = ("fresh", "partial", "drifted", "done")
SANDBOX_REGION = "us-east-1"
#: The environment variable that fixes a sandbox's account ID (trainers' scripts, the tests).
ACCOUNT_ID_ENV = "SANDBOX_ACCOUNT_ID"

_running_lock = threading.Lock()
_running: Sandbox | None = None


class SandboxError(RuntimeError):
    """The sandbox cannot do what was asked (not started, or another one is running)."""


class SandboxSettingError(ConfigurationError, ValueError):
    """A sandbox setting (account ID, scenario) is invalid; nothing was started.

    The message is one sentence fit to show as it is; the command line exits with the usage
    code for it.
    """


def choose_account_id(account_id: str | None = None, *, source: str = "account_id") -> str:
    """The sandbox account's ID: ``account_id``, else ``$SANDBOX_ACCOUNT_ID``, else a new
    random one; a given ID must be 12 digits (AWS's rule) and not moto's default.

    ``source`` names where ``account_id`` came from (a flag, say) in the error message.
    """
    if account_id is None:
        fixed = os.environ.get(ACCOUNT_ID_ENV, "").strip()
        if not fixed:
            return random_account_id()
        account_id, source = fixed, f"${ACCOUNT_ID_ENV}"
    problem = account_id_rule(account_id)
    if problem:
        raise SandboxSettingError(
            f"{source} {problem.rstrip('.')}, not {account_id!r}: no sandbox was started."
        )
    if account_id == MOTO_DEFAULT_ACCOUNT_ID:
        raise SandboxSettingError(
            f"{source} {account_id} is moto's default account, which would hide code that "
            "assumes it: choose another 12-digit ID; no sandbox was started."
        )
    return account_id


class Sandbox:
    """A new AWS account served on ``http://HOST:PORT``, seeded with a scenario.

    ``scenario`` is a built-in scenario's name (:data:`SCENARIOS`), a trainer's scenario file
    (its path, a shipped example's name, or one already read: see
    :mod:`aws_setup_wizard.sandbox.scenario_files`); an unusable one raises
    :class:`SandboxSettingError` here, before anything starts.

    Its account ID is ``account_id``, else ``$SANDBOX_ACCOUNT_ID``, else new and random (see
    :func:`choose_account_id`; an invalid one raises :class:`SandboxSettingError` here, before
    anything starts). A :meth:`reset` keeps it.

    Only one sandbox may run per process: moto keeps its state in process-global backends,
    so two would share (and wipe) each other's accounts. Starting a second raises
    :class:`SandboxError`. Use :meth:`reset` to reseed between tests instead of restarting.
    """

    def __init__(
        self,
        scenario: str | TrainerScenario = "fresh",
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        realistic: bool | Realism = False,
        account_id: str | None = None,
    ) -> None:
        self._plan = _scenario(scenario)
        #: The scenario's name: a built-in one, or how a trainer's file was named.
        self.scenario = _label(self._plan)
        self.account_id = choose_account_id(account_id)
        self.region = SANDBOX_REGION
        self._host = host
        self._port = port
        #: Guards moto's admin API and the simulated console; lasts as long as this object
        #: (a reset keeps it), so clients given :meth:`env` keep working.
        self.secret = new_secret()
        self._server: SandboxServer | None = None
        self._accounts: SandboxAccounts | None = None
        self._realism: Realism | None = (
            realistic if isinstance(realistic, Realism) else Realism() if realistic else None
        )

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
            from aws_setup_wizard.sandbox.server import (
                SandboxServer,  # heavy: moto, werkzeug, flask
            )

            self._accounts = SandboxAccounts(RootAccount(self.account_id))
            self._server = SandboxServer(
                self._accounts, self._host, self._port, self.region, self.secret
            )
            self._server.start()
            self._seed(self._plan)
            self.set_realism(self._realism)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop the server (idempotent). moto's state stays until the next start or reset."""
        global _running
        server, self._server = self._server, None
        if server is not None:
            server.stop()
        if _running is self:
            realism.disable()
        with _running_lock:
            if _running is self:
                _running = None

    def reset(self, scenario: str | TrainerScenario) -> None:
        """Wipe the whole account (moto and root layer) and seed ``scenario``, same endpoint.

        The console session credentials survive a reset, so clients built from :meth:`env`
        keep working; root access keys are new. Accounts added with :meth:`add_account` are
        gone afterwards: the sandbox holds its one default account again.
        """
        plan = _scenario(scenario)
        server = self._require_server()
        previous = self._accounts.default.console_session if self._accounts else None
        self._accounts = SandboxAccounts(RootAccount(self.account_id, console_session=previous))
        server.reset(self._accounts)
        self._plan, self.scenario = plan, _label(plan)
        self._seed(plan)

    def set_realism(self, settings: Realism | None) -> None:
        """Make the running sandbox realistic with ``settings``, or instant again (``None``).

        Seeding a scenario stays instant either way: what a scenario makes was made long ago.
        """
        self._require_server()
        self._realism = settings
        if settings is None:
            realism.disable()
        else:
            realism.enable(settings)

    @property
    def realism(self) -> Realism | None:
        """The realistic mode's settings, or ``None`` when the sandbox is instant."""
        return self._realism

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
        return self._require_accounts().default

    @property
    def console_credentials(self) -> SandboxCredentials:
        """Root's console session: temporary credentials, like CloudShell signed in as root."""
        return self.root.console_session

    @property
    def root_access_key(self) -> SandboxCredentials | None:
        """Root's (first) current access key, or ``None`` when root has none."""
        keys = self.root.access_keys()
        return keys[0].credentials if keys else None

    def env(self, account_id: str | None = None) -> dict[str, str]:
        """Environment variables that point boto3 and the AWS CLI at this sandbox.

        Signed as the default account's root console session, or ``account_id``'s.
        ``SANDBOX_SECRET`` is the sandbox's own secret, which the simulated console (and
        moto's admin API) require.
        """
        root = self.root if account_id is None else self.account(account_id)
        session = root.console_session
        values = {
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": session.access_key_id,
            "AWS_SECRET_ACCESS_KEY": session.secret_access_key,
            "AWS_SESSION_TOKEN": session.session_token or "",
            "AWS_DEFAULT_REGION": self.region,
            SECRET_ENV: self.secret,
        }
        keys = root.access_keys()
        if keys:
            values["SANDBOX_ROOT_ACCESS_KEY_ID"] = keys[0].access_key_id
            values["SANDBOX_ROOT_SECRET_ACCESS_KEY"] = keys[0].secret_access_key
        return values

    def make_drift(self, name: str) -> None:
        """Make the catalogue's drift ``name`` to the default account, as an owner or attacker
        would (see :mod:`aws_setup_wizard.sandbox.drifts`); it expects a ``done`` account."""
        from aws_setup_wizard.sandbox import drifts

        drifts.make(name, self._place())

    # -- more than one account -------------------------------------------------------------------

    @property
    def accounts(self) -> tuple[RootAccount, ...]:
        """Every account the sandbox holds, the default one first."""
        return self._require_accounts().all()

    def account(self, account_id: str) -> RootAccount:
        """The root user's state of the account ``account_id``."""
        root = self._require_accounts().get(account_id)
        if root is None:
            raise SandboxError(f"The sandbox holds no account {account_id}.")
        return root

    def add_account(self, account_id: str | None = None, scenario: str = "fresh") -> RootAccount:
        """Add an account with its own root user and console session; return its root state.

        ``scenario`` seeds it like the default account (``fresh``: one root access key and
        nothing else). ``account_id`` defaults to a new random 12-digit ID. The new account's
        credentials sign requests into it only: what one account creates, the others do not
        see. It lasts until the next :meth:`reset`.
        """
        _check_scenario(scenario)
        self._require_server()
        accounts = self._require_accounts()
        chosen = accounts.new_account_id() if account_id is None else account_id
        if len(chosen) != 12 or not chosen.isdigit():
            raise ValueError(f"an AWS account ID is 12 digits, not {chosen!r}")
        if accounts.get(chosen) is not None:
            raise SandboxError(f"The sandbox already holds account {chosen}.")
        root = RootAccount(chosen)
        accounts.add(root)
        from aws_setup_wizard.sandbox.scenarios import seed

        with realism.suspended():  # seeding is instant, whatever the mode
            seed(scenario, root, self.endpoint_url, self.region)
        return root

    # -- internals ---------------------------------------------------------------------------

    def _require_server(self) -> SandboxServer:
        if self._server is None:
            raise SandboxError("The sandbox has not been started.")
        return self._server

    def _require_accounts(self) -> SandboxAccounts:
        if self._accounts is None:
            raise SandboxError("The sandbox has not been started.")
        return self._accounts

    def _place(self) -> Place:
        from aws_setup_wizard.sandbox.drift_model import Place

        return Place(self.root, self.endpoint_url, self.region, self.secret)

    def _seed(self, plan: str | TrainerScenario) -> None:
        from aws_setup_wizard.sandbox.scenarios import seed, seed_file

        with realism.suspended():  # seeding is instant, whatever the mode
            if isinstance(plan, str):
                seed(plan, self.root, self.endpoint_url, self.region)
            else:
                seed_file(plan, self.root, self.endpoint_url, self.region, self.secret)


def secret_for(endpoint_url: str) -> str | None:
    """The secret of the sandbox this process runs at ``endpoint_url``, if it runs one.

    How the in-process callers of the simulated console (``--sandbox`` runs, tests) find the
    secret without it being passed down through every layer: this process made it.
    """
    with _running_lock:
        running = _running
    if running is None or running._server is None:
        return None
    return running.secret if running.endpoint_url == endpoint_url.rstrip("/") else None


def _scenario(scenario: str | TrainerScenario) -> str | TrainerScenario:
    """A built-in scenario's name, or a trainer's file read and validated."""
    if not isinstance(scenario, str) or scenario in SCENARIOS:
        return scenario
    from aws_setup_wizard.sandbox.scenario_files import resolve

    return resolve(scenario)


def _label(plan: str | TrainerScenario) -> str:
    return plan if isinstance(plan, str) else plan.label


def _check_scenario(scenario: str) -> None:
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown sandbox scenario {scenario!r}; choose one of {SCENARIOS}")
