"""Root access keys: the root user should have none (Security Hub IAM.4; CIS v5.0 1.3, v3.0 1.4).

Signed with a root access key, the wizard lists root's keys and deletes them, the key it is
signed with last. With temporary root credentials (console session, CloudShell) AWS requires a
``UserName`` that root does not have, so the plan is a console action instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from aws_setup_wizard.account import Account
from aws_setup_wizard.dispatch import Prepared, Recovered
from aws_setup_wizard.errors import INVALID_KEY, WizardError, error_code
from aws_setup_wizard.model import (
    ApiCall,
    Change,
    Check,
    ConsoleAction,
    Plan,
    Status,
    TypedConfirmation,
)
from aws_setup_wizard.options import Option
from aws_setup_wizard.present import mask_key
from aws_setup_wizard.steps.base import (
    OptionValues,
    Step,
    require_known,
    safe_check,
    unknown,
)
from aws_setup_wizard.steps.root_mfa import SECURITY_CREDENTIALS_URL

#: The precondition of deleting the key this tool runs on without the owner's word that they
#: can sign in as root: an administrator who can sign in exists (read just before deleting).
ADMIN_WAY_IN = "an administrator who can sign in"
#: How long to look for that administrator before keeping the key: IAM is eventually
#: consistent, and the admin may have been created seconds earlier in the same run.
WAY_IN_DELAYS = (0.25, 0.5, 1.0, 2.0, 4.0)


def list_root_keys(account: Account) -> list[dict[str, Any]]:
    """Root's own keys with their last use (only possible when signed with a root key)."""
    iam = account.client("iam")
    keys = []
    for metadata in iam.list_access_keys()["AccessKeyMetadata"]:
        key_id = str(metadata["AccessKeyId"])
        used = iam.get_access_key_last_used(AccessKeyId=key_id).get("AccessKeyLastUsed", {})
        keys.append(
            {
                "access_key_id": key_id,
                "status": metadata.get("Status"),
                "created": str(metadata.get("CreateDate", "")),
                "last_used": str(used["LastUsedDate"]) if used.get("LastUsedDate") else None,
                "last_used_service": used.get("ServiceName"),
            }
        )
    return keys


def signed_with_root_key(account: Account) -> bool:
    """True when the tool is signed with a long-term root access key (not a session)."""
    caller = account.caller()
    return caller.is_root and not caller.temporary


def usable_admins(account: Account, admin: Check | None = None) -> list[str]:
    """Administrators who can sign in to the console and act: a password, not denied.

    MFA is not required here: an administrator registers it at first sign-in. One denied
    every action by an explicit Deny can sign in but do nothing, so it is no way in.
    """
    from aws_setup_wizard.steps.admin_user import AdminUserStep

    found = admin if admin is not None else safe_check(AdminUserStep(), account)
    return [
        a["user_name"]
        for a in found.evidence.get("admin_users", [])
        if a.get("console_password") and not a.get("denied_by")
    ]


class RootAccessKeysStep(Step):
    """Delete the root user's access keys."""

    id = "root-access-keys"
    title = "Delete the root user's access keys"
    controls = (
        "Security Hub IAM.4",
        "CIS AWS Foundations v5.0 1.3",
        "CIS AWS Foundations v3.0 1.4",
    )
    checks = (
        "the root user has no access key, active or not: the real-time "
        "AccountAccessKeysPresent flag",
        "signed with a root key: each root key and its last use, as evidence",
    )
    services = ("iam", "sts")
    options = (
        Option(
            name="root_sign_in_confirmed",
            flag="--root-sign-in-confirmed",
            label="I can sign in to the console as root (password and MFA)",
            help="Only with this (and root MFA on) is root's last key deleted while no "
            "administrator can sign in; otherwise that key is kept as the way in.",
            default=False,
            kind="bool",
        ),
    )

    def check(self, account: Account) -> Check:
        """Pass when ``AccountAccessKeysPresent`` is 0; list the keys when root can."""
        try:
            present = account.account_summary().get("AccountAccessKeysPresent") == 1
            evidence: dict[str, Any] = {"account_access_keys_present": present}
            if present and signed_with_root_key(account):
                evidence["keys"] = list_root_keys(account)
        except (ClientError, BotoCoreError) as exc:
            return unknown(exc, "whether the root user has access keys")
        if not present:
            return Check(Status.PASS, "The root user has no access keys.", evidence)
        return Check(
            Status.FAIL,
            "The root user has an access key: whoever holds it has unrestricted, "
            "unrevokable-by-policy control of the account.",
            evidence,
        )

    def plan(self, account: Account, options: OptionValues) -> Plan:
        """Delete every root key (the signing key last), or a console action."""
        check = self.check(account)
        require_known(check)
        if check.passed:
            return Plan(self.id)
        if not signed_with_root_key(account):
            return Plan(self.id, console=self._console_action(account))
        signing = account.signing_key_id()
        # The last way in is protected: the key this tool runs on goes only when root can sign
        # in with MFA (the owner says so) or, read just before deleting, an admin can.
        root_way_in = bool(options.get("root_sign_in_confirmed")) and self._root_has_mfa(account)
        keys = sorted(
            (key["access_key_id"] for key in check.evidence.get("keys", [])),
            key=lambda key_id: key_id == signing,  # the key in use goes last
        )
        changes = tuple(
            Change(
                "iam:DeleteAccessKey",
                f"root access key {mask_key(key_id)}",
                self._why_signing(root_way_in)
                if key_id == signing
                else "root access keys should not exist (IAM.4)",
                destructive=True,
                call=ApiCall("iam", "DeleteAccessKey", {"AccessKeyId": key_id}),
                confirm_by_typing=TypedConfirmation(mask_key(key_id), key_id[-4:]),
                ends_session=key_id == signing,
                done=f"deleted root access key {mask_key(key_id)}",
                precondition=ADMIN_WAY_IN if key_id == signing and not root_way_in else None,
            )
            for key_id in keys
        )
        notes: tuple[str, ...] = ()
        if signing in keys:
            after = (
                "sign in to the console as root, or open CloudShell as root, to re-verify"
                if root_way_in
                else "re-verify with the administrator's profile or from CloudShell"
            )
            notes = (
                f"This tool is signed with root access key {mask_key(signing or '')}: it is "
                f"deleted last, and every later call with it fails; then {after}.",
            )
        return Plan(self.id, changes=changes, notes=notes)

    def options_needed(self, account: Account) -> bool:
        """Ask "can you sign in as root?" only when the answer decides something: the tool
        runs on a root key, root has MFA, and no administrator can sign in yet."""
        return (
            signed_with_root_key(account)
            and self._root_has_mfa(account)
            and not usable_admins(account)
        )

    @staticmethod
    def _why_signing(root_way_in: bool) -> str:
        if root_way_in:
            return (
                "the key this tool is signed with, deleted last (you can sign in as root "
                "with MFA): this session ends here"
            )
        return (
            f"the key this tool is signed with, deleted last and only if {ADMIN_WAY_IN} "
            "exists by then (read just before): this session ends here"
        )

    @staticmethod
    def _root_has_mfa(account: Account) -> bool:
        from aws_setup_wizard.steps.root_mfa import RootMfaStep

        return safe_check(RootMfaStep(), account).passed

    def prepare(self, account: Account, change: Change, params: Mapping[str, Any]) -> Prepared:
        """Before deleting the key this tool runs on: is there still another way in?

        Read now, not at planning: in one run the administrator is created minutes before
        this key's turn, and reads may lag the write that made it (so poll briefly).
        """
        if change.precondition != ADMIN_WAY_IN:
            return Prepared(params)
        for delay in (0.0, *WAY_IN_DELAYS):
            time.sleep(delay)
            if usable_admins(account):
                return Prepared(params)
        key = mask_key(str(params.get("AccessKeyId", "")))
        raise WizardError(
            f"Kept root access key {key}: it is the last way into this account the wizard "
            "can verify (no administrator who can sign in was found). Finish the admin-user "
            "step first; or, if root has MFA and you can sign in to the console as root, "
            "confirm that (--root-sign-in-confirmed) and run this step again. Nothing else "
            "was changed by this refusal."
        )

    def _console_action(self, account: Account) -> ConsoleAction:
        return ConsoleAction(
            title="Delete the root user's access keys in the console (these credentials "
            "cannot list root's keys)",
            steps=(
                "Sign in to the AWS Management Console as the root user.",
                "Open the account menu at the top right and choose Security credentials "
                "(or use the link below).",
                "Under Access keys, for each key choose Actions → Deactivate, then Delete.",
                "Come back here and check again.",
            ),
            url=SECURITY_CREDENTIALS_URL,
            sandbox_command="aws-setup-wizard sandbox console delete-root-keys"
            if account.is_sandbox
            else None,
        )

    def recover(
        self, account: Account, change: Change, error: ClientError, params: Mapping[str, Any]
    ) -> Recovered | None:
        """A key already gone: deleted by an earlier run, or by this call's lost first try."""
        code = error_code(error)
        if code == "NoSuchEntity":
            return Recovered("already deleted", done=False)
        if code in INVALID_KEY and change.ends_session:
            # A retry of a delete that AWS already performed: the signing key is gone.
            return Recovered("deleted (the key no longer signs requests)")
        return None

    def applied_last(self, account: Account | None) -> bool:
        """Last whenever this run may delete the key it is signed with (unknown: assume so)."""
        return account is None or signed_with_root_key(account)

    def confirmation_notes(self, account: Account, plan: Plan) -> tuple[str, ...]:
        """Before deleting the key this tool runs on, say which other ways in exist."""
        if not any(change.ends_session for change in plan.changes):
            return ()
        from aws_setup_wizard.steps.admin_user import AdminUserStep
        from aws_setup_wizard.steps.root_mfa import RootMfaStep

        ways = []
        if safe_check(RootMfaStep(), account).passed:
            ways.append("the root user's console password with MFA")
        admin = safe_check(AdminUserStep(), account)
        usable = usable_admins(account, admin)
        if usable:
            names = ", ".join(usable)
            ways.append(f"the administrator {names} ({admin.evidence.get('signin_url')})")
        if ways:
            return ("Other ways in after this: " + "; ".join(ways) + ".",)
        return (
            "No other way in was found yet (no root MFA, no administrator who can sign in): "
            "the key is kept unless an administrator can sign in when its turn comes.",
        )

    def console_simulation(self, account: Account) -> Callable[[], str] | None:
        """In the sandbox, the simulated console deletes root's keys."""
        endpoint = account.effective_endpoint
        if not account.is_sandbox or not endpoint:
            return None
        from aws_setup_wizard.sandbox import console

        def delete_keys() -> str:
            deleted = console.delete_root_keys(endpoint)
            return f"The simulated console deleted {len(deleted)} root access key(s)."

        return delete_keys
