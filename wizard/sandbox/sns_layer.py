"""SNS e-mail subscriptions and EventBridge's TestEventPattern as AWS answers them.

moto confirms an e-mail subscription the moment it is made, lists it with its real ARN and
accepts any token in ``ConfirmSubscription``; AWS leaves it pending until the link it e-mails
is clicked (Amazon SNS Developer Guide, "Email subscription setup and management"), answers
``Subscribe`` with ``pending confirmation`` unless ``ReturnSubscriptionArn`` is set, lists it as
``PendingConfirmation`` (SNS API Reference, ListSubscriptionsByTopic, Subscription) and refuses
a token it did not issue (``InvalidParameter``). moto has no ``TestEventPattern`` at all
(EventBridge API Reference, TestEventPattern), which the root-activity step asks to judge a
rule's pattern; here it is answered with moto's own pattern matcher, the one moto's rules use.
The inbox itself is :mod:`.inbox`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from aws_setup_wizard.sandbox import inbox
from aws_setup_wizard.sandbox.call import Call, Forward, Handler, Outcome
from aws_setup_wizard.sandbox.protocol import error_response, json_response, query_response

_ARN = re.compile(rb"<SubscriptionArn>([^<]*)</SubscriptionArn>")
#: The fields every event given to TestEventPattern must have (EventBridge API Reference,
#: TestEventPattern, ``Event``).
REQUIRED_EVENT_FIELDS = ("id", "account", "source", "time", "region", "resources", "detail-type")


def _email(call: Call) -> bool:
    return (call.param("Protocol") or "").lower() in inbox.EMAIL_PROTOCOLS


def subscribe(call: Call) -> Outcome:
    """After moto subscribes an e-mail address: pending, the link e-mailed, AWS's answer."""
    if not _email(call):
        return Forward()
    return_arn = (call.param("ReturnSubscriptionArn") or "").lower() == "true"
    region = call.region

    def pending(status: int, body: bytes) -> bytes:
        found = _ARN.search(body)
        if status != 200 or found is None:
            return body
        arn = found.group(1).decode()
        subscription = inbox.sns_backend(call.account_id, region).subscriptions.get(arn)
        if subscription is None:
            return body
        inbox.subscription_pending(call.root, subscription)
        if return_arn or inbox.state_of(subscription) == inbox.CONFIRMED:
            return body
        return _ARN.sub(b"<SubscriptionArn>pending confirmation</SubscriptionArn>", body)

    return Forward(pending)


def list_subscriptions(call: Call) -> Outcome:
    """List pending e-mail subscriptions with the ARN ``PendingConfirmation``, as SNS does."""
    region = call.region

    def hide_pending(status: int, body: bytes) -> bytes:
        if status != 200:
            return body
        subscriptions = inbox.sns_backend(call.account_id, region).subscriptions

        def replace(found: re.Match[bytes]) -> bytes:
            subscription = subscriptions.get(found.group(1).decode())
            if subscription is not None and inbox.state_of(subscription) == inbox.PENDING:
                return b"<SubscriptionArn>PendingConfirmation</SubscriptionArn>"
            return found.group(0)

        return _ARN.sub(replace, body)

    return Forward(hide_pending)


def confirm_subscription(call: Call) -> Outcome:
    """Only a token the topic's confirmation message carried confirms a subscription."""
    topic_arn, token = call.param("TopicArn"), call.param("Token")
    if not topic_arn or not token:
        return error_response("sns", "InvalidParameter", "Invalid parameter: Token", 400)
    if topic_arn not in inbox.sns_backend(call.account_id, call.region).topics:
        return error_response("sns", "NotFound", "Topic does not exist", 404)
    arn = inbox.confirm(call.root, topic_arn, token)
    if arn is None:
        return error_response("sns", "InvalidParameter", "Invalid token", 400)
    return query_response("sns", "ConfirmSubscription", {"SubscriptionArn": arn})


def publish(call: Call) -> Outcome:
    """A message published to a topic reaches the inbox of its confirmed e-mail subscribers."""
    topic_arn = call.param("TopicArn") or call.param("TargetArn")
    subject, message = call.param("Subject"), call.param("Message") or ""

    def delivered(status: int, body: bytes) -> bytes:
        if status == 200 and topic_arn:
            inbox.deliver(call.root, topic_arn, subject, message)
        return body

    return Forward(delivered)


def test_event_pattern(call: Call) -> Outcome:
    """Whether an event matches a pattern, decided by moto's matcher (moto lacks the API)."""
    from moto.events.models import EventPattern, EventPatternParser

    try:
        pattern = EventPatternParser(str(call.field("EventPattern") or "")).parse()
    except Exception:  # noqa: BLE001 - moto raises its own InvalidEventPatternException
        return error_response(
            "events", "InvalidEventPatternException", "Event pattern is not valid.", 400
        )
    try:
        event: Any = json.loads(str(call.field("Event") or ""))
    except ValueError:
        event = None
    if not isinstance(event, dict) or any(name not in event for name in REQUIRED_EVENT_FIELDS):
        return error_response(
            "events", "InvalidEventPatternException", "Parameter Event is not valid.", 400
        )
    sample: Any = event  # moto types it as its own TypedDict; any JSON object is accepted
    matched = EventPattern(json.dumps(pattern), pattern).matches_event(sample)
    return json_response({"Result": bool(matched)})


SNS_HANDLERS: dict[str, Handler] = {
    "Subscribe": subscribe,
    "ListSubscriptionsByTopic": list_subscriptions,
    "ListSubscriptions": list_subscriptions,
    "ConfirmSubscription": confirm_subscription,
    "Publish": publish,
}

EVENTS_HANDLERS: dict[str, Handler] = {"TestEventPattern": test_event_pattern}
