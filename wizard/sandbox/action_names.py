"""moto's "which actions does this response class have?", worked out once per class.

For every request it serves, moto's ``BaseResponse.call_action`` asks
``method_names_from_class(type(self))`` whether the action is one of the class's methods:
``inspect.getmembers`` over the whole class (IAM's has 154 methods, S3's 135), every time:
0.15-0.2 ms of the sandbox's CPU per request, spent under the GIL that every other request
thread is waiting for. A class's methods do not change while the sandbox runs (neither moto
nor this package adds methods to a response class after import), so the answer is kept per
class, as a set: moto only asks ``action in names``.

:func:`install` is called where the sandbox's server is made
(:mod:`aws_setup_wizard.sandbox.server`); a run against real AWS never imports moto.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from moto.core import responses as moto_responses
from moto.core import utils as moto_utils

#: moto's own function, kept to work each answer out.
_MOTO_METHOD_NAMES: Callable[[object], list[str]] = moto_utils.method_names_from_class

_names_by_class: dict[object, frozenset[str]] = {}
_lock = threading.Lock()


def method_names(clazz: object) -> frozenset[str]:
    """The names moto's ``method_names_from_class(clazz)`` lists, worked out once per class."""
    names = _names_by_class.get(clazz)
    if names is None:
        names = frozenset(_MOTO_METHOD_NAMES(clazz))
        with _lock:
            _names_by_class[clazz] = names
    return names


def install() -> None:
    """Answer moto's per-request question from :func:`method_names` (idempotent)."""
    moto_responses.method_names_from_class = method_names  # type: ignore[attr-defined,assignment]
