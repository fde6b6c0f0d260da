"""The root-activity-alert step over real HTTP against the sandbox: verdicts with their causes,
the exact plan, apply through the dispatcher, the owner's click, and the alert really arriving."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from aws_setup_wizard.model import Status, no_progress
from aws_setup_wizard.sandbox import Sandbox, console
from aws_setup_wizard.steps.root_activity_alert import (
    RULE_NAME,
    TOPIC_NAME,
    RootActivityAlertStep,
    rule_arn,
    topic_arn,
)
from tests.safety.test_exactly_once import lose_first_answer
from tests.sandbox_accounts import account_on

step = RootActivityAlertStep()
OPTIONS = {"contact_email": "me@example.com"}


def alert_clients(box: Sandbox) -> Any:
    """boto3 clients in us-east-1 on root's console session (an owner in CloudShell)."""
    import boto3

    creds = box.console_credentials
    session = boto3.session.Session(
        aws_access_key_id=creds.access_key_id,
        aws_secret_access_key=creds.secret_access_key,
        aws_session_token=creds.session_token,
        region_name="us-east-1",
    )
    return lambda service: session.client(service, endpoint_url=box.endpoint_url)


def notifications(box: Sandbox) -> list[dict[str, Any]]:
    return [m for m in console.inbox(box.endpoint_url) if m["kind"] == "notification"]


def test_fresh_account_fails_and_apply_waits_on_the_owners_click(
    account: Any, sandbox_server: Sandbox
) -> None:
    acct = account("fresh")
    check = step.check(acct)
    assert check.status is Status.FAIL and "No EventBridge rule" in check.summary

    plan = step.plan(acct, OPTIONS)
    assert [c.action for c in plan.changes] == [
        "sns:CreateTopic",
        "sns:SetTopicAttributes",
        "sns:Subscribe",
        "events:PutRule",
        "events:PutTargets",
    ]
    assert all(c.call is not None and c.call.region == "us-east-1" for c in plan.changes)
    assert "idempotent by name" in plan.changes[0].why and "idempotent by name" in (
        plan.changes[3].why
    )
    costs = " ".join(plan.notes)
    assert "free" in costs and "1,000 e-mail" in costs and "per 100,000" in costs
    assert plan.console is not None
    assert plan.console.sandbox_command == "aws-setup-wizard sandbox console confirm-subscriptions"

    step.apply(acct, plan, no_progress)
    waiting = step.check(acct)
    assert waiting.status is Status.FAIL and "not confirmed yet" in waiting.summary
    assert waiting.waiting_on and "Confirm subscription" in waiting.waiting_on
    again = step.plan(acct, OPTIONS)
    assert again.changes == () and again.console is not None  # only the click is left

    mail = console.inbox(sandbox_server.endpoint_url)
    assert [(m["to"], m["kind"]) for m in mail] == [("me@example.com", "subscription-confirmation")]
    assert console.confirm_subscriptions(sandbox_server.endpoint_url)
    done = step.check(acct)
    assert done.status is Status.PASS and "me@example.com" in done.summary
    assert step.plan(acct, OPTIONS).empty

    # What AWS itself now holds, read outside the wizard.
    clients = alert_clients(sandbox_server)
    rule = clients("events").describe_rule(Name=RULE_NAME)
    assert rule["State"] == "ENABLED"
    assert json.loads(rule["EventPattern"])["detail"] == {"userIdentity": {"type": ["Root"]}}
    targets = clients("events").list_targets_by_rule(Rule=RULE_NAME)["Targets"]
    assert [t["Arn"] for t in targets] == [topic_arn(acct)]
    policy = json.loads(
        clients("sns").get_topic_attributes(TopicArn=topic_arn(acct))["Attributes"]["Policy"]
    )
    ours = [
        s for s in policy["Statement"] if s.get("Principal") == {"Service": "events.amazonaws.com"}
    ]
    assert ours[0]["Condition"] == {"ArnEquals": {"aws:SourceArn": rule_arn(acct)}}


def test_root_activity_reaches_the_inbox_only_through_a_working_alert(
    account: Any, sandbox_server: Sandbox
) -> None:
    account("done")
    box = sandbox_server
    assert notifications(box) == []
    iam = alert_clients(box)("iam")
    iam.list_users()  # read-only: not sent to a rule in state ENABLED
    assert notifications(box) == []
    iam.create_user(UserName="bob")  # root's console session: a root API call
    arrived = notifications(box)
    assert [m["to"] for m in arrived] == ["owner@example.com"]
    event = json.loads(arrived[0]["body"])
    assert event["detail"]["userIdentity"]["type"] == "Root"
    assert event["detail"]["eventName"] == "CreateUser"

    # Stopping the trail is itself a root call, and alerted; after it EventBridge gets no
    # API-call events any more, while sign-ins still arrive.
    alert_clients(box)("cloudtrail").stop_logging(Name="org-audit")
    assert json.loads(notifications(box)[-1]["body"])["detail"]["eventName"] == "StopLogging"
    iam.create_user(UserName="carol")
    assert len(notifications(box)) == 2
    console.delete_root_keys(box.endpoint_url)  # a console session: root signs in
    signed_in = json.loads(notifications(box)[-1]["body"])
    assert signed_in["detail-type"] == "AWS Console Sign In via CloudTrail"


def test_a_policy_for_another_rule_does_not_count(account: Any, sandbox_server: Sandbox) -> None:
    acct = account("done")
    topic = topic_arn(acct)
    other = rule_arn(acct, "someone-elses-rule")
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sns:Publish",
                "Resource": topic,
                "Condition": {"ArnEquals": {"aws:SourceArn": other}},
            }
        ],
    }
    alert_clients(sandbox_server)("sns").set_topic_attributes(
        TopicArn=topic, AttributeName="Policy", AttributeValue=json.dumps(policy)
    )
    check = step.check(acct)
    assert check.status is Status.FAIL
    assert "does not let EventBridge publish" in check.summary
    assert check.waiting_on is None
    plan = step.plan(acct, OPTIONS)
    assert [c.action for c in plan.changes] == ["sns:SetTopicAttributes"]
    written = json.loads(plan.changes[0].call.params["AttributeValue"])  # type: ignore[union-attr]
    assert len(written["Statement"]) == 2  # the owner's statement is kept, ours added
    # (The policy change itself was a root call, alerted while the old policy still held.)
    before = len(notifications(sandbox_server))
    console.delete_root_keys(sandbox_server.endpoint_url)
    assert len(notifications(sandbox_server)) == before  # and indeed nothing is delivered now


def test_verify_outside_a_run_reads_without_writing(sandbox: Any) -> None:
    """verify has no journal: every call of the check, TestEventPattern included, is a read."""
    from aws_setup_wizard import runner
    from aws_setup_wizard.account import Account

    box = sandbox("done")
    creds = box.console_credentials
    plain = Account.from_settings(
        region=box.region,
        endpoint_url=box.endpoint_url,
        credentials=(creds.access_key_id, creds.secret_access_key, creds.session_token),
    )
    result = runner.verify(plain, [step]).results[0].check
    assert result.status is Status.PASS, result.summary


def test_unreadable_rules_are_unknown_never_pass(account: Any) -> None:
    acct = account("done")

    def deny(**_: object) -> None:
        raise ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "ListRules")

    acct.on_every_client("before-call.events.ListRules", deny)
    check = step.check(acct)
    assert check.status is Status.UNKNOWN and "EventBridge rules" in check.summary


def test_a_lost_create_topic_answer_is_settled_by_reading(
    account: Any, sandbox_server: Sandbox
) -> None:
    acct = account("fresh")
    sent = lose_first_answer(acct, "sns:CreateTopic")
    outcome = step.apply(acct, step.plan(acct, OPTIONS), no_progress)
    assert len(sent) == 1  # sent once: the read found the topic, nothing was sent again
    assert any(TOPIC_NAME in line for line in outcome.done)
    topics = alert_clients(sandbox_server)("sns").list_topics()["Topics"]
    assert [t["TopicArn"] for t in topics] == [topic_arn(acct)]
    console.confirm_subscriptions(sandbox_server.endpoint_url)
    assert step.check(account_on(sandbox_server)).passed


def test_reads_reach_only_a_rule_that_takes_every_management_event(
    account: Any, sandbox_server: Sandbox, monkeypatch: Any
) -> None:
    """A rule in state ENABLED gets no read-only events, and the sandbox makes none for it;
    the state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS gets them (AWS's EventBridge guide:
    "Receiving read-only management events from AWS services")."""
    from aws_setup_wizard.sandbox import inbox

    account("done")
    made: list[str] = []
    making = inbox._event
    monkeypatch.setattr(
        inbox, "_event", lambda root, kind, *rest: made.append(kind) or making(root, kind, *rest)
    )
    clients = alert_clients(sandbox_server)
    clients("iam").list_users()
    assert made == [] and notifications(sandbox_server) == []

    clients("events").put_rule(
        Name=RULE_NAME,
        EventPattern=json.dumps({"detail": {"userIdentity": {"type": ["Root"]}}}),
        State="ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS",
    )
    clients("iam").list_users()
    arrived = notifications(sandbox_server)
    assert [json.loads(m["body"])["detail"]["eventName"] for m in arrived][-1] == "ListUsers"
    assert json.loads(arrived[-1]["body"])["detail"]["readOnly"] is True
