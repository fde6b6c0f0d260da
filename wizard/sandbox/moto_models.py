"""The botocore data moto reads for itself in the sandbox's process, without its dead weight.

moto reads botocore's data for two purposes, and keeps what it read for the life of the process:

- **Service models** (``moto.core.utils.get_service_model``, cached per service): to parse the
  requests it serves, route REST requests to their operation, serialize its answers and look up
  error shapes. It reads the *whole* ``service-2`` model of each service it serves (S3's is
  3.3 MiB once parsed), through a fresh loader of its own (``moto.core.loaders``, which merges
  moto's ``moto-extras`` files), parsed into ``OrderedDict`` objects. It never reads the models'
  ``documentation`` (HTML prose, most of each file). :class:`DoclessLoader` is moto's loader
  with two differences: ``service-2`` comes without documentation, and JSON is parsed into plain
  dicts (a dict keeps its order, which is all botocore and moto rely on). Every operation, shape,
  error, protocol setting and moto extra is still there, so moto parses, routes and answers every
  request exactly as before, including operations the wizard's trimmed models leave out.
  Its strings are also held once each (:func:`interned`): a model names the same shapes, types
  and locations over and over (S3's 16,000 strings hold 1,500 different values), and the JSON
  parser makes a new string for each occurrence. Fourteen services' models take 7.5 MiB
  parsed, 4.2 MiB of it repeated strings.
- **Regions** (``AccountSpecificBackend.get_session()``, cached): a ``boto3.Session`` of its
  own, asked only ``get_available_partitions()`` and ``get_available_regions(service,
  partition_name=...)`` when a service's backend is first made for an account. That session
  parses botocore's whole ``endpoints.json`` (4 MiB) and, to learn each service's endpoint
  prefix, its whole model (CloudTrail, KMS, EventBridge, ...). :func:`regions_session` answers
  the same two questions from a botocore session on the process's model loader
  (:func:`aws_setup_wizard.sdk.session.loader`), which already holds the endpoint data the
  wizard's own clients read, and serves each service's metadata from its trimmed model; any
  service not trimmed comes from botocore's own files, as before.

:func:`install` puts both in place; it is called where the sandbox's server is made
(:mod:`aws_setup_wizard.sandbox.server`), so a run against real AWS, which never imports moto,
is untouched.
"""

from __future__ import annotations

import functools
import sys
import threading
import types
from typing import Any

import botocore.session
from moto.core import base_backend
from moto.core import utils as moto_utils
from moto.core.loaders import Loader as MotoLoader
from moto.core.loaders import moto_root

from aws_setup_wizard.sdk import session as sdk_session
from aws_setup_wizard.sdk.generate import without_docs
from aws_setup_wizard.sdk.loader import PlainJSONFileLoader


def interned(item: Any) -> Any:
    """``item`` (parsed JSON) rebuilt with each of its strings, keys and values, interned:
    equal to ``item`` in every respect, each distinct string held once in the process."""
    if isinstance(item, dict):
        return {sys.intern(key): interned(value) for key, value in item.items()}
    if isinstance(item, list):
        return [interned(value) for value in item]
    if isinstance(item, str):
        return sys.intern(item)
    return item


class DoclessLoader(MotoLoader):
    """moto's model loader (``moto-extras`` merged), with ``service-2`` read without its
    documentation and JSON parsed into plain dicts (see the module's docstring)."""

    FILE_LOADER_CLASS = PlainJSONFileLoader

    def load_service_model(
        self, service_name: str, type_name: str, api_version: str | None = None
    ) -> Any:
        """moto's ``load_service_model``; a ``service-2`` model comes without documentation,
        its strings interned."""
        model = super().load_service_model(service_name, type_name, api_version)
        return interned(without_docs(model)) if type_name == "service-2" else model


def create_loader() -> DoclessLoader:
    """What ``moto.core.loaders.create_loader`` makes, reading as :class:`DoclessLoader`."""
    return DoclessLoader(extra_search_paths=[moto_root])


@functools.cache
def regions_session() -> botocore.session.Session:
    """A botocore session on the process's model loader, for moto's questions about Regions.

    Only ``get_available_partitions`` and ``get_available_regions`` are asked of it (the same
    methods, with the same answers, as the ``boto3.Session`` moto would make: boto3's delegate
    to botocore's). It is not the wizard's session: nothing of the owner's configuration is
    read for it, as moto's own session read nothing it used either. It is not wrapped in a
    ``boto3.Session``, which would add boto3's resource-model folder to the shared loader's
    search paths.
    """
    session = botocore.session.Session()
    session.register_component("data_loader", sdk_session.loader(None))
    return session


class _EC2BackendsOnDemand:
    """Stands in for ``moto.ec2.ec2_backends`` in ``moto.ssm.models``: the real one, imported
    the first time SSM asks for it (only ``SendCommand`` with instance targets does)."""

    def __getitem__(self, account_id: str) -> Any:
        from moto.ec2.models import ec2_backends

        return ec2_backends[account_id]


def _ssm_without_ec2() -> None:
    """Import ``moto.ssm.models`` without importing ``moto.ec2`` with it.

    moto's SSM imports EC2 at the top for one rarely used feature, and importing ``moto.ec2``
    costs about 1.8 s and 170 MiB (its instance-type and offering data). Every sandbox
    ``verify`` reads the declined steps from Parameter Store, so that cost fell on every run.
    While ``moto.ssm.models`` is imported, ``moto.ec2`` is a stand-in holding
    :class:`_EC2BackendsOnDemand`; the stand-in is removed at once, so any later
    ``import moto.ec2`` (the EBS layer's) loads the real package.
    """
    if "moto.ssm.models" in sys.modules or "moto.ec2" in sys.modules:
        return
    stand_in = types.ModuleType("moto.ec2")
    stand_in.ec2_backends = _EC2BackendsOnDemand()  # type: ignore[attr-defined]
    sys.modules["moto.ec2"] = stand_in
    try:
        import moto.ssm.models  # noqa: F401 - imported for its side effect: moto's SSM, loaded
    finally:
        del sys.modules["moto.ec2"]


_installed = threading.Lock()
_done = False


def install() -> None:
    """Make moto read its models and Regions as described in the module's docstring (once).

    Models moto already read before this (none, in the sandbox's own process) stay as they are.
    """
    global _done
    with _installed:
        if _done:
            return
        moto_utils.create_loader = create_loader  # type: ignore[attr-defined]
        base_backend.AccountSpecificBackend.get_session = classmethod(  # type: ignore[assignment]
            lambda cls: regions_session()
        )
        _ssm_without_ec2()
        _done = True
