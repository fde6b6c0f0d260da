"""The security-contact step against the sandbox: check, plan, apply, re-check, re-runs, a lost
answer, and the contact's personal data kept out of everything written to disk."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from aws_setup_wizard import assets, journal, runner
from aws_setup_wizard import steps as registry
from aws_setup_wizard.account import Account
from aws_setup_wizard.errors import WizardError
from aws_setup_wizard.model import Change, Plan, Status, no_progress
from aws_setup_wizard.options import OptionError, resolve
from aws_setup_wizard.steps.security_contact import ALSO_BILLING, SecurityContactStep
from tests.safety.test_exactly_once import lose_first_answer
from tests.sandbox_accounts import account_on, console_clients

STEP = SecurityContactStep()
PUT = "account:PutAlternateContact"
GIVEN = {
    "contact_name": "Ximena Quarles",
    "contact_title": "Head of Trust",
    "contact_email": "ximena.quarles@quarles-ops.example",
    "contact_phone": "+49 30 9876 54321",
}
#: What must never be written to disk: the person, not the fact that a contact is set.
PERSONAL = ("Ximena", "Quarles", "Head of Trust", "ximena.quarles", "9876 54321")


def options(account: Account, **given: Any) -> dict[str, str | bool]:
    """Options as the front ends pass them: validated by ``resolve``."""
    return resolve(STEP.options, {**GIVEN, **given}, account.account_id, account.region)


def actions(plan: Plan) -> list[str]:
    return [change.action for change in plan.changes]


def types(plan: Plan) -> list[str]:
    return [c.call.params["AlternateContactType"] for c in plan.changes if c.call is not None]


def deny(account: Account, kind: str | None = None, code: str = "AccessDeniedException") -> None:
    """Make GetAlternateContact fail as AWS would (for one contact type, or every one)."""

    def refuse(params: dict[str, Any], **_: Any) -> None:
        if kind is None or params.get("AlternateContactType") == kind:
            error = {"Error": {"Code": code, "Message": "injected"}}
            raise ClientError(error, "GetAlternateContact")  # type: ignore[arg-type]

    account.client("account").meta.events.register(
        "before-parameter-build.account.GetAlternateContact", refuse
    )


def writes(account: Account) -> list[str]:
    """Every write the account's clients send from now on."""
    seen: list[str] = []
    account.on_every_client(
        "before-call",
        lambda model, **_: seen.append(model.name) if not model.name.startswith("Get") else None,
    )
    return seen


def contact(box: Any, kind: str = "SECURITY") -> dict[str, Any]:
    got: dict[str, Any] = console_clients(box)("account").get_alternate_contact(
        AlternateContactType=kind
    )["AlternateContact"]
    return got


# -- check ---------------------------------------------------------------------------------


def test_a_fresh_account_fails_naming_the_missing_contact(account: Any) -> None:
    check = STEP.check(account("fresh"))
    assert check.status is Status.FAIL
    assert "AWS has no security contact" in check.summary
    assert "ResourceNotFoundException" in check.summary
    assert {k: check.evidence[k] for k in ("security", "billing", "operations")} == {
        "security": {"set": False},
        "billing": {"set": False},
        "operations": {"set": False},
    }
    assert "never fails" in check.evidence["note"]


def test_a_done_account_passes_with_every_type_in_evidence_and_no_person(account: Any) -> None:
    check = STEP.check(account("done"))
    assert check.status is Status.PASS, check.summary
    assert check.summary == "AWS has a security contact (e-mail at example.com)."
    for kind in ("security", "billing", "operations"):
        assert check.evidence[kind] == {"set": True, "email_domain": "example.com"}
    text = json.dumps(check.evidence)
    assert "Sam" not in text and "security@" not in text and "555" not in text


def test_access_denied_is_unknown_with_the_reason_and_cannot_be_planned(sandbox: Any) -> None:
    """A real refusal over HTTP: an IAM user with no policy asks for the contacts."""
    box = sandbox("done")
    iam = console_clients(box)("iam")
    iam.create_user(UserName="intern")
    key = iam.create_access_key(UserName="intern")["AccessKey"]
    acct = Account.from_settings(
        region=box.region,
        endpoint_url=box.endpoint_url,
        credentials=(key["AccessKeyId"], key["SecretAccessKey"], None),
    )
    check = STEP.check(acct)
    assert check.status is Status.UNKNOWN
    assert "Could not read the account's security contact" in check.summary
    assert "AWS denied arn:aws:iam::" in check.summary
    assert "account:GetAlternateContact" in check.evidence["error"]
    with pytest.raises(WizardError, match="Cannot plan this step"):
        STEP.plan(acct, options(acct))


def test_throttling_is_unknown_never_a_fail(account: Any) -> None:
    acct = account("fresh")
    deny(acct, code="TooManyRequestsException")
    assert STEP.check(acct).status is Status.UNKNOWN


def test_an_unreadable_billing_contact_never_changes_the_verdict(account: Any) -> None:
    acct = account("done")
    deny(acct, "BILLING")
    check = STEP.check(acct)
    assert check.status is Status.PASS
    assert check.evidence["billing"]["set"] is None
    assert "AWS denied GetAlternateContact" in check.evidence["billing"]["error"]


# -- plan ----------------------------------------------------------------------------------


def test_fresh_plan_is_one_put_for_security_and_says_it_is_free(account: Any) -> None:
    acct = account("fresh")
    plan = STEP.plan(acct, options(acct))
    assert actions(plan) == [PUT]
    assert types(plan) == ["SECURITY"]
    assert any("Free" in note for note in plan.notes)
    change = plan.changes[0]
    assert change.call is not None
    assert change.call.params == {
        "AlternateContactType": "SECURITY",
        "Name": GIVEN["contact_name"],
        "Title": GIVEN["contact_title"],
        "EmailAddress": GIVEN["contact_email"],
        "PhoneNumber": GIVEN["contact_phone"],
    }
    # What the owner reads (and a transcript keeps) names the type, never the person.
    for word in PERSONAL:
        assert word not in change.describe()


def test_billing_and_operations_are_added_only_when_asked(account: Any) -> None:
    acct = account("fresh")
    asked = STEP.plan(acct, options(acct, also_billing_contact=True, also_operations_contact="yes"))
    assert types(asked) == ["SECURITY", "BILLING", "OPERATIONS"]
    only_billing = STEP.plan(acct, options(acct, also_billing_contact=True))
    assert types(only_billing) == ["SECURITY", "BILLING"]


def test_an_existing_contact_passes_and_is_never_overwritten(account: Any) -> None:
    acct = account("done")
    plan = STEP.plan(acct, options(acct, also_billing_contact=True, also_operations_contact=True))
    assert plan.empty


def test_a_billing_contact_that_exists_is_not_planned_again(sandbox: Any) -> None:
    box = sandbox("fresh")
    console_clients(box)("account").put_alternate_contact(
        AlternateContactType="BILLING", **OTHER_CONTACT
    )
    acct = account_on(box)
    plan = STEP.plan(acct, options(acct, also_billing_contact=True))
    assert types(plan) == ["SECURITY"]


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"contact_email": "security at example.com"}, "Contact e-mail: must be an e-mail"),
        ({"contact_email": "jürgen@exämple.de"}, "Contact e-mail: must be an e-mail"),
        ({"contact_phone": "+1 (206) CALL-NOW"}, "Contact phone: may contain only digits"),
        ({"contact_name": "N" * 65}, "Contact name: must be 1 to 64 characters long"),
        ({"contact_title": "T" * 51}, "Contact title: must be 1 to 50 characters long"),
    ],
)
def test_bad_contact_details_are_refused_before_any_call(
    account: Any, given: dict[str, str], message: str
) -> None:
    acct = account("fresh")
    account_id = acct.account_id
    calls: list[str] = []
    acct.on_every_client("before-call", lambda model, **_: calls.append(model.name))
    with pytest.raises(OptionError, match=message):
        resolve(STEP.options, {**GIVEN, **given}, account_id, acct.region)
    with pytest.raises(OptionError, match=message):
        STEP.plan(acct, {**GIVEN, **given})
    assert calls == []


def test_a_plan_that_needs_contact_details_names_the_ones_not_given(account: Any) -> None:
    acct = account("fresh")
    values = resolve(STEP.options, {"contact_email": "sam@example.com"}, acct.account_id, "r")
    with pytest.raises(OptionError, match="needs --contact-name, --contact-title, --contact-phone"):
        STEP.plan(acct, values)


def test_a_finished_account_plans_nothing_without_contact_details(account: Any) -> None:
    acct = account("done")
    assert STEP.plan(acct, resolve(STEP.options, {}, acct.account_id, acct.region)).changes == ()


# -- apply ---------------------------------------------------------------------------------


def test_apply_is_journaled_passes_and_a_second_apply_sends_no_write(
    sandbox: Any, tmp_path: Path
) -> None:
    box = sandbox("fresh")
    acct = account_on(box)
    path = tmp_path / "journal.jsonl"
    journal.Journal(path).watch(acct)
    plan = STEP.plan(acct, options(acct, also_operations_contact=True))
    outcome = STEP.apply(acct, plan, no_progress)
    assert len(outcome.done) == 2
    entries = [e for e in journal.read(path) if e.get("kind") == "write"]
    assert [(e["action"], e["outcome"]) for e in entries] == [
        (PUT, "started"),
        (PUT, "ok"),
        (PUT, "started"),
        (PUT, "ok"),
    ]
    assert entries[0]["resource"] == (
        f"SECURITY alternate contact of arn:aws:account::{box.account_id}:account"
    )
    assert runner.recheck(STEP, acct).passed
    assert contact(box)["EmailAddress"] == GIVEN["contact_email"]
    assert contact(box, "OPERATIONS")["Name"] == GIVEN["contact_name"]

    second = STEP.plan(acct, options(acct, also_operations_contact=True))
    assert second.empty
    sent = writes(acct)
    STEP.apply(acct, second, no_progress)
    assert sent == []


def test_a_contact_set_after_the_plan_is_kept_not_overwritten(sandbox: Any) -> None:
    box = sandbox("fresh")
    acct = account_on(box)
    plan = STEP.plan(acct, options(acct))
    console_clients(box)("account").put_alternate_contact(
        AlternateContactType="SECURITY", **OTHER_CONTACT
    )
    sent = writes(acct)
    outcome = STEP.apply(acct, plan, no_progress)
    assert sent == []
    assert "kept, not overwritten" in outcome.done[0]
    assert contact(box)["EmailAddress"] == OTHER_CONTACT["EmailAddress"]


def test_a_lost_answer_is_settled_by_sending_the_same_overwrite_again(
    sandbox: Any, tmp_path: Path
) -> None:
    """PutAlternateContact is an idempotent overwrite, not a create: the dispatcher leaves it
    to botocore's retries, which send the same values again; AWS ends with them, once."""
    box = sandbox("fresh")
    acct = account_on(box)
    path = tmp_path / "journal.jsonl"
    journal.Journal(path).watch(acct)
    sent = lose_first_answer(acct, "account:PutAlternateContact")
    plan = STEP.plan(acct, options(acct))
    outcome = STEP.apply(acct, plan, no_progress)
    assert len(sent) == 2, "the lost Put was sent again"
    assert len(outcome.done) == 1
    assert contact(box) == {"AlternateContactType": "SECURITY", **contact_params()}
    entries = [e for e in journal.read(path) if e.get("kind") == "write"]
    assert [e["outcome"] for e in entries] == ["started", "ok"]
    assert runner.recheck(STEP, acct).passed


def test_find_made_reads_whether_exactly_these_values_were_written(sandbox: Any) -> None:
    box = sandbox("fresh")
    acct = account_on(box)
    plan = STEP.plan(acct, options(acct))
    change: Change = plan.changes[0]
    assert change.call is not None
    params = dict(change.call.params)
    found = STEP.find_made(acct, change, params)
    assert found is not None and not found.made
    console_clients(box)("account").put_alternate_contact(**params)
    found = STEP.find_made(acct, change, params)
    assert found is not None and found.made
    other = {**params, "EmailAddress": "someone@else.example"}
    found = STEP.find_made(acct, change, other)
    assert found is not None and not found.made
    deny(acct)
    assert STEP.find_made(acct, change, params) is None


# -- personal data on disk -----------------------------------------------------------------


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[SecurityContactStep]:
    step = SecurityContactStep()
    monkeypatch.setattr(registry, "STEPS", (*registry.STEPS, step))
    yield step


def test_no_file_written_by_apply_and_verify_names_the_person(
    registered: SecurityContactStep, sandbox: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Contact details are ``sensitive`` in AWS's model: after a real ``apply`` and
    ``verify --json`` the state directory (journal, locks) and the output hold none of them."""
    from aws_setup_wizard import cli

    box = sandbox("fresh")
    for name, value in box.env().items():
        monkeypatch.setenv(name, value)
    state = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    flags = [
        "--contact-name", GIVEN["contact_name"],
        "--contact-title", GIVEN["contact_title"],
        "--contact-email", GIVEN["contact_email"],
        "--contact-phone", GIVEN["contact_phone"],
        "--also-billing-contact",
    ]  # fmt: skip
    out = io.StringIO()
    with redirect_stdout(out):
        code = cli.main(["apply", registered.id, "--yes", "--account-id", box.account_id, *flags])
    assert code == 0, out.getvalue()
    with redirect_stdout(out):
        assert cli.main(["verify", "--json"]) in (0, 1)
    assert contact(box, "BILLING")["Name"] == GIVEN["contact_name"]

    written = [p for p in state.rglob("*") if p.is_file()]
    assert any(p.name == "journal.jsonl" for p in written)
    records = [e for e in journal.read(state / "aws-setup-wizard" / "journal.jsonl")]
    assert sum(e.get("action") == PUT and e.get("outcome") == "ok" for e in records) == 2
    texts = {str(p): p.read_text(encoding="utf-8", errors="replace") for p in written}
    texts["stdout"] = out.getvalue()
    verdicts = json.loads(out.getvalue()[out.getvalue().index('{\n  "') :])["steps"]
    assert {s["id"]: s["status"] for s in verdicts}[registered.id] == "pass"
    for where, text in texts.items():
        for word in PERSONAL:
            assert word not in text, f"{word!r} written to {where}"


def test_the_journal_drops_every_member_the_model_marks_sensitive() -> None:
    from aws_setup_wizard.sdk.session import process_session

    model = process_session().get_service_model("account").operation_model("PutAlternateContact")
    kept = journal.insensitive(model, {"AlternateContactType": "SECURITY", **contact_params()})
    assert kept == {"AlternateContactType": "SECURITY"}


# -- declarations --------------------------------------------------------------------------


def test_declared_options_controls_and_why() -> None:
    names = [option.name for option in STEP.options]
    assert names == [
        "contact_name",
        "contact_title",
        "contact_email",
        "contact_phone",
        "also_billing_contact",
        "also_operations_contact",
    ]
    assert ALSO_BILLING.default is False and ALSO_BILLING.kind == "bool"
    assert STEP.controls == (
        "Security Hub Account.1",
        "CIS AWS Foundations v5.0 1.2",
        "AWS Startup Security Baseline ACCT.01",
    )
    assert (STEP.services, STEP.group) == (("account",), "Guardrails")
    why = assets.read_text("why/security-contact.md")
    for words in ("Account.1", "CIS AWS Foundations v5.0 1.2", "ACCT.01", "costs", "nothing"):
        assert words in why


def contact_params() -> dict[str, str]:
    return {
        "Name": GIVEN["contact_name"],
        "Title": GIVEN["contact_title"],
        "EmailAddress": GIVEN["contact_email"],
        "PhoneNumber": GIVEN["contact_phone"],
    }


OTHER_CONTACT = {
    "Name": "Desk",
    "Title": "Finance",
    "EmailAddress": "desk@example.com",
    "PhoneNumber": "+1 206 555 0101",
}
