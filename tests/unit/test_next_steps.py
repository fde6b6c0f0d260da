"""The summary's next steps go beyond the registered steps, never back over them."""

from __future__ import annotations

import re

from aws_setup_wizard.dialogue import NEXT_STEPS
from aws_setup_wizard.steps import STEPS

#: Names in step titles that belong to every step, or to advice beyond them (IAM Identity
#: Center, AWS Organizations), rather than to one step's subject.
SHARED_NAMES = {"AWS", "IAM"}


def _subjects(title: str) -> set[str]:
    """A step title's product names: words with two capitals or a digit, and what it brackets."""
    words = set(re.findall(r"\b[A-Z][A-Za-z]*[A-Z0-9][A-Za-z0-9]*\b", title)) - SHARED_NAMES
    return words | set(re.findall(r"\(([^)]+)\)", title))


def test_step_subjects_are_found_in_titles() -> None:
    subjects = {step.id: _subjects(step.title) for step in STEPS}
    assert subjects["guardduty"] == {"GuardDuty"}
    assert subjects["access-analyzer"] == {"IAM Access Analyzer"}
    assert subjects["ebs-encryption"] == {"EBS"}


def test_next_steps_never_ask_for_what_a_step_already_checks() -> None:
    for step in STEPS:
        for subject in _subjects(step.title):
            for advice in NEXT_STEPS:
                assert subject not in advice, f"{step.id}: {advice!r} repeats {subject!r}"
