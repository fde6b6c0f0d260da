"""CloudTrail: one multi-Region trail recording every management event, stored safely.

Security Hub CloudTrail.1/.2/.4/.6 and KMS.4; CIS AWS Foundations v5.0 and v3.0 3.1, 3.2, 3.5
and 3.6 (the Logging section kept its numbers between the two versions). The check reads one
trail (a multi-Region trail, preferably homed in this Region) with at most nine API calls,
eight of them concurrent, and judges by outcome first: what ``GetTrailStatus`` says the latest
delivery did (see ``verdicts``). The plan repairs an existing multi-Region trail rather
than creating a second one, because CloudTrail charges for every copy of management events
after the first.

The package's modules, one job each: ``facts`` (what was read), ``judgements`` (pure
rules), ``reading`` (the API reads), ``verdicts`` (the check's answer), ``planning`` (options
and changes with their calls) and ``applying`` (the dispatcher's hooks: reuse and adopt after an
interruption); this module holds the step itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ClientError

from aws_setup_wizard.account import Account
from aws_setup_wizard.dispatch import Found, Prepared, Recovered
from aws_setup_wizard.errors import WizardError, describe_error
from aws_setup_wizard.model import Change, Check, Plan
from aws_setup_wizard.steps.base import OptionValues, Step, require_known, unknown
from aws_setup_wizard.steps.cloudtrail import applying
from aws_setup_wizard.steps.cloudtrail.facts import Inspection, Trail
from aws_setup_wizard.steps.cloudtrail.judgements import (
    bucket_policy_ok,
    fixed_selectors,
    merged_policy,
    pick_candidate,
    records_all_management_events,
)
from aws_setup_wizard.steps.cloudtrail.planning import (
    OPTIONS,
    Draft,
    Settings,
    choose_target,
    plan_new_trail,
    plan_repair,
    repair_note,
)
from aws_setup_wizard.steps.cloudtrail.reading import ReadError, gather, list_trails
from aws_setup_wizard.steps.cloudtrail.verdicts import no_trail, verdict

# The names other modules and the tests import from ``aws_setup_wizard.steps.cloudtrail``.
__all__ = [
    "CloudTrailStep",
    "Trail",
    "bucket_policy_ok",
    "fixed_selectors",
    "merged_policy",
    "records_all_management_events",
]


class CloudTrailStep(Step):
    """Record every management event, in every Region, into a locked-down bucket."""

    id = "cloudtrail"
    title = "Record account activity with CloudTrail"
    controls = (
        "Security Hub CloudTrail.1",
        "CIS AWS Foundations v5.0 3.1",
        "CIS AWS Foundations v3.0 3.1",
        "Security Hub CloudTrail.2",
        "CIS AWS Foundations v5.0 3.5",
        "CIS AWS Foundations v3.0 3.5",
        "Security Hub CloudTrail.4",
        "CIS AWS Foundations v5.0 3.2",
        "CIS AWS Foundations v3.0 3.2",
        "Security Hub CloudTrail.6",
        "Security Hub KMS.4",
        "CIS AWS Foundations v5.0 3.6",
        "CIS AWS Foundations v3.0 3.6",
    )
    options = OPTIONS
    services = ("cloudtrail", "s3", "kms")

    def inspect(self, account: Account) -> Inspection:
        """Read the best multi-Region trail and judge it (at most seven calls)."""
        try:
            trails = list_trails(account)
        except ReadError as exc:
            return Inspection((), None, unknown(exc, "the account's trails"))
        candidate = pick_candidate(trails, account.region)
        if candidate is None:
            return Inspection(trails, None, no_trail(trails))
        try:
            facts = gather(account, candidate)
        except ReadError as exc:
            return Inspection(trails, None, unknown(exc, f"the status of trail {candidate.name}"))
        return Inspection(trails, facts, verdict(facts))

    def check(self, account: Account) -> Check:
        """Pass only when a multi-Region trail meets every requirement of the controls."""
        return self.inspect(account).check

    def plan(self, account: Account, options: OptionValues) -> Plan:
        """Repair the existing trail or create one: only the changes that are needed."""
        inspection = self.inspect(account)
        require_known(inspection.check)
        if inspection.check.passed:
            return Plan(self.id)
        settings = Settings.from_options(options, account)
        draft = Draft()
        try:
            self._draft(draft, account, inspection, settings)
        except ReadError as exc:
            raise WizardError(f"Cannot plan this step: {describe_error(exc)}") from exc
        if not draft.changes:
            # Only AWS's delivery outcome fails, and nothing this tool checks explains it.
            raise WizardError(
                f"Nothing to change here, yet the check fails: {inspection.check.summary} The "
                "configuration this tool checks is right now; the next delivery (within about "
                "15 minutes) shows whether the cause is gone. If the error stays, look for what "
                "this tool cannot see: an organization SCP, or a bucket or key another account "
                "controls."
            )
        if not settings.use_kms:
            draft.notes.append(
                "Without a KMS key the logs are encrypted with S3-managed keys only: the check "
                "keeps failing Security Hub CloudTrail.2 and CIS 3.5 until a key is added."
            )
        return Plan(
            self.id,
            tuple(draft.changes),
            notes=tuple(draft.notes),
            context={"use_kms": settings.use_kms},
        )

    def _draft(
        self, draft: Draft, account: Account, inspection: Inspection, settings: Settings
    ) -> None:
        target = choose_target(inspection.trails, settings.trail_name, account.region)
        if target is None:
            plan_new_trail(draft, account, settings)
            return
        facts = inspection.facts
        if facts is None or facts.trail != target:
            facts = gather(account, target)
        if facts.bucket.unreadable or facts.key.unreadable:
            raise WizardError(
                f"Cannot plan this step: {facts.bucket.unreadable or facts.key.unreadable}."
            )
        if target.multi_region:
            draft.notes.append(repair_note(target, settings))
        elif any(trail.multi_region for trail in inspection.trails):
            draft.notes.append(
                f"Trail {target.name} becomes a second multi-Region trail: CloudTrail charges "
                "for every management event it records (the first copy is free)."
            )
        plan_repair(draft, account, facts, settings)

    def prepare(self, account: Account, change: Change, params: Mapping[str, Any]) -> Prepared:
        """Before a call: find what an interrupted run already made (see ``applying``)."""
        return applying.prepare(account, change, params)

    def find_made(
        self, account: Account, change: Change, params: Mapping[str, Any]
    ) -> Found | None:
        """After a lost answer: the bucket, key, alias or trail exists, or it does not."""
        return applying.find_made(account, change, params)

    def recover(
        self, account: Account, change: Change, error: ClientError, params: Mapping[str, Any]
    ) -> Recovered | None:
        """After a refusal: adopt what already exists (see ``applying``)."""
        return applying.recover(account, change, error, params)
