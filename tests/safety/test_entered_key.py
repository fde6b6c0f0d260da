"""A temporary root key entered in the wizard: shape-checked, kept only while it exists."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from aws_setup_wizard.credentials import (
    access_key_id_problem,
    account_from_entered_key,
    kept_root_key_account,
    secret_key_problem,
)
from aws_setup_wizard.flow import identify
from aws_setup_wizard.model import no_progress
from aws_setup_wizard.runner import apply_step
from aws_setup_wizard.secrets import SecretStore
from aws_setup_wizard.steps.root_keys import RootAccessKeysStep
from tests.sandbox_accounts import journaled
from tests.unit.test_secrets import Working


@pytest.mark.parametrize(
    "text",
    [
        "",
        "AKIA",
        "akiaabcdefghijklmnop",
        "AKIAABCDEFGHIJKLMNO1",
        "ASIAABCDEFGHIJKLMNOP",
        "AKIA ABCDEFGHIJKLMNOP",
    ],
)
def test_bad_key_ids_refused(text):
    assert access_key_id_problem(text)


def test_secret_shape():
    assert secret_key_problem("x" * 40) is None
    assert secret_key_problem("x" * 39) and secret_key_problem("x" * 39 + " ")


def test_entered_key_is_kept_until_the_wizard_deletes_it(sandbox):
    box = sandbox("partial")  # an administrator exists: root's last key may go
    key = box.root_access_key
    store = SecretStore(Working())
    account = account_from_entered_key(
        key.access_key_id,
        key.secret_access_key,
        region=box.region,
        endpoint_url=box.endpoint_url,
        store=store,
    )
    assert store.root_key() == (box.account_id, key.access_key_id, key.secret_access_key)
    identity = identify(account)
    assert identity.credential_source == "credentials entered in the wizard"
    assert "deletes that key as its very last step" in identity.notices[0]
    # A re-run after an interruption finds the kept key.
    resumed = kept_root_key_account(store, region=box.region, endpoint_url=box.endpoint_url)
    assert resumed is not None and resumed.caller().is_root
    step = RootAccessKeysStep()
    applied = apply_step(step, journaled(account), step.plan(account, {}), no_progress)
    assert applied.check is None  # the session ended with the key
    assert store.root_key() is None


def test_a_wrong_key_is_not_kept(sandbox):
    box = sandbox("fresh")
    store = SecretStore(Working())
    with pytest.raises(ClientError):
        account_from_entered_key(
            box.root_access_key.access_key_id,
            "x" * 40,
            region=box.region,
            endpoint_url=box.endpoint_url,
            store=store,
        )
    assert store.root_key() is None


def test_admin_password_is_kept_until_the_admin_has_mfa(sandbox):
    from aws_setup_wizard.runner import recheck
    from aws_setup_wizard.sandbox import console
    from aws_setup_wizard.secrets import admin_password_entry
    from aws_setup_wizard.steps.admin_user import AdminUserStep
    from tests.sandbox_accounts import account_on

    box = sandbox("fresh")
    account = account_on(box, "console")
    account.secrets = SecretStore(Working())
    step = AdminUserStep()
    plan = step.plan(account, {"admin_user": "admin", "admin_group": "Administrators"})
    applied = apply_step(step, account, plan, no_progress)
    entry = admin_password_entry(box.account_id, "admin")
    assert account.secrets.get(entry) == applied.outcome.reveal["password"]
    console.register_user_mfa(box.endpoint_url, "admin")
    assert recheck(step, account).passed
    assert account.secrets.get(entry) is None
