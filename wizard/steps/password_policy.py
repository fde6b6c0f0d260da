"""The account password policy: IAM users' passwords are long and never reused.

Security Hub IAM.15 / CIS AWS Foundations v5.0 1.7 want a minimum length of at least 14; IAM.16 /
CIS v5.0 1.8 want reuse prevention (24, the most IAM allows, is what CIS and Security Hub check);
the AWS Startup Security Baseline ACCT.06 asks for a password policy on day one.

``UpdateAccountPasswordPolicy`` REPLACES the whole policy: every parameter left out falls back to
AWS's default (IAM API Reference, "UpdateAccountPasswordPolicy": "This operation does not
support partial updates"), so the plan carries every setting the account already has and only
raises the two minimums; nothing the owner made stricter is ever loosened. IAM's own ranges
(MinimumPasswordLength 6–128, PasswordReusePrevention 1–24, MaxPasswordAge 1–1095) mean "not
set" is expressed by leaving the parameter out, never by sending 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from aws_setup_wizard.account import Account
from aws_setup_wizard.dispatch import Found, Prepared
from aws_setup_wizard.errors import error_code
from aws_setup_wizard.model import ApiCall, Change, Check, Plan, Status
from aws_setup_wizard.steps.base import OptionValues, Step, require_known, unknown

#: What Security Hub IAM.15 / CIS v5.0 1.7 require.
MIN_LENGTH = 14
#: What Security Hub IAM.16 / CIS v5.0 1.8 check (and the most IAM accepts).
REUSE_PREVENTION = 24

#: The settings carried over as they are (true/false), in the API's own names.
FLAGS = (
    "RequireSymbols",
    "RequireNumbers",
    "RequireUppercaseCharacters",
    "RequireLowercaseCharacters",
    "AllowUsersToChangePassword",
    "HardExpiry",
)

ACTION = "iam:UpdateAccountPasswordPolicy"
RESOURCE = "account password policy"


def read_policy(account: Account) -> dict[str, Any] | None:
    """The account's password policy, or ``None`` when it has none (``NoSuchEntity``)."""
    try:
        return dict(account.client("iam").get_account_password_policy()["PasswordPolicy"])
    except ClientError as exc:
        if error_code(exc) == "NoSuchEntity":
            return None
        raise


def problems_of(policy: Mapping[str, Any] | None) -> list[str]:
    """Each rule the policy breaks, in words (empty when it meets both controls)."""
    if policy is None:
        return [
            "the account has no password policy (IAM falls back to its default: 8 characters, "
            "reuse allowed)"
        ]
    problems = []
    length = int(policy.get("MinimumPasswordLength") or 0)
    if length < MIN_LENGTH:
        problems.append(f"minimum length is {length}, below {MIN_LENGTH} (IAM.15)")
    reuse = int(policy.get("PasswordReusePrevention") or 0)
    if reuse < REUSE_PREVENTION:
        said = f"only the last {reuse} passwords are blocked" if reuse else "reuse is allowed"
        problems.append(f"{said}; {REUSE_PREVENTION} are needed (IAM.16)")
    return problems


def desired_params(policy: Mapping[str, Any] | None) -> dict[str, Any]:
    """The full ``UpdateAccountPasswordPolicy`` parameters: today's policy, minimums raised.

    Without a policy the owner loses nothing by the replacement except AWS's built-in default
    rule (three of four character classes), which a custom policy cannot express; users may
    change their own password, as the console's own default proposes.
    """
    if policy is None:
        return {
            "MinimumPasswordLength": MIN_LENGTH,
            "PasswordReusePrevention": REUSE_PREVENTION,
            "AllowUsersToChangePassword": True,
        }
    params: dict[str, Any] = {flag: bool(policy.get(flag, False)) for flag in FLAGS}
    params["MinimumPasswordLength"] = max(MIN_LENGTH, int(policy.get("MinimumPasswordLength") or 0))
    params["PasswordReusePrevention"] = max(
        REUSE_PREVENTION, int(policy.get("PasswordReusePrevention") or 0)
    )
    age = int(policy.get("MaxPasswordAge") or 0)
    if age > 0:  # 0 or absent means "never expire", which IAM takes only as an omission
        params["MaxPasswordAge"] = age
    return params


def in_place(policy: Mapping[str, Any] | None, params: Mapping[str, Any]) -> bool:
    """True when ``policy`` is what sending ``params`` would leave (every setting)."""
    if policy is None:
        return False
    defaults: dict[str, Any] = {flag: False for flag in FLAGS}
    defaults.update({"MaxPasswordAge": 0, "PasswordReusePrevention": 0})
    wanted = {**defaults, "MinimumPasswordLength": 6, **params}
    have = {**defaults, **{k: v for k, v in policy.items() if k in wanted and v is not None}}
    return all(have.get(key) == value for key, value in wanted.items())


def _effects(policy: Mapping[str, Any] | None) -> tuple[str, ...]:
    """What the new policy does to existing IAM users, and what it costs."""
    notes = [
        "Existing IAM users keep their current passwords: the new length and reuse rules apply "
        'the next time each user sets or changes a password (IAM User Guide, "Set an account '
        'password policy for IAM users").',
        "The policy covers IAM users' console passwords only: not the root user's password, "
        "not access keys.",
        "Costs nothing: IAM password policies are free.",
    ]
    if policy is None:
        notes.insert(
            1,
            "This replaces AWS's default rule (8 characters, three of four character classes) "
            "with 14 characters and no reuse of the last 24 passwords; length is the stronger "
            "protection. Users may change their own password.",
        )
    elif int(policy.get("MaxPasswordAge") or 0) > 0:
        notes.insert(
            1,
            f"Password expiry ({int(policy['MaxPasswordAge'])} days) is kept as it is; expiry is "
            "the one setting IAM applies at once, to passwords already older than that.",
        )
    return tuple(notes)


class PasswordPolicyStep(Step):
    """An account password policy with length ≥ 14 and reuse prevention of 24."""

    id = "password-policy"
    title = "Require strong IAM passwords"
    controls = (
        "Security Hub IAM.15",
        "CIS AWS Foundations v5.0 1.7",
        "Security Hub IAM.16",
        "CIS AWS Foundations v5.0 1.8",
        "AWS Startup Security Baseline ACCT.06",
    )
    checks = (
        "the account has a password policy (GetAccountPasswordPolicy)",
        "minimum length at least 14 (IAM.15)",
        "reuse of the last 24 passwords prevented (IAM.16)",
    )
    services = ("iam",)
    group = "Guardrails"

    def check(self, account: Account) -> Check:
        """Pass when the policy exists with length ≥ 14 and reuse prevention ≥ 24."""
        try:
            policy = read_policy(account)
        except (ClientError, BotoCoreError) as exc:
            return unknown(exc, "the account password policy")
        evidence: dict[str, Any] = {"password_policy": policy}
        problems = problems_of(policy)
        if problems or policy is None:
            return Check(
                Status.FAIL, "IAM passwords are weak: " + "; ".join(problems) + ".", evidence
            )
        return Check(
            Status.PASS,
            f"IAM passwords need {policy['MinimumPasswordLength']} characters and cannot reuse "
            f"the last {policy['PasswordReusePrevention']}.",
            evidence,
        )

    def plan(self, account: Account, options: OptionValues) -> Plan:
        """One ``UpdateAccountPasswordPolicy`` carrying every current setting over."""
        check = self.check(account)
        require_known(check)
        if check.passed:
            return Plan(self.id)
        policy = check.evidence.get("password_policy")
        params = desired_params(policy)
        why = (
            f"require at least {params['MinimumPasswordLength']} characters and block reuse of "
            f"the last {params['PasswordReusePrevention']} passwords; every other setting kept"
        )
        change = Change(
            ACTION,
            RESOURCE,
            why,
            call=ApiCall("iam", "UpdateAccountPasswordPolicy", params),
        )
        return Plan(self.id, (change,), notes=_effects(policy), context={"before": policy})

    def prepare(self, account: Account, change: Change, params: Mapping[str, Any]) -> Prepared:
        """Read the policy again just before replacing it.

        The call replaces the whole policy, so a setting made stricter since the plan was
        read (by someone else, in the console) is carried over too rather than reverted;
        when the policy is already what the plan would leave, nothing is sent.
        """
        policy = read_policy(account)
        if in_place(policy, params):
            return Prepared(params, skip="the password policy is already in place")
        fresh = desired_params(policy)
        merged = dict(params)
        for key, value in fresh.items():
            if key in FLAGS:
                merged[key] = bool(merged.get(key)) or bool(value)
            else:  # lengths, reuse count: the larger; expiry: the shorter one set
                current = merged.get(key)
                if key == "MaxPasswordAge" and current is not None:
                    merged[key] = min(int(current), int(value))
                else:
                    merged[key] = max(int(current or 0), int(value))
        return Prepared(merged)

    def find_made(
        self, account: Account, change: Change, params: Mapping[str, Any]
    ) -> Found | None:
        """After a lost answer: the policy read back is exactly what was sent, or not.

        Sending it again when it is not is safe: the call is an overwrite, not a create.
        """
        if change.call is None or change.call.operation != "UpdateAccountPasswordPolicy":
            return None
        return Found(in_place(read_policy(account), params))
