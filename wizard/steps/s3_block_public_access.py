"""Account-level S3 Block Public Access: no bucket in the account can be made public by accident.

Security Hub S3.1 / CIS AWS Foundations v5.0 2.1.4 / AWS Startup Security Baseline ACCT.08 want
all four flags on at the account level (``s3control:GetPublicAccessBlock`` with the account's own
ID; Amazon S3 User Guide, "Blocking public access to your Amazon S3 storage" → "Configuring
block public access settings for your account"). The account-level setting overrides every
bucket's own, so it covers buckets made later too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from aws_setup_wizard.account import Account
from aws_setup_wizard.dispatch import Found
from aws_setup_wizard.errors import error_code
from aws_setup_wizard.model import ApiCall, Change, Check, Plan, Status
from aws_setup_wizard.steps.base import OptionValues, Step, require_known, unknown

#: The four settings, each with what it does when on (S3 User Guide, "Block public access
#: settings").
FLAGS: dict[str, str] = {
    "BlockPublicAcls": "new public ACLs are refused",
    "IgnorePublicAcls": "existing public ACLs are ignored",
    "BlockPublicPolicy": "new public bucket policies are refused",
    "RestrictPublicBuckets": "existing public bucket policies stop granting public access",
}
ALL_ON: dict[str, bool] = {flag: True for flag in FLAGS}
NO_CONFIGURATION = "NoSuchPublicAccessBlockConfiguration"


def read_configuration(account: Account) -> dict[str, bool] | None:
    """The account's Block Public Access flags, or ``None`` when none are configured."""
    try:
        got = account.client("s3control").get_public_access_block(AccountId=account.account_id)
    except ClientError as exc:
        if error_code(exc) == NO_CONFIGURATION:
            return None
        raise
    configuration = got.get("PublicAccessBlockConfiguration", {})
    # A flag AWS leaves out is off (the API Reference's default for each is false).
    return {flag: bool(configuration.get(flag, False)) for flag in FLAGS}


class S3BlockPublicAccessStep(Step):
    """All four account-level S3 Block Public Access flags on."""

    id = "s3-block-public-access"
    title = "Block public access to S3 for the whole account"
    controls = (
        "Security Hub S3.1",
        "CIS AWS Foundations v5.0 2.1.4",
        "AWS Startup Security Baseline ACCT.08",
    )
    checks = (
        "account-level S3 Block Public Access is configured (s3control GetPublicAccessBlock)",
        "all four flags are on: BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, "
        "RestrictPublicBuckets (S3.1)",
    )
    services = ("s3control", "sts")
    group = "Guardrails"

    def check(self, account: Account) -> Check:
        """Pass only when all four account-level flags are true; name each one that is not."""
        try:
            configuration = read_configuration(account)
        except (ClientError, BotoCoreError) as exc:
            return unknown(exc, "the account's S3 Block Public Access settings")
        if configuration is None:
            return Check(
                Status.FAIL,
                "The account has no S3 Block Public Access configuration "
                f"({NO_CONFIGURATION}): any bucket can be made public by an ACL or a policy.",
                {"configuration": None, "off": list(FLAGS)},
            )
        off = [flag for flag, on in configuration.items() if not on]
        evidence = {"configuration": configuration, "off": off}
        if off:
            named = "; ".join(f"{flag} is off (so not: {FLAGS[flag]})" for flag in off)
            return Check(
                Status.FAIL,
                f"Account-level S3 Block Public Access is incomplete: {named}.",
                evidence,
            )
        return Check(
            Status.PASS,
            "All four account-level S3 Block Public Access flags are on: no bucket can be public.",
            evidence,
        )

    def plan(self, account: Account, options: OptionValues) -> Plan:
        """One ``PutPublicAccessBlock`` with all four flags on (an overwrite of the four)."""
        check = self.check(account)
        require_known(check)
        if check.passed:
            return Plan(self.id)
        off = list(check.evidence.get("off", FLAGS))
        change = Change(
            "s3control:PutPublicAccessBlock",
            f"account {account.account_id}",
            "turn on " + ", ".join(off) + " for every bucket in the account",
            call=ApiCall(
                "s3control",
                "PutPublicAccessBlock",
                {"AccountId": account.account_id, "PublicAccessBlockConfiguration": dict(ALL_ON)},
            ),
        )
        notes = (
            "Existing public bucket ACLs and policies stop granting public access at once, and "
            "new ones are refused; a static website served straight from an S3 bucket stops "
            "being reachable by the public (serve it through CloudFront with origin access "
            "control instead).",
            "Access from within this account and by AWS services is not affected.",
            "Costs nothing: Block Public Access is free.",
        )
        return Plan(self.id, (change,), notes=notes)

    def find_made(
        self, account: Account, change: Change, params: Mapping[str, Any]
    ) -> Found | None:
        """After a lost answer: the four flags read back as sent, or not.

        Sending again when they are not is safe: PutPublicAccessBlock overwrites, it creates
        nothing.
        """
        if change.call is None or change.call.operation != "PutPublicAccessBlock":
            return None
        wanted = dict(params.get("PublicAccessBlockConfiguration", {}))
        return Found(
            read_configuration(account) == {flag: wanted.get(flag, False) for flag in FLAGS}
        )
