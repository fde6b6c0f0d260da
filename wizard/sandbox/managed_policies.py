"""AWS managed policies in the sandbox: every one of moto's, their documents kept compressed.

Every AWS account holds the AWS managed policies (``arn:aws:iam::aws:policy/...``): they can be
read, listed with ``ListPolicies --scope AWS`` and attached, never changed
(https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html#aws-managed-policies).
moto holds them (``MOTO_IAM_LOAD_MANAGED_POLICIES``, set in
:mod:`aws_setup_wizard.sandbox.backends`) as a 4.5 MiB JSON text in a module, which every IAM
backend it makes (one per account) parses whole again (12 MiB while parsing) and keeps as about
1,600 policy objects, each with its document as a JSON text of its own: 3.3 MiB per account.

:func:`install` changes where the documents live, not what anyone reads:

- moto's text is read once per process, one policy at a time, into :func:`catalogue`: each
  policy's path, default version, dates and document, the document compressed (zlib: about a
  fifth of the size). moto's own copy of the text is then let go.
- Each IAM backend still gets every policy, as the same ``AWSManagedPolicy`` objects moto makes
  (same ARN, path, version, dates), but each one's default version reads its document from the
  catalogue when asked (:class:`CataloguedVersion`), giving exactly the text moto would have
  held (``json.dumps`` of the document, as ``AWSManagedPolicy.from_data`` makes it).
"""

from __future__ import annotations

import functools
import json
import re
import threading
import zlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from moto.iam import aws_managed_policies as moto_data
from moto.iam import models as iam_models
from moto.settings import load_iam_aws_managed_policies
from moto.utilities.utils import ARN_PARTITION_REGEX

_WHITESPACE = " \t\n\r"


@dataclass(frozen=True, slots=True)
class Entry:
    """One AWS managed policy of the catalogue (what ``AWSManagedPolicy.from_data`` reads)."""

    path: str | None
    default_version_id: str | None
    create_date: datetime
    update_date: datetime
    compressed_document: bytes

    @property
    def document(self) -> str:
        """The policy document as moto holds it: ``json.dumps`` of moto's data."""
        return zlib.decompress(self.compressed_document).decode("utf-8")


def _each_policy(text: str) -> Any:
    """``(name, data)`` of each policy in moto's JSON object text, parsed one at a time, so that
    the whole catalogue is never held parsed (it would be 12 MiB at once)."""
    decoder = json.JSONDecoder()
    at = text.index("{") + 1
    while True:
        while text[at] in _WHITESPACE:
            at += 1
        if text[at] == "}":
            return
        name, at = decoder.raw_decode(text, at)
        while text[at] in _WHITESPACE:
            at += 1
        if text[at] != ":":
            raise ValueError(f"moto's managed policies: ':' expected at {at}")
        at += 1
        while text[at] in _WHITESPACE:
            at += 1
        data, at = decoder.raw_decode(text, at)
        yield name, data
        while text[at] in _WHITESPACE:
            at += 1
        if text[at] == ",":
            at += 1


#: Re-entrant: :func:`install` builds the catalogue while holding it.
_lock = threading.RLock()


@functools.cache
def catalogue() -> dict[str, Entry]:
    """Every AWS managed policy moto knows, by name (read from moto's data once)."""
    with _lock:
        text = moto_data.aws_managed_policies_data
        entries = {
            name: Entry(
                path=data.get("Path"),
                default_version_id=data.get("DefaultVersionId"),
                create_date=datetime.fromisoformat(data["CreateDate"]),
                update_date=datetime.fromisoformat(data["UpdateDate"]),
                compressed_document=zlib.compress(json.dumps(data.get("Document")).encode("utf-8")),
            )
            for name, data in _each_policy(text)
        }
        return entries


def arns() -> frozenset[str]:
    """The ARNs of the AWS managed policies the sandbox holds."""
    return frozenset(
        f"arn:aws:iam::aws:policy{entry.path or '/'}{name}" for name, entry in catalogue().items()
    )


class CataloguedVersion(iam_models.PolicyVersion):
    """An AWS managed policy's version whose document is read from the catalogue when asked.

    Anything that sets ``document`` (nothing does for an AWS managed policy, which cannot be
    changed) replaces it, as on moto's own ``PolicyVersion``.
    """

    def __init__(self, name: str, policy_arn: str, version_id: str, create_date: datetime) -> None:
        self._name = name
        self._document: str | None = None
        super().__init__(policy_arn, None, True, version_id, create_date)

    @property
    def document(self) -> str:
        """The document: the catalogue's, unless one was set."""
        if self._document is not None:
            return self._document
        return catalogue()[self._name].document

    @document.setter
    def document(self, value: str) -> None:
        # moto's __init__ sets "" for a missing document: the catalogue's stands then.
        self._document = value or None


def _aws_policies(backend: Any) -> list[Any]:
    """``IAMBackend._init_aws_policies``: moto's policies, documents read from the catalogue."""
    if not load_iam_aws_managed_policies():
        return []
    policies = []
    for name, entry in catalogue().items():
        policy = iam_models.AWSManagedPolicy(  # type: ignore[abstract] # as moto makes them
            name,
            account_id=backend.account_id,
            region=backend.region_name,
            default_version_id=entry.default_version_id,
            path=entry.path,
            document=None,
            create_date=entry.create_date,
            update_date=entry.update_date,
        )
        version = policy.versions[0]
        policy.versions = [
            CataloguedVersion(name, version.policy_arn, version.version_id, version.create_date)
        ]
        policies.append(policy)
    return policies


_installed = False


def install() -> None:
    """Give every IAM backend made from now on its AWS managed policies from the catalogue,
    and let moto's own copy of the text go (see the module's docstring)."""
    global _installed
    with _lock:
        if _installed:
            return
        catalogue()
        iam_models.IAMBackend._init_aws_policies = _aws_policies  # type: ignore[method-assign,assignment]
        # The 4.5 MiB text is held by moto's data module and the name moto's models imported;
        # nothing else reads it once the catalogue holds it.
        moto_data.aws_managed_policies_data = ""
        iam_models.aws_managed_policies_data = ""  # type: ignore[attr-defined]
        iam_models.AccountSummary._policies = property(_customer_policy_count)  # type: ignore[method-assign,assignment]
        _installed = True


#: moto's test for an AWS managed policy's ARN (``AccountSummary._policies``), compiled once.
_AWS_POLICY_ARN = re.compile(ARN_PARTITION_REGEX + ":iam::aws:policy")


def _customer_policy_count(summary: Any) -> int:
    """``GetAccountSummary``'s ``Policies``: the account's customer managed policies.

    moto's count runs ``re.match`` with its pattern text over every managed policy (about
    1,600, nearly all AWS managed): 3 ms per ``GetAccountSummary``, which the wizard sends on
    every check of root's MFA and keys. The same pattern, compiled once, counts the same.
    """
    policies = summary._iam_backend.managed_policies
    return sum(1 for arn in policies if not _AWS_POLICY_ARN.match(arn))
