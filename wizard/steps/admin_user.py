"""An administrator IAM user, so nobody needs the root user for daily work.

Permissions come through a group (Security Hub IAM.2, CIS v5.0 1.14), the user signs in with a
console password that must be changed at first sign-in, has MFA (IAM.5, CIS v5.0 1.9) and no
access keys (CIS v5.0 1.10). The check finds administrators by what they are (members of a group
granting AdministratorAccess), not by a remembered name, and as strictly as IAM judges them: a
policy on the user or its groups that denies every action disarms AdministratorAccess.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from botocore.exceptions import BotoCoreError, ClientError

from aws_setup_wizard import journal
from aws_setup_wizard.account import Account
from aws_setup_wizard.dispatch import Found, Prepared
from aws_setup_wizard.errors import error_code
from aws_setup_wizard.model import ApiCall, Change, Check, ConsoleAction, Plan, Status
from aws_setup_wizard.options import Option, iam_group_name, iam_user_name
from aws_setup_wizard.secrets import admin_password_entry
from aws_setup_wizard.steps import iam_policies
from aws_setup_wizard.steps.base import OptionValues, Step, require_known, unknown

if TYPE_CHECKING:
    # pyotp: loaded only by runs that register MFA, not by verify
    from aws_setup_wizard.mfa import MfaEnrollment, MfaRegistration

ADMIN_POLICY_NAME = "AdministratorAccess"


def admin_policy_arn(partition: str) -> str:
    """The ARN of AWS's managed AdministratorAccess policy in this partition."""
    return f"arn:{partition}:iam::aws:policy/{ADMIN_POLICY_NAME}"


def generate_password(length: int = 24) -> str:
    """A random console password that satisfies any IAM password policy up to ``length``.

    It holds every character class IAM policies can require; it lives only in memory and is
    shown once.
    """
    symbols = "!@#$%^&*()_+-=[]{}|'"
    classes = (string.ascii_uppercase, string.ascii_lowercase, string.digits, symbols)
    chars = [secrets.choice(group) for group in classes]
    alphabet = "".join(classes)
    chars += [secrets.choice(alphabet) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


# IAM's own bounds for a console password (IAM User Guide, "Set an account password policy").
MAX_PASSWORD_LENGTH = 128
DEFAULT_PASSWORD_LENGTH = 24


def password_length_for(account: Account) -> int:
    """A length that satisfies the account's password policy (at least 24 characters).

    The generated password holds every character class IAM can require, so the policy's
    minimum length is the only thing to meet; without a policy, AWS's default rules apply.
    """
    try:
        policy = account.client("iam").get_account_password_policy()["PasswordPolicy"]
    except ClientError as exc:
        if error_code(exc) != "NoSuchEntity":
            raise
        return DEFAULT_PASSWORD_LENGTH
    minimum = int(policy.get("MinimumPasswordLength") or 0)
    return min(MAX_PASSWORD_LENGTH, max(DEFAULT_PASSWORD_LENGTH, minimum))


def _authorization_details(
    account: Account,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], iam_policies.PolicyDocuments]:
    """Users and groups with their policies, in one paginated call, and a reader of managed
    policy documents (customer managed ones come with that call; AWS managed ones are read
    only if attached, since listing them all would fetch over a thousand)."""
    users: list[dict[str, Any]] = []
    groups: list[dict[str, Any]] = []
    policies: list[dict[str, Any]] = []
    iam = account.client("iam")
    paginator = iam.get_paginator("get_account_authorization_details")
    for page in paginator.paginate(Filter=["User", "Group", "LocalManagedPolicy"]):
        users += page.get("UserDetailList", [])
        groups += page.get("GroupDetailList", [])
        policies += page.get("Policies", [])
    documents: dict[str, Any] = iam_policies.local_documents(policies)
    admin = admin_policy_arn(account.partition)

    def document_of(arn: str) -> Any:
        if arn == admin:
            return None  # AWS's AdministratorAccess allows everything, denies nothing
        if arn not in documents:
            version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
            got = iam.get_policy_version(PolicyArn=arn, VersionId=version)
            documents[arn] = got["PolicyVersion"].get("Document")
        return documents[arn]

    return users, groups, document_of


def _grants_admin(attached: list[dict[str, Any]], partition: str) -> bool:
    return any(p.get("PolicyArn") == admin_policy_arn(partition) for p in attached)


def _user_facts(account: Account, user: dict[str, Any], admin_groups: set[str]) -> dict[str, Any]:
    """What one administrator is: console password, MFA, keys, policies on the user."""
    iam = account.client("iam")
    name = user["UserName"]
    # The user's MFA devices and keys are read beside the password: three calls one after
    # another were the longest chain of this step.
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="admin-user-facts") as pool:
        listed_mfa = pool.submit(iam.list_mfa_devices, UserName=name)
        listed_keys = pool.submit(iam.list_access_keys, UserName=name)
        try:
            profile = iam.get_login_profile(UserName=name)["LoginProfile"]
            console, reset = True, bool(profile.get("PasswordResetRequired", False))
        except ClientError as exc:
            if error_code(exc) != "NoSuchEntity":
                raise
            console, reset = False, False
        mfa = listed_mfa.result().get("MFADevices", [])
        keys = listed_keys.result().get("AccessKeyMetadata", [])
    return {
        "user_name": name,
        "arn": user["Arn"],
        "admin_groups": sorted(set(user.get("GroupList", [])) & admin_groups),
        "console_password": console,
        "password_reset_required": reset,
        "mfa_devices": len(mfa),
        "active_access_keys": sum(1 for key in keys if key.get("Status") == "Active"),
        "access_keys": [key["AccessKeyId"] for key in keys],
        "user_policies": sorted(
            [p["PolicyArn"] for p in user.get("AttachedManagedPolicies", [])]
            + [p["PolicyName"] for p in user.get("UserPolicyList", [])]
        ),
    }


def problems_of(facts: dict[str, Any]) -> list[str]:
    """What keeps one administrator from being sound, in words (empty when sound)."""
    problems = []
    denied = facts.get("denied_by", [])
    if denied:
        # Named first: it is the one that makes the "administrator" powerless.
        causes = ", ".join(iam_policies.describe(d) for d in denied)
        problems.append(
            f"is denied every action by {causes} (an explicit Deny beats AdministratorAccess)"
        )
    if not facts["console_password"]:
        problems.append("has no console password")
    if not facts["mfa_devices"]:
        problems.append("has no MFA yet (register it at first sign-in; IAM.5)")
    if facts["access_keys"]:
        problems.append("has access keys (CIS v5.0 1.10)")
    if facts["user_policies"]:
        problems.append("has policies on the user itself instead of only through groups (IAM.2)")
    return problems


def begin_user_mfa(account: Account, user_name: str) -> MfaEnrollment:
    """Create a virtual MFA device for ``user_name`` (IAM allows this through the API)."""
    from aws_setup_wizard.mfa import MfaEnrollment

    iam = account.client("iam")
    try:
        created = iam.create_virtual_mfa_device(VirtualMFADeviceName=user_name)
    except ClientError as exc:
        if error_code(exc) != "EntityAlreadyExists":
            raise
        # A device left unassigned by an abandoned registration: its seed is gone, so replace it.
        serial = f"arn:{account.partition}:iam::{account.account_id}:mfa/{user_name}"
        iam.delete_virtual_mfa_device(SerialNumber=serial)
        created = iam.create_virtual_mfa_device(VirtualMFADeviceName=user_name)
    device = created["VirtualMFADevice"]
    seed = device["Base32StringSeed"]
    seed_text = seed.decode() if isinstance(seed, bytes) else str(seed)
    # A short label keeps the QR code small enough for an 80x24 terminal.
    label = quote(f"AWS:{user_name}@{account.account_id}")
    uri = f"otpauth://totp/{label}?secret={seed_text}&issuer=AWS"
    return MfaEnrollment(str(device["SerialNumber"]), uri, seed_text)


def complete_user_mfa(
    account: Account, user_name: str, enrollment: MfaEnrollment, code1: str, code2: str
) -> None:
    """Enable the device with two consecutive codes from the authenticator."""
    account.client("iam").enable_mfa_device(
        UserName=user_name,
        SerialNumber=enrollment.serial_number,
        AuthenticationCode1=code1,
        AuthenticationCode2=code2,
    )


def _sets_password_of(entry: Mapping[str, Any], account_id: str, user: str) -> bool:
    return (
        entry.get("kind") == "write"
        and entry.get("action") in {"iam:CreateLoginProfile", "iam:UpdateLoginProfile"}
        and str(entry.get("resource", "")).endswith(f":{account_id}:user/{user}")
        and entry.get("outcome") in {"ok", "started"}
    )


def _names(entry: Mapping[str, Any], kind: str, account_id: str, user: str) -> bool:
    return (
        entry.get("kind") == kind
        and entry.get("account_id") == account_id
        and entry.get("user") == user
    )


def password_never_shown(account_id: str, user: str, path: Path | None = None) -> bool:
    """True when this machine's journal shows a run setting ``user``'s initial password that
    ended before the password was shown (Ctrl-C, a crash, output not a terminal): nobody
    knows that password.
    """
    pending = False
    for entry in journal.read(path):
        if _sets_password_of(entry, account_id, user):
            pending = True
        elif _names(entry, "revealed", account_id, user):
            pending = False
    return pending


def password_kept_here(account_id: str, user: str, path: Path | None = None) -> bool:
    """True when a run on this machine set ``user``'s initial password (and so may have kept
    it in the keyring) and no later run has forgotten it.
    """
    kept = False
    for entry in journal.read(path):
        if _sets_password_of(entry, account_id, user):
            kept = True
        elif _names(entry, "forgotten", account_id, user):
            kept = False
    return kept


class AdminUserStep(Step):
    """An IAM user in a group with AdministratorAccess, console password, MFA, no keys."""

    id = "admin-user"
    title = "Create an administrator for daily work"
    controls = (
        "Security Hub IAM.2",
        "CIS AWS Foundations v5.0 1.14",
        "CIS AWS Foundations v3.0 1.15",
        "Security Hub IAM.5",
        "CIS AWS Foundations v5.0 1.9",
        "CIS AWS Foundations v3.0 1.10",
        "CIS AWS Foundations v5.0 1.10",
        "CIS AWS Foundations v3.0 1.11",
    )
    checks = (
        "some IAM user gets AdministratorAccess through a group",
        "no policy on that user or its groups denies it every action (an explicit Deny wins)",
        "the administrator has a console password and MFA",
        "no access keys and no policies on the user itself",
    )
    services = ("iam", "sts")
    options = (
        Option(
            "admin_user",
            "--admin-user",
            "Administrator user name",
            "Name of the administrator IAM user.",
            "admin",
            validator=iam_user_name,
        ),
        Option(
            "admin_group",
            "--admin-group",
            "Administrators group name",
            "Name of the IAM group that grants AdministratorAccess.",
            "Administrators",
            validator=iam_group_name,
        ),
    )

    def check(self, account: Account) -> Check:
        """Pass when some admin (through a group) has a console password, MFA and no keys."""
        try:
            partition = account.partition
            users, groups, document_of = _authorization_details(account)
            admin_groups = {
                g["GroupName"]
                for g in groups
                if _grants_admin(g.get("AttachedManagedPolicies", []), partition)
            }
            members = [u for u in users if set(u.get("GroupList", [])) & admin_groups]
            by_name = {g["GroupName"]: g for g in groups}
            denied = {u["UserName"]: iam_policies.denials(u, by_name, document_of) for u in members}
            with ThreadPoolExecutor(max_workers=8) as pool:
                admins = list(pool.map(lambda u: _user_facts(account, u, admin_groups), members))
            for admin in admins:
                admin["denied_by"] = denied[admin["user_name"]]
            direct = sorted(
                u["UserName"]
                for u in users
                if _grants_admin(u.get("AttachedManagedPolicies", []), partition)
            )
            signin = account.signin_url()
        except (ClientError, BotoCoreError) as exc:
            return unknown(exc, "the account's IAM users and groups")
        evidence = {
            "admin_groups": sorted(admin_groups),
            "admin_users": admins,
            "users_with_admin_policy_attached_directly": direct,
            "signin_url": signin,
        }
        sound = [a["user_name"] for a in admins if not problems_of(a)]
        if sound:
            return Check(
                Status.PASS,
                f"Administrator {', '.join(sound)} signs in at {signin} with a password and "
                "MFA, permissions through a group, no access keys.",
                evidence,
            )
        if not admins:
            return Check(
                Status.FAIL,
                "No IAM user has administrator access through a group: daily work would need "
                "the root user.",
                evidence,
            )
        best = min(admins, key=lambda a: len(problems_of(a)))
        reasons = problems_of(best)
        only_mfa_missing = len(reasons) == 1 and not best["mfa_devices"]
        return Check(
            Status.FAIL,
            f"Administrator {best['user_name']} {'; '.join(reasons)}.",
            evidence,
            waiting_on=f"{best['user_name']} registers MFA at first sign-in ({signin})"
            if only_mfa_missing
            else None,
        )

    def plan(self, account: Account, options: OptionValues) -> Plan:
        """The group, policy, user, membership and password still missing, one change each."""
        check = self.check(account)
        require_known(check)
        if check.passed:
            return Plan(self.id)
        user = str(options.get("admin_user", "admin"))
        group = str(options.get("admin_group", "Administrators"))
        state = self._target_state(account, user, group)
        policy = admin_policy_arn(account.partition)
        changes: list[Change] = []
        # Only "it exists" means already done. A target that is gone (NoSuchEntity) is never
        # "in place": the dispatcher stops and the runner re-plans (a removal whose target is
        # gone is done, and the dispatcher says so).
        present = frozenset({"EntityAlreadyExists"})

        def add(action: str, resource: str, why: str, **params: Any) -> None:
            operation = action.split(":", 1)[1]
            changes.append(
                Change(
                    action,
                    resource,
                    why,
                    destructive=operation.startswith("Delete"),
                    call=ApiCall("iam", operation, params),
                    already_done=present,
                    secret_param="Password" if operation.endswith("LoginProfile") else None,
                )
            )

        if not state["group_exists"]:
            add("iam:CreateGroup", group, "administrators get rights from a group", GroupName=group)
        if not state["group_has_admin"]:
            add(
                "iam:AttachGroupPolicy",
                f"{group} ← {ADMIN_POLICY_NAME}",
                "grant admin",
                GroupName=group,
                PolicyArn=policy,
            )
        if not state["user_exists"]:
            add("iam:CreateUser", user, "a named administrator for daily work", UserName=user)
        if not state["in_group"]:
            add(
                "iam:AddUserToGroup",
                f"{user} → {group}",
                "permissions via group",
                GroupName=group,
                UserName=user,
            )
        if state["console_password"] and state["unknown_password"]:
            add(
                "iam:UpdateLoginProfile",
                user,
                "a new initial password: the one an interrupted run set was never shown",
                UserName=user,
                PasswordResetRequired=True,
            )
        if not state["console_password"]:
            add(
                "iam:CreateLoginProfile",
                user,
                "console password, must be changed at first sign-in",
                UserName=user,
                PasswordResetRequired=True,
            )
        for key_id in state["access_keys"]:
            add(
                "iam:DeleteAccessKey",
                f"{user} key {key_id}",
                "console administrators need no access keys (CIS v5.0 1.10)",
                UserName=user,
                AccessKeyId=key_id,
            )
        for arn in state["attached_policies"]:
            add(
                "iam:DetachUserPolicy",
                f"{user} ← {arn}",
                "permissions only via groups",
                UserName=user,
                PolicyArn=arn,
            )
        for name in state["inline_policies"]:
            add(
                "iam:DeleteUserPolicy",
                f"{user} inline policy {name}",
                "permissions only via groups",
                UserName=user,
                PolicyName=name,
            )
        deny_why = "it denies every action: an explicit Deny beats AdministratorAccess"
        for denial in state["group_denials"]:
            group_name, policy_id = denial["principal"], denial["policy"]
            if denial["kind"] == "inline":
                add(
                    "iam:DeleteGroupPolicy",
                    f"{group_name} inline policy {policy_id}",
                    deny_why,
                    GroupName=group_name,
                    PolicyName=policy_id,
                )
            else:
                add(
                    "iam:DetachGroupPolicy",
                    f"{group_name} ← {policy_id}",
                    deny_why,
                    GroupName=group_name,
                    PolicyArn=policy_id,
                )
        notes = [
            "IAM Identity Center is AWS's recommendation for people; an IAM administrator with "
            "MFA is a sound first step until you set it up.",
        ]
        console = None
        if not state["mfa_devices"]:
            notes.append(
                f"{user} must register MFA: at first sign-in or now, in the wizard's guided "
                "mode. Until then this step stays failing."
            )
            console = self._first_sign_in(account, user)
        return Plan(
            self.id,
            changes=tuple(changes),
            console=console,
            notes=tuple(notes),
            context={"user": user, "group": group},
        )

    def console_mfa(self, account: Account, plan: Plan) -> MfaRegistration | None:
        """In the sandbox, the simulated console plays the admin's first sign-in: MFA.

        It registers the device as the administrator would in the console (the sandbox
        console's ``user-mfa`` pages), not with the wizard's credentials, so it is no write of
        this run. Without it a trainee on the first-sign-in screen had no way forward: the
        initial password was shown once (or never, in ``--scenario partial``).
        """
        endpoint = account.effective_endpoint
        user = str(plan.context.get("user") or "")
        if not account.is_sandbox or not endpoint or not user or plan.console is None:
            return None
        from aws_setup_wizard.mfa import MfaRegistration
        from aws_setup_wizard.sandbox import console

        return MfaRegistration(
            f"{user} signs in and registers a virtual MFA device (sandbox console)",
            user,
            begin=lambda: console.begin_user_mfa(endpoint, user),
            finish=lambda enrollment, code1, code2: console.complete_user_mfa(
                endpoint, user, enrollment, code1, code2
            ),
            practice=True,
        )

    def _first_sign_in(self, account: Account, user: str) -> ConsoleAction:
        """What the new administrator does at first sign-in: new password, then MFA."""
        return ConsoleAction(
            title=f"{user} signs in for the first time and registers MFA",
            steps=(
                f"Open the sign-in URL below and sign in as {user} with the initial password.",
                "Choose a new password when asked (the initial one must be changed).",
                "Open the account menu → Security credentials → Assign MFA device, and "
                "register a passkey, security key or authenticator app.",
                "Come back here and check again.",
            ),
            url=account.signin_url(),
            sandbox_command=f"aws-setup-wizard sandbox console user-mfa {user}"
            if account.is_sandbox
            else None,
        )

    def _target_state(self, account: Account, user: str, group: str) -> dict[str, Any]:
        iam = account.client("iam")
        state: dict[str, Any] = {
            "group_exists": False,
            "group_has_admin": False,
            "user_exists": False,
            "in_group": False,
            "console_password": False,
            "unknown_password": False,
            "mfa_devices": 0,
            "access_keys": [],
            "attached_policies": [],
            "inline_policies": [],
            "group_denials": [],
        }
        try:
            members = iam.get_group(GroupName=group)["Users"]
            state["group_exists"] = True
            state["in_group"] = any(m["UserName"] == user for m in members)
            attached = iam.list_attached_group_policies(GroupName=group)["AttachedPolicies"]
            state["group_has_admin"] = _grants_admin(attached, account.partition)
        except ClientError as exc:
            if error_code(exc) != "NoSuchEntity":
                raise
        try:
            iam.get_user(UserName=user)
        except ClientError as exc:
            if error_code(exc) != "NoSuchEntity":
                raise
            return state
        state["user_exists"] = True
        facts = _user_facts(
            account,
            {"UserName": user, "Arn": "", "GroupList": [], "AttachedManagedPolicies": []},
            set(),
        )
        state["console_password"] = facts["console_password"]
        state["unknown_password"] = (
            facts["password_reset_required"]
            and not facts["mfa_devices"]
            and password_never_shown(account.account_id, user)
        )
        state["mfa_devices"] = facts["mfa_devices"]
        state["access_keys"] = facts["access_keys"]
        attached_user = iam.list_attached_user_policies(UserName=user)["AttachedPolicies"]
        state["attached_policies"] = [p["PolicyArn"] for p in attached_user]
        state["inline_policies"] = iam.list_user_policies(UserName=user)["PolicyNames"]
        # Denies on the user go with every user policy above; those on its groups are named.
        users, groups, document_of = _authorization_details(account)
        details = next((u for u in users if u["UserName"] == user), None)
        if details is not None:
            by_name = {g["GroupName"]: g for g in groups}
            found = iam_policies.denials(details, by_name, document_of)
            state["group_denials"] = [d for d in found if d["on"] == "group"]
        return state

    def find_made(
        self, account: Account, change: Change, params: Mapping[str, Any]
    ) -> Found | None:
        """After a lost answer: the group, user or login profile exists, or it does not.

        A login profile found means AWS set the password this run generated (and kept and
        reveals): it is the one the owner sees.
        """
        read = {
            "CreateGroup": lambda: account.client("iam").get_group(GroupName=params["GroupName"]),
            "CreateUser": lambda: account.client("iam").get_user(UserName=params["UserName"]),
            "CreateLoginProfile": lambda: account.client("iam").get_login_profile(
                UserName=params["UserName"]
            ),
        }.get(change.call.operation if change.call else "")
        if read is None:
            return None
        try:
            read()
        except ClientError as exc:
            if error_code(exc) == "NoSuchEntity":
                return Found(made=False)
            raise
        return Found(made=True)

    def prepare(self, account: Account, change: Change, params: Mapping[str, Any]) -> Prepared:
        """A console password is generated now, kept before the call, and shown once."""
        if change.secret_param is None:
            return Prepared(params)
        user = str(params["UserName"])
        password = generate_password(password_length_for(account))
        # Kept before the call: if the run dies after AWS set it, a re-run can still show it
        # (until the admin's first sign-in).
        if account.secrets is not None:
            account.secrets.put(admin_password_entry(account.account_id, user), password)
        return Prepared(
            {**params, change.secret_param: password},
            reveal={"user": user, "password": password, "signin_url": account.signin_url()},
        )

    def after_check(self, account: Account, check: Check) -> None:
        """An admin with MFA has signed in: the initial password kept for them can go.

        Called after every check, ``verify`` included. A run that keeps secrets forgets it at
        once; a read-only run opens the keyring only when this machine's journal says a
        password was set here and not yet forgotten, so a verify of an account set up
        elsewhere never loads it.
        """
        for admin in check.evidence.get("admin_users", []):
            user = admin["user_name"]
            # MFA is registered at (or after) the first sign-in, so the password has been used.
            if not admin.get("mfa_devices"):
                continue
            if account.secrets is None and not password_kept_here(account.account_id, user):
                continue
            from aws_setup_wizard.secrets import SecretStore

            store = account.secrets or SecretStore()
            store.delete(admin_password_entry(account.account_id, user))
            journal.Journal().record("forgotten", account_id=account.account_id, user=user)

    def mfa_follow_up(
        self, account: Account, plan: Plan, check: Check | None
    ) -> MfaRegistration | None:
        """The admin still lacks MFA: the guided flow may register it now (IAM allows it)."""
        user = str(plan.context.get("user") or "")
        # The plan has a console action exactly when the user still lacks MFA.
        if not user or plan.console is None:
            return None
        from aws_setup_wizard.mfa import MfaRegistration

        return MfaRegistration(
            f"Register a virtual MFA device for {user}",
            user,
            begin=lambda: begin_user_mfa(account, user),
            finish=lambda enrollment, code1, code2: complete_user_mfa(
                account, user, enrollment, code1, code2
            ),
            practice=account.is_sandbox,
        )
