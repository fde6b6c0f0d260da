"""One botocore ``ServiceModel`` per model document, and one client class per model, shared by
the process session's clients.

botocore builds a new ``ServiceModel`` for each client from the loader's model document (the
same cached dict every time), and each one then works out again, for itself, the operation
models and shapes its calls use. A verify of every step makes a client of EC2, GuardDuty and
Access Analyzer in each of 17 Regions; the guided run makes 169 clients. botocore treats a
``ServiceModel`` as read-only once made: its caches hold answers computed from the document
alone, and a client used from many threads already shares its own model with all of them. So
clients of one document share one model here: made by botocore's own method for the first
client, and kept only when it was made from exactly the loader's document. A client that
outgrows a trimmed model is given a whole one of its own
(:class:`~aws_setup_wizard.sdk.loader.FullModelOnDemand`); the shared one never changes.

The same goes for the client's class: botocore makes a new one for each client (a method and
a docstring per operation, about 10 KB), from the model and what the session's
``creating-client-class`` handlers add, which depend on the service alone. Clients of one
model made through one session's emitter share the class botocore made for the first; what a
client keeps of its own (its model once it outgrows the trimmed one, its operation names) is
set on the client, never on the class.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from botocore.model import ServiceModel

_lock = threading.Lock()
#: (id of the document, service name) -> (the document, its model). The document is kept with
#: its model so that its id cannot be reused by another while the entry exists.
_models: dict[tuple[int, str], tuple[Any, ServiceModel]] = {}
#: Entries kept at most: one per service and loader in a normal run (about 20); only tests that
#: make loaders of their own go past it, and then the oldest go.
_KEPT = 64
#: (id of the emitter, id of the model) -> (the emitter, the model, the class botocore made).
_classes: dict[tuple[int, int], tuple[Any, ServiceModel, type]] = {}


def _keep(kept: dict[Any, Any], key: Any, entry: Any) -> None:
    """Keep ``entry`` under ``key``, the oldest entry going when ``kept`` is full (under _lock)."""
    if key not in kept and len(kept) >= _KEPT:
        kept.pop(next(iter(kept)))
    kept[key] = entry


def shared_service_model(
    botocores: Callable[..., ServiceModel],
    creator: Any,
    service_name: str,
    api_version: str | None = None,
) -> ServiceModel:
    """``ClientCreator._load_service_model`` (botocore's is ``botocores``), answering with the
    model made before from the same document."""
    document = creator._loader.load_service_model(
        service_name, "service-2", api_version=api_version
    )
    key = (id(document), service_name)
    with _lock:
        kept = _models.get(key)
    if kept is not None and kept[0] is document:
        return kept[1]
    model = botocores(creator, service_name, api_version)
    if getattr(model, "_service_description", None) is not document:
        return model  # not made from the loader's document: botocore's answer, unshared
    with _lock:
        kept = _models.get(key)
        if kept is not None and kept[0] is document:
            return kept[1]  # another thread made it first
        _keep(_models, key, (document, model))
    return model


def shared_client_class(
    botocores: Callable[..., type],
    creator: Any,
    service_name: str,
    service_model: ServiceModel,
) -> type:
    """``ClientCreator._create_client_class`` (botocore's is ``botocores``), answering with the
    class made before for the same model and session emitter."""
    emitter = creator._event_emitter
    key = (id(emitter), id(service_model))
    with _lock:
        kept = _classes.get(key)
    if kept is not None and kept[0] is emitter and kept[1] is service_model:
        return kept[2]
    made = botocores(creator, service_name, service_model)
    with _lock:
        kept = _classes.get(key)
        if kept is not None and kept[0] is emitter and kept[1] is service_model:
            return kept[2]
        _keep(_classes, key, (emitter, service_model, made))
    return made
