"""The process's botocore session: one, shared by every account and client of the process.

A botocore session reads the configuration, finds credentials and parses service models and
endpoint data once, then keeps them; a second session parses it all again (a second IAM
client then costs 45-50 ms instead of 2-4 ms). So every :class:`~aws_setup_wizard.account.Account`
(the owner's profile, an entered key, the sandbox's credentials) and the sandbox's seeding make
their clients from :func:`process_session`, and credentials given explicitly are passed to each
client rather than set on the session. The session is botocore's own, with two additions: its
data loader is the process's :class:`~aws_setup_wizard.sdk.loader.TrimmedLoader`, and its
clients are :class:`~aws_setup_wizard.sdk.loader.FullModelOnDemand`.

The session is kept while what it read at its start stays the same: the profile asked for, the
``AWS_*`` environment (not the wizard's own ``AWS_SETUP_WIZARD_*``), and the config and
credentials files (size and modification time). In a normal run none of that changes and the
process has one session; a test that changes the environment, or an owner who edits
``~/.aws/config`` while the wizard is open, gets a new one.
"""

from __future__ import annotations

import os
import threading
from typing import Any

import botocore.session

from aws_setup_wizard.sdk.loader import TrimmedLoader, add_full_model_on_demand

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
            if name.startswith("AWS_") and not name.startswith("AWS_SETUP_WIZARD_")
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
    session = botocore.session.Session(profile=profile)
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
    (access key, secret key, session token) when given, else with the session's own chain."""
    if credentials is not None:
        kwargs["aws_access_key_id"], kwargs["aws_secret_access_key"] = credentials[:2]
        kwargs["aws_session_token"] = credentials[2]
    with CREATING_CLIENTS:
        return session.create_client(service, **kwargs)
