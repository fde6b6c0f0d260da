"""IAM and STS as they behave for a *root* caller, plus the IAM gaps of moto we correct.

moto knows IAM users only. Here the root user's keys, MFA and identity are answered from
:class:`~aws_setup_wizard.sandbox.state.RootAccount`, and moto's state is adjusted in place where it
merely lacks a flag (account summary, login-profile reset flag, root's virtual MFA device).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from moto.iam.models import VirtualMfaDevice

from aws_setup_wizard.sandbox import backends, iam_checks, mfa, password_policy_rules
from aws_setup_wizard.sandbox.call import Call, Forward, Handler, Outcome
from aws_setup_wizard.sandbox.protocol import error_response, query_response
from aws_setup_wizard.sandbox.state import RootAccessKey, RootAccount, RootAccountError, utcnow

_NON_USER_CREDENTIALS = "Must specify userName when calling with non-User credentials"
_REPORT_DATE = "%Y-%m-%dT%H:%M:%S+00:00"
_REPORT_HEADER = (
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
    "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
    "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
    "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
    "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
    "cert_1_last_rotated,cert_2_active,cert_2_last_rotated"
)


def _error(exc: RootAccountError) -> Outcome:
    return error_response("iam", exc.code, exc.message, exc.status)


def _key_metadata(key: RootAccessKey) -> dict[str, Any]:
    # AWS lists root's keys without a UserName: root is not an IAM user.
    return {"AccessKeyId": key.access_key_id, "Status": key.status, "CreateDate": key.create_date}


# -- root's own access keys (the calls without UserName) ---------------------------------------


def _root_key_call(
    call: Call, operation: str, act: Callable[[RootAccount], dict[str, Any] | None]
) -> Outcome:
    """Root's own-keys form of an access-key call (no UserName), as AWS answers it.

    Calls naming a user, or not signed by root, go to moto. A console session (temporary
    credentials) gets AWS's ValidationError: only a root *key* may act on root's keys.
    """
    if call.param("UserName") or not call.caller.is_root:
        return Forward()
    if call.caller.kind == "root-session":
        return _error(RootAccountError("ValidationError", _NON_USER_CREDENTIALS, 400))
    try:
        result = act(call.root)
    except RootAccountError as exc:
        return _error(exc)
    return query_response("iam", operation, result)


def list_access_keys(call: Call) -> Outcome:
    """Without UserName: root's keys when signed with a root key."""
    return _root_key_call(
        call,
        "ListAccessKeys",
        lambda root: {
            "AccessKeyMetadata": [_key_metadata(k) for k in root.access_keys()],
            "IsTruncated": False,
        },
    )


def delete_access_key(call: Call) -> Outcome:
    """Without UserName: delete one of root's keys (even the one signing this call)."""

    def delete(root: RootAccount) -> None:
        root.delete_key(call.param("AccessKeyId") or "")

    return _root_key_call(call, "DeleteAccessKey", delete)


def update_access_key(call: Call) -> Outcome:
    """Without UserName: activate or deactivate one of root's keys."""

    def update(root: RootAccount) -> None:
        root.update_key(call.param("AccessKeyId") or "", call.param("Status") or "")

    return _root_key_call(call, "UpdateAccessKey", update)


def create_access_key(call: Call) -> Outcome:
    """Without UserName: a new root key (how a root key comes back after deletion)."""

    def create(root: RootAccount) -> dict[str, Any]:
        key = root.create_key()
        return {"AccessKey": {**_key_metadata(key), "SecretAccessKey": key.secret_access_key}}

    return _root_key_call(call, "CreateAccessKey", create)


def get_access_key_last_used(call: Call) -> Outcome:
    """Last use of a root key (moto only knows its users' keys)."""
    key = call.root.find_key(call.param("AccessKeyId") or "")
    if key is None:
        return Forward()
    last_used: dict[str, Any] = {
        "LastUsedDate": key.last_used_date,
        "ServiceName": key.last_used_service or "N/A",
        "Region": key.last_used_region or "N/A",
    }
    return query_response("iam", "GetAccessKeyLastUsed", {"AccessKeyLastUsed": last_used})


# -- identity ----------------------------------------------------------------------------------


def get_caller_identity(call: Call) -> Outcome:
    """Root's identity: ``arn:aws:iam::ACCOUNT:root`` and the account ID as UserId."""
    if not call.caller.is_root:
        return Forward()
    result = {"Arn": call.root.arn, "UserId": call.account_id, "Account": call.account_id}
    return query_response("sts", "GetCallerIdentity", result)


def get_user(call: Call) -> Outcome:
    """``GetUser`` without UserName, called by root, describes root (no UserName in it)."""
    if call.param("UserName") or not call.caller.is_root:
        return Forward()
    user = {"UserId": call.account_id, "Arn": call.root.arn, "CreateDate": call.root.created}
    return query_response("iam", "GetUser", {"User": user})


# -- account-wide signals ------------------------------------------------------------------------


def get_account_summary(call: Call) -> Outcome:
    """Set moto's two root flags from root's real state, then let moto answer."""
    summary = backends.iam(call.account_id).account_summary
    summary._account_mfa_enabled = 1 if call.root.mfa_enabled else 0
    summary._account_access_keys_present = 1 if call.root.access_keys_present else 0
    sync_root_mfa_device(call.root)
    return Forward()


def generate_credential_report(call: Call) -> Outcome:
    """Remember when the report was generated (moto reports a fixed 2015 date)."""
    if call.root.credential_report_time is None:
        call.root.credential_report_time = utcnow()
    return Forward()


def get_credential_report(call: Call) -> Outcome:
    """moto's user rows, with the ``<root_account>`` row first as in AWS."""
    if call.root.credential_report_time is None:
        return Forward()  # moto answers ReportNotPresent
    users = backends.iam(call.account_id).get_credential_report().split("\n", 1)[1]
    content = f"{_REPORT_HEADER}\n{root_report_row(call.root)}\n{users}".rstrip("\n")
    result = {
        "Content": base64.b64encode(content.encode()).decode(),
        "ReportFormat": "text/csv",
        "GeneratedTime": call.root.credential_report_time,
    }
    return query_response("iam", "GetCredentialReport", result)


def root_report_row(root: RootAccount) -> str:
    """The ``<root_account>`` line of the credential report, from root's current state."""

    def date(value: datetime | None) -> str:
        return value.strftime(_REPORT_DATE) if value else "N/A"

    key_fields: list[str] = []
    keys = root.access_keys()
    for index in range(2):
        if index < len(keys):
            key = keys[index]
            key_fields += [
                "true" if key.status == "Active" else "false",
                date(key.create_date),
                date(key.last_used_date),
                key.last_used_region or "N/A",
                key.last_used_service or "N/A",
            ]
        else:
            key_fields += ["false", "N/A", "N/A", "N/A", "N/A"]
    fields = [
        "<root_account>",
        root.arn,
        date(root.created),
        "not_supported",  # password_enabled: root always has one, AWS says not_supported
        "no_information",
        "not_supported",
        "not_supported",
        "true" if root.mfa_enabled else "false",
        *key_fields,
        "false",
        "N/A",
        "false",
        "N/A",
    ]
    return ",".join(fields)


# -- MFA ---------------------------------------------------------------------------------------


def sync_root_mfa_device(root: RootAccount) -> None:
    """Make moto's virtual-device list agree with root's MFA (it is listed, assigned to root).

    Called before every read that shows devices, so that a moto reset or a stray
    ``DeleteVirtualMFADevice`` cannot leave the two out of step.
    """
    devices: dict[str, Any] = backends.iam(root.account_id).virtual_mfa_devices
    for serial, device in list(devices.items()):
        if _is_root_device(device, root) and (root.mfa is None or root.mfa.serial_number != serial):
            del devices[serial]
    current = root.mfa
    if current is None or current.kind != "virtual" or current.serial_number in devices:
        return
    name = current.serial_number.split(":mfa", 1)[1]
    device = VirtualMfaDevice(root.account_id, "us-east-1", name)
    device.base32_string_seed = current.seed_base32 or ""
    device.enable_date = current.enable_date
    # The serializer reads ``User`` from this mapping: root's ARN and the account ID as UserId.
    owner: Any = {"Arn": root.arn, "UserId": root.account_id, "CreateDate": root.created}
    device.user = owner
    device.user_attribute = owner
    devices[current.serial_number] = device


_SECRET_ELEMENTS = re.compile(rb"<(Base32StringSeed|QRCodePNG)>[^<]*</\1>")


def _strip_seeds(status: int, body: bytes) -> bytes:
    # AWS shows a device's seed once, in CreateVirtualMFADevice; moto lists it every time.
    return _SECRET_ELEMENTS.sub(b"", body)


def _is_root_device(device: Any, root: RootAccount) -> bool:
    owner = device.user_attribute
    return isinstance(owner, dict) and owner.get("Arn") == root.arn


def list_virtual_mfa_devices(call: Call) -> Outcome:
    """Let moto list devices once root's device is in its list, without the seeds."""
    sync_root_mfa_device(call.root)
    return Forward(transform=_strip_seeds)


def list_mfa_devices(call: Call) -> Outcome:
    """Without UserName, root asking lists root's own device (of either kind)."""
    if call.param("UserName") or not call.caller.is_root:
        return Forward()
    current = call.root.mfa
    devices = (
        [{"SerialNumber": current.serial_number, "EnableDate": current.enable_date}]
        if current
        else []
    )
    return query_response("iam", "ListMFADevices", {"MFADevices": devices, "IsTruncated": False})


def enable_mfa_device(call: Call) -> Outcome:
    """Refuse codes that are not two consecutive TOTP codes of the device (moto takes any)."""
    serial = call.param("SerialNumber") or ""
    device = backends.iam(call.account_id).virtual_mfa_devices.get(serial)
    if device is None:
        return Forward()  # a hardware serial, or moto's own error for an unknown one
    if not mfa.codes_are_consecutive(
        device.base32_string_seed,
        call.param("AuthenticationCode1") or "",
        call.param("AuthenticationCode2") or "",
    ):
        return error_response(
            "iam", "InvalidAuthenticationCode", "Authentication code for device is not valid.", 403
        )
    return Forward()


# -- login profiles ----------------------------------------------------------------------------


def _user(call: Call) -> Any:
    return backends.iam(call.account_id).users.get(call.param("UserName") or "")


def create_login_profile(call: Call) -> Outcome:
    """Keep ``PasswordResetRequired`` (moto ignores it) by setting it before moto creates."""
    user = _user(call)
    if user is not None and not user.password:
        user.password_reset_required = (call.param("PasswordResetRequired") or "").lower() == "true"
    return Forward()


def update_login_profile(call: Call) -> Outcome:
    """Without Password only the flag changes (moto would wipe the whole login profile)."""
    user = _user(call)
    flag = call.param("PasswordResetRequired")
    if user is None or not user.password:
        return Forward()  # moto answers NoSuchEntity
    if call.param("Password") is None:
        if flag is not None:
            user.password_reset_required = flag.lower() == "true"
        return query_response("iam", "UpdateLoginProfile", None)
    if flag is None:
        previous = user.password_reset_required

        def keep_flag(status: int, body: bytes) -> bytes:
            # A new password alone leaves the reset flag as it was.
            user.password_reset_required = previous
            return body

        return Forward(transform=keep_flag)
    return Forward()


IAM_HANDLERS: dict[str, Handler] = {
    "ListAccessKeys": list_access_keys,
    "DeleteAccessKey": delete_access_key,
    "UpdateAccessKey": update_access_key,
    "CreateAccessKey": create_access_key,
    "GetAccessKeyLastUsed": get_access_key_last_used,
    "GetUser": get_user,
    "GetAccountSummary": get_account_summary,
    "GenerateCredentialReport": generate_credential_report,
    "GetCredentialReport": get_credential_report,
    "ListVirtualMFADevices": list_virtual_mfa_devices,
    "ListMFADevices": list_mfa_devices,
    "EnableMFADevice": enable_mfa_device,
    "CreateLoginProfile": create_login_profile,
    "UpdateLoginProfile": update_login_profile,
    "UpdateAccountPasswordPolicy": password_policy_rules.update_account_password_policy,
}
STS_HANDLERS: dict[str, Handler] = {"GetCallerIdentity": get_caller_identity}

# Name, path and password-policy checks come first, as AWS validates before it acts.
IAM_HANDLERS = iam_checks.with_checks(IAM_HANDLERS)
