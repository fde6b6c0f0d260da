"""Every security-contact drift, over real HTTP: the verdict names the cause, the repair is
exactly one PutAlternateContact for SECURITY, and a second apply writes nothing.

The step is registered for these tests only (the lead engineer adds it to ``STEPS``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from aws_setup_wizard import steps as registry
from aws_setup_wizard.sandbox import Sandbox
from aws_setup_wizard.steps.security_contact import SecurityContactStep
from tests.drift import security_contact
from tests.drift.runner import Drift, run_drift
from tests.sandbox_accounts import console_clients


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[SecurityContactStep]:
    """The step in the registry, as ``run_drift`` finds steps by id."""
    step = SecurityContactStep()
    monkeypatch.setattr(registry, "STEPS", (*registry.STEPS, step))
    yield step


@pytest.mark.parametrize("drift", security_contact.DRIFTS, ids=lambda drift: drift.id)
def test_drift_is_named_and_repaired(
    drift: Drift, registered: SecurityContactStep, sandbox_server: Sandbox
) -> None:
    run = run_drift(drift, sandbox_server)
    account = console_clients(sandbox_server)("account")
    security = account.get_alternate_contact(AlternateContactType="SECURITY")["AlternateContact"]
    if drift.status == "fail":
        # The repair wrote the owner's contact, exactly as given.
        assert security["EmailAddress"] == drift.options["contact_email"]
        assert security["Name"] == drift.options["contact_name"]
        assert run.plan is not None and len(run.plan.changes) == 1
        assert run.plan.changes[0].call is not None
        assert run.plan.changes[0].call.params["AlternateContactType"] == "SECURITY"
    else:
        # A passing drift is left as it is: nothing was overwritten.
        assert security["EmailAddress"] != drift.options["contact_email"]


def test_the_catalogue_has_at_least_three_entries_two_of_them_failures() -> None:
    assert len(security_contact.DRIFTS) >= 3
    assert sum(d.status == "fail" for d in security_contact.DRIFTS) >= 2
