"""The five guardrails at the command line, as separate processes over real HTTP (issue 14).

A fresh sandbox: ``verify --json`` fails all five; one ``apply`` with the contact details and a
budget, then the simulated inbox's confirmation links, make them pass; the AWS CLI sees each
setting as AWS would show it; a second ``apply`` changes nothing.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.e2e.test_cli_flow import run
from tests.e2e.test_cloudtrail_cli import aws

pytestmark = pytest.mark.slow

GUARDRAILS = (
    "security-contact",
    "budget-alerts",
    "s3-block-public-access",
    "password-policy",
    "root-activity-alert",
)
CONTACT = (
    "--contact-name",
    "Ana Owner",
    "--contact-title",
    "Founder",
    "--contact-email",
    "ana@example.com",
    "--contact-phone",
    "+1 206 555 0100",
)


def statuses(document: dict[str, Any]) -> dict[str, str]:
    return {step["id"]: step["status"] for step in document["steps"]}


def test_the_guardrails_story(served_fresh: dict[str, str]) -> None:
    env = served_fresh
    account_id = env["SANDBOX_ACCOUNT_ID"]
    first = run(env, "verify", "--json")
    assert first.returncode == 1, first.stderr
    before = statuses(json.loads(first.stdout))
    assert {before[step] for step in GUARDRAILS} == {"fail"}

    command = ("apply", *GUARDRAILS, "--yes", "--account-id", account_id, *CONTACT)
    applied = run(env, *command, "--monthly-budget", "25")
    # Everything is set; the alert's e-mail subscription waits for its confirmation link.
    assert applied.returncode == 1, applied.stdout + applied.stderr
    assert "not confirmed yet" in applied.stdout
    inbox = run(env, "sandbox", "console", "inbox")
    assert "Subscription Confirmation" in inbox.stdout and "ana@example.com" in inbox.stdout
    assert run(env, "sandbox", "console", "confirm-subscriptions").returncode == 0

    after = run(env, "verify", "--json", *GUARDRAILS)
    assert after.returncode == 0, after.stdout + after.stderr
    assert statuses(json.loads(after.stdout)) == dict.fromkeys(GUARDRAILS, "pass")

    the_aws_cli_sees_each_guardrail(env, account_id)

    again = run(env, *command, "--monthly-budget", "25")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Nothing to do: every chosen step already passes." in again.stdout


def the_aws_cli_sees_each_guardrail(env: dict[str, str], account_id: str) -> None:
    """What AWS's own CLI reads back, setting by setting."""
    contact = aws(env, "account", "get-alternate-contact", "--alternate-contact-type", "SECURITY")
    assert contact["AlternateContact"] == {
        "Name": "Ana Owner",
        "Title": "Founder",
        "EmailAddress": "ana@example.com",
        "PhoneNumber": "+1 206 555 0100",
        "AlternateContactType": "SECURITY",
    }

    budget = aws(
        env,
        "budgets",
        "describe-budget",
        "--account-id",
        account_id,
        "--budget-name",
        "aws-setup-wizard-monthly",
    )["Budget"]
    assert budget["BudgetLimit"]["Unit"] == "USD"
    assert float(budget["BudgetLimit"]["Amount"]) == 25.0
    assert budget["TimeUnit"] == "MONTHLY" and budget["BudgetType"] == "COST"
    notifications = aws(
        env,
        "budgets",
        "describe-notifications-for-budget",
        "--account-id",
        account_id,
        "--budget-name",
        "aws-setup-wizard-monthly",
    )["Notifications"]
    assert {(n["NotificationType"], n["Threshold"]) for n in notifications} == {
        ("ACTUAL", 80.0),
        ("ACTUAL", 100.0),
        ("FORECASTED", 100.0),
    }

    # S3 Control puts the account ID in front of the host: the sandbox is its own proxy.
    block = aws(
        {**env, "HTTP_PROXY": env["AWS_ENDPOINT_URL"]},
        "s3control",
        "get-public-access-block",
        "--account-id",
        account_id,
    )["PublicAccessBlockConfiguration"]
    assert block == dict.fromkeys(
        ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), True
    )

    policy = aws(env, "iam", "get-account-password-policy")["PasswordPolicy"]
    assert policy["MinimumPasswordLength"] >= 14 and policy["PasswordReusePrevention"] == 24

    rule = aws(env, "events", "describe-rule", "--name", "aws-setup-wizard-root-activity")
    assert rule["State"] == "ENABLED"
    assert json.loads(rule["EventPattern"])["detail"]["userIdentity"]["type"] == ["Root"]
    targets = aws(env, "events", "list-targets-by-rule", "--rule", rule["Name"])["Targets"]
    (topic,) = [t["Arn"] for t in targets]
    assert topic.startswith("arn:aws:sns:us-east-1:")
    subscriptions = aws(env, "sns", "list-subscriptions-by-topic", "--topic-arn", topic)
    (subscription,) = subscriptions["Subscriptions"]
    assert subscription["Protocol"] == "email" and subscription["Endpoint"] == "ana@example.com"
    # A confirmed subscription has its ARN; a pending one reads "PendingConfirmation".
    assert subscription["SubscriptionArn"].startswith(topic + ":")
