"""The budget-alerts step over real HTTP against the sandbox: a strict check naming each cause,
an exact plan with its costs stated, apply through the dispatcher, lost answers settled by
reading, and the Free-plan evidence. The step is registered for these tests only."""

from __future__ import annotations

import argparse
import io
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from aws_setup_wizard import dispatch, plain, runner
from aws_setup_wizard import steps as registry
from aws_setup_wizard.account import Account
from aws_setup_wizard.cli import build_parser
from aws_setup_wizard.errors import error_code
from aws_setup_wizard.model import Ref, Status, no_progress
from aws_setup_wizard.options import OptionError
from aws_setup_wizard.sandbox import Sandbox
from aws_setup_wizard.steps.budget_alerts import (
    BUDGET_NAME,
    MONITOR_NAME,
    BudgetAlertsStep,
    monthly_budget_usd,
)
from tests.drift.runner import count_writes
from tests.safety.test_exactly_once import lose_first_answer
from tests.sandbox_accounts import account_on, console_clients
from tests.steps.test_access_denied import trainee

STEP = BudgetAlertsStep()
EMAIL = "owner@example.com"
OPTIONS = {"contact_email": EMAIL, "monthly_budget": "25"}


@pytest.fixture(autouse=True)
def registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The step joins the registry for these tests only (the lead integrates it later)."""
    monkeypatch.setattr(registry, "STEPS", (*registry.STEPS, STEP))
    yield


@pytest.fixture
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    """The dispatcher's back-off between reads after a lost answer, without the waits."""
    monkeypatch.setattr(dispatch, "sleep", lambda seconds: None)


def options(account: Account, **given: str) -> dict[str, str | bool]:
    """The step's options resolved as the command line resolves them."""
    return runner.resolve_options([STEP], {**OPTIONS, **given}, account.account_id, account.region)[
        STEP.id
    ]


def budgets(box: Sandbox) -> list[dict[str, Any]]:
    """The account's budgets, read with plain boto3 as the AWS CLI would."""
    return list(
        console_clients(box)("budgets").describe_budgets(AccountId=box.account_id)["Budgets"]
    )


@pytest.mark.parametrize("bad", ["-5", "ten", "1.234", "0", "0.00", "1,000", "", "25 USD"])
def test_a_bad_monthly_budget_is_refused_before_any_call(bad: str) -> None:
    assert monthly_budget_usd(bad)
    with pytest.raises(OptionError, match="Monthly budget"):
        runner.resolve_options([STEP], {**OPTIONS, "monthly_budget": bad}, "123456789012", "x")


@pytest.mark.parametrize("good", ["25", "19.99", "$30", "1000000", "0.5"])
def test_a_positive_dollar_amount_with_two_decimals_at_most_is_accepted(good: str) -> None:
    assert monthly_budget_usd(good) is None


def test_the_alert_email_is_the_shared_contact_email_and_is_required(
    sandbox: Callable[[str], Sandbox],
) -> None:
    """Not given, it stays empty; a plan that has alerts to send refuses without it."""
    assert any(option.name == "contact_email" for option in STEP.options)
    acct = account_on(sandbox("fresh"))
    values = runner.resolve_options([STEP], {"monthly_budget": "25"}, acct.account_id, "r")
    assert values[STEP.id]["contact_email"] == ""
    with pytest.raises(OptionError, match="needs --contact-email"):
        STEP.plan(acct, values[STEP.id])


def test_a_fresh_account_fails_naming_both_causes_and_one_apply_makes_it_pass(
    sandbox: Callable[[str], Sandbox],
) -> None:
    box = sandbox("fresh")
    acct = account_on(box)
    check = STEP.check(acct)
    assert check.status is Status.FAIL
    assert "No monthly cost budget exists" in check.summary
    assert "no Cost Anomaly Detection monitor" in check.summary
    free = check.evidence["free_plan"]
    ends = (box.root.created + timedelta(days=183)).date().isoformat()
    assert free == {"plan": "FREE", "status": "ACTIVE", "credits": "100.00 USD", "ends": ends}

    plan = STEP.plan(acct, options(acct))
    assert [c.action for c in plan.changes] == [
        "budgets:CreateBudget",
        "ce:CreateAnomalyMonitor",
        "ce:CreateAnomalySubscription",
    ]
    subscription = plan.changes[2].call.params["AnomalySubscription"]  # type: ignore[union-attr]
    assert subscription["MonitorArnList"] == [Ref("monitor_arn")]
    assert any("Cost: none" in note and "first 2 budgets" in note for note in plan.notes)
    assert "Cost Anomaly Detection is free." in plan.notes
    assert any("Free plan: 100.00 USD of credits left" in note for note in plan.notes)

    applied = runner.apply_step(STEP, acct, plan, no_progress)
    assert applied.check is not None and applied.check.passed, applied.check
    assert BUDGET_NAME in applied.check.summary and EMAIL in applied.check.summary

    # What AWS holds, read independently of the step.
    (budget,) = budgets(box)
    assert (budget["BudgetName"], budget["BudgetLimit"]["Amount"]) == (BUDGET_NAME, "25")
    client = console_clients(box)("budgets")
    notes = client.describe_notifications_for_budget(
        AccountId=box.account_id, BudgetName=BUDGET_NAME
    )["Notifications"]
    assert sorted((n["NotificationType"], n["Threshold"]) for n in notes) == [
        ("ACTUAL", 80.0),
        ("ACTUAL", 100.0),
        ("FORECASTED", 100.0),
    ]
    ce = console_clients(box)("ce")
    (monitor,) = ce.get_anomaly_monitors()["AnomalyMonitors"]
    (made,) = ce.get_anomaly_subscriptions()["AnomalySubscriptions"]
    assert made["MonitorArnList"] == [monitor["MonitorArn"]]
    assert [s["Address"] for s in made["Subscribers"]] == [EMAIL]

    second = STEP.plan(acct, options(acct))
    assert second.empty
    writes = count_writes(acct)
    STEP.apply(acct, second, no_progress)
    assert writes == []


def test_a_third_budget_states_its_daily_cost_before_confirmation(
    sandbox: Callable[[str], Sandbox],
) -> None:
    box = sandbox("fresh")
    client = console_clients(box)("budgets")
    for name in ("team-a", "team-b"):  # two budgets of the owner's, without the alerts
        client.create_budget(
            AccountId=box.account_id,
            Budget={
                "BudgetName": name,
                "BudgetLimit": {"Amount": "100", "Unit": "USD"},
                "TimeUnit": "MONTHLY",
                "BudgetType": "COST",
            },
        )
    acct = account_on(box)
    check = STEP.check(acct)
    assert "has no e-mail alert at actual spend above 80 %" in check.summary
    plan = STEP.plan(acct, options(acct))
    # The owner's budgets are left alone: the wizard adds its own.
    assert plan.changes[0].action == "budgets:CreateBudget"
    assert any("budget 3" in n and "0.02 USD a day" in n for n in plan.notes), plan.notes


def test_the_accounts_one_services_monitor_is_reused_whatever_its_name(
    sandbox: Callable[[str], Sandbox],
) -> None:
    box = sandbox("fresh")
    arn = console_clients(box)("ce").create_anomaly_monitor(
        AnomalyMonitor={
            "MonitorName": "Default-Services-Monitor",
            "MonitorType": "DIMENSIONAL",
            "MonitorDimension": "SERVICE",
        }
    )["MonitorArn"]
    acct = account_on(box)
    assert "; no anomaly alert subscription e-mails anyone" in STEP.check(acct).summary
    plan = STEP.plan(acct, options(acct))
    assert [c.action for c in plan.changes] == [
        "budgets:CreateBudget",
        "ce:CreateAnomalySubscription",
    ]
    params = plan.changes[1].call.params  # type: ignore[union-attr]
    assert params["AnomalySubscription"]["MonitorArnList"] == [arn]
    assert runner.apply_step(STEP, acct, plan, no_progress).check.passed  # type: ignore[union-attr]


def test_a_lost_create_budget_answer_is_settled_by_reading_and_not_sent_again(
    sandbox: Callable[[str], Sandbox], no_waiting: None
) -> None:
    box = sandbox("fresh")
    acct = account_on(box)
    sent = lose_first_answer(acct, "budgets:CreateBudget")
    plan = STEP.plan(acct, options(acct))
    events: list[Any] = []
    applied = runner.apply_step(STEP, acct, plan, events.append)
    assert sent == [1], "CreateBudget went out once"
    assert [b["BudgetName"] for b in budgets(box)] == [BUDGET_NAME]
    assert any("answer was lost" in e.detail for e in events), events
    assert applied.check is not None and applied.check.passed


def test_a_lost_anomaly_monitor_answer_is_found_by_the_wizards_name(
    sandbox: Callable[[str], Sandbox], no_waiting: None
) -> None:
    box = sandbox("fresh")
    acct = account_on(box)
    sent = lose_first_answer(acct, "ce:CreateAnomalyMonitor")
    plan = STEP.plan(acct, options(acct))
    applied = runner.apply_step(STEP, acct, plan, no_progress)
    assert sent == [1]
    ce = console_clients(box)("ce")
    (monitor,) = ce.get_anomaly_monitors()["AnomalyMonitors"]
    assert monitor["MonitorName"] == MONITOR_NAME
    (subscription,) = ce.get_anomaly_subscriptions()["AnomalySubscriptions"]
    assert subscription["MonitorArnList"] == [monitor["MonitorArn"]]
    assert applied.check is not None and applied.check.passed


def test_a_different_budget_holding_the_wizards_name_is_never_already_done(
    sandbox: Callable[[str], Sandbox],
) -> None:
    box = sandbox("fresh")
    acct = account_on(box)
    plan = STEP.plan(acct, options(acct))
    # Between plan and apply, someone makes a yearly budget with the wizard's name.
    console_clients(box)("budgets").create_budget(
        AccountId=box.account_id,
        Budget={
            "BudgetName": BUDGET_NAME,
            "BudgetLimit": {"Amount": "5000", "Unit": "USD"},
            "TimeUnit": "ANNUALLY",
            "BudgetType": "COST",
        },
    )
    with pytest.raises(ClientError) as refused:
        STEP.apply(acct, plan, no_progress)
    assert error_code(refused.value) == "DuplicateRecordException"


def test_the_same_budget_already_made_counts_as_done(sandbox: Callable[[str], Sandbox]) -> None:
    box = sandbox("fresh")
    acct = account_on(box)
    plan = STEP.plan(acct, options(acct))
    create = plan.changes[0]
    params = create.call.params  # type: ignore[union-attr]
    console_clients(box)("budgets").create_budget(**params)  # an interrupted earlier run
    events: list[Any] = []
    STEP.apply(acct, plan, events.append)
    assert any("already in place" in str(e) for e in events), events
    assert [b["BudgetName"] for b in budgets(box)] == [BUDGET_NAME]
    assert STEP.check(acct).passed


def test_a_paid_plan_account_shows_its_plan_as_aws_reports_it(
    sandbox: Callable[[str], Sandbox],
) -> None:
    box = sandbox("done")
    console_clients(box)("freetier").upgrade_account_plan(accountPlanType="PAID")
    check = STEP.check(account_on(box))
    assert check.passed, check.summary
    assert check.evidence["free_plan"]["plan"] == "PAID"
    assert check.evidence["free_plan"]["ends"] is None


def test_budgets_nobody_may_read_are_unknown_never_a_pass(
    sandbox: Callable[[str], Sandbox],
) -> None:
    box = sandbox("done")
    key = trainee(box)  # an IAM user without any policy
    acct = Account.from_settings(
        region=box.region, endpoint_url=box.endpoint_url, credentials=(key[0], key[1], None)
    )
    check = STEP.check(acct)
    assert check.status is Status.UNKNOWN
    assert "Could not read the account's budgets" in check.summary
    assert "budgets:ViewBudget" in check.evidence["error"]


@pytest.mark.parametrize("scenario", ["fresh", "drifted", "done"])
def test_the_check_is_read_only_and_done_passes(
    scenario: str, sandbox: Callable[[str], Sandbox]
) -> None:
    box = sandbox(scenario)
    acct = account_on(box)
    writes = count_writes(acct)
    check = STEP.check(acct)
    assert writes == []
    assert check.passed is (scenario != "fresh"), check.summary


def test_the_monthly_budget_and_contact_email_are_apply_flags() -> None:
    parser = build_parser(with_steps=True)
    commands = next(
        action for action in parser._actions if isinstance(action, argparse._SubParsersAction)
    )
    flags = {
        flag for action in commands.choices["apply"]._actions for flag in action.option_strings
    }
    assert {"--monthly-budget", "--contact-email"} <= flags


def test_the_plain_mode_asks_the_monthly_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.StringIO()
    talk = plain.PlainConversation(out=out)
    monkeypatch.setattr(talk, "select", lambda message, choices, default=None: choices[0])
    answered = talk.ask_options(STEP, dict(OPTIONS))
    assert answered is not None and answered["monthly_budget"] == "25"
    assert "Monthly budget (USD)" in out.getvalue()


def test_absolute_amount_alerts_are_not_the_percentage_alerts_asked_for(
    sandbox: Callable[[str], Sandbox],
) -> None:
    box = sandbox("done")
    client = console_clients(box)("budgets")
    named = {"AccountId": box.account_id, "BudgetName": BUDGET_NAME}
    percent = {
        "NotificationType": "FORECASTED",
        "ComparisonOperator": "GREATER_THAN",
        "Threshold": 100.0,
        "ThresholdType": "PERCENTAGE",
    }
    client.delete_notification(**named, Notification=percent)
    # 100 USD absolute is not "100 % of the limit" (the limit is 25 USD).
    client.create_notification(
        **named,
        Notification={**percent, "ThresholdType": "ABSOLUTE_VALUE"},
        Subscribers=[{"SubscriptionType": "EMAIL", "Address": EMAIL}],
    )
    acct = account_on(box)
    check = STEP.check(acct)
    assert check.status is Status.FAIL
    assert "has no e-mail alert at forecast spend above 100 %" in check.summary
    plan = STEP.plan(acct, options(acct))
    assert [c.action for c in plan.changes] == ["budgets:CreateNotification"]
