"""Drift catalogue: root access keys (Security Hub IAM.4). Data for ``tests/drift/runner.py``.

Starting point: the ``done`` scenario, where root has no access key. A key comes back the ways
AWS allows (the drifts of the same names in :mod:`aws_setup_wizard.sandbox.drifts`): created in
the console (the root layer's ``create_key``, which is what the console's "Create access key"
does) or with ``CreateAccessKey`` signed by another root key. Repairs: with the console session,
the console action (delete every root key); with a root key, one ``DeleteAccessKey`` per key,
the signing key last.
"""

from __future__ import annotations

from tests.drift.runner import CONSOLE, Drift

STEP = "root-access-keys"
HAS_KEY = "The root user has an access key"


DRIFTS = (
    Drift("a root key created in the console", STEP, HAS_KEY, (CONSOLE,)),
    Drift(
        "two root keys, deleted signed with a root key",
        STEP,
        HAS_KEY,
        ("iam:DeleteAccessKey", "iam:DeleteAccessKey"),
        credentials="root",
    ),
    Drift("a deactivated root key still counts", STEP, HAS_KEY, (CONSOLE,)),
    Drift(
        # The only administrator's console password is removed, then root makes a key: the key
        # the wizard runs on is the last way in it can verify, unless the owner says root can
        # sign in.
        "a root key while no administrator can sign in: root MFA and the owner's word",
        STEP,
        HAS_KEY,
        ("iam:DeleteAccessKey",),
        options={"root_sign_in_confirmed": True},
        credentials="root",
    ),
)
