"""A botocore data loader that serves the trimmed service models, and clients that outgrow them.

:class:`TrimmedLoader` is botocore's ``Loader`` with three differences:

- ``service-2`` of a trimmed service comes from ``data/`` (a few dozen KB instead of up to
  4 MB), when ``data/index.json`` says it was made from the installed botocore, for the API
  version asked (or the latest, when none is asked), and no model of the owner's own
  (``~/.aws/models``, ``AWS_DATA_PATH``) names that service. Anything else is botocore's.
- The other files of a trimmed service (endpoint rules, paginators, waiters) are botocore's own,
  found without listing ~460 service folders twice to learn what the index already says.
- ``endpoints.json`` (botocore's endpoint data, 1.2 MB, 4 MiB once parsed, read by every
  session) comes from ``data/`` too, holding only the trimmed services' entries; a service not
  there is read from botocore's whole file when first asked for (:class:`ServicesOnDemand`), so
  every answer is botocore's own. An ``endpoints.json`` of the owner's wins, as in botocore.
- JSON is parsed into plain dicts: botocore's ``OrderedDict`` hook makes ``endpoints.json``
  (1.2 MB, read by every session) about three times slower to parse, and a dict keeps its
  order, which is all botocore relies on.

Endpoint rule sets (``endpoint-rule-set-1``) are never trimmed: they decide where each request
goes (FIPS, dual-stack, ``AWS_ENDPOINT_URL``), the largest is S3's at 0.9 MB, and parsed as
plain dicts they cost a few milliseconds.

:class:`FullModelOnDemand` is a base class given to every client of such a loader: calling an
operation the trimmed model left out loads the service's whole model into that client and
calls it, so nothing the tool or the owner does is refused. ``AWS_SETUP_WIZARD_TRIMMED_MODELS``
set to ``strict`` (the tests set it) makes that a failure instead, naming the operation to add
to :mod:`aws_setup_wizard.sdk.kept`; set to ``off``, botocore's own models are used throughout.
"""

from __future__ import annotations

import functools
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import botocore
from botocore import xform_name
from botocore.loaders import JSONFileLoader, Loader, instance_cache
from botocore.model import ServiceModel

DATA = Path(__file__).resolve().with_name("data")
INDEX = "index.json"
ENDPOINTS = "endpoints.json"
MODE_ENV = "AWS_SETUP_WIZARD_TRIMMED_MODELS"


def mode() -> str:
    """``on`` (the default), ``strict`` (an operation left out fails) or ``off``."""
    value = os.environ.get(MODE_ENV, "on").strip().lower()
    return value if value in {"strict", "off"} else "on"


@functools.cache
def _index() -> dict[str, Any] | None:
    try:
        index: dict[str, Any] = json.loads((DATA / INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return index


def trimmed_services() -> dict[str, dict[str, Any]]:
    """``service -> {"api_version", "file", "operations"}`` served trimmed; empty when off.

    Empty also when the models were made from another botocore than the one installed: its
    shapes or rules may differ, so botocore's own models are used until they are regenerated.
    """
    index = _index()
    if mode() == "off" or index is None or index.get("botocore") != botocore.__version__:
        return {}
    services: dict[str, dict[str, Any]] = index.get("services", {})
    return services


class PlainJSONFileLoader(JSONFileLoader):
    """botocore's JSON file loader, parsing into plain dicts (see the module's docstring)."""

    def _load_file(self, full_path: str, open_method: Callable[..., Any]) -> Any:
        if not os.path.isfile(full_path):
            return None
        with open_method(full_path, "rb") as fp:
            payload = fp.read().decode("utf-8")
        return json.loads(payload)


class OperationLeftOut(BaseException):  # noqa: N818 - it is a failure, not an everyday error
    """Strict mode: a client called an operation the trimmed models left out.

    A ``BaseException``, so that no ``except Exception`` of the engine turns it into an
    "unknown" verdict: the test that made the call fails, naming the operation.
    """


#: Operations served from the whole model since the process started (``service:Operation``).
LEFT_OUT: list[str] = []
_LEFT_OUT_LOCK = threading.Lock()


def _left_out(what: str, hint: str) -> None:
    with _LEFT_OUT_LOCK:
        LEFT_OUT.append(what)
    if mode() == "strict":
        raise OperationLeftOut(
            f"{what} is not in the trimmed service models: {hint}, then run "
            "'python -m aws_setup_wizard.sdk.generate'"
        )


class ServicesOnDemand(dict[str, Any]):
    """One partition's ``services`` of the trimmed ``endpoints.json``.

    botocore's ``EndpointResolver`` asks it ``name in services``, ``services[name]`` and
    ``services.get(name, default)``; a service it does not hold is read from botocore's whole
    endpoint data (``whole()``, loaded once) and kept. ``trimmed`` names every endpoint prefix
    the generator looked up in that data: one of them missing here is missing there too (newer
    services such as ``freetier`` have rule sets only), and is answered without reading 700 KB.
    """

    def __init__(
        self,
        kept: dict[str, Any],
        partition: str,
        whole: Callable[[], dict[str, Any]],
        trimmed: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__(kept)
        self._partition = partition
        self._whole = whole
        self._trimmed = trimmed

    def _fetch(self, name: object) -> bool:
        if not isinstance(name, str) or name in self._trimmed:
            return False
        for partition in self._whole()["partitions"]:
            if partition["partition"] == self._partition and name in partition["services"]:
                # (A service not trimmed at all, such as a step's new one, is expected here:
                # not a failure in strict mode. Tests check that the steps' services are kept.)
                dict.__setitem__(self, name, partition["services"][name])
                return True
        return False

    def __contains__(self, name: object) -> bool:
        return dict.__contains__(self, name) or self._fetch(name)

    def __getitem__(self, name: str) -> Any:
        if not dict.__contains__(self, name):
            self._fetch(name)
        return dict.__getitem__(self, name)

    def get(self, name: str, default: Any = None) -> Any:
        """``self[name]``, or ``default`` when neither file has the service."""
        try:
            return self[name]
        except KeyError:
            return default


class TrimmedLoader(Loader):
    """botocore's loader, serving the trimmed models where they give the same answers."""

    FILE_LOADER_CLASS = PlainJSONFileLoader

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._whole_endpoints_lock = threading.Lock()
        self._whole_endpoints: dict[str, Any] | None = None

    def serves_endpoints(self) -> bool:
        """True when ``endpoints.json`` comes trimmed (see the module's docstring)."""
        if "endpoints" not in (_index() or {}) or not trimmed_services():
            return False
        return not any(
            path != self.BUILTIN_DATA_PATH
            and self.file_loader.exists(os.path.join(path, "endpoints"))
            for path in self.search_paths
        )

    @instance_cache
    def load_data_with_path(self, name: str) -> Any:
        """botocore's ``load_data_with_path``; trimmed ``endpoints`` where served.

        The trimmed data is named by botocore's own file, which it answers for: botocore treats
        built-in endpoint data differently from data of the owner's (``is_builtin_path``).
        """
        if name != "endpoints" or not self.serves_endpoints():
            return super().load_data_with_path(name)
        data = json.loads((DATA / ENDPOINTS).read_text(encoding="utf-8"))
        index = _index() or {}
        trimmed = frozenset(index.get("endpoints", {}).get("services", ()))
        for partition in data["partitions"]:
            partition["services"] = ServicesOnDemand(
                partition["services"], partition["partition"], self._whole_endpoint_data, trimmed
            )
        return data, os.path.join(self.BUILTIN_DATA_PATH, name)

    def _whole_endpoint_data(self) -> dict[str, Any]:
        with self._whole_endpoints_lock:
            if self._whole_endpoints is None:
                path = os.path.join(self.BUILTIN_DATA_PATH, "endpoints")
                self._whole_endpoints = self.file_loader.load_file(path)
            assert self._whole_endpoints is not None
            return self._whole_endpoints

    def served_version(self, service_name: str, api_version: str | None = None) -> str | None:
        """The API version of ``service_name`` served trimmed, or ``None`` (botocore's own)."""
        entry = trimmed_services().get(service_name)
        if entry is None or api_version not in (None, entry["api_version"]):
            return None
        for path in self.search_paths:
            if path != self.BUILTIN_DATA_PATH and os.path.isdir(os.path.join(path, service_name)):
                return None  # the owner's own model of this service wins, as in botocore
        version: str = entry["api_version"]
        return version

    @instance_cache
    def load_service_model(
        self, service_name: str, type_name: str, api_version: str | None = None
    ) -> Any:
        """botocore's ``load_service_model``; trimmed ``service-2`` where served."""
        version = self.served_version(service_name, api_version)
        if version is None:
            return super().load_service_model(service_name, type_name, api_version)
        if type_name == "service-2":
            return self._trimmed(service_name)
        return self._with_extras(service_name, type_name, version)

    @instance_cache
    def _trimmed(self, service_name: str) -> Any:
        entry = trimmed_services()[service_name]
        return json.loads((DATA / entry["file"]).read_text(encoding="utf-8"))

    @instance_cache
    def full_service_model(self, service_name: str, api_version: str) -> Any:
        """botocore's whole ``service-2`` model, with its extras, never the trimmed one."""
        return self._with_extras(service_name, "service-2", api_version)

    def _with_extras(self, service_name: str, type_name: str, api_version: str) -> Any:
        """A model file of botocore's with its ``sdk-extras`` merged, as botocore's loader does."""
        model = self.load_data(os.path.join(service_name, api_version, type_name))
        extras = self._find_extras(service_name, type_name, api_version)  # type: ignore[attr-defined]
        self._extras_processor.process(model, extras)  # type: ignore[attr-defined]
        return model


class FullModelOnDemand:
    """A client base class: an operation missing from a trimmed model is loaded on first use.

    The client's model is swapped for botocore's whole one (the same service and API version,
    so every event handler, the journal's included, sees the same operations and shapes), and
    the operation is called as botocore's own generated method would call it.
    """

    _PY_TO_OP_NAME: dict[str, str]
    meta: Any
    _loader: Any
    _make_api_call: Callable[[str, dict[str, Any]], Any]

    def __getattr__(self, item: str) -> Any:
        method = self._left_out_operation(item)
        if method is not None:
            return method
        return super().__getattr__(item)  # type: ignore[misc]

    def can_paginate(self, operation_name: str) -> bool:
        """botocore's ``can_paginate``, knowing operations the trimmed model left out."""
        self._left_out_operation(operation_name)
        answer: bool = super().can_paginate(operation_name)  # type: ignore[misc]
        return answer

    def get_paginator(self, operation_name: str) -> Any:
        """botocore's ``get_paginator``, knowing operations the trimmed model left out."""
        self._left_out_operation(operation_name)
        return super().get_paginator(operation_name)  # type: ignore[misc]

    def _left_out_operation(self, py_name: str) -> Callable[..., Any] | None:
        if py_name.startswith("_") or "meta" not in self.__dict__:
            return None
        if py_name not in self._PY_TO_OP_NAME and not self._load_whole_model(py_name):
            return None
        operation = self._PY_TO_OP_NAME[py_name]

        def api_call(*args: Any, **kwargs: Any) -> Any:
            if args:
                raise TypeError(f"{py_name}() only accepts keyword arguments.")
            return self._make_api_call(operation, kwargs)

        api_call.__name__ = py_name
        return api_call

    def _load_whole_model(self, py_name: str) -> bool:
        model = self.meta.service_model
        loader = self._loader
        if not isinstance(loader, TrimmedLoader):
            return False
        if loader.served_version(model.service_name, model.api_version) is None:
            return False  # already botocore's whole model
        whole = loader.full_service_model(model.service_name, model.api_version)
        names = {xform_name(name): name for name in whole["operations"]}
        if py_name not in names:
            return False
        _left_out(f"{model.service_name}:{names[py_name]}", "add it to wizard/sdk/kept.py")
        self.meta._service_model = ServiceModel(whole, service_name=model.service_name)
        self.meta._method_to_api_mapping = names
        self._PY_TO_OP_NAME = names
        return True


def add_full_model_on_demand(**kwargs: Any) -> None:
    """botocore ``creating-client-class``: make every client a :class:`FullModelOnDemand`."""
    base_classes: list[type] = kwargs["base_classes"]
    if FullModelOnDemand not in base_classes:
        base_classes.insert(0, FullModelOnDemand)
