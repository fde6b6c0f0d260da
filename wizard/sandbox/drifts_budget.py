"""The budget-alerts step's drifts: how an owner (or whoever holds the account) silences the
spend alerts of a ``done`` account.

Each is made with the API calls a person would make in CloudShell (root's console session),
on the ``done`` scenario's names (:mod:`~aws_setup_wizard.sandbox.scenarios`: the
``aws-setup-wizard-monthly`` budget e-mailing ``owner@example.com``, the
``aws-setup-wizard-services`` anomaly monitor and its ``aws-setup-wizard-anomalies``
subscription). The names are an interface (trainers' scenario files use them).

The catalogue (:mod:`aws_setup_wizard.sandbox.drifts`) takes these in.
"""

from __future__ import annotations

from typing import Any

from aws_setup_wizard.sandbox.drift_model import Drift, Place
from aws_setup_wizard.sandbox.scenarios import ALERT_EMAIL, ANOMALY_SUBSCRIPTION, BUDGET_NAME

STEP = "budget-alerts"
#: An SNS topic an owner might route an alert to instead of e-mail.
ALERT_TOPIC = "arn:aws:sns:us-east-1:{account_id}:billing-alerts"


def _alert(kind: str, threshold: float) -> dict[str, Any]:
    return {
        "NotificationType": kind,
        "ComparisonOperator": "GREATER_THAN",
        "Threshold": threshold,
        "ThresholdType": "PERCENTAGE",
    }


def _delete_budget(place: Place) -> None:
    """The owner deletes the budget (Billing console → Budgets → Delete)."""
    place.clients("budgets").delete_budget(AccountId=place.account_id, BudgetName=BUDGET_NAME)


def _delete_80_alert(place: Place) -> None:
    """The 80 % alert is removed ("too many e-mails")."""
    place.clients("budgets").delete_notification(
        AccountId=place.account_id, BudgetName=BUDGET_NAME, Notification=_alert("ACTUAL", 80.0)
    )


def _email_replaced_by_topic(place: Place) -> None:
    """The 100 % alert goes to an SNS topic instead of e-mail: nobody reads it."""
    budgets = place.clients("budgets")
    common = {
        "AccountId": place.account_id,
        "BudgetName": BUDGET_NAME,
        "Notification": _alert("ACTUAL", 100.0),
    }
    topic = ALERT_TOPIC.format(account_id=place.account_id)
    budgets.create_subscriber(**common, Subscriber={"SubscriptionType": "SNS", "Address": topic})
    budgets.delete_subscriber(
        **common, Subscriber={"SubscriptionType": "EMAIL", "Address": ALERT_EMAIL}
    )


def _extra_topic_on_80_alert(place: Place) -> None:
    """An SNS topic is added beside the e-mail: the alert still e-mails someone."""
    topic = ALERT_TOPIC.format(account_id=place.account_id)
    place.clients("budgets").create_subscriber(
        AccountId=place.account_id,
        BudgetName=BUDGET_NAME,
        Notification=_alert("ACTUAL", 80.0),
        Subscriber={"SubscriptionType": "SNS", "Address": topic},
    )


def _anomaly_subscriptions(place: Place) -> list[dict[str, Any]]:
    return list(place.clients("ce").get_anomaly_subscriptions()["AnomalySubscriptions"])


def _delete_anomaly_subscription(place: Place) -> None:
    """The anomaly alert subscription is deleted."""
    ce = place.clients("ce")
    for subscription in _anomaly_subscriptions(place):
        if subscription["SubscriptionName"] == ANOMALY_SUBSCRIPTION:
            ce.delete_anomaly_subscription(SubscriptionArn=subscription["SubscriptionArn"])


def _delete_anomaly_monitor(place: Place) -> None:
    """The anomaly monitor is deleted (and with it the subscription that only it fed)."""
    ce = place.clients("ce")
    for monitor in ce.get_anomaly_monitors()["AnomalyMonitors"]:
        ce.delete_anomaly_monitor(MonitorArn=monitor["MonitorArn"])


BUDGET_DRIFTS: tuple[Drift, ...] = (
    Drift("the monthly budget deleted", STEP, _delete_budget),
    Drift("the budget's 80 % alert removed", STEP, _delete_80_alert),
    Drift("the 100 % alert's e-mail replaced by an SNS topic", STEP, _email_replaced_by_topic),
    Drift(
        "an SNS topic beside the 80 % alert's e-mail still passes", STEP, _extra_topic_on_80_alert
    ),
    Drift("the anomaly subscription deleted", STEP, _delete_anomaly_subscription),
    Drift("the anomaly monitor deleted", STEP, _delete_anomaly_monitor),
)
