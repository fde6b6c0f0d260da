"""Root activity alert: the owner hears within minutes when the root user signs in or acts.

An EventBridge rule on the default event bus of us-east-1 matches CloudTrail's events whose
``detail.userIdentity.type`` is ``Root`` (both "AWS API Call via CloudTrail" and "AWS Console
Sign In via CloudTrail") and sends them to an SNS topic with an e-mail subscription
(Well-Architected SEC01-BP02). us-east-1, always: console sign-in, IAM and STS are global
services whose CloudTrail events occur in us-east-1 (AWS's notice on global service events,
November 2021), so that is where EventBridge sees them.

Judged by outcome first, where AWS reports one: whether the pattern matches root activity is
asked of EventBridge itself (``TestEventPattern`` with sample root events), and the e-mail
subscription must be *confirmed* (SNS lists an unconfirmed one as ``PendingConfirmation``
until the owner clicks the link AWS e-mailed; Amazon SNS Developer Guide, "Email
subscription setup and management"). Then configuration, as strictly as AWS: the rule is
enabled, its target is an existing topic, the topic policy lets ``events.amazonaws.com``
publish for this rule (an explicit Deny wins; a condition for another rule does not count;
Amazon EventBridge User Guide, "Permissions for Amazon SNS"), and the topic is not encrypted
with the AWS managed key ``alias/aws/sns``, whose key policy EventBridge cannot use.

Honest limits, said in the why text and the plan's notes: root API-call events reach
EventBridge only while a CloudTrail trail is logging ("To record events with a detail-type
value of AWS API Call via CloudTrail, a CloudTrail trail with logging enabled is required",
EventBridge User Guide, "AWS service events delivered via AWS CloudTrail"); read-only calls are
delivered only to rules in state ``ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS``; and root's
calls to regional services in other Regions go to those Regions' buses.

``reading`` holds the reads, the facts and the verdict; this module holds the plan and the step.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from aws_setup_wizard.account import Account
from aws_setup_wizard.dispatch import Found
from aws_setup_wizard.errors import WizardError, error_code
from aws_setup_wizard.model import ApiCall, Change, Check, ConsoleAction, Plan
from aws_setup_wizard.options import missing
from aws_setup_wizard.steps.base import OptionValues, Step, require_known
from aws_setup_wizard.steps.contact_options import CONTACT_EMAIL
from aws_setup_wizard.steps.root_activity_alert.reading import (
    AWS_MANAGED_SNS_KEY,
    COST_NOTE,
    COVERAGE_NOTE,
    ENABLED_STATES,
    EVENT_PATTERN,
    POLICY_SID,
    REGION,
    RULE_NAME,
    SUBSCRIPTIONS_URL,
    TARGET_ID,
    TOPIC_NAME,
    ReadError,
    inspect,
    publish_decision,
    publish_statement,
    read_topic,
    rule_arn,
    statements,
    topic_arn,
)

__all__ = ["RULE_NAME", "TOPIC_NAME", "RootActivityAlertStep", "rule_arn", "topic_arn"]


def _change(action: str, resource: str, why: str, params: dict[str, Any], **extra: Any) -> Change:
    service, operation = action.split(":", 1)
    return Change(action, resource, why, call=ApiCall(service, operation, params, REGION), **extra)


def repaired_policy(existing: str | None, topic: str, rule: str, account_id: str) -> str:
    """The topic policy with EventBridge's statement, without statements denying it.

    A new topic keeps the owner's default access (SNS's default policy); an existing one
    keeps every statement except an earlier copy of ours and a Deny that would stop
    EventBridge (an explicit Deny always wins, so it cannot stay).
    """
    kept = []
    for index, statement in enumerate(statements(existing)):
        if isinstance(statement, dict) and statement.get("Sid") == POLICY_SID:
            continue
        if index in publish_decision(existing, topic, rule, account_id).denied_by:
            continue
        kept.append(statement)
    if existing is None:
        kept = [
            {
                "Sid": "OwnerFullAccess",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                "Action": "sns:*",
                "Resource": topic,
            }
        ]
    document = {
        "Version": "2012-10-17",
        "Statement": [*kept, publish_statement(topic, rule)],
    }
    return json.dumps(document, separators=(",", ":"))


class RootActivityAlertStep(Step):
    """An e-mail within minutes of any root sign-in or root API call."""

    id = "root-activity-alert"
    title = "Hear when the root user is used"
    controls = ("Well-Architected SEC01-BP02",)
    options = (CONTACT_EMAIL,)
    services = ("events", "sns")
    group = "Guardrails"
    checks = (
        "an enabled EventBridge rule in us-east-1 whose pattern EventBridge itself matches "
        "to root sign-ins and root API calls",
        "its target topic exists, lets EventBridge publish for this rule (a Deny wins) and "
        "is not encrypted with alias/aws/sns",
        "a confirmed e-mail subscription (a pending one waits on the owner's click)",
    )

    def check(self, account: Account) -> Check:
        """Pass only when a root event would really reach a confirmed mailbox."""
        return inspect(account).check

    def plan(self, account: Account, options: OptionValues) -> Plan:
        """The wizard's topic, policy, subscription, rule and target: only what is missing."""
        inspection = inspect(account)
        require_known(inspection.check)
        if inspection.check.passed:
            return Plan(self.id)
        topic_arn_ = topic_arn(account)
        rule_arn_ = rule_arn(account)
        ours = next((f for f in inspection.judged if f.name == RULE_NAME), None)
        try:
            topic = next((t for t in ours.topics if t.arn == topic_arn_), None) if ours else None
            topic = topic or read_topic(account, topic_arn_, rule_arn_)
        except ReadError as exc:
            raise WizardError(f"Cannot plan this step: could not read {exc.what}.") from exc
        changes: list[Change] = []
        notes: list[str] = [COST_NOTE]
        if not topic.exists:
            changes.append(
                _change(
                    "sns:CreateTopic",
                    TOPIC_NAME,
                    "the topic the alert is sent to (CreateTopic is idempotent by name: an "
                    "existing topic of this name is returned, never a second one)",
                    {"Name": TOPIC_NAME},
                )
            )
        if topic.aws_managed_key:
            changes.append(
                _change(
                    "sns:SetTopicAttributes",
                    f"{TOPIC_NAME} KmsMasterKeyId",
                    f"EventBridge cannot publish to a topic encrypted with {AWS_MANAGED_SNS_KEY}: "
                    "server-side encryption is turned off (messages stay encrypted in transit)",
                    {
                        "TopicArn": topic_arn_,
                        "AttributeName": "KmsMasterKeyId",
                        "AttributeValue": "",
                    },
                )
            )
        if not topic.exists or topic.denied_by or not topic.publish_allowed:
            policy = repaired_policy(
                topic.policy if topic.exists else None, topic_arn_, rule_arn_, account.account_id
            )
            changes.append(
                _change(
                    "sns:SetTopicAttributes",
                    f"{TOPIC_NAME} Policy",
                    "let EventBridge publish to the topic, for this rule only (aws:SourceArn)",
                    {"TopicArn": topic_arn_, "AttributeName": "Policy", "AttributeValue": policy},
                )
            )
            if topic.denied_by:
                notes.append(
                    f"The topic policy's statement(s) denying EventBridge are removed "
                    f"({', '.join(str(i + 1) for i in topic.denied_by)}): an explicit Deny "
                    "always wins."
                )
        if not topic.confirmed and not topic.pending:
            missing(options, (CONTACT_EMAIL,), "e-mailing the alert")
            email = str(options[CONTACT_EMAIL.name])
            changes.append(
                _change(
                    "sns:Subscribe",
                    email,
                    "e-mail the alert to the owner (AWS first e-mails a confirmation link)",
                    {"TopicArn": topic_arn_, "Protocol": "email", "Endpoint": email},
                )
            )
        if ours is None or ours.invalid_pattern or ours.unmatched:
            changes.append(
                _change(
                    "events:PutRule",
                    RULE_NAME,
                    "match every root sign-in and root API call (PutRule is idempotent by name: "
                    "it creates the rule or replaces its pattern)",
                    {
                        "Name": RULE_NAME,
                        "EventPattern": json.dumps(EVENT_PATTERN),
                        "State": "ENABLED",
                        "Description": "aws-setup-wizard: e-mail the owner when root is used",
                    },
                )
            )
        elif ours.state not in ENABLED_STATES:
            changes.append(
                _change("events:EnableRule", RULE_NAME, "the rule is disabled", {"Name": RULE_NAME})
            )
        if ours is None or not any(t.arn == topic_arn_ for t in ours.topics):
            changes.append(
                _change(
                    "events:PutTargets",
                    f"{RULE_NAME} → {TOPIC_NAME}",
                    "send the matched events to the topic",
                    {"Rule": RULE_NAME, "Targets": [{"Id": TARGET_ID, "Arn": topic_arn_}]},
                )
            )
        notes.append(COVERAGE_NOTE)
        console = None
        if not topic.confirmed:
            notes.append(
                "AWS e-mails a confirmation link first: nothing is sent until it is clicked."
            )
            console = ConsoleAction(
                title="Confirm the e-mail subscription (only the link AWS e-mailed can do it)",
                steps=(
                    'Open the e-mail from AWS Notifications with the subject "AWS Notification '
                    '- Subscription Confirmation" (look in spam too).',
                    'Click "Confirm subscription".',
                    "Lost the e-mail? In the SNS console (link below), select the subscription "
                    "and choose Request confirmation.",
                    "Come back here and check again.",
                ),
                url=SUBSCRIPTIONS_URL,
                sandbox_command="aws-setup-wizard sandbox console confirm-subscriptions"
                if account.is_sandbox
                else None,
            )
        return Plan(self.id, tuple(changes), console=console, notes=tuple(notes))

    def find_made(
        self, account: Account, change: Change, params: Mapping[str, Any]
    ) -> Found | None:
        """After CreateTopic's answer was lost: the topic of that name exists, or not."""
        if change.call is None or change.call.operation != "CreateTopic":
            return None
        try:
            account.client("sns", REGION).get_topic_attributes(TopicArn=topic_arn(account))
        except ClientError as exc:
            if error_code(exc) in ("NotFound", "NotFoundException"):
                return Found(False)
            return None
        except BotoCoreError:
            return None
        return Found(True, {"topic_arn": topic_arn(account)})

    def console_simulation(self, account: Account) -> Callable[[], str] | None:
        """In the sandbox: the owner opens the simulated inbox and clicks every confirmation
        link in it, as ``sandbox console inbox`` and ``confirm-subscriptions`` do."""
        endpoint = account.effective_endpoint
        if not account.is_sandbox or not endpoint:
            return None
        from aws_setup_wizard.sandbox import console

        def click() -> str:
            # What the owner would see in the mailbox first: which e-mail, to whom.
            waiting = [
                f'"{message.get("subject")}" to {message.get("to")}'
                for message in console.inbox(endpoint)
                if message.get("kind") == "subscription-confirmation"
            ]
            confirmed = console.confirm_subscriptions(endpoint)
            opened = f"In the sandbox inbox: {'; '.join(waiting)}. " if waiting else ""
            return opened + f"Confirmed {len(confirmed)} subscription(s) from the sandbox inbox."

        return click
