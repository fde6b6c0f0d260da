"""Every error a step can meet, turned into one sentence: what happened and what to do next."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from botocore.exceptions import ClientError


class WizardError(Exception):
    """An error whose message is already a sentence fit to show the owner."""


class ConfigurationError(WizardError):
    """The AWS configuration cannot be used (unknown profile, unreadable or damaged file)."""


ACCESS_DENIED = {
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "AuthorizationError",
    "UnauthorizedAccess",
}
EXPIRED = {"ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"}
INVALID_KEY = {
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "InvalidAccessKeyId",
    "InvalidToken",
}
BAD_SIGNATURE = {"SignatureDoesNotMatch", "IncompleteSignature", "InvalidSignatureException"}
THROTTLED = {
    "Throttling",
    "ThrottlingException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "SlowDown",
    "RequestThrottled",
    "RequestThrottledException",
}
NOT_ENABLED = {"OptInRequired", "SubscriptionRequiredException", "NotSignedUp"}

# Codes that mean "could not read", so a check reports unknown rather than pass or fail.
UNREADABLE = ACCESS_DENIED | EXPIRED | INVALID_KEY | BAD_SIGNATURE | THROTTLED | NOT_ENABLED


def error_code(exc: BaseException) -> str | None:
    """The AWS error code of a ``ClientError``, else ``None``."""
    from botocore.exceptions import ClientError

    if isinstance(exc, ClientError):
        code = exc.response.get("Error", {}).get("Code")
        return str(code) if code else None
    return None


def _operation(exc: ClientError) -> str:
    """``service:Operation`` of a failed call, as AWS names it."""
    service = exc.response.get("ResponseMetadata", {}).get("ServiceName") or ""
    name = exc.operation_name or "the request"
    return f"{service}:{name}" if service else name


# AWS's authorization failure message: "User: ARN is not authorized to perform: ACTION
# [on resource: RESOURCE] because no … policy allows …" or "… with an explicit deny in …".
# S3 quotes the resource; EC2 prefixes "You are not authorized to perform this operation."
_DENIAL = re.compile(
    r"User: (?P<who>\S+) is not authorized to perform: (?P<action>[\w-]+:[\w*-]+)"
    r'(?: on resource: "?(?P<resource>[^"\s]+)"?)?'
    r"(?: (?P<why>because no [\w-]+ policy allows"
    r"|with an explicit deny(?: in an? [\w-]+ policy)?))?"
)


@dataclass(frozen=True)
class Denial:
    """What an ``AccessDenied`` message says: who, which action, on what, and why."""

    principal: str
    action: str
    resource: str | None
    explicit: bool
    policy_type: str | None

    @property
    def permission(self) -> str:
        """``iam:CreateGroup on arn:aws:iam::…:group/Administrators``, or just the action."""
        return f"{self.action} on {self.resource}" if self.resource else self.action


def parse_denial(message: str) -> Denial | None:
    """The principal, action and resource AWS names in an authorization failure, if it does."""
    found = _DENIAL.search(message)
    if found is None:
        return None
    why = found.group("why") or ""
    kind = re.search(r"(identity-based|resource-based|[\w-]+) policy", why)
    return Denial(
        principal=found.group("who"),
        action=found.group("action"),
        resource=found.group("resource"),
        explicit=why.startswith("with an explicit deny"),
        policy_type=kind.group(1) if kind else None,
    )


def _describe_denial(operation: str, message: str) -> str:
    """Name the missing permission and who can grant it (or the Deny that must go)."""
    denial = parse_denial(message)
    if denial is None:
        return (
            f"AWS denied {operation}: these credentials lack that permission"
            f"{' (' + message + ')' if message else ''}; ask an administrator to grant it, or "
            "run the wizard as the root user (for example in CloudShell) or as a user with "
            "AdministratorAccess."
        )
    who = f"AWS denied {denial.principal} the permission {denial.permission}"
    if denial.explicit:
        kind = denial.policy_type
        where = f"{'an' if kind[:1] in 'aeiou' else 'a'} {kind} policy" if kind else "a policy"
        return (
            f"{who}: an explicit Deny in {where} refuses it, and no Allow overrides a Deny; ask "
            "an administrator to remove or narrow that Deny, or run the wizard as the root user "
            "(for example in CloudShell)."
        )
    if denial.policy_type == "resource-based" and denial.action.startswith("kms:"):
        grant = f"grant {denial.action} in the key policy"
    else:
        grant = (
            f"grant {denial.action} (for example by adding you to a group with AdministratorAccess)"
        )
    return (
        f"{who}: no {denial.policy_type or 'IAM'} policy allows it; ask an administrator to "
        f"{grant}, or run the wizard as a user with AdministratorAccess or as the root user "
        "(for example in CloudShell)."
    )


def describe_error(exc: BaseException) -> str:
    """One sentence saying what happened and what to do, for any error a step can meet."""
    # botocore is imported here, not at the top: the guided TUI imports this module before its
    # first screen is drawn, and botocore alone takes a third of a second to load.
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        ConnectionClosedError,
        ConnectTimeoutError,
        EndpointConnectionError,
        NoCredentialsError,
        NoRegionError,
        PartialCredentialsError,
        ReadTimeoutError,
        TokenRetrievalError,
        UnauthorizedSSOTokenError,
    )

    if isinstance(exc, WizardError):
        return str(exc)
    if isinstance(exc, NoCredentialsError | PartialCredentialsError):
        return (
            "No AWS credentials were found: open AWS CloudShell as the root user and run the "
            "wizard there, set a profile with --profile, or try the sandbox with "
            "'aws-setup-wizard sandbox serve'."
        )
    if isinstance(exc, TokenRetrievalError | UnauthorizedSSOTokenError):
        return (
            "Your IAM Identity Center (SSO) session has expired: run 'aws sso login' for this "
            "profile, then run the wizard again."
        )
    if isinstance(exc, NoRegionError):
        return "No AWS Region is set: pass --region (for example --region us-east-1)."
    if isinstance(exc, EndpointConnectionError | ConnectTimeoutError | ConnectionClosedError):
        endpoint = getattr(exc, "kwargs", {}).get("endpoint_url", "AWS")
        return (
            f"Could not reach {endpoint}: check your network connection (or that the sandbox "
            "is still running), then run the wizard again; nothing further was changed."
        )
    if isinstance(exc, ReadTimeoutError):
        return (
            "AWS did not answer in time: check your network connection, then run the wizard "
            "again; it finds and finishes anything left half-done."
        )
    if isinstance(exc, ClientError):
        return _describe_client_error(exc)
    if isinstance(exc, BotoCoreError):
        return f"The AWS SDK failed: {exc}. Check your configuration, then run the wizard again."
    return f"Unexpected error: {exc.__class__.__name__}: {exc}"


def _describe_client_error(exc: ClientError) -> str:
    code = error_code(exc) or "Unknown"
    message = str(exc.response.get("Error", {}).get("Message", "")).strip()
    operation = _operation(exc)
    if code in ACCESS_DENIED:
        return _describe_denial(operation, message)
    if code in EXPIRED:
        return (
            "Your temporary credentials have expired: sign in again (or refresh CloudShell) "
            "and run the wizard again."
        )
    if code in INVALID_KEY:
        return (
            "AWS does not recognise this access key (it was deleted, deactivated or mistyped): "
            "use other credentials, such as CloudShell as root or the admin user's profile."
        )
    if code in BAD_SIGNATURE:
        return (
            "The secret access key does not match the access key ID: re-enter the secret "
            "exactly as AWS showed it, or create a new key."
        )
    if code in THROTTLED:
        return (
            f"AWS is throttling requests ({operation}) even after retries: wait a minute and "
            "run the wizard again; it continues where it stopped."
        )
    if code in NOT_ENABLED:
        return (
            f"{operation} is not available in this Region or account ({message or code}): "
            "enable the service or choose another Region with --region."
        )
    detail = f"{code}: {message}" if message else code
    return f"{operation} failed ({detail}); fix the cause above and run the wizard again."
