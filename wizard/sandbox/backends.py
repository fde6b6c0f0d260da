"""Handles on moto's in-process backends for the sandbox account.

moto keeps every service's state in process-global ``BackendDict`` objects keyed by account
and region (IAM: by partition). The root-account layer reads and adjusts these directly where
a fix is about *state* (a flag moto never sets, a default it never fills in), which is simpler
and safer than rewriting response bodies.
"""

from __future__ import annotations

import os
from typing import Any

# moto reads this when an IAM backend is created: AWS managed policies such as
# AdministratorAccess must exist in the sandbox, as they do in every real account.
os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
# moto loads its catalogue of public AMIs into every Region's EC2 backend it creates, which
# makes the first call in each Region several times slower; regional checks touch every
# enabled Region of every account, and nothing in the wizard reads AMIs. Overridable.
os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")

from moto.cloudtrail.models import cloudtrail_backends  # noqa: E402
from moto.iam.models import iam_backends  # noqa: E402
from moto.kms.models import kms_backends  # noqa: E402
from moto.s3.models import s3_backends  # noqa: E402

PARTITION = "aws"


def iam(account_id: str) -> Any:
    """The account's IAM backend (global, per partition)."""
    return iam_backends[account_id][PARTITION]


def cloudtrail(account_id: str, region: str) -> Any:
    """The account's CloudTrail backend in ``region``."""
    return cloudtrail_backends[account_id][region]


def kms(account_id: str, region: str) -> Any:
    """The account's KMS backend in ``region``."""
    return kms_backends[account_id][region]


def s3(account_id: str) -> Any:
    """The account's S3 backend (global, per partition)."""
    return s3_backends[account_id][PARTITION]


def known_secret(account_id: str, access_key_id: str) -> tuple[str, str] | None:
    """``(secret, status)`` of a key moto issued (IAM user or assumed-role key), else ``None``."""
    key = iam(account_id).access_keys.get(access_key_id)
    if key is None:
        return None
    return str(key.secret_access_key), str(key.status)


def reset_all() -> None:
    """Wipe every moto backend (all services, all accounts), as ``/moto-api/reset`` does."""
    from moto.moto_api._internal.models import moto_api_backend

    moto_api_backend.reset()


def cloudtrail_regions(account_id: str) -> list[Any]:
    """The account's CloudTrail backends that exist so far (iterating creates none)."""
    return list(cloudtrail_backends[account_id].values())
