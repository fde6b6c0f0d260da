"""Cost Anomaly Detection (``ce``) and the Free Tier plan (``freetier``), which moto lacks.

moto 5.2.5's Cost Explorer answers ``NotImplementedError`` (HTTP 500) to every anomaly
operation and it has no ``freetier`` service at all, so this layer answers them with AWS's
request and response shapes and error codes. State is kept per account on moto's own ``ce``
backend object, so a sandbox reset wipes it with everything else.

Cost Anomaly Detection (AWS Billing and Cost Management API Reference, Cost Explorer:
``GetAnomalyMonitors``, ``CreateAnomalyMonitor``, ``DeleteAnomalyMonitor``,
``GetAnomalySubscriptions``, ``CreateAnomalySubscription``, ``DeleteAnomalySubscription``;
data types ``AnomalyMonitor``, ``AnomalySubscription``, ``Subscriber``, ``Expression``):

- monitor ARNs are ``arn:aws:ce::ACCOUNT:anomalymonitor/ID``, subscription ARNs
  ``arn:aws:ce::ACCOUNT:anomalysubscription/ID``; names are NOT unique (two monitors may share
  one), so a lost create can only be settled by reading;
- a ``DIMENSIONAL`` monitor needs ``MonitorDimension``; a ``CUSTOM`` one a
  ``MonitorSpecification`` and no dimension; an account may have only one AWS services
  (``DIMENSIONAL``/``SERVICE``) monitor ("up to one AWS Service Monitor", Cost Anomaly Detection
  FAQs). The reference does not name the error for a second one; the sandbox answers
  ``ValidationException``, the code Cost Explorer uses for a request it will not accept;
- a subscription names existing monitors (else ``UnknownMonitorException``), has either
  ``Threshold`` or ``ThresholdExpression`` (not both; the expression's dimensions are
  ``ANOMALY_TOTAL_IMPACT_ABSOLUTE``/``_PERCENTAGE`` with ``GREATER_THAN_OR_EQUAL`` and values
  0 to 10,000,000,000), and up to 10 e-mail recipients or 1 SNS topic; ``DAILY`` and ``WEEKLY``
  alerts go by e-mail, ``IMMEDIATE`` ones to SNS;
- an unknown ARN in a read or delete is ``UnknownMonitorException`` /
  ``UnknownSubscriptionException`` (HTTP 400).

Deleting a monitor takes it out of every subscription; a subscription left with no monitor is
deleted with it (the sandbox's choice: the reference does not say; a subscription must name
at least one monitor).

Free Tier (API Reference, Free Tier: ``GetAccountPlanState``, ``UpgradeAccountPlan``): accounts
opened since 15 July 2025 start on the Free plan. The sandbox's account is one: plan ``FREE``,
status ``ACTIVE``, **USD 100.00** of credits left (the sign-up credit AWS grants; the up to USD
100 more earned by trying services are not simulated), ending **six months (183 days) after the
sandbox account was created**, when a Free plan ends at the latest. ``UpgradeAccountPlan`` to
``PAID`` moves it to the Paid plan, which ``GetAccountPlanState`` then reports as AWS's
enumeration allows: ``accountPlanType`` ``PAID``, status ``ACTIVE``, the remaining credits
kept (they carry over to the Paid plan) and no expiration date (a Paid plan does not end).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from aws_setup_wizard.sandbox.call import Call, Handler, Outcome
from aws_setup_wizard.sandbox.protocol import Response, error_response, json_response

#: The sandbox's Free plan: credits left and how long the plan lasts (see module docstring).
FREE_PLAN_CREDITS_USD = 100.0
FREE_PLAN_DAYS = 183

_MONITOR_TYPES = frozenset({"DIMENSIONAL", "CUSTOM"})
_DIMENSIONS = frozenset({"SERVICE", "LINKED_ACCOUNT", "TAG", "COST_CATEGORY"})
_FREQUENCIES = frozenset({"DAILY", "IMMEDIATE", "WEEKLY"})
_IMPACT_KEYS = frozenset({"ANOMALY_TOTAL_IMPACT_ABSOLUTE", "ANOMALY_TOTAL_IMPACT_PERCENTAGE"})
_MAX_IMPACT = 10_000_000_000
MAX_EMAIL_RECIPIENTS = 10


@dataclass
class CostState:
    """One account's anomaly monitors, subscriptions and Free Tier plan."""

    monitors: dict[str, dict[str, Any]] = field(default_factory=dict)
    subscriptions: dict[str, dict[str, Any]] = field(default_factory=dict)
    plan_type: str = "FREE"


def state_of(account_id: str) -> CostState:
    """The account's state, kept on moto's ``ce`` backend so that a reset wipes it."""
    from moto.ce.models import ce_backends

    backend: Any = ce_backends[account_id]["aws"]
    state = getattr(backend, "_sandbox_cost", None)
    if state is None:
        state = CostState()
        backend._sandbox_cost = state
    return state


def _ce_error(code: str, message: str) -> Response:
    return error_response("ce", code, message, 400)


def _today() -> str:
    return datetime.now(UTC).date().isoformat()


def _page(items: list[dict[str, Any]], call: Call, key: str) -> Outcome:
    """One page of ``items`` (``MaxResults``, ``NextPageToken`` as an offset)."""
    token = str(call.field("NextPageToken") or "0")
    if not token.isdigit():
        return _ce_error("InvalidNextTokenException", "The pagination token is invalid.")
    start = int(token)
    size = int(call.field("MaxResults") or 100)
    page = items[start : start + size]
    body: dict[str, Any] = {key: page}
    if start + size < len(items):
        body["NextPageToken"] = str(start + size)
    return json_response(body)


# -- anomaly monitors ----------------------------------------------------------------------------


def get_anomaly_monitors(call: Call) -> Outcome:
    """The account's monitors, or those named; an unknown ARN is ``UnknownMonitorException``."""
    state = state_of(call.account_id)
    wanted = call.field("MonitorArnList") or []
    for arn in wanted:
        if arn not in state.monitors:
            return _ce_error("UnknownMonitorException", f"Cost anomaly monitor {arn} not found.")
    arns = wanted or list(state.monitors)
    return _page([dict(state.monitors[a]) for a in arns], call, "AnomalyMonitors")


def _monitor_problem(monitor: Any, state: CostState) -> str | None:
    if not isinstance(monitor, Mapping):
        return "AnomalyMonitor is required."
    name = str(monitor.get("MonitorName") or "")
    if not name.strip() or len(name) > 1024:
        return "MonitorName must be 1 to 1024 characters."
    kind, dimension = monitor.get("MonitorType"), monitor.get("MonitorDimension")
    if kind not in _MONITOR_TYPES:
        return "MonitorType must be DIMENSIONAL or CUSTOM."
    if kind == "DIMENSIONAL":
        if dimension not in _DIMENSIONS:
            return "A DIMENSIONAL monitor needs a MonitorDimension."
        if dimension == "SERVICE" and any(
            m["MonitorType"] == "DIMENSIONAL" and m.get("MonitorDimension") == "SERVICE"
            for m in state.monitors.values()
        ):
            return "An account can have only one AWS services (DIMENSIONAL SERVICE) monitor."
    elif dimension is not None or not monitor.get("MonitorSpecification"):
        return "A CUSTOM monitor needs a MonitorSpecification and no MonitorDimension."
    return None


def create_anomaly_monitor(call: Call) -> Outcome:
    """A new monitor (names need not be unique); its ARN."""
    state = state_of(call.account_id)
    monitor = call.field("AnomalyMonitor")
    problem = _monitor_problem(monitor, state)
    if problem:
        return _ce_error("ValidationException", problem)
    arn = f"arn:aws:ce::{call.account_id}:anomalymonitor/{uuid.uuid4()}"
    kept = {
        key: monitor[key]
        for key in ("MonitorName", "MonitorType", "MonitorDimension", "MonitorSpecification")
        if key in monitor
    }
    today = _today()
    state.monitors[arn] = {
        "MonitorArn": arn,
        **kept,
        "CreationDate": today,
        "LastUpdatedDate": today,
        "DimensionalValueCount": 0,
    }
    return json_response({"MonitorArn": arn})


def delete_anomaly_monitor(call: Call) -> Outcome:
    """Delete a monitor and take it out of every subscription (see the module docstring)."""
    state = state_of(call.account_id)
    arn = str(call.field("MonitorArn") or "")
    if state.monitors.pop(arn, None) is None:
        return _ce_error("UnknownMonitorException", f"Cost anomaly monitor {arn} not found.")
    for sub_arn, subscription in list(state.subscriptions.items()):
        left = [m for m in subscription["MonitorArnList"] if m != arn]
        if left:
            subscription["MonitorArnList"] = left
        else:
            del state.subscriptions[sub_arn]
    return json_response({})


# -- anomaly subscriptions -----------------------------------------------------------------------


def _impact_problem(expression: Any) -> str | None:
    """``None`` when ``expression`` is a threshold AWS accepts for a subscription."""
    if not isinstance(expression, Mapping) or len(expression) != 1:
        return "ThresholdExpression must have exactly one root: And, Or or Dimensions."
    ((root, value),) = expression.items()
    if root in ("And", "Or"):
        if not isinstance(value, list) or len(value) < 2:
            return f"{root} needs at least two expressions."
        for inner in value:
            problem = _impact_problem(inner)
            if problem:
                return problem
        return None
    if root != "Dimensions" or not isinstance(value, Mapping):
        return "ThresholdExpression supports only And, Or and Dimensions."
    if value.get("Key") not in _IMPACT_KEYS:
        return (
            "ThresholdExpression dimensions must be ANOMALY_TOTAL_IMPACT_ABSOLUTE or _PERCENTAGE."
        )
    if value.get("MatchOptions") != ["GREATER_THAN_OR_EQUAL"]:
        return "ThresholdExpression requires the match option GREATER_THAN_OR_EQUAL."
    values = value.get("Values") or []
    try:
        numbers = [float(v) for v in values]
    except (TypeError, ValueError):
        return "ThresholdExpression values must be numbers."
    if len(numbers) != 1 or not 0 <= numbers[0] <= _MAX_IMPACT:
        return "ThresholdExpression needs one value between 0 and 10000000000."
    return None


def _subscription_problem(subscription: Any) -> str | None:
    if not isinstance(subscription, Mapping):
        return "AnomalySubscription is required."
    name = str(subscription.get("SubscriptionName") or "")
    if not name.strip() or len(name) > 1024:
        return "SubscriptionName must be 1 to 1024 characters."
    if not subscription.get("MonitorArnList"):
        return "MonitorArnList must name at least one monitor."
    frequency = subscription.get("Frequency")
    if frequency not in _FREQUENCIES:
        return "Frequency must be DAILY, IMMEDIATE or WEEKLY."
    subscribers = subscription.get("Subscribers") or []
    kinds = [s.get("Type") for s in subscribers if isinstance(s, Mapping)]
    if not subscribers or len(kinds) != len(subscribers):
        return "Subscribers must name at least one subscriber."
    if any(not str(s.get("Address") or "") for s in subscribers):
        return "Every subscriber needs an Address."
    if set(kinds) == {"SNS"}:
        if len(kinds) != 1:
            return "A subscription can have one SNS topic."
        if frequency != "IMMEDIATE":
            return "An SNS subscriber needs IMMEDIATE frequency."
    elif set(kinds) == {"EMAIL"}:
        if len(kinds) > MAX_EMAIL_RECIPIENTS:
            return "A subscription can have at most 10 email recipients."
        if frequency == "IMMEDIATE":
            return "IMMEDIATE alerts go to an SNS topic; email alerts are DAILY or WEEKLY."
        if any("@" not in str(s["Address"]) for s in subscribers):
            return "An EMAIL subscriber's Address must be an email address."
    else:
        return "Subscribers must be up to 10 EMAIL recipients or one SNS topic."
    has_threshold = subscription.get("Threshold") is not None
    has_expression = subscription.get("ThresholdExpression") is not None
    if has_threshold == has_expression:
        return "Specify one of Threshold or ThresholdExpression."
    if has_expression:
        return _impact_problem(subscription["ThresholdExpression"])
    threshold = subscription["Threshold"]
    if not isinstance(threshold, int | float) or threshold < 0:
        return "Threshold must be a non-negative number."
    return None


def create_anomaly_subscription(call: Call) -> Outcome:
    """A new subscription on existing monitors; its ARN."""
    state = state_of(call.account_id)
    subscription = call.field("AnomalySubscription")
    problem = _subscription_problem(subscription)
    if problem:
        return _ce_error("ValidationException", problem)
    for arn in subscription["MonitorArnList"]:
        if arn not in state.monitors:
            return _ce_error("UnknownMonitorException", f"Cost anomaly monitor {arn} not found.")
    arn = f"arn:aws:ce::{call.account_id}:anomalysubscription/{uuid.uuid4()}"
    kept = {
        key: subscription[key]
        for key in ("SubscriptionName", "Frequency", "Threshold", "ThresholdExpression")
        if subscription.get(key) is not None
    }
    state.subscriptions[arn] = {
        "SubscriptionArn": arn,
        "AccountId": call.account_id,
        "MonitorArnList": list(subscription["MonitorArnList"]),
        "Subscribers": [
            {"Address": s["Address"], "Type": s["Type"], "Status": "CONFIRMED"}
            for s in subscription["Subscribers"]
        ],
        **kept,
    }
    return json_response({"SubscriptionArn": arn})


def get_anomaly_subscriptions(call: Call) -> Outcome:
    """The account's subscriptions, by ARN or by monitor; unknown ARNs are refused."""
    state = state_of(call.account_id)
    wanted = call.field("SubscriptionArnList") or []
    for arn in wanted:
        if arn not in state.subscriptions:
            return _ce_error(
                "UnknownSubscriptionException", f"Cost anomaly subscription {arn} not found."
            )
    monitor = call.field("MonitorArn")
    if monitor and monitor not in state.monitors:
        return _ce_error("UnknownMonitorException", f"Cost anomaly monitor {monitor} not found.")
    found = [state.subscriptions[a] for a in (wanted or list(state.subscriptions))]
    if monitor:
        found = [s for s in found if monitor in s["MonitorArnList"]]
    return _page([dict(s) for s in found], call, "AnomalySubscriptions")


def delete_anomaly_subscription(call: Call) -> Outcome:
    """Delete a subscription; an unknown ARN is ``UnknownSubscriptionException``."""
    state = state_of(call.account_id)
    arn = str(call.field("SubscriptionArn") or "")
    if state.subscriptions.pop(arn, None) is None:
        return _ce_error(
            "UnknownSubscriptionException", f"Cost anomaly subscription {arn} not found."
        )
    return json_response({})


# -- the Free Tier plan --------------------------------------------------------------------------


def plan_end(created: datetime) -> date:
    """The day the sandbox account's Free plan ends: 183 days after it was created."""
    return (created + timedelta(days=FREE_PLAN_DAYS)).date()


def get_account_plan_state(call: Call) -> Outcome:
    """The account's plan, credits and (on the Free plan) end date."""
    state = state_of(call.account_id)
    body: dict[str, Any] = {
        "accountId": call.account_id,
        "accountPlanType": state.plan_type,
        "accountPlanStatus": "ACTIVE",
        "accountPlanRemainingCredits": {"amount": FREE_PLAN_CREDITS_USD, "unit": "USD"},
    }
    if state.plan_type == "FREE":
        created = call.root.created
        end = datetime.combine(plan_end(created), datetime.min.time(), tzinfo=UTC)
        body["accountPlanExpirationDate"] = end.strftime("%Y-%m-%dT%H:%M:%SZ")
    return json_response(body)


def upgrade_account_plan(call: Call) -> Outcome:
    """Move the account to the Paid plan (the only upgrade there is)."""
    wanted = call.field("accountPlanType")
    if wanted != "PAID":
        return error_response(
            "freetier", "ValidationException", "accountPlanType must be PAID.", 400
        )
    state = state_of(call.account_id)
    state.plan_type = "PAID"
    return json_response(
        {"accountId": call.account_id, "accountPlanType": "PAID", "accountPlanStatus": "ACTIVE"}
    )


CE_HANDLERS: dict[str, Handler] = {
    "GetAnomalyMonitors": get_anomaly_monitors,
    "CreateAnomalyMonitor": create_anomaly_monitor,
    "DeleteAnomalyMonitor": delete_anomaly_monitor,
    "GetAnomalySubscriptions": get_anomaly_subscriptions,
    "CreateAnomalySubscription": create_anomaly_subscription,
    "DeleteAnomalySubscription": delete_anomaly_subscription,
}

FREETIER_HANDLERS: dict[str, Handler] = {
    "GetAccountPlanState": get_account_plan_state,
    "UpgradeAccountPlan": upgrade_account_plan,
}
