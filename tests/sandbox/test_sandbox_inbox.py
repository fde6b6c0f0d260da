"""The simulated inbox: SNS e-mail subscriptions wait for the link AWS e-mails, as in AWS.

Over real HTTP with boto3 (and the ``sandbox console`` commands as subprocesses): a new e-mail
subscription is pending and listed as ``PendingConfirmation``, its confirmation message (with
the token) is in the inbox, only that token confirms it, nothing is delivered before, and
``confirm-subscriptions`` clicks every pending link.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from aws_setup_wizard.sandbox import Sandbox, console
from tests.sandbox.test_sandbox_cli import run_cli

REGION = "us-east-1"
ADDRESS = "owner@example.com"


def sns_client(client: Any, sandbox: Sandbox) -> Any:
    return client(sandbox, "sns")


def topic_with_pending_email(sandbox: Sandbox, client: Any) -> tuple[Any, str, dict[str, Any]]:
    sns = sns_client(client, sandbox)
    topic = sns.create_topic(Name="alerts")["TopicArn"]
    answer = sns.subscribe(TopicArn=topic, Protocol="email", Endpoint=ADDRESS)
    return sns, topic, answer


def test_an_email_subscription_waits_for_its_link(sandbox_at: Any, client: Any) -> None:
    sandbox = sandbox_at("fresh")
    sns, topic, answer = topic_with_pending_email(sandbox, client)

    assert answer["SubscriptionArn"] == "pending confirmation"
    listed = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert [(s["Endpoint"], s["SubscriptionArn"]) for s in listed] == [
        (ADDRESS, "PendingConfirmation")
    ]
    mail = console.inbox(sandbox.endpoint_url)
    assert [(m["to"], m["subject"], m["kind"]) for m in mail] == [
        (ADDRESS, "AWS Notification - Subscription Confirmation", "subscription-confirmation")
    ]
    assert mail[0]["token"] in mail[0]["body"] and topic in mail[0]["body"]

    # Nothing reaches an unconfirmed address.
    sns.publish(TopicArn=topic, Message="too early")
    assert len(console.inbox(sandbox.endpoint_url)) == 1

    with pytest.raises(ClientError) as refused:
        sns.confirm_subscription(TopicArn=topic, Token="not-the-token")
    assert refused.value.response["Error"]["Code"] == "InvalidParameter"

    confirmed = sns.confirm_subscription(TopicArn=topic, Token=mail[0]["token"])["SubscriptionArn"]
    assert confirmed.startswith(f"{topic}:")
    listed = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert [s["SubscriptionArn"] for s in listed] == [confirmed]
    attributes = sns.get_subscription_attributes(SubscriptionArn=confirmed)["Attributes"]
    assert attributes["PendingConfirmation"] == "false"

    sns.publish(TopicArn=topic, Subject="Hello", Message="now it arrives")
    last = console.inbox(sandbox.endpoint_url)[-1]
    assert (last["to"], last["subject"], last["body"], last["kind"]) == (
        ADDRESS,
        "Hello",
        "now it arrives",
        "notification",
    )


def test_subscribing_again_while_pending_resends_the_same_link(
    sandbox_at: Any, client: Any
) -> None:
    sandbox = sandbox_at("fresh")
    sns, topic, _ = topic_with_pending_email(sandbox, client)
    again = sns.subscribe(TopicArn=topic, Protocol="email", Endpoint=ADDRESS)
    assert again["SubscriptionArn"] == "pending confirmation"
    mail = console.inbox(sandbox.endpoint_url)
    assert len(mail) == 2 and mail[0]["token"] == mail[1]["token"]
    assert len(sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]) == 1
    with_arn = sns.subscribe(
        TopicArn=topic, Protocol="email", Endpoint=ADDRESS, ReturnSubscriptionArn=True
    )
    assert with_arn["SubscriptionArn"].startswith(f"{topic}:")


def test_the_console_commands_list_the_inbox_and_click_every_link(
    sandbox_at: Any, client: Any, cli_env: Any
) -> None:
    sandbox = sandbox_at("fresh")
    env = cli_env(AWS_ENDPOINT_URL=sandbox.endpoint_url, SANDBOX_SECRET=sandbox.secret)
    empty = run_cli("console", "inbox", env=env)
    assert empty.returncode == 0 and "empty" in empty.stdout
    sns, topic, _ = topic_with_pending_email(sandbox, client)

    listing = run_cli("console", "inbox", env=env)
    assert listing.returncode == 0, listing.stderr
    assert ADDRESS in listing.stdout and "Subscription Confirmation" in listing.stdout

    clicked = run_cli("console", "confirm-subscriptions", env=env)
    assert clicked.returncode == 0, clicked.stderr
    listed = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert listed[0]["SubscriptionArn"].startswith(f"{topic}:")
    assert listed[0]["SubscriptionArn"] in clicked.stdout

    nothing_left = run_cli("console", "confirm-subscriptions", env=env)
    assert nothing_left.returncode == 0 and "nothing was clicked" in nothing_left.stdout


def test_test_event_pattern_answers_as_eventbridge(sandbox_at: Any, client: Any) -> None:
    sandbox = sandbox_at("fresh")
    events = client(sandbox, "events")
    event = (
        '{"id": "1", "account": "210987654321", "source": "aws.signin", "time": '
        '"2026-01-01T00:00:00Z", "region": "us-east-1", "resources": [], "detail-type": '
        '"AWS Console Sign In via CloudTrail", "detail": {"userIdentity": {"type": "Root"}}}'
    )
    root = '{"detail": {"userIdentity": {"type": ["Root"]}}}'
    user = '{"detail": {"userIdentity": {"type": ["IAMUser"]}}}'
    assert events.test_event_pattern(EventPattern=root, Event=event)["Result"] is True
    assert events.test_event_pattern(EventPattern=user, Event=event)["Result"] is False
    with pytest.raises(ClientError) as bad:
        events.test_event_pattern(EventPattern='{"detail": "Root"}', Event=event)
    assert bad.value.response["Error"]["Code"] == "InvalidEventPatternException"
