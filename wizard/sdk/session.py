"""The process's botocore session: one, shared by every account and client of the process.

A botocore session reads the configuration, finds credentials and parses service models and
endpoint data once, then keeps them; a second session parses it all again (a second IAM
client then costs 45-50 ms instead of 2-4 ms). So every :class:`~aws_setup_wizard.account.Account`
(the owner's profile, an entered key, the sandbox's credentials) and the sandbox's seeding make
their clients from :func:`process_session`, and credentials given explicitly are passed to each
client rather than set on the session. The session is botocore's own, with these additions:
its data loader is the process's :class:`~aws_setup_wizard.sdk.loader.TrimmedLoader`, its
clients are :class:`~aws_setup_wizard.sdk.loader.FullModelOnDemand`, its configuration store
answers each setting once (:mod:`aws_setup_wizard.sdk.config_store`), and each service's
built-in handlers and each handler's signature check cost once, not once per client. While it
makes a client, three of botocore's methods answer differently (botocore's own run everywhere
else): the client's SSL context is made when a connection first needs it
(:mod:`aws_setup_wizard.sdk.trust`), and clients of one model document share its
``ServiceModel`` and client class (:mod:`aws_setup_wizard.sdk.shared_models`).

The session is kept while what it read at its start stays the same: the profile asked for,
the ``AWS_*`` and ``BOTOCORE_*`` environment (not the wizard's own ``AWS_SETUP_WIZARD_*``), and
the config and credentials files (size and modification time). In a normal run none of that
changes and the process has one session; a test that changes the environment, or an owner who
edits ``~/.aws/config`` while the wizard is open, gets a new one.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable
from typing import Any, cast

import botocore.handlers
import botocore.session
from botocore.client import ClientCreator
from botocore.httpsession import URLLib3Session
from botocore.model import ServiceModel

from aws_setup_wizard.sdk.config_store import SettledConfigStore
from aws_setup_wizard.sdk.events import (
    CheckedOnceEmitter,
    QuickEventAliaser,
    making_a_client,
    making_client_of,
    service_part,
)
from aws_setup_wizard.sdk.loader import TrimmedLoader, add_full_model_on_demand
from aws_setup_wizard.sdk.shared_models import shared_client_class, shared_service_model
from aws_setup_wizard.sdk.trust import context_on_demand, trust_once

#: botocore sessions are not thread-safe: clients are created one at a time, in any session.
CREATING_CLIENTS = threading.Lock()

_LOCK = threading.Lock()
_sessions: dict[tuple[Any, ...], botocore.session.Session] = {}
_loaders: dict[str | None, TrimmedLoader] = {}
#: Sessions kept at most (only tests change the environment often).
_KEPT = 8


def _file_state(variable: str, default: str) -> tuple[int, int] | None:
    try:
        found = os.stat(os.path.expanduser(os.environ.get(variable, default)))
    except OSError:
        return None
    return found.st_mtime_ns, found.st_size


def _what_a_session_reads(profile: str | None) -> tuple[Any, ...]:
    environment = tuple(
        sorted(
            (name, value)
            for name, value in os.environ.items()
            if name.startswith(("AWS_", "BOTOCORE_")) and not name.startswith("AWS_SETUP_WIZARD_")
        )
    )
    return (
        profile,
        environment,
        _file_state("AWS_CONFIG_FILE", "~/.aws/config"),
        _file_state("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials"),
    )


def loader(data_path: str | None = None) -> TrimmedLoader:
    """The process's model loader for ``data_path`` (botocore's ``AWS_DATA_PATH``).

    Shared by every session, so a model is parsed once per process.
    """
    with _LOCK:
        found = _loaders.get(data_path)
        if found is None:
            extra = [
                os.path.expanduser(os.path.expandvars(path))
                for path in (data_path.split(os.pathsep) if data_path else [])
            ]
            found = _loaders[data_path] = TrimmedLoader(extra_search_paths=extra)
        return found


def _while_making_a_client(owner: type, name: str, instead: Callable[..., Any]) -> None:
    """Make botocore's method ``owner.name`` call ``instead(botocore's method, self, ...)``
    while this thread makes a client of a :class:`ProcessSession` (:func:`making_a_client`);
    botocore's own otherwise (any other session's clients, anything done after a client is
    made). Once per process."""
    original = owner.__dict__[name]
    if getattr(original, "_while_making", None) is instead:
        return

    @functools.wraps(original)
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        if making_a_client():
            return instead(original, self, *args, **kwargs)
        return original(self, *args, **kwargs)

    method._while_making = instead  # type: ignore[attr-defined]
    setattr(owner, name, method)


#: What a client of the process session is made with instead of botocore's own (see
#: sdk.trust and sdk.shared_models): its SSL context is made when a connection first needs it,
#: its service model is the one made before from the same document, and its class the one made
#: before for that model.
_INSTEAD = (
    (URLLib3Session, "_get_ssl_context", context_on_demand),
    (ClientCreator, "_load_service_model", shared_service_model),
    (ClientCreator, "_create_client_class", shared_client_class),
)


class ProcessSession(botocore.session.Session):
    """botocore's session, registering each service's built-in handlers with its first client.

    botocore registers its ~130 built-in event handlers (S3's, EC2's, Glacier's, ...) on every
    session, and each client copies the session's whole handler tree (about 375 nodes) when
    made, whatever its service: that copy was a fifth of making a client. Here the handlers that
    belong to no service (or every one) are registered at once, as botocore does; those of one
    service wait until a client of that service is first made, then go in, in botocore's order.
    A handler tree orders handlers by how specific their event is, and within one event by
    registration: every handler of a service's events goes in together and in order, so each
    client sees exactly the handlers, in the order, botocore's own session would give it.
    """

    def __init__(
        self,
        session_vars: Any = None,
        event_hooks: Any = None,
        include_builtin_handlers: bool = True,
        profile: str | None = None,
    ) -> None:
        # botocore's methods that a client of this session is made with (once per process).
        with _LOCK:
            for owner, name, instead in _INSTEAD:
                _while_making_a_client(owner, name, instead)
        # Its own emitter unless given one: signatures checked once, per-service client copies.
        super().__init__(
            session_vars,
            CheckedOnceEmitter() if event_hooks is None else event_hooks,
            include_builtin_handlers,
            profile,
        )

    def _register_builtin_handlers(self, events: Any) -> None:
        # botocore calls this from ``__init__``, right after making its event aliaser: the
        # quick one takes its place (each client's copy is then a quick one too).
        events = self._events = QuickEventAliaser(events._emitter)
        # What is kept for later is made here too.
        self._held_back: dict[str, list[tuple[Any, ...]]] = {}
        self._held_back_lock = threading.Lock()
        general = []
        for spec in botocore.handlers.BUILTIN_HANDLERS:
            # The emitter renames old service names in events (EVENT_ALIASES): key on the new.
            service = service_part(events._alias_event_name(spec[0]))
            if service is None:
                general.append(spec)
            else:
                self._held_back.setdefault(service, []).append(spec)
        self._register_specs(general)

    def _register_config_store(self) -> None:
        # botocore's store and mapping, answering each setting once (sdk.config_store).
        store = SettledConfigStore(
            mapping=botocore.session.create_botocore_default_config_mapping(self)
        )
        cast(Any, self)._components.register_component("config_store", store)

    def set_config_variable(self, logical_name: str, value: Any) -> None:
        """botocore's, then the store asks its providers again for that setting."""
        super().set_config_variable(logical_name, value)
        store = self.get_component("config_store")
        if isinstance(store, SettledConfigStore):
            store.forget(logical_name)

    def _register_specs(self, specs: list[tuple[Any, ...]]) -> None:
        """Register handler specs as botocore's ``_register_builtin_handlers`` does."""
        events: Any = self._events
        for spec in specs:
            if len(spec) == 2:
                self.register(spec[0], spec[1])
            elif spec[2] is botocore.handlers.REGISTER_FIRST:
                events.register_first(spec[0], spec[1])
            elif spec[2] is botocore.handlers.REGISTER_LAST:
                events.register_last(spec[0], spec[1])

    def release_handlers_of(self, service_name: str) -> tuple[str, ...]:
        """Register the built-in handlers of ``service_name``'s events, once; returns the names
        its events use (its id, and its name for documentation events; none for a service
        botocore does not know)."""
        try:
            model = ServiceModel(self.get_service_data(service_name), service_name)
            names = tuple(dict.fromkeys((model.service_id.hyphenize(), model.service_name)))
        except Exception:  # noqa: BLE001 - an unknown service fails in create_client, as ever
            return ()
        with self._held_back_lock:
            for name in names:
                specs = self._held_back.pop(name, None)
                if specs:
                    self._register_specs(specs)
        return names

    def create_client(self, service_name: str, *args: Any, **kwargs: Any) -> Any:
        """botocore's ``create_client``, after the service's own handlers are registered; the
        client's copy of the handlers holds those of its own service's events and of no
        service's, none of the other services' (:mod:`aws_setup_wizard.sdk.events`); its SSL
        context is made when a connection first needs it (:mod:`aws_setup_wizard.sdk.trust`),
        and its service model and class are shared (:mod:`aws_setup_wizard.sdk.shared_models`)."""
        names = self.release_handlers_of(service_name)
        if not names:  # a service botocore does not know: it fails there, as ever
            return super().create_client(service_name, *args, **kwargs)
        with making_client_of(*names):
            return super().create_client(service_name, *args, **kwargs)


def process_session(profile: str | None = None) -> botocore.session.Session:
    """The process's botocore session for ``profile`` (``None``: botocore's default chain).

    Raises botocore's ``ProfileNotFound`` or ``ConfigParseError`` when the configuration names
    a profile that is not there or cannot be read.
    """
    key = _what_a_session_reads(profile)
    with _LOCK:
        found = _sessions.get(key)
    if found is not None:
        return found
    session = ProcessSession(profile=profile)
    # Reading ``data_path`` reads the configuration: a damaged file raises here.
    session.register_component("data_loader", loader(session.get_config_variable("data_path")))
    session.register("creating-client-class", add_full_model_on_demand)
    with _LOCK:
        if key not in _sessions:
            if len(_sessions) >= _KEPT:
                _sessions.pop(next(iter(_sessions)))
            _sessions[key] = session
        return _sessions[key]


def create_client(
    session: botocore.session.Session,
    service: str,
    credentials: tuple[str, str, str | None] | None = None,
    **kwargs: Any,
) -> Any:
    """``session.create_client(service, **kwargs)``, one at a time, signed with ``credentials``
    (access key, secret key, session token) when given, else with the session's own chain; its
    HTTPS connections verify servers against a CA bundle parsed once per process
    (:mod:`aws_setup_wizard.sdk.trust`)."""
    if credentials is not None:
        kwargs["aws_access_key_id"], kwargs["aws_secret_access_key"] = credentials[:2]
        kwargs["aws_session_token"] = credentials[2]
    with CREATING_CLIENTS:
        client = session.create_client(service, **kwargs)
    trust_once(client)
    return client
