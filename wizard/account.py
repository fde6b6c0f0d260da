"""The account the wizard talks to: credentials, who is calling, region, endpoint, clients.

Credentials come from botocore's standard chain (environment, profile, IAM Identity Center,
CloudShell's container credentials), so the wizard works wherever the AWS CLI does. Clients are
botocore's, from the process's one session (:mod:`aws_setup_wizard.sdk`); boto3 adds nothing the
wizard uses, and importing it costs a tenth of a second.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlparse
from urllib.request import getproxies

from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ConfigParseError, ProfileNotFound

from aws_setup_wizard.caller import Caller, classify_arn
from aws_setup_wizard.errors import ConfigurationError, WizardError
from aws_setup_wizard.operations import is_write
from aws_setup_wizard.regions import DEFAULT_MAX_WORKERS, RegionalResults, fan_out
from aws_setup_wizard.sdk.session import create_client, process_session

if TYPE_CHECKING:
    from botocore.session import Session

    from aws_setup_wizard.journal import Journal
    from aws_setup_wizard.secrets import SecretStore

T = TypeVar("T")

# Where credentials came from, in words (botocore's ``Credentials.method``).
CREDENTIAL_SOURCES = {
    "env": "environment variables",
    "shared-credentials-file": "the shared credentials file (~/.aws/credentials)",
    "config-file": "the AWS config file (~/.aws/config)",
    "sso": "IAM Identity Center (SSO)",
    "assume-role": "an assumed role",
    "assume-role-with-web-identity": "a web identity role",
    "container-role": "container credentials (CloudShell or ECS)",
    "iam-role": "the instance profile",
    "process": "a credential process",
    "explicit": "credentials entered in the wizard",
}

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def _loopback(url: str | None) -> bool:
    return urlparse(url or "").hostname in LOOPBACK_HOSTS


# An S3 Control request's host as botocore's endpoint ruleset builds it from a custom
# endpoint: ``{AccountId}.`` in front of the endpoint's host.
_ACCOUNT_HOST = re.compile(r"^(?P<scheme>https?://)\d{12}\.(?P<rest>.*)$")


def unprefix_loopback_s3control(request: Any, **_: Any) -> None:
    """botocore ``before-sign.s3-control``: drop the ``{AccountId}.`` host prefix on loopback.

    S3 Control's endpoint ruleset puts the account ID in front of the host even for a custom
    endpoint (``http://123456789012.127.0.0.1:PORT/v20180820/...``), a name no resolver knows;
    ``Config(inject_host_prefix=False)`` does not help because the ruleset, not the model's
    host prefix, adds it. The sandbox takes the account from ``x-amz-account-id`` and the path
    (moto routes ``/v20180820/`` to s3control), so on a loopback endpoint the prefix is removed
    before signing; any other endpoint (AWS itself) is left exactly as botocore built it.
    """
    match = _ACCOUNT_HOST.match(str(request.url))
    if match is None:
        return
    bare = match["scheme"] + match["rest"]
    if _loopback(bare):
        request.url = bare


class WriteOutsideRun(WizardError):
    """A write was attempted outside a confirmed, locked and journaled run."""


# botocore events a journal follows: the parameters, the send, and either outcome.
JOURNAL_EVENTS = ("before-parameter-build", "before-call", "after-call", "after-call-error")

#: ``OptInStatus`` values of a Region the account can use (EC2 API Reference,
#: DescribeRegions / Region): default Regions say ``opt-in-not-required``, opt-in Regions the
#: owner enabled say ``opted-in``; ``not-opted-in`` ones are disabled.
ENABLED_OPT_IN_STATUSES = frozenset({"opt-in-not-required", "opted-in"})


def client_config() -> Config:
    """Client settings: standard retries (backoff on throttling) and short connect timeouts.

    With no proxy configured anywhere (``urllib.request.getproxies()`` is empty), the settings
    say so: botocore otherwise works out each new client's proxies from the environment (two
    passes over ``os.environ`` per client, and a verify of every step makes some 60 clients),
    and with no proxy at all its answer is "none" for every address. With a proxy, botocore
    decides per address as usual (``NO_PROXY`` included).
    """
    return Config(
        # Reads and idempotent writes are retried; a hung network is given up on after about
        # a minute (3 attempts of at most 5 s to connect and 15 s to answer), with a message.
        retries={"mode": "standard", "max_attempts": 3},
        connect_timeout=5,
        read_timeout=15,
        max_pool_connections=20,
        s3={"addressing_style": "path"},
        proxies=None if getproxies() else {},
    )


# A client configuration that sends each request exactly once (botocore's retries off).
ONCE = Config(retries={"mode": "standard", "total_max_attempts": 1})


class Account:
    """One AWS account as seen through one set of credentials.

    Clients are created lazily and cached; creation is serialised because a botocore session
    is not thread-safe, while the clients themselves are safe to share between threads.
    ``session`` is usually the process's one session, shared with other accounts: credentials
    given explicitly (``credentials``) are this account's own and sign its clients, otherwise
    the session's chain does.
    """

    def __init__(
        self,
        session: Session,
        *,
        credentials: tuple[str, str, str | None] | None = None,
        endpoint_url: str | None = None,
        region: str | None = None,
    ) -> None:
        self.session = session
        self._explicit = credentials
        self.endpoint_url = endpoint_url
        self.region: str = region or session.get_config_variable("region") or "us-east-1"
        self._config = client_config()
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._caller: Caller | None = None
        self._caller_lock = threading.Lock()
        self._reads: dict[str, Any] = {}
        self._read_locks: dict[str, threading.Lock] = {}
        self._sharing = 0
        # Where secrets the steps must keep go (the OS keyring, or memory); set by the runs
        # that write, left None for read-only ones.
        self.secrets: SecretStore | None = None
        self.source: str | None = None
        # The journal of the run that holds this account's write lock (set by
        # ``aws_setup_wizard.writes.writing``); the dispatcher refuses to write while it is None.
        self.journal: Journal | None = None
        # (event, handler) pairs registered on every client, existing and future.
        self._client_hooks: list[tuple[str, Callable[..., Any]]] = []
        self._forwarding_to_journal = False
        # ``enabled_regions()``: read once, by one thread while the others wait.
        self._enabled_regions: tuple[str, ...] | None = None
        self._regions_lock = threading.Lock()
        # No write leaves this account unless a confirmed run holds its lock and journal.
        self.on_every_client("before-call", self._refuse_unjournaled_write)

    @classmethod
    def from_settings(
        cls,
        *,
        profile: str | None = None,
        region: str | None = None,
        endpoint_url: str | None = None,
        credentials: tuple[str, str, str | None] | None = None,
        source: str | None = None,
    ) -> Account:
        """Build from CLI-style settings; ``credentials`` are explicit (key, secret, token).

        ``source`` says in words where explicit credentials came from (shown to the owner).
        """
        try:
            session = process_session(profile)
            # Reading the configuration now, not at the first call, so that a damaged or
            # unreadable file is one sentence before anything else happens.
            session.get_scoped_config()
        except ProfileNotFound:
            raise ConfigurationError(
                f"There is no AWS profile named {profile!r} in your AWS configuration "
                "(~/.aws/config or ~/.aws/credentials): check the name with "
                "'aws configure list-profiles'; nothing was called or changed."
            ) from None
        except (ConfigParseError, OSError) as exc:
            raise ConfigurationError(
                f"Your AWS configuration could not be read ({exc}): fix or move the file, "
                "then run the command again; nothing was called or changed."
            ) from None
        account = cls(session, credentials=credentials, endpoint_url=endpoint_url, region=region)
        account.source = source
        return account

    # -- clients ---------------------------------------------------------------------------

    def client(self, service: str, region: str | None = None, *, once: bool = False) -> Any:
        """A cached botocore client for ``service`` in ``region`` (default: the account's).

        Another Region is needed for resources homed there, such as a multi-Region trail
        created elsewhere. ``once`` gives a client that never retries: a create whose answer
        was lost must not be sent again before a read settles whether it happened.
        """
        key = f"{service}@{region or self.region}{'#once' if once else ''}"
        existing = self._clients.get(key)
        if existing is not None:
            return existing
        with self._lock:
            if key not in self._clients:
                kwargs: dict[str, Any] = {
                    "region_name": region or self.region,
                    "config": self._config.merge(ONCE) if once else self._config,
                }
                if self.endpoint_url:
                    kwargs["endpoint_url"] = self.endpoint_url
                client = create_client(self.session, service, self._explicit, **kwargs)
                if service == "s3control":
                    # Only S3 Control builds account-prefixed hosts (see the handler).
                    client.meta.events.register(
                        "before-sign.s3-control", unprefix_loopback_s3control
                    )
                for event, handler in self._client_hooks:
                    client.meta.events.register(event, handler)
                self._clients[key] = client
            return self._clients[key]

    def on_every_client(self, event: str, handler: Callable[..., Any]) -> None:
        """Register a botocore event handler on every client, of any service or Region.

        Clients made later get it too, so a step that writes to a new service cannot escape
        the journal.
        """
        with self._lock:
            self._client_hooks.append((event, handler))
            for client in self._clients.values():
                client.meta.events.register(event, handler)

    def _refuse_unjournaled_write(self, model: Any, **_: Any) -> None:
        """botocore ``before-call``: stop a write made outside a confirmed, journaled run.

        The one guard behind every front end: a write that reaches here without the run's
        journal (so without the account confirmation and lock) is a bug, and nothing is sent.
        """
        if self.journal is None and is_write(model.name):
            raise WriteOutsideRun(
                f"internal: {model.service_model.endpoint_prefix}:{model.name} was about to be "
                "sent outside a confirmed run (no account lock, no journal); nothing was changed."
            )

    def attach_journal(self, journal: Journal | None) -> None:
        """Make ``journal`` see every call of every client of this account (None: detach).

        botocore's events are forwarded to whichever journal is attached, registered once, so
        a second run on the same account does not record each write twice.
        """
        self.journal = journal
        if journal is None or self._forwarding_to_journal:
            return
        self._forwarding_to_journal = True

        def forward(**kwargs: Any) -> None:
            attached = self.journal
            if attached is not None:
                attached.handle(**kwargs)

        for event in JOURNAL_EVENTS:
            self.on_every_client(event, forward)

    @property
    def effective_endpoint(self) -> str | None:
        """The endpoint in use: ``--endpoint-url``, else ``AWS_ENDPOINT_URL``, else AWS's own."""
        if self.endpoint_url:
            return self.endpoint_url
        url = self.client("sts").meta.endpoint_url
        return str(url) if url else None

    @property
    def is_sandbox(self) -> bool:
        """True when every endpoint this run may use is on this machine (the sandbox).

        A single service sent elsewhere (``AWS_ENDPOINT_URL_IAM``, or a ``services`` section
        in the config file) makes a half-sandbox: it gets no SANDBOX badge and none of the
        sandbox's exemptions, since part of the run would change a real account.
        """
        if not _loopback(self.effective_endpoint):
            return False
        if self.endpoint_url:
            return True  # --endpoint-url sends every service there
        return all(_loopback(url) for url in self.configured_endpoints())

    def configured_endpoints(self) -> list[str]:
        """Every service endpoint set in the environment or the config file's ``services``."""
        urls = [value for name, value in os.environ.items() if name.startswith("AWS_ENDPOINT_URL")]
        name = self.session.get_scoped_config().get("services")
        section = self.session.full_config.get("services", {}).get(name, {}) if name else {}
        for settings in section.values():
            if isinstance(settings, dict) and settings.get("endpoint_url"):
                urls.append(str(settings["endpoint_url"]))
        return urls

    # -- credentials and identity ----------------------------------------------------------

    def credentials(self) -> Credentials | None:
        """The credentials this account signs with: its own, else what the chain finds."""
        if self._explicit is not None:
            key, secret, token = self._explicit
            return Credentials(key, secret, token, method="explicit")
        found: Credentials | None = self.session.get_credentials()
        return found

    def credential_source(self) -> str:
        """How the credentials were found, in words ("none" when there are none)."""
        if self.source:
            return self.source
        credentials = self.credentials()
        if credentials is None:
            return "none"
        return CREDENTIAL_SOURCES.get(credentials.method, credentials.method)

    def signing_key_id(self) -> str | None:
        """The access key ID requests are signed with (not a secret), or ``None``."""
        credentials = self.credentials()
        if credentials is None:
            return None
        return str(credentials.get_frozen_credentials().access_key)

    def caller(self) -> Caller:
        """Who is calling, read once from ``sts:GetCallerIdentity`` (thread-safe)."""
        with self._caller_lock:
            return self._read_caller()

    def _read_caller(self) -> Caller:
        if self._caller is None:
            identity = self.client("sts").get_caller_identity()
            arn = str(identity["Arn"])
            credentials = self.credentials()
            token = credentials.get_frozen_credentials().token if credentials else None
            self._caller = Caller(
                account_id=str(identity["Account"]),
                arn=arn,
                user_id=str(identity["UserId"]),
                kind=classify_arn(arn),
                temporary=bool(token),
            )
        return self._caller

    @property
    def account_id(self) -> str:
        """The 12-digit account ID."""
        return self.caller().account_id

    @property
    def partition(self) -> str:
        """The ARN partition of this account."""
        return self.caller().partition

    def signin_url(self) -> str:
        """The IAM users' sign-in URL for this account."""
        return f"https://{self.account_id}.signin.aws.amazon.com/console"

    # -- shared reads ----------------------------------------------------------------------

    @contextmanager
    def shared_reads(self) -> Iterator[None]:
        """Within this block, reads asked for by several steps are made once.

        Two steps read ``GetAccountSummary``; sharing the answer keeps a verify pass to one
        call. Outside such a block every read goes to AWS, so a re-check never sees a stale
        answer.
        """
        with self._lock:
            self._sharing += 1
        try:
            yield
        finally:
            with self._lock:
                self._sharing -= 1
                if not self._sharing:
                    self._reads.clear()

    def read_once(self, key: str, fetch: Callable[[], T]) -> T:
        """``fetch()``, shared with other steps inside :meth:`shared_reads`."""
        with self._lock:
            sharing = self._sharing > 0
            lock = self._read_locks.setdefault(key, threading.Lock())
        if not sharing:
            return fetch()
        with lock:
            if key not in self._reads:
                self._reads[key] = fetch()
            value: T = self._reads[key]
            return value

    def account_summary(self) -> dict[str, int]:
        """``iam:GetAccountSummary``'s map: real-time root MFA and root key flags."""

        def fetch() -> dict[str, int]:
            summary: dict[str, int] = self.client("iam").get_account_summary()["SummaryMap"]
            return summary

        return self.read_once("account-summary", fetch)

    # -- Regions ---------------------------------------------------------------------------

    def enabled_regions(self) -> tuple[str, ...]:
        """The Regions this account can use, sorted; read once from ``ec2:DescribeRegions``.

        Asked with ``AllRegions=True`` and filtered here on ``OptInStatus``, so the answer
        does not depend on how an endpoint treats the flag. Cached for the account's life
        (Regions are enabled in the console and take minutes to hours to settle), and read by
        one thread while others wait. A failure is raised, not cached: the next call retries.
        """
        with self._regions_lock:
            if self._enabled_regions is None:
                answer = self.client("ec2").describe_regions(AllRegions=True)
                self._enabled_regions = enabled_region_names(answer.get("Regions", []))
            return self._enabled_regions

    def per_region(
        self,
        read: Callable[[str], T],
        regions: Iterable[str] | None = None,
        *,
        max_workers: int = DEFAULT_MAX_WORKERS,
    ) -> RegionalResults[T]:
        """``read(region)`` in every enabled Region (or ``regions``), a bounded few at a time.

        Returns each Region's answer or exception (see :mod:`aws_setup_wizard.regions`); pass the
        result to :func:`aws_setup_wizard.regions.judge_regions` for the step's verdict. ``read``
        typically uses ``self.client(service, region)``. Not being able to list the enabled Regions
        raises.
        """
        chosen = self.enabled_regions() if regions is None else tuple(regions)
        return fan_out(read, chosen, max_workers=max_workers)


def enabled_region_names(regions: Iterable[Mapping[str, Any]]) -> tuple[str, ...]:
    """The sorted names of the enabled Regions in a ``DescribeRegions`` answer.

    A Region listed without ``OptInStatus`` counts as enabled: checking one Region too many can
    only end in ``unknown`` for it, while skipping one could hide a failure.
    """
    return tuple(
        sorted(
            str(region["RegionName"])
            for region in regions
            if region.get("OptInStatus", "opt-in-not-required") in ENABLED_OPT_IN_STATUSES
        )
    )
