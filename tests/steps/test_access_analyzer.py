"""The access-analyzer step against the sandbox: every enabled Region read, judged and repaired.

Followed: IAM Access Analyzer API Reference, "ListAnalyzers" / "CreateAnalyzer" /
"AnalyzerSummary" (``status`` ACTIVE, CREATING, DISABLED, FAILED); IAM User Guide, "Create an
IAM Access Analyzer external access analyzer" (one per Region) and "IAM Access Analyzer quotas";
AWS Config rule ``iam-external-access-analyzer-enabled`` (NON_COMPLIANT per Region without an
ACTIVE external access analyzer), the rule behind Security Hub IAM.28.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from aws_setup_wizard import assets, journal, runner
from aws_setup_wizard.account import Account
from aws_setup_wizard.errors import WizardError
from aws_setup_wizard.model import Phase, Status
from aws_setup_wizard.options import OptionError
from aws_setup_wizard.sandbox import access_analyzer_layer
from aws_setup_wizard.sandbox.ec2_layer import DEFAULT_REGIONS
from aws_setup_wizard.steps.access_analyzer import (
    ANALYZER_NAME,
    DEFAULT_NAME,
    AccessAnalyzerStep,
    judge_region,
)
from aws_setup_wizard.writes import writing
from tests.guardrails import apply_journaled, lose_every_answer, no_waiting, writes
from tests.sandbox_accounts import account_on

STEP = AccessAnalyzerStep()
CREATE = "accessanalyzer:CreateAnalyzer"
OPTIONS = {"analyzer_name": DEFAULT_NAME}


def regions_read(acct: Account) -> list[str]:
    """The Region of every ListAnalyzers call the account's clients send from now on."""
    seen: list[str] = []
    lock = threading.Lock()

    def before(model: Any, context: dict[str, Any], **_: Any) -> None:
        if model.name == "ListAnalyzers":
            with lock:
                seen.append(str(context.get("client_region")))

    acct.on_every_client("before-call", before)
    return seen


def deny_in(acct: Account, region: str) -> None:
    """ListAnalyzers fails in one Region only, as a missing permission would there."""

    def deny(**_: object) -> None:
        raise ClientError(
            {"Error": {"Code": "AccessDeniedException", "Message": "not in this Region"}},
            "ListAnalyzers",
        )

    acct.client("accessanalyzer", region).meta.events.register(
        "before-call.accessanalyzer.ListAnalyzers", deny
    )


def test_a_fresh_account_fails_in_every_region_and_one_create_per_region_repairs_it(
    sandbox: Any, tmp_path: Path
) -> None:
    account = account_on(sandbox("fresh"))
    check = STEP.check(account)
    assert check.status is Status.FAIL
    assert "is not in place in 17 Regions: ap-northeast-1, " in check.summary
    assert set(check.evidence["failing_regions"]) == DEFAULT_REGIONS
    assert "No external access analyzer in eu-west-1" in str(check.evidence["regions"])

    plan = STEP.plan(account, OPTIONS)
    assert [c.action for c in plan.changes] == [CREATE] * 17
    calls = [c.call for c in plan.changes if c.call is not None]
    assert {call.region for call in calls} == DEFAULT_REGIONS
    assert all(call.params == {"analyzerName": DEFAULT_NAME, "type": "ACCOUNT"} for call in calls)
    assert not plan.destructive
    assert any("cost nothing" in note and "not turned on" in note for note in plan.notes)
    assert not any("ACCOUNT_UNUSED_ACCESS" in str(c.call) for c in plan.changes)

    path = tmp_path / "journal.jsonl"
    applied, _ = apply_journaled(STEP, account, path, OPTIONS)
    assert applied.check is not None and applied.check.passed, applied.check
    assert writes(path, CREATE).count((CREATE, "ok")) == 17
    assert STEP.plan(account, OPTIONS).empty


def test_the_check_reads_each_enabled_region_once_and_never_a_disabled_one(
    sandbox: Any,
) -> None:
    box = sandbox("done")
    account = account_on(box)
    seen = regions_read(account)
    assert STEP.check(account).passed
    assert sorted(seen) == sorted(DEFAULT_REGIONS)  # one call per Region, nothing twice
    assert "eu-south-1" not in seen

    # Enabled later, the opt-in Region is read by the next run (and has no analyzer yet).
    box.root.enable_region("eu-south-1")
    later = account_on(box)
    check = STEP.check(later)
    assert check.status is Status.FAIL
    assert check.summary.endswith("is not in place in 1 Region: eu-south-1.")
    plan = STEP.plan(later, OPTIONS)
    assert [(c.action, c.call.region if c.call else None) for c in plan.changes] == [
        (CREATE, "eu-south-1")
    ]


def test_a_region_that_answers_an_error_is_unknown_naming_it_never_a_pass(
    sandbox: Any,
) -> None:
    account = account_on(sandbox("done"))
    deny_in(account, "ap-south-1")
    check = STEP.check(account)
    assert check.status is Status.UNKNOWN
    assert "in 1 Region: ap-south-1" in check.summary
    assert "AWS denied ListAnalyzers" in check.summary
    assert check.evidence["regions"]["ap-south-1"]["status"] == "unknown"
    assert check.evidence["regions"]["eu-west-1"]["status"] == "pass"
    with pytest.raises(WizardError):
        STEP.plan(account, OPTIONS)


def test_a_failing_region_beside_an_unreadable_one_is_repaired_alone(sandbox: Any) -> None:
    box = sandbox("done")
    account = account_on(box)
    access_analyzer_layer.analyzers(box.root, "sa-east-1").clear()
    deny_in(account, "ap-south-1")
    check = STEP.check(account)
    assert check.status is Status.FAIL
    assert "1 Region: sa-east-1; could not read 1 Region: ap-south-1" in check.summary
    plan = STEP.plan(account, OPTIONS)
    assert [c.call.region for c in plan.changes if c.call] == ["sa-east-1"]
    assert any("ap-south-1" in note and "could not be read" in note for note in plan.notes)


def test_an_analyzer_still_being_created_fails_but_is_not_created_twice(sandbox: Any) -> None:
    box = sandbox("done")
    access_analyzer_layer.set_status(box.root, "eu-north-1", DEFAULT_NAME, "CREATING", None)
    account = account_on(box)
    check = STEP.check(account)
    assert check.status is Status.FAIL
    assert "eu-north-1" in check.summary
    region = check.evidence["regions"]["eu-north-1"]["summary"]
    assert f"{DEFAULT_NAME} is CREATING" in region
    plan = STEP.plan(account, OPTIONS)
    assert plan.changes == ()
    assert any("still being created" in note for note in plan.notes)


def test_a_name_taken_by_another_type_is_refused_before_any_call(sandbox: Any) -> None:
    box = sandbox("done")
    held = access_analyzer_layer.analyzers(box.root, "us-east-2")
    held.clear()
    access_analyzer_layer.seed(box.root, "us-east-2", "mine", "ACCOUNT_UNUSED_ACCESS")
    account = account_on(box)
    check = STEP.check(account)
    assert "No external access analyzer in us-east-2 (only ACCOUNT_UNUSED_ACCESS" in str(
        check.evidence["regions"]["us-east-2"]["summary"]
    )
    with pytest.raises(WizardError, match="already used in us-east-2"):
        STEP.plan(account, {"analyzer_name": "mine"})


def test_an_analyzer_made_between_plan_and_apply_counts_as_done(
    sandbox: Any, tmp_path: Path
) -> None:
    box = sandbox("done")
    access_analyzer_layer.analyzers(box.root, "eu-west-2").clear()
    account = account_on(box)
    plan = STEP.plan(account, OPTIONS)
    # Someone else makes the Region's one account analyzer, under another name.
    access_analyzer_layer.seed(box.root, "eu-west-2", "made-by-someone-else")
    events: list[Any] = []
    with writing(account, "apply access-analyzer", journal=journal.Journal(tmp_path / "j")):
        applied = runner.apply_step(STEP, account, plan, events.append)
    assert applied.check is not None and applied.check.passed
    assert any(e.phase is Phase.ALREADY and "made-by-someone-else" in e.detail for e in events)


def test_a_create_whose_answer_was_lost_is_settled_by_reading(
    sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_waiting(monkeypatch)
    box = sandbox("done")
    access_analyzer_layer.analyzers(box.root, "ca-central-1").clear()
    account = account_on(box)
    sent = lose_every_answer(account, "accessanalyzer.CreateAnalyzer")
    path = tmp_path / "journal.jsonl"
    applied, events = apply_journaled(STEP, account, path, OPTIONS)
    assert sent == [1], "a create goes out exactly once"
    assert applied.check is not None and applied.check.passed
    assert writes(path, CREATE)[-1] == (CREATE, "ok (made; its answer was lost)")
    assert any(e.phase is Phase.DONE and "answer was lost" in e.detail for e in events)


@pytest.mark.parametrize(
    ("analyzers", "status", "words"),
    [
        ([{"name": "org", "type": "ORGANIZATION", "status": "ACTIVE"}], Status.PASS, "org"),
        (
            [
                {
                    "name": "org",
                    "type": "ORGANIZATION",
                    "status": "DISABLED",
                    "statusReason": {"code": "AWS_SERVICE_ACCESS_DISABLED"},
                }
            ],
            Status.FAIL,
            "org is DISABLED (AWS_SERVICE_ACCESS_DISABLED)",
        ),
        (
            [{"name": "a", "type": "ACCOUNT", "status": "FAILED"}],
            Status.FAIL,
            "a is FAILED",
        ),
        (
            [{"name": "u", "type": "ACCOUNT_INTERNAL_ACCESS", "status": "ACTIVE"}],
            Status.FAIL,
            "only ACCOUNT_INTERNAL_ACCESS",
        ),
        ([], Status.FAIL, "No external access analyzer in eu-west-1."),
    ],
)
def test_only_an_active_account_or_organization_analyzer_passes_a_region(
    analyzers: list[dict[str, Any]], status: Status, words: str
) -> None:
    check = judge_region("eu-west-1", analyzers)
    assert check.status is status
    assert words in check.summary


def test_the_paid_unused_access_analyzer_only_when_asked_with_its_price_first(
    sandbox: Any, tmp_path: Path
) -> None:
    box = sandbox("fresh")
    account = account_on(box)
    plan = STEP.plan(account, {**OPTIONS, "unused_access": True})
    unused = [c for c in plan.changes if c.call and c.call.params["type"] != "ACCOUNT"]
    assert len(unused) == 1 and unused[0].call is not None
    assert unused[0].call.region == box.region  # one, in the home Region: it covers the account
    assert unused[0].call.params["type"] == "ACCOUNT_UNUSED_ACCESS"
    price = [note for note in plan.notes if note.startswith("PAID")]
    assert len(price) == 1
    assert "USD 0.20 per IAM role or user analysed per month" in price[0]
    assert "IAM users and roles today" in price[0]
    assert not any("not turned on" in note for note in plan.notes)

    applied, _ = apply_journaled(
        STEP, account, tmp_path / "j.jsonl", {**OPTIONS, "unused_access": True}
    )
    assert applied.check is not None and applied.check.passed
    kinds = {
        a["type"]
        for a in account.client("accessanalyzer", box.region).list_analyzers()["analyzers"]
    }
    assert kinds == {"ACCOUNT", "ACCOUNT_UNUSED_ACCESS"}
    assert STEP.plan(account, {**OPTIONS, "unused_access": True}).empty


def test_the_analyzer_name_option_follows_create_analyzers_rules() -> None:
    assert ANALYZER_NAME.validate(DEFAULT_NAME) == DEFAULT_NAME
    for bad in ("9lives", "has space", "x" * 256, ""):
        with pytest.raises(OptionError):
            ANALYZER_NAME.validate(bad)


def test_why_text_names_the_controls_the_cost_and_the_paid_type_with_its_price() -> None:
    why = assets.read_text("why/access-analyzer.md")
    for words in ("IAM.28", "1.19", "every Region", "free", "USD 0.20", "unless you ask"):
        assert words in why, words
    assert STEP.group == "Guardrails" and STEP.regional
    assert STEP.controls == ("Security Hub IAM.28", "CIS AWS Foundations v5.0 1.19")
