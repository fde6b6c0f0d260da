"""Which AWS API operations change something: one rule for the journal and the write guard.

Read operations are named ``Get…``, ``List…``, ``Describe…``, ``Head…`` (and IAM's
``GenerateCredentialReport``, which only prepares a report); everything else may change the
account.
"""

from __future__ import annotations

READ_PREFIXES = ("Get", "List", "Describe", "Head", "GenerateCredentialReport")


def is_write(operation: str) -> bool:
    """True for API operations that change something."""
    return not operation.startswith(READ_PREFIXES)
