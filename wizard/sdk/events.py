"""The session's event machinery: botocore's emitter and aliaser, doing each thing once.

Every botocore client copies its session's event handlers and renames every event it emits
through an alias table; the copies, the renaming and each handler's signature check were a
large part of making a client and of its memory. The classes here give botocore's answers,
worked out once: :class:`QuickEventAliaser` (names no alias touches, told at once and shared
by every client), :class:`CheckedOnceEmitter` (a handler's signature checked once per code
object; a client's copy of the handler tree limited to its own service's events).

Why a client needs only its own service's handlers: botocore names every event a client emits
``<kind>.<service id>.<operation>`` (its documentation events ``docs.<kind>.<service
name>...``), and a handler registered for another service can never run for it. The session's tree
holds the handlers of every service whose client was made (about 15 here): each client copied
all of them, and in the guided run's 169 clients that was some 5 MiB of trees.
"""

from __future__ import annotations

import copy
import inspect
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar, cast

from botocore.compat import accepts_kwargs
from botocore.hooks import EventAliaser, HierarchicalEmitter, NodeList

#: The names of the service whose client this thread is making, if any (making_client_of).
_making = threading.local()


def _service_index(kind: str) -> int:
    """Where an event name of ``kind`` names its service (``docs`` events one place later)."""
    return 2 if kind == "docs" else 1


@contextmanager
def making_client_of(*names: str) -> Iterator[None]:
    """While this thread makes a client of one service of the process session: copies of a
    :class:`CheckedOnceEmitter` take only the handlers that service's events can reach, and
    :func:`making_a_client` says so (the session's other replacements ask it).

    ``names``: every name the service's events use: its id (``auto-scaling``, the client's
    events) and its name (``autoscaling``, which botocore's documentation events use).
    """
    before = getattr(_making, "service", None)
    _making.service = frozenset({*names, "*"})
    try:
        yield
    finally:
        _making.service = before


def making_a_client() -> bool:
    """Whether this thread is inside :func:`making_client_of`."""
    return getattr(_making, "service", None) is not None


def _copy_node(node: dict[str, Any], depth: int, service_index: int, names: frozenset[str]) -> Any:
    """A copy of a handler-tree node whose key is part ``depth - 1`` of an event name, without
    the subtrees of other services: botocore's ``_PrefixTrie._recursive_copy``, pruned."""
    copied: dict[str, Any] = {}
    for key, value in node.items():
        if isinstance(value, NodeList):
            copied[key] = copy.copy(value)
        elif key == "children":
            children = {}
            for part, child in value.items():
                kind_index = _service_index(part) if depth == 0 else service_index
                if depth == kind_index and part not in names:
                    continue  # another service's events: never emitted by this client
                children[part] = _copy_node(child, depth + 1, kind_index, names)
            copied[key] = children
        elif isinstance(value, dict):
            copied[key] = _copy_node(value, depth, service_index, names)
        else:
            copied[key] = value
    return copied


def _trie_for(trie: Any, names: frozenset[str]) -> Any:
    """A copy of botocore's handler tree ``trie`` holding what events naming one of ``names``
    (or no service) reach."""
    copied = trie.__class__()
    copied.__dict__ = {
        name: _copy_node(value, 0, 1, names) if isinstance(value, dict) else value
        for name, value in trie.__dict__.items()
    }
    return copied


def service_part(event_name: str) -> str | None:
    """The service an event name belongs to (``before-call.s3.PutObject``: ``s3``), if any.

    Documentation events name it one place later (``docs.*.s3.CopyObject...``); a wildcard
    (``needs-retry.*``) or an event with no service part belongs to every service.
    """
    parts = event_name.split(".")
    index = _service_index(parts[0])
    if len(parts) <= index or parts[index] == "*":
        return None
    return parts[index]


class QuickEventAliaser(EventAliaser):
    """botocore's ``EventAliaser``, telling at once an event name no alias touches.

    Every event a client emits is first renamed through ``EVENT_ALIASES`` (old service names to
    new ones). botocore works each name out by splitting it once per alias (about thirty), and
    each client starts with an empty cache of names: some 600 names per ``verify``, 50 µs each.
    Nearly all of them match no alias: this tells those apart with one split and one set test,
    and hands any other name to botocore's own code, so every answer is botocore's. A name's
    answer depends on the alias table alone, so every aliaser with the same table (each
    client's copy of the session's) shares one cache: a name is worked out once per process.
    """

    #: Per alias table (its items): the single-part and dotted old names, and the answers.
    _shared: ClassVar[dict[tuple[tuple[str, str], ...], tuple[Any, ...]]] = {}
    _shared_lock = threading.Lock()

    def __init__(self, event_emitter: Any, event_aliases: dict[str, str] | None = None) -> None:
        super().__init__(event_emitter, event_aliases)
        aliases: dict[str, str] = self.__dict__["_event_aliases"]
        table = tuple(aliases.items())
        with self._shared_lock:
            found = self._shared.get(table)
            if found is None:
                single = frozenset(old for old in aliases if "." not in old)
                dotted = tuple(old for old in aliases if "." in old)
                found = self._shared[table] = (single, dotted, {})
        self._single_parts, self._dotted, self._alias_name_cache = found

    def _alias_event_name(self, event_name: str) -> str:
        cache: dict[str, str] = self.__dict__["_alias_name_cache"]
        found = cache.get(event_name)
        if found is not None:
            return found
        if self._single_parts.isdisjoint(event_name.split(".")) and not any(
            old in event_name for old in self._dotted
        ):
            cache[event_name] = event_name  # botocore's answer when no alias matches
            return event_name
        aliased: str = cast(Any, EventAliaser)._alias_event_name(self, event_name)
        return aliased


class CheckedOnceEmitter(HierarchicalEmitter):
    """botocore's event emitter, checking each handler's signature once per process.

    botocore makes sure every handler takes ``**kwargs`` when it is registered, with
    ``inspect.getfullargspec``: five registrations for every client (its retry handler, ...),
    each a new bound method of the same few functions, about a tenth of making a client. A
    function's signature comes from its code (a bound method's from its function's, as
    ``getfullargspec`` reads it), so the answer is kept per code object: the same for every
    closure made from one ``def``, and bounded by the code the process has. Other callables, and
    functions that carry a ``__signature__`` of their own, are checked every time.
    """

    _takes_kwargs: ClassVar[dict[Any, bool]] = {}

    def _verify_accept_kwargs(self, func: Any) -> bool | None:
        function = getattr(func, "__func__", func)
        if not inspect.isfunction(function) or "__signature__" in function.__dict__:
            return cast(
                bool | None, cast(Any, HierarchicalEmitter)._verify_accept_kwargs(self, func)
            )
        takes = self._takes_kwargs.get(function.__code__)
        if takes is None:
            try:
                takes = self._takes_kwargs[function.__code__] = bool(accepts_kwargs(function))
            except TypeError:
                return False  # botocore's answer for a signature it cannot read
        if not takes:
            raise ValueError(f"Event handler {func} must accept keyword arguments (**kwargs)")
        return None

    def __copy__(self) -> CheckedOnceEmitter:
        """botocore's copy; while a client of one service is being made
        (:func:`making_client_of`), only the handlers that service's events can reach."""
        names = getattr(_making, "service", None)
        if names is None:
            copied_whole: CheckedOnceEmitter = super().__copy__()
            return copied_whole
        copied = self.__class__()
        botocores: Any = self  # its private parts, as botocore's own __copy__ reads them
        state = self.__dict__.copy()
        state["_handlers"] = _trie_for(botocores._handlers, names)
        state["_unique_id_handlers"] = copy.copy(botocores._unique_id_handlers)
        state["_lookup_cache"] = {}  # lists of the whole tree's handlers would not do here
        copied.__dict__ = state
        return copied
