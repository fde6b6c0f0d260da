"""Who is signing the requests: plain data, importable without boto3 or botocore.

Front ends show a :class:`Caller` before any change; the account reads it from STS.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Caller", "classify_arn"]


@dataclass(frozen=True)
class Caller:
    """Who is signing the requests, from ``sts:GetCallerIdentity``."""

    account_id: str
    arn: str
    user_id: str
    kind: str  # "root", "iam-user", "assumed-role", "federated-user" or "other"
    temporary: bool

    @property
    def is_root(self) -> bool:
        """True for the account's root user, with an access key or a console session."""
        return self.kind == "root"

    @property
    def partition(self) -> str:
        """The ARN partition (``aws``, ``aws-cn``, ``aws-us-gov``)."""
        parts = self.arn.split(":")
        return parts[1] if len(parts) > 1 else "aws"

    def describe(self) -> str:
        """A short phrase such as ``root user (temporary credentials)``."""
        names = {
            "root": "root user",
            "iam-user": f"IAM user {self.arn.rsplit('/', 1)[-1]}",
            "assumed-role": f"role {self.arn.split('/')[1] if '/' in self.arn else self.arn}",
            "federated-user": "federated user",
        }
        base = names.get(self.kind, self.arn)
        return f"{base} ({'temporary credentials' if self.temporary else 'access key'})"


def classify_arn(arn: str) -> str:
    """Caller kind from an ARN (root, IAM user, assumed role, federated user)."""
    resource = arn.split(":", 5)[-1] if arn.count(":") >= 5 else ""
    if resource == "root":
        return "root"
    if resource.startswith("user/"):
        return "iam-user"
    if resource.startswith("assumed-role/"):
        return "assumed-role"
    if resource.startswith("federated-user/"):
        return "federated-user"
    return "other"
