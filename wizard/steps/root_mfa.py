"""Root MFA: the root user must have MFA (Security Hub IAM.9, CIS v5.0 1.4; hardware: IAM.6, 1.5).

AWS lets root MFA be enabled only in the console, so the plan is a console action and the
check reads the real-time ``AccountMFAEnabled`` flag (never the credential report, which can be
four hours old).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from aws_setup_wizard.account import Account
from aws_setup_wizard.model import Check, ConsoleAction, Plan, Status
from aws_setup_wizard.steps.base import OptionValues, Step, require_known, unknown

if TYPE_CHECKING:
    from aws_setup_wizard.mfa import MfaRegistration

SECURITY_CREDENTIALS_URL = "https://console.aws.amazon.com/iam/home#/security_credentials"


def root_virtual_mfa(account: Account) -> dict[str, Any] | None:
    """The virtual MFA device assigned to root, if any (matched by ARN, never by name)."""
    paginator = account.client("iam").get_paginator("list_virtual_mfa_devices")
    for page in paginator.paginate(AssignmentStatus="Assigned"):
        for device in page.get("VirtualMFADevices", []):
            if str(device.get("User", {}).get("Arn", "")).endswith(":root"):
                return {
                    "serial_number": device["SerialNumber"],
                    "enabled": str(device.get("EnableDate", "")),
                }
    return None


class RootMfaStep(Step):
    """Multi-factor authentication on the root user."""

    id = "root-mfa"
    title = "Protect the root user with MFA"
    controls = (
        "Security Hub IAM.9",
        "CIS AWS Foundations v5.0 1.4",
        "CIS AWS Foundations v3.0 1.5",
        "Security Hub IAM.6",
        "CIS AWS Foundations v5.0 1.5",
        "CIS AWS Foundations v3.0 1.6",
    )
    checks = (
        "the root user has MFA: the real-time AccountMFAEnabled flag, never the credential report",
        "which kind: an authenticator app, or a hardware key, security key or passkey (IAM.6)",
    )

    def check(self, account: Account) -> Check:
        """Pass when ``AccountMFAEnabled`` is 1; evidence says virtual or hardware."""
        try:
            enabled = account.account_summary().get("AccountMFAEnabled") == 1
            if not enabled:
                return Check(
                    Status.FAIL,
                    "The root user has no MFA: anyone who learns the root password can take "
                    "over the whole account.",
                    {"account_mfa_enabled": False},
                )
            device = root_virtual_mfa(account)
        except (ClientError, BotoCoreError) as exc:
            return unknown(exc, "the root user's MFA status")
        if device is None:
            return Check(
                Status.PASS,
                "The root user has MFA (a hardware key, security key or passkey).",
                {"account_mfa_enabled": True, "mfa_type": "hardware"},
            )
        return Check(
            Status.PASS,
            "The root user has MFA (an authenticator app); a hardware key would also satisfy "
            "Security Hub IAM.6.",
            {"account_mfa_enabled": True, "mfa_type": "virtual", "device": device},
        )

    def plan(self, account: Account, options: OptionValues) -> Plan:
        """A console action: AWS allows root MFA only in the console."""
        check = self.check(account)
        require_known(check)
        if check.passed:
            return Plan(self.id)
        return Plan(
            self.id,
            console=ConsoleAction(
                title="Assign an MFA device to the root user (AWS allows this only in the console)",
                steps=(
                    "Sign in to the AWS Management Console as the root user (your email address "
                    "and password).",
                    "Open the account menu at the top right and choose Security credentials "
                    "(or use the link below).",
                    "Under Multi-factor authentication (MFA), choose Assign MFA device.",
                    "Name the device, then choose a passkey or security key (best), a hardware "
                    "TOTP token, or an authenticator app.",
                    "Follow the prompts; for an app, scan the QR code and enter two consecutive "
                    "codes.",
                    "Come back here and check again.",
                ),
                url=SECURITY_CREDENTIALS_URL,
                sandbox_command="aws-setup-wizard sandbox console root-mfa"
                if account.is_sandbox
                else None,
            ),
        )

    def console_mfa(self, account: Account, plan: Plan) -> MfaRegistration | None:
        """In the sandbox, the simulated console registers root's virtual MFA device."""
        endpoint = account.effective_endpoint
        if not account.is_sandbox or not endpoint:
            return None
        from aws_setup_wizard.mfa import MfaRegistration
        from aws_setup_wizard.sandbox import console

        return MfaRegistration(
            "Assign a virtual MFA device to the root user (sandbox console)",
            "root",
            begin=lambda: console.begin_root_mfa(endpoint),
            finish=lambda enrollment, code1, code2: console.complete_root_mfa(
                endpoint, enrollment, code1, code2
            ),
            practice=True,
        )
