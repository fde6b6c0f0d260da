"""Drifts of two day-one guardrails: the account password policy and account-level S3 Block
Public Access (the ``password-policy`` and ``s3-block-public-access`` steps).

Each is made from the ``done`` scenario (14 characters, reuse of 24 prevented, all four Block
Public Access flags on) with the calls an owner in CloudShell would make, signed with root's
console session: ``iam:UpdateAccountPasswordPolicy`` / ``DeleteAccountPasswordPolicy`` (IAM API
Reference) and ``s3control:PutPublicAccessBlock`` / ``DeletePublicAccessBlock`` (Amazon S3 API
Reference, S3 Control).

The catalogue (:mod:`aws_setup_wizard.sandbox.drifts`) takes these in.
"""

from __future__ import annotations

from typing import Any

from aws_setup_wizard.sandbox.drift_model import Drift, Place

PASSWORD_POLICY, BLOCK_PUBLIC_ACCESS = "password-policy", "s3-block-public-access"


def _delete_password_policy(place: Place) -> None:
    """The owner deletes the password policy (IAM → Account settings → Delete)."""
    place.clients("iam").delete_account_password_policy()


def _password_policy(place: Place, **settings: Any) -> None:
    """Replace the policy with ``settings`` (the call replaces it whole, as in AWS)."""
    place.clients("iam").update_account_password_policy(**settings)


def _length_lowered(place: Place) -> None:
    """Someone lowers the minimum length to 8, keeping reuse prevention."""
    _password_policy(
        place, MinimumPasswordLength=8, PasswordReusePrevention=24, AllowUsersToChangePassword=True
    )


def _reuse_removed(place: Place) -> None:
    """The policy is re-saved without reuse prevention (the box unticked)."""
    _password_policy(place, MinimumPasswordLength=14, AllowUsersToChangePassword=True)


def _length_lowered_on_stricter_policy(place: Place) -> None:
    """A policy made stricter (symbols, numbers, 90-day hard expiry) then lowered to 10."""
    _password_policy(
        place,
        MinimumPasswordLength=10,
        PasswordReusePrevention=24,
        RequireSymbols=True,
        RequireNumbers=True,
        MaxPasswordAge=90,
        HardExpiry=True,
        AllowUsersToChangePassword=False,
    )


def _stricter_policy(place: Place) -> None:
    """The owner asks for 20 characters and every character class: still a pass."""
    _password_policy(
        place,
        MinimumPasswordLength=20,
        PasswordReusePrevention=24,
        RequireSymbols=True,
        RequireNumbers=True,
        RequireUppercaseCharacters=True,
        RequireLowercaseCharacters=True,
        AllowUsersToChangePassword=True,
    )


def _flags(place: Place, **off: bool) -> None:
    """Put the account's Block Public Access with the named flags off, the rest on."""
    flags = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
    place.clients("s3control").put_public_access_block(
        AccountId=place.account_id,
        PublicAccessBlockConfiguration={flag: off.get(flag, True) for flag in flags},
    )


def _delete_block_public_access(place: Place) -> None:
    """The owner deletes the account-level configuration (to host a public website, say)."""
    place.clients("s3control").delete_public_access_block(AccountId=place.account_id)


def _restrict_public_buckets_off(place: Place) -> None:
    """RestrictPublicBuckets turned off: public bucket policies grant public access again."""
    _flags(place, RestrictPublicBuckets=False)


def _acls_and_policies_allowed(place: Place) -> None:
    """BlockPublicAcls and BlockPublicPolicy off: new public ACLs and policies accepted."""
    _flags(place, BlockPublicAcls=False, BlockPublicPolicy=False)


GUARD_DRIFTS: tuple[Drift, ...] = (
    Drift("the password policy deleted", PASSWORD_POLICY, _delete_password_policy),
    Drift("the minimum password length lowered to 8", PASSWORD_POLICY, _length_lowered),
    Drift("password reuse prevention removed", PASSWORD_POLICY, _reuse_removed),
    Drift(
        "a stricter password policy lowered to 10 characters",
        PASSWORD_POLICY,
        _length_lowered_on_stricter_policy,
    ),
    Drift("a stricter password policy still passes", PASSWORD_POLICY, _stricter_policy),
    Drift("account Block Public Access deleted", BLOCK_PUBLIC_ACCESS, _delete_block_public_access),
    Drift("RestrictPublicBuckets turned off", BLOCK_PUBLIC_ACCESS, _restrict_public_buckets_off),
    Drift(
        "BlockPublicAcls and BlockPublicPolicy turned off",
        BLOCK_PUBLIC_ACCESS,
        _acls_and_policies_allowed,
    ),
)
