"""Drifts of the root activity alert (step ``root-activity-alert``), made as AWS allows.

Each starts from the ``done`` scenario's alert (:func:`~aws_setup_wizard.sandbox.scenarios.
_root_activity_alert`: rule and topic ``aws-setup-wizard-root-activity`` in us-east-1, e-mail to
``owner@example.com``, confirmed) and changes it with the calls an owner (or an intruder hiding
their tracks) would make, signed with root's console session; the one exception is the
suspension SNS itself does to an e-mail endpoint flooded with messages, made through the
sandbox's inbox (:mod:`.inbox`).
"""

from __future__ import annotations

import json
from typing import Any

from aws_setup_wizard.sandbox import inbox
from aws_setup_wizard.sandbox.drift_model import Drift, Place
from aws_setup_wizard.sandbox.scenarios import ALERT_NAME, ALERT_REGION, Clients

STEP = "root-activity-alert"


def _clients(place: Place) -> Clients:
    """Clients in us-east-1, where the alert lives, whatever the sandbox's own Region."""
    return Clients(place.endpoint_url, ALERT_REGION, place.root.console_session)


def _topic(place: Place) -> str:
    return f"arn:aws:sns:{ALERT_REGION}:{place.account_id}:{ALERT_NAME}"


def _disable_rule(place: Place) -> None:
    """The rule is disabled (``DisableRule``): matching events are dropped."""
    _clients(place)("events").disable_rule(Name=ALERT_NAME)


def _remove_target(place: Place) -> None:
    """The topic is removed from the rule's targets (``RemoveTargets``)."""
    _clients(place)("events").remove_targets(Rule=ALERT_NAME, Ids=["root-activity-topic"])


def _narrow_pattern(place: Place) -> None:
    """The pattern is narrowed to console sign-ins: root API calls no longer match."""
    pattern = {
        "detail-type": ["AWS Console Sign In via CloudTrail"],
        "detail": {"userIdentity": {"type": ["Root"]}},
    }
    _clients(place)("events").put_rule(
        Name=ALERT_NAME, EventPattern=json.dumps(pattern), State="ENABLED"
    )


def _confirmed_subscription(place: Place) -> str:
    listed = _clients(place)("sns").list_subscriptions_by_topic(TopicArn=_topic(place))
    return next(
        str(sub["SubscriptionArn"])
        for sub in listed["Subscriptions"]
        if str(sub["SubscriptionArn"]).startswith("arn:")
    )


def _unsubscribe(place: Place) -> None:
    """The e-mail subscription is deleted (``Unsubscribe``, or the e-mail's unsubscribe link)."""
    _clients(place)("sns").unsubscribe(SubscriptionArn=_confirmed_subscription(place))


def _suspend_subscription(place: Place) -> None:
    """SNS suspends the e-mail endpoint back to pending confirmation."""
    arn = _confirmed_subscription(place)
    subscription = inbox.sns_backend(place.account_id, ALERT_REGION).subscriptions[arn]
    inbox.suspend(place.root, subscription)


def _deny_events(place: Place) -> None:
    """The topic policy is replaced with one that denies EventBridge (an explicit Deny wins)."""
    topic = _topic(place)
    policy: dict[str, Any] = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyEventBridge",
                "Effect": "Deny",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sns:Publish",
                "Resource": topic,
            }
        ],
    }
    _clients(place)("sns").set_topic_attributes(
        TopicArn=topic, AttributeName="Policy", AttributeValue=json.dumps(policy)
    )


def _aws_managed_key(place: Place) -> None:
    """The topic is encrypted with the AWS managed key ``alias/aws/sns``."""
    _clients(place)("sns").set_topic_attributes(
        TopicArn=_topic(place), AttributeName="KmsMasterKeyId", AttributeValue="alias/aws/sns"
    )


#: The alert's drifts, taken in by the catalogue (:mod:`.drifts`).
ALERT_DRIFTS: tuple[Drift, ...] = (
    Drift("root alert rule disabled", STEP, _disable_rule),
    Drift("root alert topic removed from the rule's targets", STEP, _remove_target),
    Drift("root alert pattern narrowed to sign-ins", STEP, _narrow_pattern),
    Drift("root alert e-mail subscription deleted", STEP, _unsubscribe),
    Drift("root alert e-mail subscription suspended to pending", STEP, _suspend_subscription),
    Drift("root alert topic policy denies EventBridge", STEP, _deny_events),
    Drift("root alert topic encrypted with alias/aws/sns", STEP, _aws_managed_key),
)
