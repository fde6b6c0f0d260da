"""The sandbox's simulated inbox: every e-mail AWS would have sent, and the links in them.

AWS e-mails the owner in a few places the wizard relies on: an SNS e-mail subscription first
receives a confirmation message whose link must be clicked before anything else is delivered
(Amazon SNS Developer Guide, "Email subscription setup and management"; SNS API Reference,
Subscribe: "the endpoint owner must call the ConfirmSubscription action with the token from
the confirmation message"), and a confirmed subscription then receives every message published
to the topic. moto confirms e-mail subscriptions at once and sends nothing, so a trainee would
learn that an alert works the moment it is set up; here the sandbox keeps an inbox per account:

- :func:`subscription_pending` marks a new e-mail subscription pending and "sends" the
  confirmation message with its token (called by :mod:`.sns_layer` after moto's Subscribe);
- :func:`confirm` / :func:`confirm_all` click a link (the ``ConfirmSubscription`` call the
  link makes), :func:`messages` lists the inbox;
- :func:`deliver` puts a message published to a topic into the mailbox of each *confirmed*
  e-mail subscription;
- :func:`root_activity` plays EventBridge: a root sign-in or root API call that an enabled rule
  in us-east-1 matches is published to the rule's SNS targets, when the topic lets EventBridge
  publish for that rule and is not encrypted with ``alias/aws/sns`` (EventBridge User Guide,
  "Permissions for Amazon SNS"; "AWS service events delivered via AWS CloudTrail": API-call
  events need a logging trail, read-only ones a rule in state
  ``ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS``).

The inbox belongs to the account's :class:`~aws_setup_wizard.sandbox.state.RootAccount`, which a
reset replaces, so a reset empties it; pending state and tokens live on moto's subscription
objects, which a reset wipes too.
"""

from __future__ import annotations

import json
import secrets
import threading
import uuid
import weakref
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from aws_setup_wizard.policy_eval import Principal, decide
from aws_setup_wizard.sandbox.state import RootAccount

ALERT_REGION = "us-east-1"
EMAIL_PROTOCOLS = frozenset({"email", "email-json"})
PENDING, CONFIRMED = "pending", "confirmed"
CONFIRMATION_SUBJECT = "AWS Notification - Subscription Confirmation"
#: Services whose CloudTrail events occur in us-east-1 whatever the caller's Region (AWS's
#: notice on global service events, November 2021: CloudFront, IAM, sign-in, STS).
GLOBAL_SERVICES = frozenset({"iam", "sts", "signin", "cloudfront"})
READ_ONLY_PREFIXES = ("Get", "List", "Describe", "Head", "Test", "Lookup", "Search")

_lock = threading.RLock()
_inboxes: weakref.WeakKeyDictionary[RootAccount, list[Message]] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Message:
    """One e-mail as the owner would see it; ``token`` and ``topic_arn`` for a confirmation."""

    to: str
    subject: str
    body: str
    kind: str  # "subscription-confirmation" or "notification"
    sent: str
    topic_arn: str
    token: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The message as JSON-ready data (the console's answer)."""
        return asdict(self)


def sns_backend(account_id: str, region: str) -> Any:
    """The account's moto SNS backend in ``region`` (topics and subscriptions)."""
    from moto.sns.models import sns_backends

    return sns_backends[account_id][region]


def events_backend(account_id: str, region: str) -> Any:
    """The account's moto EventBridge backend in ``region`` (event buses and their rules)."""
    from moto.events.models import events_backends

    return events_backends[account_id][region]


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def send(root: RootAccount, message: Message) -> None:
    """Put ``message`` in the account's inbox (any e-mail AWS would send, e.g. a budget alert)."""
    with _lock:
        _inboxes.setdefault(root, []).append(message)


def messages(root: RootAccount) -> list[Message]:
    """Every message in the account's inbox, oldest first."""
    with _lock:
        return list(_inboxes.get(root, []))


def state_of(subscription: Any) -> str:
    """``pending`` or ``confirmed``; a subscription this layer never saw counts as confirmed
    (only e-mail subscriptions wait for a click)."""
    return str(getattr(subscription, "sandbox_state", CONFIRMED))


def _region_of(arn: str) -> str:
    return arn.split(":")[3]


def subscription_pending(root: RootAccount, subscription: Any) -> None:
    """Mark a new (or still pending) e-mail subscription pending and e-mail its link.

    Subscribing an address again while it is pending sends the confirmation again, with the
    same token, as SNS does.
    """
    with _lock:
        if state_of(subscription) == CONFIRMED and hasattr(subscription, "sandbox_state"):
            return
        token = getattr(subscription, "sandbox_token", None) or secrets.token_hex(64)
        subscription.sandbox_state = PENDING
        subscription.sandbox_token = token
        subscription.confirmed = False
        subscription.attributes["PendingConfirmation"] = "true"
        subscription.attributes["ConfirmationWasAuthenticated"] = "false"
    topic = str(subscription.topic.arn)
    link = (
        f"https://sns.{_region_of(topic)}.amazonaws.com/confirmation.html?TopicArn="
        f"{quote(topic, safe='')}&Token={token}&Endpoint={quote(subscription.endpoint, safe='')}"
    )
    body = (
        f"You have chosen to subscribe to the topic:\n{topic}\n\nTo confirm this subscription, "
        f"click or visit the link below (If this was in error no action is necessary):\n"
        f"Confirm subscription: {link}"
    )
    send(
        root,
        Message(
            subscription.endpoint,
            CONFIRMATION_SUBJECT,
            body,
            "subscription-confirmation",
            _now(),
            topic,
            token,
        ),
    )


def suspend(root: RootAccount, subscription: Any) -> None:
    """SNS suspends an e-mail subscription back to pending confirmation (more than 10
    messages a second to it; SNS Developer Guide, "Email subscription setup and management")
    and the owner must confirm it again: a new confirmation message, a new token."""
    with _lock:
        subscription.sandbox_state = PENDING
        subscription.sandbox_token = None
    subscription_pending(root, subscription)


def confirm(root: RootAccount, topic_arn: str, token: str) -> str | None:
    """Click one link (``ConfirmSubscription``): the subscription's ARN, or ``None`` for a
    token no subscription of that topic holds."""
    backend = sns_backend(root.account_id, _region_of(topic_arn))
    with _lock:
        for subscription in list(backend.subscriptions.values()):
            if subscription.topic.arn != topic_arn:
                continue
            if getattr(subscription, "sandbox_token", None) != token:
                continue
            subscription.sandbox_state = CONFIRMED
            subscription.confirmed = True
            subscription.attributes["PendingConfirmation"] = "false"
            return str(subscription.arn)
    return None


def pending_links(root: RootAccount) -> list[tuple[str, str]]:
    """``(topic ARN, token)`` of every confirmation message whose subscription still waits."""
    seen: list[tuple[str, str]] = []
    for message in messages(root):
        if message.kind != "subscription-confirmation" or message.token is None:
            continue
        link = (message.topic_arn, message.token)
        if link not in seen:
            seen.append(link)
    return seen


def confirm_all(root: RootAccount) -> list[str]:
    """Click every pending confirmation link in the inbox; the ARNs confirmed now."""
    confirmed: list[str] = []
    for topic_arn, token in pending_links(root):
        backend = sns_backend(root.account_id, _region_of(topic_arn))
        waiting = [
            sub
            for sub in backend.subscriptions.values()
            if getattr(sub, "sandbox_token", None) == token and state_of(sub) == PENDING
        ]
        if waiting:
            arn = confirm(root, topic_arn, token)
            if arn is not None:
                confirmed.append(arn)
    return confirmed


def deliver(root: RootAccount, topic_arn: str, subject: str | None, body: str) -> int:
    """E-mail a message published to ``topic_arn`` to its confirmed e-mail subscriptions."""
    backend = sns_backend(root.account_id, _region_of(topic_arn))
    sent = 0
    for subscription in list(backend.subscriptions.values()):
        if subscription.topic.arn != topic_arn or subscription.protocol not in EMAIL_PROTOCOLS:
            continue
        if state_of(subscription) != CONFIRMED:
            continue  # SNS delivers nothing to an unconfirmed endpoint
        send(
            root,
            Message(
                subscription.endpoint,
                subject or "AWS Notification Message",
                body,
                "notification",
                _now(),
                topic_arn,
            ),
        )
        sent += 1
    return sent


def _trail_logging(account_id: str) -> bool:
    from aws_setup_wizard.sandbox import backends

    return any(
        trail.status.is_logging
        for region in backends.cloudtrail_regions(account_id)
        for trail in region.trails.values()
    )


def _event(root: RootAccount, detail_type: str, source: str, detail: dict[str, Any]) -> Any:
    identity = {
        "type": "Root",
        "principalId": root.account_id,
        "arn": root.arn,
        "accountId": root.account_id,
    }
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": detail_type,
        "source": source,
        "account": root.account_id,
        "time": _now(),
        "region": ALERT_REGION,
        "resources": [],
        "detail": {"eventVersion": "1.08", "userIdentity": identity, **detail},
    }


def _rules_taking(root: RootAccount, read_only: bool) -> list[Any]:
    """The enabled rules with a pattern whose state lets them take a (read-only) API event.

    Looked at before an event is made: most root requests of a run are reads, which a rule in
    the plain ``ENABLED`` state never receives, and making the event (an ID, a timestamp) for
    every request cost the sandbox's CPU for nothing.
    """
    # CloudTrail's events go to the default event bus only.
    bus = events_backend(root.account_id, ALERT_REGION).event_buses.get("default")
    wanted = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS" if read_only else "ENABLED"
    return [
        rule
        for rule in (list(bus.rules.values()) if bus is not None else [])
        if rule.state in (wanted, "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS")
        and rule.event_pattern.get_pattern()
    ]


def _publish_for_rules(root: RootAccount, event: dict[str, Any], rules: list[Any]) -> int:
    """EventBridge's part: every one of ``rules`` matching ``event`` publishes to its topics."""
    sent = 0
    for rule in rules:
        if not rule.event_pattern.matches_event(event):
            continue
        for target in rule.targets:
            arn = str(target.get("Arn", ""))
            if arn.split(":")[2:3] == ["sns"] and _may_publish(root, arn, rule.arn):
                sent += deliver(
                    root,
                    arn,
                    f"Root activity in account {root.account_id}",
                    json.dumps(event, indent=2),
                )
    return sent


def _may_publish(root: RootAccount, topic_arn: str, rule_arn: str) -> bool:
    topic = sns_backend(root.account_id, _region_of(topic_arn)).topics.get(topic_arn)
    if topic is None or str(topic.kms_master_key_id or "").endswith("alias/aws/sns"):
        return False  # EventBridge's invocation fails: no e-mail
    return decide(
        topic.policy,
        principal=Principal(service="events.amazonaws.com"),
        action="sns:Publish",
        resource=topic_arn,
        context={"aws:SourceArn": rule_arn, "aws:SourceAccount": root.account_id},
        strict=True,
    ).allowed


def root_activity(root: RootAccount, service: str, action: str, region: str) -> int:
    """Root called ``service:action`` in ``region``: the alert e-mails EventBridge would cause."""
    if service not in GLOBAL_SERVICES and region != ALERT_REGION:
        return 0  # the event goes to that Region's bus
    read_only = action.startswith(READ_ONLY_PREFIXES)
    rules = _rules_taking(root, read_only)
    if not rules or not _trail_logging(root.account_id):
        return 0  # no rule takes the event; API-call events need a logging trail
    event = _event(
        root,
        "AWS API Call via CloudTrail",
        f"aws.{service}",
        {
            "eventSource": f"{service}.amazonaws.com",
            "eventName": action,
            "eventType": "AwsApiCall",
            "awsRegion": region,
            "readOnly": read_only,
        },
    )
    return _publish_for_rules(root, event, rules)


def root_signed_in(root: RootAccount) -> int:
    """Root signed in to the console: the alert e-mails EventBridge would cause."""
    rules = _rules_taking(root, read_only=False)
    if not rules:
        return 0
    event = _event(
        root,
        "AWS Console Sign In via CloudTrail",
        "aws.signin",
        {
            "eventSource": "signin.amazonaws.com",
            "eventName": "ConsoleLogin",
            "eventType": "AwsConsoleSignIn",
            "awsRegion": ALERT_REGION,
            "responseElements": {"ConsoleLogin": "Success"},
        },
    )
    return _publish_for_rules(root, event, rules)
