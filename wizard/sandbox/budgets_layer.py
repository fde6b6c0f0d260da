"""AWS Budgets as AWS answers it, where moto 5.2.5 is lax or missing.

moto keeps budgets (``budgets_backends``) but: ``DescribeNotificationsForBudget`` on a missing
budget raises ``KeyError`` (an HTTP 500 over the server); it has no
``DescribeSubscribersForNotification``, ``CreateSubscriber`` or ``DeleteSubscriber``; it accepts
any ``BudgetLimit.Amount`` (``-5``, ``ten``), any enum value, a duplicate notification, and a
``DeleteNotification`` of a notification that does not exist; it never checks ``AccountId``.
Each of those would teach a trainee something false, so every budgets operation the wizard
and its tests use is checked (or answered) here, on moto's own budget objects, so that a
sandbox reset wipes this state with moto's.

The rules follow the AWS Budgets API reference (``CreateBudget``, ``CreateNotification``,
``CreateSubscriber``, ``DeleteNotification``, ``DeleteSubscriber``,
``DescribeNotificationsForBudget``, ``DescribeSubscribersForNotification``; data types
``Budget``, ``Spend``, ``Notification``, ``Subscriber``): ``BudgetName`` is 1–100 characters
without ``:`` or ``\\`` or ``/action/``; ``Spend.Amount`` matches ``([0-9]*\\.)?[0-9]+``; a
budget holds at most 10 notifications (``NotificationWithSubscribersList``: max 10; quota
"notifications per budget", AWS Budgets quotas), a notification 1–11 subscribers (at most one
SNS topic and ten e-mail addresses); a subscriber's ``Address`` has no line breaks. Every
refusal is HTTP 400 with the code the reference lists for the operation
(``InvalidParameterException``, ``NotFoundException``, ``DuplicateRecordException``,
``CreationLimitExceededException``, ``AccessDeniedException``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from aws_setup_wizard.sandbox.call import Call, Forward, Handler, Outcome
from aws_setup_wizard.sandbox.protocol import Response, error_response, json_response

_BUDGET_NAME = re.compile(r"[^:\\]{1,100}")
_AMOUNT = re.compile(r"([0-9]*\.)?[0-9]+")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_TIME_UNITS = frozenset({"DAILY", "MONTHLY", "QUARTERLY", "ANNUALLY", "CUSTOM"})
_BUDGET_TYPES = frozenset(
    {
        "USAGE",
        "COST",
        "RI_UTILIZATION",
        "RI_COVERAGE",
        "SAVINGS_PLANS_UTILIZATION",
        "SAVINGS_PLANS_COVERAGE",
    }
)
_NOTIFICATION_TYPES = frozenset({"ACTUAL", "FORECASTED"})
_OPERATORS = frozenset({"GREATER_THAN", "LESS_THAN", "EQUAL_TO"})
_THRESHOLD_TYPES = frozenset({"PERCENTAGE", "ABSOLUTE_VALUE"})
_SUBSCRIPTION_TYPES = frozenset({"SNS", "EMAIL"})
#: NotificationThreshold's range in the API model.
_MAX_THRESHOLD = 15_000_000_000_000
MAX_NOTIFICATIONS = 10
MAX_SUBSCRIBERS = 11
MAX_EMAIL_SUBSCRIBERS = 10


def _refuse(code: str, message: str) -> Response:
    return error_response("budgets", code, message, 400)


def _invalid(message: str) -> Response:
    return _refuse("InvalidParameterException", message)


def backend(account_id: str) -> Any:
    """moto's budgets backend for the account (one, global, keyed by partition)."""
    from moto.budgets.models import budgets_backends

    return budgets_backends[account_id]["aws"]


def budgets_of(account_id: str) -> dict[str, Any]:
    """The account's budgets as moto keeps them: name -> moto ``Budget``."""
    return backend(account_id).budgets[account_id]  # type: ignore[no-any-return]


def _account_refusal(call: Call) -> Response | None:
    """Budgets are read and written only for the caller's own account (or refused)."""
    asked = str(call.field("AccountId") or "")
    if not re.fullmatch(r"\d{12}", asked):
        return _invalid("AccountId must be a 12-digit AWS account ID.")
    if asked != call.account_id:
        # A standalone account may manage only its own budgets.
        return _refuse(
            "AccessDeniedException",
            f"You are not authorized to access the budgets of account {asked}.",
        )
    return None


def notification_key(notification: Mapping[str, Any]) -> tuple[str, str, float, str]:
    """What identifies a notification within a budget (type, operator, threshold, kind).

    ``ThresholdType`` left out is a percentage, as the console and the API treat it.
    """
    return (
        str(notification.get("NotificationType", "")),
        str(notification.get("ComparisonOperator", "")),
        float(notification.get("Threshold", 0) or 0),
        str(notification.get("ThresholdType") or "PERCENTAGE"),
    )


def _notification_problem(notification: Any) -> str | None:
    if not isinstance(notification, Mapping):
        return "Notification is required."
    if notification.get("NotificationType") not in _NOTIFICATION_TYPES:
        return "NotificationType must be ACTUAL or FORECASTED."
    if notification.get("ComparisonOperator") not in _OPERATORS:
        return "ComparisonOperator must be GREATER_THAN, LESS_THAN or EQUAL_TO."
    if notification.get("ThresholdType", "PERCENTAGE") not in _THRESHOLD_TYPES:
        return "ThresholdType must be PERCENTAGE or ABSOLUTE_VALUE."
    threshold = notification.get("Threshold")
    if not isinstance(threshold, int | float) or not 0 <= threshold <= _MAX_THRESHOLD:
        return "Threshold must be a number between 0 and 15000000000000."
    return None


def _subscriber_problem(subscriber: Any) -> str | None:
    if not isinstance(subscriber, Mapping):
        return "Subscriber is required."
    kind, address = subscriber.get("SubscriptionType"), str(subscriber.get("Address") or "")
    if kind not in _SUBSCRIPTION_TYPES:
        return "SubscriptionType must be SNS or EMAIL."
    if not address or any(c in address for c in "\r\n"):
        return "Address is required and can't contain line breaks."
    if kind == "EMAIL" and not _EMAIL.fullmatch(address):
        return f"Invalid email address: {address}"
    if kind == "SNS" and not address.startswith("arn:"):
        return f"Invalid SNS topic ARN: {address}"
    return None


def _subscribers_problem(subscribers: Any) -> str | None:
    if not isinstance(subscribers, list) or not 1 <= len(subscribers) <= MAX_SUBSCRIBERS:
        return "A notification needs 1 to 11 subscribers."
    for subscriber in subscribers:
        problem = _subscriber_problem(subscriber)
        if problem:
            return problem
    kinds = [s["SubscriptionType"] for s in subscribers]
    if kinds.count("SNS") > 1 or kinds.count("EMAIL") > MAX_EMAIL_SUBSCRIBERS:
        return "A notification can have at most one SNS topic and ten email subscribers."
    addresses = [(s["SubscriptionType"], s["Address"]) for s in subscribers]
    if len(set(addresses)) != len(addresses):
        return "A notification can't have the same subscriber twice."
    return None


def _budget_problem(budget: Any) -> str | None:
    if not isinstance(budget, Mapping):
        return "Budget is required."
    name = str(budget.get("BudgetName") or "")
    if not _BUDGET_NAME.fullmatch(name) or "/action/" in name:
        return (
            "BudgetName must be 1 to 100 characters without ':' or '\\' or '/action/' "
            f"(got {name!r})."
        )
    if budget.get("TimeUnit") not in _TIME_UNITS:
        return "TimeUnit must be DAILY, MONTHLY, QUARTERLY, ANNUALLY or CUSTOM."
    if budget.get("BudgetType") not in _BUDGET_TYPES:
        return "BudgetType is not a valid budget type."
    limit = budget.get("BudgetLimit")
    if limit is None and "PlannedBudgetLimits" not in budget:
        return (
            "Unable to create/update budget - please provide one of the followings: Budget "
            "Limit/ Planned Budget Limit/ Auto Adjust Data"
        )
    if limit is not None:
        amount = str(limit.get("Amount") or "") if isinstance(limit, Mapping) else ""
        if not _AMOUNT.fullmatch(amount):
            return f"BudgetLimit.Amount must be a non-negative decimal number (got {amount!r})."
        if budget.get("BudgetType") == "COST" and float(amount) <= 0:
            return "The budget limit of a cost budget must be greater than 0."
        if not str(limit.get("Unit") or ""):
            return "BudgetLimit.Unit is required."
    return None


def create_budget(call: Call) -> Outcome:
    """Refuse what AWS refuses, then let moto keep the budget with its notifications."""
    budget = call.field("Budget")
    problem = _budget_problem(budget)
    if problem:
        return _invalid(problem)
    pairs = call.field("NotificationsWithSubscribers") or []
    if len(pairs) > MAX_NOTIFICATIONS:
        return _refuse(
            "CreationLimitExceededException",
            f"A budget can have at most {MAX_NOTIFICATIONS} notifications.",
        )
    keys = set()
    for pair in pairs:
        problem = _notification_problem(pair.get("Notification")) or _subscribers_problem(
            pair.get("Subscribers")
        )
        if problem:
            return _invalid(problem)
        keys.add(notification_key(pair["Notification"]))
    if len(keys) != len(pairs):
        return _invalid("A budget can't have the same notification twice.")
    if budget["BudgetName"] in budgets_of(call.account_id):
        return _refuse(
            "DuplicateRecordException",
            f"Error creating budget: {budget['BudgetName']} - the budget already exists.",
        )
    return Forward()


def _budget(call: Call, verb: str) -> Any | Response:
    """The named budget (moto's object), or AWS's ``NotFoundException``."""
    name = str(call.field("BudgetName") or "")
    found = budgets_of(call.account_id).get(name)
    if found is None:
        return _refuse(
            "NotFoundException",
            f"Unable to {verb}: {name} - the budget doesn't exist.",
        )
    return found


def _notification(call: Call, budget: Any, verb: str) -> Any | Response:
    wanted = call.field("Notification")
    problem = _notification_problem(wanted)
    if problem:
        return _invalid(problem)
    key = notification_key(wanted)
    for notification in budget.notifications:
        if notification_key(notification.details) == key:
            return notification
    return _refuse(
        "NotFoundException",
        f"Unable to {verb}: the notification doesn't exist for budget {call.field('BudgetName')}.",
    )


def describe_notifications(call: Call) -> Outcome:
    """The budget's notifications with their state (moto raises KeyError for a missing one)."""
    budget = _budget(call, "describe notifications")
    if isinstance(budget, Response):
        return budget
    notifications = [
        {**n.details, "ThresholdType": n.details.get("ThresholdType", "PERCENTAGE")}
        | {"NotificationState": "OK"}
        for n in budget.notifications
    ]
    return json_response({"Notifications": notifications})


def create_notification(call: Call) -> Outcome:
    """One more notification with its subscribers, unless it exists or the budget is full."""
    budget = _budget(call, "create notification")
    if isinstance(budget, Response):
        return budget
    notification, subscribers = call.field("Notification"), call.field("Subscribers")
    problem = _notification_problem(notification) or _subscribers_problem(subscribers)
    if problem:
        return _invalid(problem)
    key = notification_key(notification)
    if any(notification_key(n.details) == key for n in budget.notifications):
        return _refuse(
            "DuplicateRecordException",
            f"Error creating notification: the notification already exists for budget "
            f"{call.field('BudgetName')}.",
        )
    if len(budget.notifications) >= MAX_NOTIFICATIONS:
        return _refuse(
            "CreationLimitExceededException",
            f"A budget can have at most {MAX_NOTIFICATIONS} notifications.",
        )
    budget.add_notification(dict(notification), [dict(s) for s in subscribers])
    return json_response({})


def delete_notification(call: Call) -> Outcome:
    """Remove a notification (and its subscribers); an unknown one is ``NotFoundException``."""
    budget = _budget(call, "delete notification")
    if isinstance(budget, Response):
        return budget
    found = _notification(call, budget, "delete notification")
    if isinstance(found, Response):
        return found
    budget.notifications = [n for n in budget.notifications if n is not found]
    return json_response({})


def describe_subscribers(call: Call) -> Outcome:
    """The subscribers of one notification (moto lacks the operation)."""
    budget = _budget(call, "describe subscribers")
    if isinstance(budget, Response):
        return budget
    found = _notification(call, budget, "describe subscribers")
    if isinstance(found, Response):
        return found
    return json_response({"Subscribers": [dict(s) for s in found.subscribers]})


def _subscriber_change(call: Call, *, add: bool) -> Outcome:
    verb = "create subscriber" if add else "delete subscriber"
    budget = _budget(call, verb)
    if isinstance(budget, Response):
        return budget
    found = _notification(call, budget, verb)
    if isinstance(found, Response):
        return found
    subscriber = call.field("Subscriber")
    problem = _subscriber_problem(subscriber)
    if problem:
        return _invalid(problem)
    key = (subscriber["SubscriptionType"], subscriber["Address"])
    present = [(s["SubscriptionType"], s["Address"]) for s in found.subscribers]
    if add:
        if key in present:
            return _refuse(
                "DuplicateRecordException",
                f"Error creating subscriber: {subscriber['Address']} - the subscriber already "
                "exists.",
            )
        problem = _subscribers_problem([*found.subscribers, dict(subscriber)])
        if problem:
            return _refuse("CreationLimitExceededException", problem)
        found.subscribers = [*found.subscribers, dict(subscriber)]
        return json_response({})
    if key not in present:
        return _refuse(
            "NotFoundException",
            f"Unable to delete subscriber: {subscriber['Address']} - the subscriber doesn't exist.",
        )
    found.subscribers = [
        s for s in found.subscribers if (s["SubscriptionType"], s["Address"]) != key
    ]
    return json_response({})


def create_subscriber(call: Call) -> Outcome:
    """Add a subscriber to a notification (at most one SNS topic and ten e-mails)."""
    return _subscriber_change(call, add=True)


def delete_subscriber(call: Call) -> Outcome:
    """Remove a subscriber from a notification; an unknown one is ``NotFoundException``."""
    return _subscriber_change(call, add=False)


def _for_own_account(handler: Callable[[Call], Outcome]) -> Handler:
    """``handler`` behind the ``AccountId`` check every budgets operation makes first."""

    def checked(call: Call) -> Outcome:
        return _account_refusal(call) or handler(call)

    checked.__doc__ = handler.__doc__
    return checked


def _moto_answers(call: Call) -> Outcome:
    """moto answers this one as AWS does (once the account is checked)."""
    return Forward()


BUDGETS_HANDLERS: dict[str, Handler] = {
    action: _for_own_account(handler)
    for action, handler in {
        "CreateBudget": create_budget,
        "DescribeBudgets": _moto_answers,
        "DescribeBudget": _moto_answers,
        "DeleteBudget": _moto_answers,
        "DescribeNotificationsForBudget": describe_notifications,
        "CreateNotification": create_notification,
        "DeleteNotification": delete_notification,
        "DescribeSubscribersForNotification": describe_subscribers,
        "CreateSubscriber": create_subscriber,
        "DeleteSubscriber": delete_subscriber,
    }.items()
}
