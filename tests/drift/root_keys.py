"""Drift catalogue: root access keys (Security Hub IAM.4). Data for ``tests/drift/runner.py``.

Starting point: the ``done`` scenario, where root has no access key. A key comes back the ways
AWS allows: created in the console (the root layer's ``create_key``, which is what the console's
"Create access key" does) or with ``CreateAccessKey`` signed by another root key. Repairs: with
the console session, the console action (delete every root key); with a root key, one
``DeleteAccessKey`` per key, the signing key last.
"""

from __future__ import annotations

from aws_setup_wizard.sandbox import Sandbox
from tests.drift.runner import CONSOLE, Drift

STEP = "root-access-keys"
HAS_KEY = "The root user has an access key"


def create_in_console(box: Sandbox) -> None:
    """Root creates an access key in the console (Security credentials → Create access key)."""
    box.root.create_key()


def create_second_with_api(box: Sandbox) -> None:
    """A root key exists and, signed with it, a second one is made (``CreateAccessKey``)."""
    import boto3

    first = box.root.create_key()
    iam = boto3.client(
        "iam",
        region_name=box.region,
        endpoint_url=box.endpoint_url,
        aws_access_key_id=first.access_key_id,
        aws_secret_access_key=first.secret_access_key,
    )
    iam.create_access_key()  # no UserName: a key for the caller, root


def create_then_deactivate(box: Sandbox) -> None:
    """A root key is made and only deactivated: AccountAccessKeysPresent still says 1."""
    key = box.root.create_key()
    box.root.update_key(key.access_key_id, "Inactive")


def create_after_the_admin_lost_its_password(box: Sandbox) -> None:
    """The only administrator's console password is removed, then root makes a key: the key the
    wizard runs on is the last way in it can verify, unless the owner says root can sign in."""
    from tests.drift.runner import client

    client(box, "iam").delete_login_profile(UserName="alice")
    box.root.create_key()


DRIFTS = (
    Drift("a root key created in the console", STEP, create_in_console, HAS_KEY, (CONSOLE,)),
    Drift(
        "two root keys, deleted signed with a root key",
        STEP,
        create_second_with_api,
        HAS_KEY,
        ("iam:DeleteAccessKey", "iam:DeleteAccessKey"),
        credentials="root",
    ),
    Drift("a deactivated root key still counts", STEP, create_then_deactivate, HAS_KEY, (CONSOLE,)),
    Drift(
        "a root key while no administrator can sign in: root MFA and the owner's word",
        STEP,
        create_after_the_admin_lost_its_password,
        HAS_KEY,
        ("iam:DeleteAccessKey",),
        options={"root_sign_in_confirmed": True},
        credentials="root",
    ),
)
