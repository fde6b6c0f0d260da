"""Which AWS API operations change something: one rule for the journal and the write guard.

Read operations are named ``Get…``, ``List…``, ``Describe…``, ``Head…`` (and IAM's
``GenerateCredentialReport``, which only prepares a report, and EventBridge's
``TestEventPattern``, which only matches a sample event); everything else may change the account.
"""

from __future__ import annotations

# TestEventPattern (EventBridge) only evaluates a pattern against a sample event: it reads
# nothing of the account and changes nothing (the root-activity-alert check asks it).
READ_PREFIXES = ("Get", "List", "Describe", "Head", "GenerateCredentialReport", "TestEventPattern")


def is_write(operation: str) -> bool:
    """True for API operations that change something."""
    return not operation.startswith(READ_PREFIXES)
