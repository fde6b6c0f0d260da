"""Budgets, Cost Anomaly Detection and the Free Tier plan in the sandbox, as AWS answers them.

moto 5.2.5 is lax about budgets (any amount, a 500 for a missing budget's notifications, no
subscriber operations) and has no anomaly detection or Free Tier at all; the sandbox's layers
(``budgets_layer``, ``cost_layer``) answer with the AWS API references' shapes and codes.
Every call here goes over real HTTP, signed, to the loopback endpoint.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import requests
from botocore.exceptions import ClientError

from aws_setup_wizard.sandbox import Sandbox
from aws_setup_wizard.sandbox.scenarios import BUDGET_NAME

ClientFactory = Callable[..., Any]
ALERT_80 = {
    "NotificationType": "ACTUAL",
    "ComparisonOperator": "GREATER_THAN",
    "Threshold": 80,
    "ThresholdType": "PERCENTAGE",
}
EMAIL = {"SubscriptionType": "EMAIL", "Address": "owner@example.com"}
IMPACT_10 = {
    "Dimensions": {
        "Key": "ANOMALY_TOTAL_IMPACT_ABSOLUTE",
        "MatchOptions": ["GREATER_THAN_OR_EQUAL"],
        "Values": ["10"],
    }
}


def refused(call: Callable[[], Any]) -> tuple[str, int]:
    """The error code and HTTP status AWS (here: the sandbox) refused ``call`` with."""
    with pytest.raises(ClientError) as caught:
        call()
    response = caught.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def budget(name: str = "b", amount: str = "25", **extra: Any) -> dict[str, Any]:
    return {
        "BudgetName": name,
        "BudgetLimit": {"Amount": amount, "Unit": "USD"},
        "TimeUnit": "MONTHLY",
        "BudgetType": "COST",
        **extra,
    }


@pytest.mark.parametrize(
    "bad",
    [
        budget(amount="-5"),
        budget(amount="ten"),
        budget(amount="0"),
        budget(name="a:b"),
        budget(name="x/action/y"),
        budget(TimeUnit="WEEKLY"),
        {"BudgetName": "b", "TimeUnit": "MONTHLY", "BudgetType": "COST"},
    ],
    ids=["negative", "words", "zero", "colon", "action", "time-unit", "no-limit"],
)
def test_create_budget_refuses_what_aws_refuses(
    bad: dict[str, Any], sandbox_at: Callable[[str], Sandbox], client: ClientFactory
) -> None:
    box = sandbox_at("fresh")
    budgets = client(box, "budgets")
    code = refused(lambda: budgets.create_budget(AccountId=box.account_id, Budget=bad))
    assert code == ("InvalidParameterException", 400)
    assert budgets.describe_budgets(AccountId=box.account_id).get("Budgets", []) == []


def test_budgets_of_another_account_are_refused(
    sandbox_at: Callable[[str], Sandbox], client: ClientFactory
) -> None:
    box = sandbox_at("fresh")
    other = "111122223333" if box.account_id != "111122223333" else "444455556666"
    budgets = client(box, "budgets")
    code = refused(lambda: budgets.describe_budgets(AccountId=other))
    assert code == ("AccessDeniedException", 400)


def test_a_missing_budget_is_not_found_not_a_server_error(
    sandbox_at: Callable[[str], Sandbox], client: ClientFactory
) -> None:
    box = sandbox_at("fresh")
    budgets = client(box, "budgets")
    account = box.account_id
    for call in (
        lambda: budgets.describe_notifications_for_budget(AccountId=account, BudgetName="x"),
        lambda: budgets.describe_subscribers_for_notification(
            AccountId=account, BudgetName="x", Notification=ALERT_80
        ),
        lambda: budgets.create_notification(
            AccountId=account, BudgetName="x", Notification=ALERT_80, Subscribers=[EMAIL]
        ),
    ):
        assert refused(call) == ("NotFoundException", 400)


def test_notifications_and_subscribers_follow_awss_rules(
    sandbox_at: Callable[[str], Sandbox], client: ClientFactory
) -> None:
    box = sandbox_at("done")
    budgets = client(box, "budgets")
    named = {"AccountId": box.account_id, "BudgetName": BUDGET_NAME}
    # The done scenario's 80 % alert exists: a second one is a duplicate.
    assert refused(
        lambda: budgets.create_notification(**named, Notification=ALERT_80, Subscribers=[EMAIL])
    ) == ("DuplicateRecordException", 400)
    assert refused(
        lambda: budgets.create_subscriber(**named, Notification=ALERT_80, Subscriber=EMAIL)
    ) == ("DuplicateRecordException", 400)
    unknown = {**ALERT_80, "Threshold": 50}
    assert refused(lambda: budgets.delete_notification(**named, Notification=unknown)) == (
        "NotFoundException",
        400,
    )
    bad_email = {"SubscriptionType": "EMAIL", "Address": "not-an-address"}
    assert refused(
        lambda: budgets.create_subscriber(**named, Notification=ALERT_80, Subscriber=bad_email)
    ) == ("InvalidParameterException", 400)
    # Ten e-mail recipients at most on one notification.
    for n in range(9):
        budgets.create_subscriber(
            **named,
            Notification=ALERT_80,
            Subscriber={"SubscriptionType": "EMAIL", "Address": f"p{n}@example.com"},
        )
    eleventh = {"SubscriptionType": "EMAIL", "Address": "p10@example.com"}
    assert refused(
        lambda: budgets.create_subscriber(**named, Notification=ALERT_80, Subscriber=eleventh)
    ) == ("CreationLimitExceededException", 400)
    subscribers = budgets.describe_subscribers_for_notification(**named, Notification=ALERT_80)
    assert len(subscribers["Subscribers"]) == 10
    budgets.delete_subscriber(**named, Notification=ALERT_80, Subscriber=EMAIL)
    left = budgets.describe_subscribers_for_notification(**named, Notification=ALERT_80)
    assert EMAIL not in left["Subscribers"] and len(left["Subscribers"]) == 9


def test_anomaly_monitors_and_subscriptions_follow_awss_rules(
    sandbox_at: Callable[[str], Sandbox], client: ClientFactory
) -> None:
    box = sandbox_at("fresh")
    ce = client(box, "ce")
    services = {"MonitorName": "m", "MonitorType": "DIMENSIONAL", "MonitorDimension": "SERVICE"}
    arn = ce.create_anomaly_monitor(AnomalyMonitor=services)["MonitorArn"]
    assert arn.startswith(f"arn:aws:ce::{box.account_id}:anomalymonitor/")
    # One AWS services monitor per account; a DIMENSIONAL monitor needs its dimension.
    assert (
        refused(lambda: ce.create_anomaly_monitor(AnomalyMonitor={**services, "MonitorName": "n"}))[
            0
        ]
        == "ValidationException"
    )
    no_dimension = {"MonitorName": "n", "MonitorType": "DIMENSIONAL"}
    assert refused(lambda: ce.create_anomaly_monitor(AnomalyMonitor=no_dimension))[0] == (
        "ValidationException"
    )
    gone = f"arn:aws:ce::{box.account_id}:anomalymonitor/00000000-0000-0000-0000-000000000000"
    assert refused(lambda: ce.get_anomaly_monitors(MonitorArnList=[gone])) == (
        "UnknownMonitorException",
        400,
    )
    subscription = {
        "SubscriptionName": "s",
        "MonitorArnList": [arn],
        "Subscribers": [{"Address": "owner@example.com", "Type": "EMAIL"}],
        "Frequency": "DAILY",
        "ThresholdExpression": IMPACT_10,
    }
    for bad, code in (
        ({**subscription, "MonitorArnList": [gone]}, "UnknownMonitorException"),
        ({**subscription, "Frequency": "IMMEDIATE"}, "ValidationException"),
        ({**subscription, "Threshold": 10.0}, "ValidationException"),
        (
            {k: v for k, v in subscription.items() if k != "ThresholdExpression"},
            "ValidationException",
        ),
    ):
        assert (
            refused(lambda bad=bad: ce.create_anomaly_subscription(AnomalySubscription=bad))[0]
            == code
        ), bad
    made = ce.create_anomaly_subscription(AnomalySubscription=subscription)["SubscriptionArn"]
    (listed,) = ce.get_anomaly_subscriptions(MonitorArn=arn)["AnomalySubscriptions"]
    assert listed["SubscriptionArn"] == made
    assert listed["AccountId"] == box.account_id
    assert listed["Subscribers"][0]["Status"] == "CONFIRMED"
    ce.delete_anomaly_subscription(SubscriptionArn=made)
    assert refused(lambda: ce.delete_anomaly_subscription(SubscriptionArn=made)) == (
        "UnknownSubscriptionException",
        400,
    )
    ce.delete_anomaly_monitor(MonitorArn=arn)
    assert (
        refused(lambda: ce.delete_anomaly_monitor(MonitorArn=arn))[0] == "UnknownMonitorException"
    )


def test_the_free_plan_has_credits_and_an_end_date_and_a_reset_brings_it_back(
    sandbox_at: Callable[[str], Sandbox], client: ClientFactory
) -> None:
    box = sandbox_at("fresh")
    freetier = client(box, "freetier")
    state = freetier.get_account_plan_state()
    assert (state["accountId"], state["accountPlanType"], state["accountPlanStatus"]) == (
        box.account_id,
        "FREE",
        "ACTIVE",
    )
    assert state["accountPlanRemainingCredits"] == {"amount": 100.0, "unit": "USD"}
    ends = state["accountPlanExpirationDate"].date()
    assert ends == (box.root.created + timedelta(days=183)).date()
    freetier.upgrade_account_plan(accountPlanType="PAID")
    paid = freetier.get_account_plan_state()
    assert paid["accountPlanType"] == "PAID" and "accountPlanExpirationDate" not in paid
    client(box, "ce").create_anomaly_monitor(
        AnomalyMonitor={
            "MonitorName": "m",
            "MonitorType": "DIMENSIONAL",
            "MonitorDimension": "SERVICE",
        }
    )

    box = sandbox_at("fresh")
    assert client(box, "freetier").get_account_plan_state()["accountPlanType"] == "FREE"
    assert client(box, "ce").get_anomaly_monitors()["AnomalyMonitors"] == []


@pytest.mark.parametrize(
    "target",
    [
        "AWSBudgetServiceGateway.DescribeBudgets",
        "AWSInsightsIndexService.GetAnomalyMonitors",
        "AWSFreeTierService.GetAccountPlanState",
    ],
)
def test_unsigned_billing_requests_are_refused(
    target: str, sandbox_at: Callable[[str], Sandbox]
) -> None:
    box = sandbox_at("done")
    answer = requests.post(
        f"{box.endpoint_url}/",
        headers={"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1"},
        data=f'{{"AccountId": "{box.account_id}"}}',
        timeout=10,
    )
    assert answer.status_code == 400
    assert answer.json()["__type"] == "MissingAuthenticationTokenException"
