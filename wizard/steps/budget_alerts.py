"""Budget alerts: spend is seen before the invoice (AWS Startup Security Baseline ACCT.10).

Two things must e-mail a person:

- a monthly COST budget with e-mail alerts at ACTUAL > 80 %, ACTUAL > 100 % and FORECASTED >
  100 % of its limit (``ThresholdType`` PERCENTAGE, ``ComparisonOperator`` GREATER_THAN), read
  with ``budgets:DescribeBudgets``, ``DescribeNotificationsForBudget`` and
  ``DescribeSubscribersForNotification``: a notification nobody is subscribed to by e-mail
  (an SNS topic alone, say) tells no one;
- a Cost Anomaly Detection monitor with an alert subscription that e-mails someone
  (``ce:GetAnomalyMonitors``, ``ce:GetAnomalySubscriptions``).

On an account on the Free plan the plan's credits and end date are shown too
(``freetier:GetAccountPlanState``): context for the owner, never part of the verdict.

Budgets, Cost Explorer and Free Tier are global services answered in us-east-1 (AWS Budgets
API reference, "Service endpoints"; Cost Explorer: ``ce.us-east-1.amazonaws.com``).

The repair is made through the one dispatcher: ``CreateBudget`` with its notifications and
subscribers in the same call, or, on the wizard's own budget, ``CreateNotification`` /
``CreateSubscriber`` for just what is missing; ``CreateAnomalyMonitor`` (unless the account
already has its one AWS services monitor, which is reused) and ``CreateAnomalySubscription``
naming the monitor's ARN. A create whose answer is lost is settled by reading
(:meth:`BudgetAlertsStep.find_made`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from aws_setup_wizard.account import Account
from aws_setup_wizard.dispatch import Found, Recovered
from aws_setup_wizard.errors import describe_error, error_code
from aws_setup_wizard.model import ApiCall, Change, Check, Plan, Ref, Status
from aws_setup_wizard.options import Option, missing
from aws_setup_wizard.steps.base import OptionValues, Step, require_known, unknown
from aws_setup_wizard.steps.contact_options import CONTACT_EMAIL

#: Budgets, Cost Explorer and Free Tier answer in us-east-1 only.
BILLING_REGION = "us-east-1"
#: The wizard's names: a budget is unique by name; anomaly monitors and subscriptions are not,
#: so these names are how a lost create is found again.
BUDGET_NAME = "aws-setup-wizard-monthly"
MONITOR_NAME = "aws-setup-wizard-services"
SUBSCRIPTION_NAME = "aws-setup-wizard-anomalies"
#: The three alerts ASSB ACCT.10 and AWS's own "monthly cost budget" template ask for:
#: (notification type, threshold in percent of the limit).
REQUIRED_ALERTS: tuple[tuple[str, float], ...] = (
    ("ACTUAL", 80.0),
    ("ACTUAL", 100.0),
    ("FORECASTED", 100.0),
)
#: An anomaly is e-mailed once its total cost impact reaches this many US dollars: low enough
#: for a small account to hear about a forgotten instance, high enough not to mail pennies.
ANOMALY_IMPACT_USD = "10"
#: "Your first two active budgets are free of charge. Each additional active budget costs
#: $0.02 per day." (AWS Billing and Cost Management User Guide, "Managing your costs with AWS
#: Budgets"; AWS Budgets pricing.)
FREE_BUDGETS = 2
BUDGET_DAILY_USD = 0.02

_AMOUNT = re.compile(r"[0-9]{1,12}(\.[0-9]{1,2})?")


def monthly_budget_usd(text: str) -> str | None:
    """A monthly budget: a positive amount of US dollars with at most two decimals."""
    cleaned = text.strip().removeprefix("$").strip()
    if not _AMOUNT.fullmatch(cleaned):
        return (
            "must be an amount in US dollars like 25 or 19.99 (digits, at most two decimals, "
            f"no currency sign or separators); got {text!r}."
        )
    if float(cleaned) <= 0:
        return "must be more than 0 US dollars."
    return None


MONTHLY_BUDGET = Option(
    "monthly_budget",
    "--monthly-budget",
    "Monthly budget (USD)",
    "the spend per month you expect; alerts go out at 80 % and 100 % of it and when the "
    "forecast passes it",
    # 25 USD: above what a new account on free-tier-sized use spends, so the alerts stay quiet
    # until something is really left running (a forgotten instance or NAT gateway costs more
    # than that in a month), and low enough that the first alert comes early.
    "25",
    validator=monthly_budget_usd,
)


# -- what the account holds ----------------------------------------------------------------------


@dataclass
class BudgetFacts:
    """One monthly cost budget and, per notification, who it e-mails."""

    name: str
    limit: str
    unit: str
    # (type, operator, threshold, threshold type) -> e-mail addresses (SNS topics dropped)
    alerts: dict[tuple[str, str, float, str], list[str]] = field(default_factory=dict)

    def emails_for(self, kind: str, threshold: float) -> list[str] | None:
        """Who the required alert e-mails, or ``None`` when there is no such notification."""
        return self.alerts.get((kind, "GREATER_THAN", threshold, "PERCENTAGE"))

    def missing(self) -> list[tuple[str, float]]:
        """The required alerts this budget does not e-mail anyone about."""
        return [(k, t) for k, t in REQUIRED_ALERTS if not self.emails_for(k, t)]


@dataclass
class Facts:
    """Everything the check reads."""

    budget_count: int
    budgets: list[BudgetFacts]
    monitors: list[dict[str, Any]]
    subscriptions: list[dict[str, Any]]

    def best_budget(self) -> BudgetFacts | None:
        """A complete budget, else the wizard's own, else the most complete one."""
        complete = [b for b in self.budgets if not b.missing()]
        if complete:
            return complete[0]
        own = next((b for b in self.budgets if b.name == BUDGET_NAME), None)
        if own is not None:
            return own
        return min(self.budgets, key=lambda b: len(b.missing()), default=None)

    def emailing_subscriptions(self) -> list[dict[str, Any]]:
        """Anomaly subscriptions on an existing monitor with an e-mail recipient."""
        arns = {m["MonitorArn"] for m in self.monitors}
        return [
            s
            for s in self.subscriptions
            if _emails_of(s) and any(arn in arns for arn in s.get("MonitorArnList", []))
        ]

    def services_monitor(self) -> dict[str, Any] | None:
        """The account's one AWS services monitor (any name), if it has one."""
        return next(
            (
                m
                for m in self.monitors
                if m.get("MonitorType") == "DIMENSIONAL" and m.get("MonitorDimension") == "SERVICE"
            ),
            None,
        )


def _emails_of(subscription: Mapping[str, Any]) -> list[str]:
    return [
        str(s["Address"])
        for s in subscription.get("Subscribers", [])
        if s.get("Type") == "EMAIL" and s.get("Status") != "DECLINED"
    ]


def _pages(call: Any, key: str, token_in: str, token_out: str, **params: Any) -> list[Any]:
    """Every item of a paginated list (the trimmed models carry no paginators)."""
    items: list[Any] = []
    while True:
        page = call(**params)
        items.extend(page.get(key, []))
        token = page.get(token_out)
        if not token:
            return items
        params[token_in] = token


def _budgets(account: Account) -> Any:
    return account.client("budgets", BILLING_REGION)


def _ce(account: Account) -> Any:
    return account.client("ce", BILLING_REGION)


def _notification(kind: str, threshold: float) -> dict[str, Any]:
    return {
        "NotificationType": kind,
        "ComparisonOperator": "GREATER_THAN",
        "Threshold": threshold,
        "ThresholdType": "PERCENTAGE",
    }


def read_budget(account: Account, budget: Mapping[str, Any]) -> BudgetFacts:
    """A budget with each notification's e-mail subscribers."""
    client, name = _budgets(account), str(budget["BudgetName"])
    limit = budget.get("BudgetLimit") or {}
    facts = BudgetFacts(name, str(limit.get("Amount", "")), str(limit.get("Unit", "")))
    notifications = _pages(
        client.describe_notifications_for_budget,
        "Notifications",
        "NextToken",
        "NextToken",
        AccountId=account.account_id,
        BudgetName=name,
    )

    def subscribers_of(notification: Mapping[str, Any]) -> list[Any]:
        return _pages(
            client.describe_subscribers_for_notification,
            "Subscribers",
            "NextToken",
            "NextToken",
            AccountId=account.account_id,
            BudgetName=name,
            Notification=notification,
        )

    # Each alert's subscribers at once: one after another, they were the longest chain of
    # calls in a whole verify. ``map`` keeps the order (and raises the first error in it).
    with ThreadPoolExecutor(max_workers=4, thread_name_prefix="budget-alerts") as pool:
        every_subscribers = list(pool.map(subscribers_of, notifications))
    for notification, subscribers in zip(notifications, every_subscribers, strict=True):
        key = (
            str(notification["NotificationType"]),
            str(notification["ComparisonOperator"]),
            float(notification["Threshold"]),
            str(notification.get("ThresholdType") or "PERCENTAGE"),
        )
        facts.alerts[key] = [
            str(s["Address"]) for s in subscribers if s.get("SubscriptionType") == "EMAIL"
        ]
    return facts


def _still_there(account: Account, budget: Mapping[str, Any]) -> BudgetFacts | None:
    """:func:`read_budget`, or ``None`` for a budget deleted since it was listed."""
    try:
        return read_budget(account, budget)
    except ClientError as exc:
        if error_code(exc) == "NotFoundException":
            return None
        raise


def read_facts(account: Account) -> Facts:
    """Read budgets, their alerts and the anomaly monitors and subscriptions (raises on error).

    The anomaly reads go out beside the budget reads; a budget error is still the one raised
    when both fail, as the budgets are read first here.
    """
    ce = _ce(account)
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="budget-anomalies") as pool:
        monitors = pool.submit(
            _pages, ce.get_anomaly_monitors, "AnomalyMonitors", "NextPageToken", "NextPageToken"
        )
        subscriptions = pool.submit(
            _pages,
            ce.get_anomaly_subscriptions,
            "AnomalySubscriptions",
            "NextPageToken",
            "NextPageToken",
        )
        budget_count, budgets = _read_budgets(account)
        return Facts(
            budget_count=budget_count,
            budgets=budgets,
            monitors=monitors.result(),
            subscriptions=subscriptions.result(),
        )


def _read_budgets(account: Account) -> tuple[int, list[BudgetFacts]]:
    """How many budgets the account has, and its monthly cost budgets with their alerts."""
    try:
        everything = _pages(
            _budgets(account).describe_budgets,
            "Budgets",
            "NextToken",
            "NextToken",
            AccountId=account.account_id,
        )
    except ClientError as exc:
        # DescribeBudgets lists NotFoundException among its errors (Budgets API reference):
        # for the account's own budgets it can only mean there are none.
        if error_code(exc) != "NotFoundException":
            raise
        everything = []
    monthly_cost = [
        b for b in everything if b.get("BudgetType") == "COST" and b.get("TimeUnit") == "MONTHLY"
    ]
    return len(everything), [facts for b in monthly_cost if (facts := _still_there(account, b))]


def plan_state(account: Account) -> dict[str, Any]:
    """The Free Tier plan (type, status, credits, end date) as evidence; never raises.

    An account AWS keeps no plan state for answers ``ResourceNotFoundException`` (Free Tier
    API reference, GetAccountPlanState); that and any other refusal are recorded as such.
    """
    try:
        state = account.client("freetier", BILLING_REGION).get_account_plan_state()
    except ClientError as exc:
        if error_code(exc) == "ResourceNotFoundException":
            return {"plan": None, "note": "AWS keeps no Free Tier plan state for this account"}
        return {"plan": None, "error": describe_error(exc)}
    except BotoCoreError as exc:
        return {"plan": None, "error": describe_error(exc)}
    credits = state.get("accountPlanRemainingCredits") or {}
    end = state.get("accountPlanExpirationDate")
    return {
        "plan": state.get("accountPlanType"),
        "status": state.get("accountPlanStatus"),
        "credits": f"{float(credits['amount']):.2f} {credits['unit']}" if credits else None,
        "ends": end.astimezone(UTC).date().isoformat() if isinstance(end, datetime) else end,
    }


def _alert_text(kind: str, threshold: float) -> str:
    what = "actual spend" if kind == "ACTUAL" else "forecast spend"
    return f"{what} above {threshold:g} %"


# -- the step ------------------------------------------------------------------------------------


class BudgetAlertsStep(Step):
    """A monthly cost budget with e-mail alerts, and Cost Anomaly Detection e-mailing someone."""

    id = "budget-alerts"
    title = "Hear about spending before the invoice"
    controls = ("AWS Startup Security Baseline ACCT.10",)
    options = (MONTHLY_BUDGET, CONTACT_EMAIL)
    services = ("budgets", "ce", "freetier")
    group = "Guardrails"
    checks = (
        "a monthly cost budget e-mails someone at actual > 80 % and > 100 % and forecast > 100 %",
        "a Cost Anomaly Detection monitor has an alert subscription that e-mails someone",
        "on the Free plan: the plan's credits and end date, as evidence",
    )

    def check(self, account: Account) -> Check:
        """Pass when both the budget alerts and an anomaly alert e-mail someone."""
        # The Free Tier plan (evidence only, never raises) is read beside the rest.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="budget-plan") as pool:
            state = pool.submit(plan_state, account)
            try:
                facts = read_facts(account)
            except (ClientError, BotoCoreError) as exc:
                return unknown(exc, "the account's budgets and cost anomaly monitors")
            return judge(facts, state.result())

    def plan(self, account: Account, options: OptionValues) -> Plan:
        """Exactly what is missing: a budget or its alerts, an anomaly monitor or subscription."""
        try:
            facts = read_facts(account)
        except (ClientError, BotoCoreError) as exc:
            require_known(unknown(exc, "the account's budgets and cost anomaly monitors"))
            raise  # require_known always raises for an unknown
        verdict = judge(facts, plan_state(account))
        if verdict.passed:
            return Plan(self.id)
        missing(options, (CONTACT_EMAIL,), "e-mailing the budget's alerts")
        email = str(options["contact_email"]).strip()
        amount = str(options["monthly_budget"]).strip().removeprefix("$").strip()
        changes = [*_budget_changes(account, facts, email, amount)]
        changes += _anomaly_changes(facts, email)
        return Plan(
            self.id,
            tuple(changes),
            notes=_cost_notes(facts, changes, verdict.evidence.get("free_plan") or {}),
            context={"budget": BUDGET_NAME, "email": email},
        )

    # -- dispatcher hooks --------------------------------------------------------------------

    def recover(
        self, account: Account, change: Change, error: ClientError, params: Mapping[str, Any]
    ) -> Recovered | None:
        """``DuplicateRecordException`` is "already done" only when a read shows the same thing."""
        if error_code(error) != "DuplicateRecordException":
            return None
        found = self.find_made(account, change, params)
        if found is not None and found.made:
            return Recovered("already in place (read back: the same)", done=False)
        return None

    def find_made(
        self, account: Account, change: Change, params: Mapping[str, Any]
    ) -> Found | None:
        """After a lost answer (or a duplicate), read whether exactly this was made."""
        operation = change.call.operation if change.call else ""
        try:
            if operation == "CreateBudget":
                return _budget_made(account, params)
            if operation in ("CreateNotification", "CreateSubscriber"):
                return _alert_made(account, params)
            if operation == "CreateAnomalyMonitor":
                return _monitor_made(account, params)
            if operation == "CreateAnomalySubscription":
                return _subscription_made(account, params)
        except ClientError as exc:
            if error_code(exc) == "NotFoundException":
                return Found(made=False)
            raise
        return None


def judge(facts: Facts, free_plan: Mapping[str, Any]) -> Check:
    """The verdict over what was read, naming every cause of a failure."""
    budget = facts.best_budget()
    subscriptions = facts.emailing_subscriptions()
    causes: list[str] = []
    if budget is None:
        causes.append("No monthly cost budget exists, so nobody is warned as spend grows")
    else:
        for kind, threshold in budget.missing():
            if budget.emails_for(kind, threshold) is None:
                causes.append(
                    f"the budget {budget.name} has no e-mail alert at "
                    f"{_alert_text(kind, threshold)}"
                )
            else:
                causes.append(
                    f"the budget {budget.name}'s alert at {_alert_text(kind, threshold)} "
                    "has no e-mail subscriber"
                )
    if not facts.monitors:
        causes.append("no Cost Anomaly Detection monitor watches the account's spend")
    elif not subscriptions:
        causes.append("no anomaly alert subscription e-mails anyone")
    evidence: dict[str, Any] = {
        "budget": None
        if budget is None
        else {
            "name": budget.name,
            "limit": f"{budget.limit} {budget.unit}",
            "alerts": [
                {
                    "type": key[0],
                    "comparison": key[1],
                    "threshold": key[2],
                    "threshold_type": key[3],
                    "emails": emails,
                }
                for key, emails in budget.alerts.items()
            ],
        },
        "monthly_cost_budgets": [b.name for b in facts.budgets],
        "budget_count": facts.budget_count,
        "anomaly_monitors": [
            {
                "arn": m["MonitorArn"],
                "name": m.get("MonitorName"),
                "type": m.get("MonitorType"),
                "dimension": m.get("MonitorDimension"),
            }
            for m in facts.monitors
        ],
        "anomaly_subscriptions": [
            {
                "arn": s["SubscriptionArn"],
                "name": s.get("SubscriptionName"),
                "frequency": s.get("Frequency"),
                "emails": _emails_of(s),
                "monitors": list(s.get("MonitorArnList", [])),
            }
            for s in facts.subscriptions
        ],
        "free_plan": dict(free_plan),
    }
    if causes:
        text = "; ".join(causes)
        return Check(Status.FAIL, text[0].upper() + text[1:] + ".", evidence)
    assert budget is not None
    emails = sorted({e for s in subscriptions for e in _emails_of(s)})
    return Check(
        Status.PASS,
        f"The monthly cost budget {budget.name} ({budget.limit} {budget.unit}) e-mails at "
        "80 % and 100 % of actual spend and 100 % of forecast, and Cost Anomaly Detection "
        f"e-mails {', '.join(emails)} about unusual spend.",
        evidence,
    )


# -- the plan's changes --------------------------------------------------------------------------


def _budget_changes(account: Account, facts: Facts, email: str, amount: str) -> list[Change]:
    budget = facts.best_budget()
    if budget is not None and not budget.missing():
        return []
    subscriber = {"SubscriptionType": "EMAIL", "Address": email}
    if budget is None or budget.name != BUDGET_NAME:
        params = {
            "AccountId": account.account_id,
            "Budget": {
                "BudgetName": BUDGET_NAME,
                "BudgetLimit": {"Amount": amount, "Unit": "USD"},
                "TimeUnit": "MONTHLY",
                "BudgetType": "COST",
                # Spend before credits: on the Free plan (or with promotional credits) the
                # net cost stays at 0 while credits run out; the alerts must see the usage.
                "CostTypes": {"IncludeCredit": False},
            },
            "NotificationsWithSubscribers": [
                {"Notification": _notification(kind, threshold), "Subscribers": [subscriber]}
                for kind, threshold in REQUIRED_ALERTS
            ],
        }
        return [
            Change(
                "budgets:CreateBudget",
                BUDGET_NAME,
                f"a monthly cost budget of {amount} USD that e-mails {email} at 80 % and "
                "100 % of actual spend and when the forecast passes 100 %",
                call=ApiCall("budgets", "CreateBudget", params, BILLING_REGION),
            )
        ]
    changes = []
    for kind, threshold in budget.missing():
        base = {
            "AccountId": account.account_id,
            "BudgetName": BUDGET_NAME,
            "Notification": _notification(kind, threshold),
        }
        if budget.emails_for(kind, threshold) is None:
            changes.append(
                Change(
                    "budgets:CreateNotification",
                    f"{BUDGET_NAME} ({_alert_text(kind, threshold)})",
                    f"e-mail {email} when {_alert_text(kind, threshold)}",
                    call=ApiCall(
                        "budgets",
                        "CreateNotification",
                        {**base, "Subscribers": [subscriber]},
                        BILLING_REGION,
                    ),
                )
            )
        else:
            changes.append(
                Change(
                    "budgets:CreateSubscriber",
                    f"{BUDGET_NAME} ({_alert_text(kind, threshold)})",
                    f"the alert e-mails nobody: add {email}",
                    call=ApiCall(
                        "budgets",
                        "CreateSubscriber",
                        {**base, "Subscriber": subscriber},
                        BILLING_REGION,
                    ),
                    # Same address on the same notification: AWS has it already.
                    already_done=frozenset({"DuplicateRecordException"}),
                )
            )
    return changes


def _anomaly_changes(facts: Facts, email: str) -> list[Change]:
    if facts.emailing_subscriptions():
        return []
    changes: list[Change] = []
    monitor = facts.services_monitor() or next(
        (m for m in facts.monitors if m.get("MonitorName") == MONITOR_NAME), None
    )
    monitor_arn: str | Ref
    if monitor is None:
        changes.append(
            Change(
                "ce:CreateAnomalyMonitor",
                MONITOR_NAME,
                "watch every AWS service's spend for anomalies (the AWS services monitor; free)",
                call=ApiCall(
                    "ce",
                    "CreateAnomalyMonitor",
                    {
                        "AnomalyMonitor": {
                            "MonitorName": MONITOR_NAME,
                            "MonitorType": "DIMENSIONAL",
                            "MonitorDimension": "SERVICE",
                        }
                    },
                    BILLING_REGION,
                ),
                outputs={"monitor_arn": "MonitorArn"},
                done="ce:CreateAnomalyMonitor {monitor_arn}",
            )
        )
        monitor_arn = Ref("monitor_arn")
    else:
        monitor_arn = str(monitor["MonitorArn"])
    subscription = {
        "SubscriptionName": SUBSCRIPTION_NAME,
        "MonitorArnList": [monitor_arn],
        "Subscribers": [{"Address": email, "Type": "EMAIL"}],
        "Frequency": "DAILY",
        "ThresholdExpression": {
            "Dimensions": {
                "Key": "ANOMALY_TOTAL_IMPACT_ABSOLUTE",
                "MatchOptions": ["GREATER_THAN_OR_EQUAL"],
                "Values": [ANOMALY_IMPACT_USD],
            }
        },
    }
    changes.append(
        Change(
            "ce:CreateAnomalySubscription",
            SUBSCRIPTION_NAME,
            f"e-mail {email} a daily summary of anomalies costing {ANOMALY_IMPACT_USD} USD or more",
            call=ApiCall(
                "ce",
                "CreateAnomalySubscription",
                {"AnomalySubscription": subscription},
                BILLING_REGION,
            ),
        )
    )
    return changes


def _cost_notes(
    facts: Facts, changes: list[Change], free_plan: Mapping[str, Any]
) -> tuple[str, ...]:
    notes: list[str] = []
    if any(c.action == "budgets:CreateBudget" for c in changes):
        count = facts.budget_count + 1
        if count <= FREE_BUDGETS:
            notes.append(
                f"Cost: none. This will be budget {count} of the account, and AWS does not "
                f"charge for an account's first {FREE_BUDGETS} budgets."
            )
        else:
            notes.append(
                f"Cost: this will be budget {count} of the account; AWS charges "
                f"{BUDGET_DAILY_USD:.2f} USD a day (about {BUDGET_DAILY_USD * 31:.2f} USD a "
                f"month) for each budget beyond the first {FREE_BUDGETS}."
            )
    if any(c.action.startswith("ce:") for c in changes):
        notes.append("Cost Anomaly Detection is free.")
    if changes:
        notes.append(
            "AWS e-mails these alerts without asking the recipient to confirm; they come from "
            "AWS Budgets and AWS Cost Anomaly Detection."
        )
    if free_plan.get("plan") == "FREE":
        counted = (
            " The wizard's budget counts spend before credits, so it warns while credits still pay."
            if any(c.action == "budgets:CreateBudget" for c in changes)
            else ""
        )
        notes.append(
            f"The account is on AWS's Free plan: {free_plan.get('credits')} of credits left, "
            f"until {free_plan.get('ends')}.{counted}"
        )
    return tuple(notes)


# -- reading back what a create made -------------------------------------------------------------


def _budget_made(account: Account, params: Mapping[str, Any]) -> Found | None:
    """The budget exists and is the same one (type, period, limit and the three alerts)."""
    wanted = params["Budget"]
    budget = _budgets(account).describe_budget(
        AccountId=account.account_id, BudgetName=wanted["BudgetName"]
    )["Budget"]
    limit = budget.get("BudgetLimit") or {}
    same = (
        budget.get("BudgetType") == wanted["BudgetType"]
        and budget.get("TimeUnit") == wanted["TimeUnit"]
        and limit.get("Unit") == wanted["BudgetLimit"]["Unit"]
        and float(limit.get("Amount", "nan")) == float(wanted["BudgetLimit"]["Amount"])
    )
    if not same:
        return None  # a different budget holds the name: never "already done"
    facts = read_budget(account, budget)
    address = params["NotificationsWithSubscribers"][0]["Subscribers"][0]["Address"]
    made = all(address in (facts.emails_for(k, t) or []) for k, t in REQUIRED_ALERTS)
    return Found(made=True) if made else None


def _alert_made(account: Account, params: Mapping[str, Any]) -> Found:
    subscribers = _budgets(account).describe_subscribers_for_notification(
        AccountId=account.account_id,
        BudgetName=params["BudgetName"],
        Notification=params["Notification"],
    )["Subscribers"]
    wanted = params.get("Subscriber") or params["Subscribers"][0]
    made = any(
        s.get("SubscriptionType") == wanted["SubscriptionType"]
        and s.get("Address") == wanted["Address"]
        for s in subscribers
    )
    return Found(made=made)


def _monitor_made(account: Account, params: Mapping[str, Any]) -> Found:
    """Monitor names are not unique in AWS: look for one with the wizard's name and kind."""
    wanted = params["AnomalyMonitor"]
    monitors = _pages(
        _ce(account).get_anomaly_monitors, "AnomalyMonitors", "NextPageToken", "NextPageToken"
    )
    for monitor in monitors:
        if all(monitor.get(k) == v for k, v in wanted.items()):
            return Found(made=True, outputs={"monitor_arn": monitor["MonitorArn"]})
    return Found(made=False)


def _subscription_made(account: Account, params: Mapping[str, Any]) -> Found:
    wanted = params["AnomalySubscription"]
    subscriptions = _pages(
        _ce(account).get_anomaly_subscriptions,
        "AnomalySubscriptions",
        "NextPageToken",
        "NextPageToken",
    )
    addresses = {s["Address"] for s in wanted["Subscribers"]}
    for subscription in subscriptions:
        if (
            subscription.get("SubscriptionName") == wanted["SubscriptionName"]
            and set(subscription.get("MonitorArnList", [])) == set(wanted["MonitorArnList"])
            and addresses <= set(_emails_of(subscription))
        ):
            return Found(made=True)
    return Found(made=False)
