"""Reading and judging the root activity alert: rules, their targets and topics, the verdict.

What ``root_activity_alert``'s check and plan stand on: constants, the sample root events the
rule's pattern is tested with (by EventBridge itself, ``TestEventPattern``), what was read of
each rule and topic (:class:`RuleFacts`, :class:`Topic`), each cause named, and the verdict.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from aws_setup_wizard.account import Account
from aws_setup_wizard.errors import error_code
from aws_setup_wizard.model import Check, Status
from aws_setup_wizard.policy_eval import Principal, decide
from aws_setup_wizard.steps.base import unknown

#: Where the rule and topic live: the Region that receives global services' events.
REGION = "us-east-1"
TOPIC_NAME = "aws-setup-wizard-root-activity"
RULE_NAME = "aws-setup-wizard-root-activity"
TARGET_ID = "root-activity-topic"
POLICY_SID = "AllowEventBridgeRootActivityRule"
EVENTS_PRINCIPAL = "events.amazonaws.com"
#: The AWS managed key for SNS: its key policy cannot be changed, so EventBridge may not use it
#: (EventBridge User Guide, "Permissions for encrypted Amazon SNS topics").
AWS_MANAGED_SNS_KEY = "alias/aws/sns"
#: Rule states in which EventBridge delivers CloudTrail's events (EventBridge API Reference,
#: PutRule ``State``).
ENABLED_STATES = frozenset({"ENABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"})
EMAIL_PROTOCOLS = frozenset({"email", "email-json"})
#: The detail type root console sign-ins arrive with (AWS Knowledge Center, "monitor root user
#: activity with EventBridge", whose rule matches it): the sample the check tests a rule on.
SIGN_IN = "AWS Console Sign In via CloudTrail"
#: The same events as the EventBridge User Guide's list spells them ("AWS service events
#: delivered via AWS CloudTrail"). The two sources disagree; the wizard's rule matches both,
#: so a sign-in is never missed over a space.
SIGN_IN_AS_LISTED = "AWS Console Signin via CloudTrail"
API_CALL = "AWS API Call via CloudTrail"
EVENT_PATTERN: dict[str, Any] = {
    "detail-type": [API_CALL, SIGN_IN, SIGN_IN_AS_LISTED],
    "detail": {"userIdentity": {"type": ["Root"]}},
}
SUBSCRIPTIONS_URL = (
    f"https://{REGION}.console.aws.amazon.com/sns/v3/home?region={REGION}#/subscriptions"
)
COST_NOTE = (
    "Cost: EventBridge rules on events from AWS services are free. SNS: the first 1,000 e-mail "
    "notifications a month are free, then $2.00 per 100,000 (Amazon SNS pricing); each root "
    "sign-in or root API call is one e-mail."
)
COVERAGE_NOTE = (
    "Root API calls reach EventBridge only while a CloudTrail trail is logging (the cloudtrail "
    "step); console sign-ins need none. Read-only calls (Get, List, Describe) are not sent to a "
    "rule in state ENABLED, and root calls to regional services outside us-east-1 reach those "
    "Regions' event buses, not this rule."
)


def sample_events(account_id: str) -> dict[str, dict[str, Any]]:
    """Root events as EventBridge delivers them (EventBridge User Guide, "AWS service events
    delivered via AWS CloudTrail"): what the rule's pattern must match, by what they stand for."""
    identity = {
        "type": "Root",
        "principalId": account_id,
        "arn": f"arn:aws:iam::{account_id}:root",
        "accountId": account_id,
    }

    def event(detail_type: str, source: str, detail: dict[str, Any]) -> dict[str, Any]:
        return {
            "version": "0",
            "id": "6f87d04b-9f74-4f04-a780-7acf4b0a9b38",
            "detail-type": detail_type,
            "source": source,
            "account": account_id,
            "time": "2026-01-01T00:00:00Z",
            "region": REGION,
            "resources": [],
            "detail": {"eventVersion": "1.08", "userIdentity": identity, **detail},
        }

    return {
        "root console sign-ins": event(
            SIGN_IN,
            "aws.signin",
            {
                "eventSource": "signin.amazonaws.com",
                "eventName": "ConsoleLogin",
                "eventType": "AwsConsoleSignIn",
                "awsRegion": REGION,
                "responseElements": {"ConsoleLogin": "Success"},
            },
        ),
        "root API calls": event(
            API_CALL,
            "aws.iam",
            {
                "eventSource": "iam.amazonaws.com",
                "eventName": "CreateAccessKey",
                "eventType": "AwsApiCall",
                "awsRegion": REGION,
                "readOnly": False,
            },
        ),
    }


def topic_arn(account: Account) -> str:
    """The ARN of the wizard's topic (CreateTopic returns exactly this)."""
    return f"arn:{account.partition}:sns:{REGION}:{account.account_id}:{TOPIC_NAME}"


def rule_arn(account: Account, name: str = RULE_NAME) -> str:
    """The ARN of a rule on the default event bus of us-east-1."""
    return f"arn:{account.partition}:events:{REGION}:{account.account_id}:rule/{name}"


def publish_statement(topic: str, rule: str) -> dict[str, Any]:
    """The topic policy statement EventBridge needs: publish, for this rule only."""
    return {
        "Sid": POLICY_SID,
        "Effect": "Allow",
        "Principal": {"Service": EVENTS_PRINCIPAL},
        "Action": "sns:Publish",
        "Resource": topic,
        "Condition": {"ArnEquals": {"aws:SourceArn": rule}},
    }


def publish_decision(policy: str | None, topic: str, rule: str, account_id: str) -> Any:
    """What ``policy`` decides for EventBridge publishing to ``topic`` for ``rule``."""
    # Strict: a condition this check cannot evaluate never makes an Allow, always makes a Deny.
    return decide(
        policy,
        principal=Principal(service=EVENTS_PRINCIPAL),
        action="sns:Publish",
        resource=topic,
        context={"aws:SourceArn": rule, "aws:SourceAccount": account_id},
        strict=True,
    )


def statements(policy: str | None) -> list[Any]:
    """The statements of a policy document (none when it cannot be read)."""
    try:
        document = json.loads(policy) if policy else {}
    except ValueError:
        return []
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    return list(statements) if isinstance(statements, list) else [statements]


@dataclass
class Topic:
    """What was read of one SNS topic the rule targets."""

    arn: str
    exists: bool = True
    policy: str | None = None
    publish_allowed: bool = False
    denied_by: tuple[int, ...] = ()
    aws_managed_key: bool = False
    confirmed: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The topic's name (the last part of its ARN)."""
        return self.arn.rsplit(":", 1)[-1]

    def problems(self) -> list[str]:
        """What stops an alert on this topic from reaching a mailbox (empty: nothing)."""
        if not self.exists:
            return [f"its target topic {self.name} does not exist"]
        found = []
        if self.denied_by:
            found.append(f"topic {self.name}'s policy denies EventBridge (explicit Deny)")
        elif not self.publish_allowed:
            found.append(f"topic {self.name}'s policy does not let EventBridge publish for it")
        if self.aws_managed_key:
            found.append(
                f"topic {self.name} is encrypted with the AWS managed key {AWS_MANAGED_SNS_KEY}, "
                "which EventBridge cannot use"
            )
        if not self.confirmed:
            if self.pending:
                found.append(
                    f"the e-mail subscription of {', '.join(self.pending)} is not confirmed yet"
                )
            else:
                found.append(f"topic {self.name} has no e-mail subscription")
        return found


@dataclass
class RuleFacts:
    """What was read of one rule and its targets, and the verdict's parts."""

    name: str
    arn: str
    state: str
    unmatched: list[str] = field(default_factory=list)
    invalid_pattern: bool = False
    topics: list[Topic] = field(default_factory=list)

    def problems(self) -> list[str]:
        """Every cause that stops this rule from alerting, named."""
        found = []
        if self.state not in ENABLED_STATES:
            found.append(f"rule {self.name} is {self.state.lower() or 'not enabled'}")
        if self.invalid_pattern:
            found.append(f"rule {self.name} has no valid event pattern")
        elif self.unmatched:
            found.append(f"rule {self.name}'s pattern does not match {' or '.join(self.unmatched)}")
        if not self.topics:
            found.append(f"rule {self.name} has no SNS topic as target")
        elif not any(not topic.problems() for topic in self.topics):
            for topic in self.topics:
                found.extend(topic.problems())
        return found

    @property
    def only_waiting(self) -> bool:
        """True when the one thing missing is the owner's click on the confirmation link."""
        if self.state not in ENABLED_STATES or self.invalid_pattern or self.unmatched:
            return False
        return any(
            topic.exists
            and topic.pending
            and not topic.confirmed
            and not topic.denied_by
            and topic.publish_allowed
            and not topic.aws_managed_key
            for topic in self.topics
        )


class ReadError(Exception):
    """A read failed: the verdict is ``unknown``."""

    def __init__(self, what: str, error: Exception) -> None:
        super().__init__(what)
        self.what = what
        self.error = error


def _read(what: str, call: Any, **params: Any) -> Any:
    try:
        return call(**params)
    except (ClientError, BotoCoreError) as exc:
        raise ReadError(what, exc) from exc


def read_topic(account: Account, arn: str, rule: str) -> Topic:
    """Read one topic (in its own Region): attributes (policy, key), e-mail subscriptions."""
    sns = account.client("sns", arn.split(":")[3] or REGION)
    # The subscriptions are listed beside the attributes; for a topic that is gone, the
    # listing's answer (an error too) is not looked at.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="root-alert-topic") as pool:
        listed = pool.submit(_subscriptions, sns, arn)
        try:
            attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
        except ClientError as exc:
            if error_code(exc) in ("NotFound", "NotFoundException"):
                return Topic(arn, exists=False)
            raise ReadError(f"topic {arn}", exc) from exc
        except BotoCoreError as exc:
            raise ReadError(f"topic {arn}", exc) from exc
        subscriptions = listed.result()
    policy = attributes.get("Policy")
    decision = publish_decision(policy, arn, rule, account.account_id)
    key = str(attributes.get("KmsMasterKeyId") or "")
    topic = Topic(
        arn,
        policy=policy,
        publish_allowed=decision.allowed,
        denied_by=decision.denied_by,
        aws_managed_key=key.endswith(AWS_MANAGED_SNS_KEY),
    )
    for sub in subscriptions:
        if sub.get("Protocol") not in EMAIL_PROTOCOLS:
            continue
        # SNS lists an unconfirmed subscription with the ARN "PendingConfirmation".
        if str(sub.get("SubscriptionArn", "")).startswith("arn:"):
            topic.confirmed.append(str(sub.get("Endpoint")))
        else:
            topic.pending.append(str(sub.get("Endpoint")))
    return topic


def _subscriptions(sns: Any, arn: str) -> list[dict[str, Any]]:
    """Every subscription of topic ``arn``, page after page."""
    found: list[dict[str, Any]] = []
    params: dict[str, Any] = {"TopicArn": arn}
    while True:
        page = _read(f"the subscriptions of {arn}", sns.list_subscriptions_by_topic, **params)
        found.extend(page.get("Subscriptions", []))
        if not page.get("NextToken"):
            return found
        params["NextToken"] = page["NextToken"]


def read_rule(account: Account, rule: Mapping[str, Any]) -> RuleFacts:
    """Judge one rule: state, pattern (asked of EventBridge), targets and their topics."""
    events = account.client("events", REGION)
    name = str(rule["Name"])
    arn = str(rule.get("Arn") or rule_arn(account, name))
    facts = RuleFacts(name, arn, str(rule.get("State", "")))
    pattern = rule.get("EventPattern")
    samples = sample_events(account.account_id) if pattern else {}

    def test(sample: Mapping[str, Any]) -> Any:
        return events.test_event_pattern(EventPattern=pattern, Event=json.dumps(sample))

    # The pattern's tests and the targets (then their topics) go out together: one after
    # another they made the longest chain of calls in a verify. The answers are then judged in
    # the order of the samples, as before (the first invalid one ends the judging).
    with ThreadPoolExecutor(max_workers=4, thread_name_prefix="root-alert-check") as pool:
        tested = {label: pool.submit(test, sample) for label, sample in samples.items()}
        targets = _read(f"the targets of rule {name}", events.list_targets_by_rule, Rule=name)
        topics = [
            pool.submit(read_topic, account, target_arn, arn)
            for target in targets.get("Targets", [])
            if (target_arn := str(target.get("Arn", ""))).split(":")[2:3] == ["sns"]
        ]
        facts.invalid_pattern = not pattern
        for label, answer in tested.items():
            try:
                result = answer.result()
            except ClientError as exc:
                if error_code(exc) in ("InvalidEventPatternException", "ValidationException"):
                    facts.invalid_pattern = True
                    break
                raise ReadError(f"whether rule {name} matches root events", exc) from exc
            except BotoCoreError as exc:
                raise ReadError(f"whether rule {name} matches root events", exc) from exc
            if not result.get("Result"):
                facts.unmatched.append(label)
        facts.topics.extend(topic.result() for topic in topics)
    return facts


def list_rules(account: Account) -> list[dict[str, Any]]:
    """Every rule on the default event bus of us-east-1."""
    events = account.client("events", REGION)
    rules: list[dict[str, Any]] = []
    params: dict[str, Any] = {}
    while True:
        page = _read("the EventBridge rules of us-east-1", events.list_rules, **params)
        rules.extend(page.get("Rules", []))
        if not page.get("NextToken"):
            return rules
        params["NextToken"] = page["NextToken"]


#: At most this many of the owner's own rules are judged when the wizard's is absent.
MAX_OTHER_RULES = 3


@dataclass
class Inspection:
    """The rules judged (the wizard's first) and the verdict."""

    judged: list[RuleFacts]
    check: Check


def inspect(account: Account) -> Inspection:
    """Read the wizard's rule (or the owner's root-alert rules) and judge them."""
    try:
        rules = list_rules(account)
        ours = [rule for rule in rules if rule.get("Name") == RULE_NAME]
        # The owner may have made a root alert of their own: a pattern naming Root is a hint.
        others = [
            rule
            for rule in rules
            if rule.get("Name") != RULE_NAME and '"Root"' in str(rule.get("EventPattern", ""))
        ]
        judged = [read_rule(account, rule) for rule in (ours + others)[: 1 + MAX_OTHER_RULES]]
    except ReadError as exc:
        return Inspection([], unknown(exc.error, exc.what))
    return Inspection(judged, verdict(judged))


def verdict(judged: list[RuleFacts]) -> Check:
    """Pass when one rule delivers root activity to a confirmed e-mail; else name the causes."""
    evidence: dict[str, Any] = {
        "region": REGION,
        "rules": [
            {
                "name": facts.name,
                "state": facts.state,
                "pattern_misses": facts.unmatched,
                "topics": [
                    {
                        "arn": topic.arn,
                        "exists": topic.exists,
                        "publish_allowed": topic.publish_allowed,
                        "aws_managed_key": topic.aws_managed_key,
                        "confirmed": topic.confirmed,
                        "pending": topic.pending,
                    }
                    for topic in facts.topics
                ],
            }
            for facts in judged
        ],
    }
    for facts in judged:
        if not facts.problems():
            mailboxes = sorted({m for topic in facts.topics for m in topic.confirmed})
            return Check(
                Status.PASS,
                f"EventBridge rule {facts.name} (us-east-1) e-mails {', '.join(mailboxes)} when "
                "the root user signs in or calls an API.",
                evidence,
            )
    if not judged:
        return Check(
            Status.FAIL,
            "No EventBridge rule in us-east-1 alerts on root activity: nobody hears when the "
            "root user signs in or acts.",
            evidence,
        )
    first = judged[0]
    waiting = None
    if first.only_waiting:
        pending = sorted({m for topic in first.topics for m in topic.pending})
        waiting = (
            f'{", ".join(pending)} clicks "Confirm subscription" in the e-mail AWS sent '
            '(subject "AWS Notification - Subscription Confirmation")'
        )
    return Check(
        Status.FAIL,
        f"The root activity alert does not work: {'; '.join(first.problems())}.",
        evidence,
        waiting_on=waiting,
    )
