"""The account password policy, enforced where AWS enforces it; moto enforces none of it.

Followed: IAM User Guide, "Set an account password policy for IAM users" (the custom policy's
rules, the symbol set, and "Default password policy": without a custom policy a password must
have 8 to 128 characters and at least three of uppercase letters, lowercase letters, numbers and
symbols); IAM API Reference, CreateLoginProfile, UpdateLoginProfile and ChangePassword
(``PasswordPolicyViolation``, HTTP 400). moto has no ``ChangePassword`` at all, so the layer
answers it here for the IAM user who signs it.

Reuse prevention needs the previous passwords. Only salted scrypt hashes of them are kept, on
moto's user object, so a moto reset forgets them with the user and nothing readable is stored
by the sandbox (moto itself keeps the current password: that is moto's model, not ours).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import string
from collections.abc import Callable
from typing import Any

from aws_setup_wizard.sandbox import backends
from aws_setup_wizard.sandbox.call import Call, Forward, Outcome, Transform
from aws_setup_wizard.sandbox.protocol import Response, error_response, query_response

#: The symbols IAM counts (IAM User Guide, "Set an account password policy": "! @ # $ % ^ & *
#: ( ) _ + - = [ ] { } | '").
SYMBOLS = frozenset("!@#$%^&*()_+-=[]{}|'")
MAX_LENGTH = 128
DEFAULT_MIN_LENGTH = 8
VIOLATION = "Password does not conform to the account password policy."
_HISTORY = "_sandbox_password_hashes"  # attribute on moto's User holding (salt, hash) pairs
_KEEP = 24  # the highest PasswordReusePrevention IAM accepts


def _classes(password: str) -> dict[str, bool]:
    return {
        "upper": any(ch in string.ascii_uppercase for ch in password),
        "lower": any(ch in string.ascii_lowercase for ch in password),
        "number": any(ch in string.digits for ch in password),
        "symbol": any(ch in SYMBOLS for ch in password),
    }


def complies(password: str, policy: Any | None) -> bool:
    """Whether ``password`` meets moto's stored account policy (``None``: AWS's default)."""
    if len(password) > MAX_LENGTH:
        return False
    present = _classes(password)
    if policy is None:
        return len(password) >= DEFAULT_MIN_LENGTH and sum(present.values()) >= 3
    required = {
        "upper": policy.require_uppercase_characters,
        "lower": policy.require_lowercase_characters,
        "number": policy.require_numbers,
        "symbol": policy.require_symbols,
    }
    if len(password) < int(policy.minimum_password_length or 0):
        return False
    return all(present[kind] for kind, needed in required.items() if needed)


def _digest(password: str, salt: bytes) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=2**12, r=8, p=1, dklen=32)


def _history(user: Any) -> list[tuple[bytes, bytes]]:
    found: list[tuple[bytes, bytes]] = getattr(user, _HISTORY, [])
    return found


def remember(user: Any, password: str) -> None:
    """Add the password just set to the user's hash-only history (newest last)."""
    salt = os.urandom(16)
    setattr(user, _HISTORY, [*_history(user), (salt, _digest(password, salt))][-_KEEP:])


def reused(user: Any, password: str, generations: int) -> bool:
    """Whether ``password`` is one of the user's last ``generations`` passwords."""
    if generations <= 0:
        return False
    recent = _history(user)[-generations:]
    return any(hmac.compare_digest(_digest(password, salt), held) for salt, held in recent)


def _policy(call: Call) -> Any | None:
    return backends.iam(call.account_id).account_password_policy


def _refusal(user: Any, password: str, call: Call) -> Response | None:
    """``PasswordPolicyViolation`` when ``password`` breaks the policy or repeats an old one."""
    policy = _policy(call)
    reuse = int(getattr(policy, "password_reuse_prevention", 0) or 0)
    if complies(password, policy) and not (user is not None and reused(user, password, reuse)):
        return None
    return error_response("iam", "PasswordPolicyViolation", VIOLATION, 400)


def _remember_on_success(user: Any, password: str, inner: Outcome) -> Outcome:
    """Forward as ``inner`` would, and record the password once moto has accepted it."""
    earlier: Transform | None = inner.transform if isinstance(inner, Forward) else None

    def record(status: int, body: bytes) -> bytes:
        if status == 200:
            remember(user, password)
        return earlier(status, body) if earlier is not None else body

    if inner is None or isinstance(inner, Forward):
        return Forward(transform=record)
    return inner  # the next handler answered itself (an error): nothing was set


def guard_login_profile(call: Call, then: Callable[[Call], Outcome]) -> Outcome:
    """CreateLoginProfile / UpdateLoginProfile: check a given password, then carry on."""
    password = call.request.params.get("Password")
    if password is None:
        return then(call)
    user = backends.iam(call.account_id).users.get(call.param("UserName") or "")
    refused = _refusal(user, password, call)
    if refused is not None:
        return refused
    return _remember_on_success(user, password, then(call)) if user is not None else then(call)


def _calling_user(call: Call) -> Any | None:
    if call.caller.kind != "moto":
        return None
    iam = backends.iam(call.account_id)
    key = iam.access_keys.get(call.caller.access_key_id)
    return iam.users.get(getattr(key, "user_name", None) or "") if key is not None else None


def change_password(call: Call) -> Outcome:
    """An IAM user changes their own console password (moto does not implement this).

    Only an IAM user with a console password may; the old password must be the current one.
    Which error AWS gives for a wrong old password is not documented; ``InvalidUserType`` is the
    one the API Reference lists besides the policy violation, so the sandbox answers with it.
    """
    user = _calling_user(call)
    if user is None:
        return error_response(
            "iam", "InvalidUserType", "Only IAM users can change their own password.", 400
        )
    if not user.password:
        return error_response(
            "iam", "NoSuchEntity", f"Login Profile for User {user.name} cannot be found.", 404
        )
    if call.request.params.get("OldPassword") != user.password:
        return error_response("iam", "InvalidUserType", "The old password is incorrect.", 400)
    new = call.request.params.get("NewPassword") or ""
    refused = _refusal(user, new, call)
    if refused is not None:
        return refused
    user.password = new
    user.password_reset_required = False  # the change is what the reset flag asked for
    remember(user, new)
    return query_response("iam", "ChangePassword", None)
