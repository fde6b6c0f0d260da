"""EBS encryption by default in every enabled Region: no new volume is ever left unencrypted.

Security Hub EC2.7 / CIS AWS Foundations v5.0 5.1.1 / AWS Startup Security Baseline WKLD.08 want
``ec2:GetEbsEncryptionByDefault`` to answer ``true``. The setting is per account *and per
Region* (Amazon EBS User Guide, "Enable Amazon EBS encryption by default": "Encryption by default
is a Region-specific setting"), so the check reads it in every Region the account has enabled
(:meth:`~aws_setup_wizard.account.Account.per_region`) and the plan has one
``EnableEbsEncryptionByDefault`` per Region where it is off.

Which key encrypts: the Region's default KMS key for EBS (``GetEbsDefaultKmsKeyId``), the AWS
managed ``alias/aws/ebs`` unless someone set a customer managed key with
``ModifyEbsDefaultKmsKeyId`` (EC2 API Reference). The check reads it only where encryption by
default is on (where it is in use, one more call in those Regions), and reports it as evidence;
the plan reads it in the Regions it will change, so the owner knows which key new volumes
there will use. The verdict rests on the flag alone, as EC2.7's does: a key that cannot be read
is said so in the evidence, never turned into a pass or a fail of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from aws_setup_wizard.account import Account
from aws_setup_wizard.dispatch import Found
from aws_setup_wizard.errors import describe_error
from aws_setup_wizard.model import ApiCall, Change, Check, Plan, Status
from aws_setup_wizard.regions import RegionValue, judge_regions
from aws_setup_wizard.steps.base import OptionValues, Step, require_known, unknown

#: What ``GetEbsDefaultKmsKeyId`` answers while no customer managed key is set: the AWS managed
#: key for EBS, which AWS creates in the Region the first time it is needed (AWS CLI Command
#: Reference, ``get-ebs-default-kms-key-id``, example output).
AWS_MANAGED_KEY = "alias/aws/ebs"
WHAT = "EBS encryption by default"


@dataclass(frozen=True)
class RegionSetting:
    """One Region's answer: encryption by default on or off, and its default KMS key.

    ``key`` is ``None`` where it was not read (encryption off, in the check) or could not be
    read (``key_error`` then says why).
    """

    enabled: bool
    key: str | None = None
    key_error: str | None = None


def key_kind(key: str) -> str:
    """``"AWS managed"`` for ``alias/aws/ebs`` (by name or ARN), else ``"customer managed"``."""
    return "AWS managed" if key.endswith(AWS_MANAGED_KEY) else "customer managed"


def read_key(account: Account, region: str) -> tuple[str | None, str | None]:
    """``(key, None)`` or ``(None, reason)``: the Region's default KMS key for EBS."""
    try:
        answer = account.client("ec2", region).get_ebs_default_kms_key_id()
    except (ClientError, BotoCoreError) as exc:
        return None, describe_error(exc)
    key = answer.get("KmsKeyId")
    if not isinstance(key, str) or not key:
        return None, "GetEbsDefaultKmsKeyId answered without a KmsKeyId"
    return key, None


def read_region(account: Account, region: str) -> RegionSetting:
    """The setting in ``region``; the default key only where encryption by default is on."""
    answer = account.client("ec2", region).get_ebs_encryption_by_default()
    enabled = answer.get("EbsEncryptionByDefault")
    if not isinstance(enabled, bool):
        # Never guess a verdict from an answer without the flag: judged unknown for the Region.
        raise ValueError(f"GetEbsEncryptionByDefault answered without the flag: {answer!r}")
    if not enabled:
        return RegionSetting(False)
    key, error = read_key(account, region)
    return RegionSetting(True, key, error)


def judge_region(region: str, setting: RegionSetting) -> Check:
    """Pass where encryption by default is on, fail where it is off; the key as evidence."""
    evidence: dict[str, Any] = {"encryption_by_default": setting.enabled}
    if not setting.enabled:
        return Check(
            Status.FAIL,
            f"EBS encryption by default is off in {region}: new volumes there are created "
            "unencrypted unless whoever creates them asks for encryption.",
            evidence,
        )
    if setting.key is not None:
        evidence.update(default_kms_key=setting.key, key_kind=key_kind(setting.key))
        said = f"{setting.key}, {key_kind(setting.key)}"
    else:
        evidence["default_kms_key_error"] = setting.key_error
        said = f"default key not readable: {setting.key_error}"
    return Check(Status.PASS, f"EBS encryption by default is on in {region} ({said}).", evidence)


class EbsEncryptionStep(Step):
    """EBS encryption by default on in every enabled Region."""

    id = "ebs-encryption"
    title = "Encrypt every new EBS volume, in every Region"
    controls = (
        "Security Hub EC2.7",
        "CIS AWS Foundations v5.0 5.1.1",
        "AWS Startup Security Baseline WKLD.08",
    )
    checks = (
        "EBS encryption by default is on in every enabled Region (ec2 GetEbsEncryptionByDefault, "
        "EC2.7)",
        "the default KMS key of each Region where it is on (GetEbsDefaultKmsKeyId), as evidence",
    )
    services = ("ec2",)
    group = "Guardrails"
    regional = True

    def check(self, account: Account) -> Check:
        """Read the flag in every enabled Region at once; name each Region where it is off."""
        try:
            results = account.per_region(lambda region: read_region(account, region))
        except (ClientError, BotoCoreError) as exc:
            return unknown(exc, "the account's enabled Regions (ec2:DescribeRegions)")
        verdict = judge_regions(results, judge_region, what=WHAT)
        keys = {
            outcome.region: outcome.value.key
            for outcome in results
            if isinstance(outcome, RegionValue) and outcome.value.key is not None
        }
        evidence = {**verdict.evidence, "default_kms_keys": keys}
        summary = verdict.summary
        if verdict.status is Status.FAIL:
            # combine() names the Regions; say what that means for a volume made there.
            summary += " New EBS volumes there are created unencrypted unless asked."
        return Check(verdict.status, summary, evidence)

    def plan(self, account: Account, options: OptionValues) -> Plan:
        """One ``EnableEbsEncryptionByDefault`` per Region where the setting is off."""
        check = self.check(account)
        require_known(check)
        if check.passed:
            return Plan(self.id)
        failing = list(check.evidence.get("failing_regions", []))
        # Which key each Region would use: read now (a plan may take a moment; verify may not).
        keys = account.per_region(lambda region: read_key(account, region), failing)
        changes = []
        for region in failing:
            outcome = keys[region]
            if isinstance(outcome, RegionValue):
                key, error = outcome.value
            else:
                key, error = None, describe_error(outcome.error)
            if key is not None:
                with_key = f"with the Region's default key {key} ({key_kind(key)})"
            else:
                with_key = f"with the Region's default key (not readable: {error})"
            changes.append(
                Change(
                    "ec2:EnableEbsEncryptionByDefault",
                    f"Region {region}",
                    f"encrypt every new EBS volume and snapshot copy in {region} {with_key}",
                    call=ApiCall("ec2", "EnableEbsEncryptionByDefault", {}, region=region),
                )
            )
        notes = [
            "Only new volumes change: existing unencrypted volumes and snapshots stay as they "
            "are (to encrypt one, copy a snapshot of it with encryption and make a new volume).",
            "Every current EC2 instance type supports EBS encryption; an instance type that "
            "does not cannot launch with new volumes in these Regions.",
            "Costs nothing: the setting is free, encrypted volumes cost the same as unencrypted "
            "ones, and the AWS managed key alias/aws/ebs has no monthly fee (EBS's few KMS "
            "requests per volume count towards KMS's free 20,000 requests a month).",
        ]
        read_keys = [key for key, _ in keys.values().values() if key is not None]
        if any(key_kind(key) == "customer managed" for key in read_keys):
            notes.append(
                "A Region here has a customer managed default key: if that key is disabled or "
                "deleted, instances with new volumes there fail to launch."
            )
        unknown_regions = list(check.evidence.get("unknown_regions", []))
        if unknown_regions:
            notes.append(
                "Not planned, because they could not be read: "
                + ", ".join(unknown_regions)
                + ". Run verify again once they can be."
            )
        return Plan(self.id, tuple(changes), notes=tuple(notes))

    def confirmation_notes(self, account: Account, plan: Plan) -> tuple[str, ...]:
        """The cost and the effect on existing volumes, said again just before confirming."""
        regions = [change.call.region for change in plan.changes if change.call is not None]
        if not regions:
            return ()
        return (
            f"Turns on EBS encryption by default in {len(regions)} Region(s): "
            f"{', '.join(str(region) for region in regions)}. Free; existing volumes unchanged.",
        )

    def find_made(
        self, account: Account, change: Change, params: Mapping[str, Any]
    ) -> Found | None:
        """After a lost answer: whether the flag now reads ``true`` in the change's Region.

        Sending again is harmless either way (the call sets a flag, it creates nothing).
        """
        if change.call is None or change.call.operation != "EnableEbsEncryptionByDefault":
            return None
        region = change.call.region or account.region
        return Found(read_region(account, region).enabled)
