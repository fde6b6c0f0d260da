"""GuardDuty on in every enabled Region: a detector whose status is ``ENABLED`` in each.

GuardDuty is regional: "To start using GuardDuty, you must create a detector in each Region
where you enable the service. You can have only one detector per account per Region"
(GuardDuty API Reference, CreateDetector). AWS Startup Security Baseline ACCT.11 asks for it in
every Region and Security Hub GuardDuty.1 fails an account whose Region has no enabled detector
(AWS Security Hub User Guide, "Security Hub controls for GuardDuty").

The check reads ``ListDetectors`` and then ``GetDetector`` (its ``Status``: ``ENABLED`` or
``DISABLED``, a suspended detector reading ``DISABLED``; API Reference, GetDetector) in each
enabled Region through :meth:`Account.per_region`, so one Region's refusal is that Region's
``unknown`` and never a pass. The plan repairs exactly the cause: ``CreateDetector(Enable=
true)`` where there is none, ``UpdateDetector(Enable=true)`` where it is suspended.

``CreateDetector`` is not idempotent for the wizard's purpose: a second call for the same
Region is refused ("The request is rejected because a detector already exists for the current
account.", ``BadRequestException``), so a create whose answer was lost is settled by reading
(:meth:`GuardDutyStep.find_made`) and that refusal is settled by reading the detector that
exists (:meth:`GuardDutyStep.recover`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from aws_setup_wizard.account import Account
from aws_setup_wizard.dispatch import Found, Recovered
from aws_setup_wizard.errors import error_code
from aws_setup_wizard.model import ApiCall, Change, Check, Plan, Status
from aws_setup_wizard.regions import RegionalResults, judge_regions
from aws_setup_wizard.steps.base import OptionValues, Step, require_known, unknown

SERVICE = "guardduty"
ENABLED = "ENABLED"
#: What GuardDuty calls the refusal of a second detector in one Region (BadRequestException).
ALREADY_EXISTS = "a detector already exists"
WHAT = "GuardDuty threat detection"
PRICING_URL = "https://aws.amazon.com/guardduty/pricing/"

#: Said before the owner confirms: what GuardDuty costs, in plain words, with the source.
COST_NOTES = (
    "Cost: GuardDuty is not free. Each Region where it is turned on for the first time gets a "
    "30-day free trial; after that AWS bills by usage in every Region where it is on: per "
    "million CloudTrail management events analysed and per GB of VPC flow logs and DNS query "
    "logs analysed, plus, for the protection plans a new detector turns on by default (S3 "
    "data events, EKS audit logs, EBS malware scans, RDS and Lambda activity), by what each "
    "analyses. A quiet new account usually costs little; one with busy workloads can cost "
    f"much more. Source: Amazon GuardDuty pricing, {PRICING_URL}.",
    "During the trial the GuardDuty console (Usage) estimates what each Region will cost "
    "afterwards; a suspended detector costs nothing but also detects nothing.",
)


@dataclass(frozen=True)
class Detector:
    """One GuardDuty detector as ``GetDetector`` reports it."""

    detector_id: str
    status: str

    @property
    def enabled(self) -> bool:
        """True only for ``ENABLED`` (``DISABLED`` is how a suspended detector reads)."""
        return self.status == ENABLED


def read_detectors(account: Account, region: str) -> tuple[Detector, ...]:
    """Every detector of the account in ``region`` with its status (normally none or one)."""
    client = account.client(SERVICE, region)
    ids: list[str] = []
    token: str | None = None
    while True:
        page = client.list_detectors(**({"NextToken": token} if token else {}))
        ids.extend(str(detector_id) for detector_id in page.get("DetectorIds", []))
        token = page.get("NextToken") or None
        if token is None:
            break
    return tuple(
        Detector(detector_id, str(client.get_detector(DetectorId=detector_id).get("Status")))
        for detector_id in ids
    )


def judge_region(region: str, detectors: tuple[Detector, ...]) -> Check:
    """One Region's verdict: pass with an enabled detector; else fail, naming the cause."""
    evidence = {
        "detectors": [{"id": d.detector_id, "status": d.status} for d in detectors],
    }
    if any(d.enabled for d in detectors):
        return Check(Status.PASS, f"GuardDuty is on in {region}.", evidence)
    if not detectors:
        return Check(Status.FAIL, f"No GuardDuty detector in {region}.", evidence)
    statuses = ", ".join(f"{d.detector_id} is {d.status}" for d in detectors)
    return Check(
        Status.FAIL, f"The GuardDuty detector in {region} is suspended ({statuses}).", evidence
    )


def _causes(check: Check) -> str:
    """``no detector in eu-west-1, us-east-2; detector suspended in ap-south-1``."""
    regions: Mapping[str, Any] = check.evidence.get("regions", {})
    missing: list[str] = []
    suspended: list[str] = []
    for region, verdict in regions.items():
        if verdict["status"] != Status.FAIL.value:
            continue
        (suspended if verdict["evidence"].get("detectors") else missing).append(region)
    parts = []
    if missing:
        parts.append("no detector in " + ", ".join(sorted(missing)))
    if suspended:
        parts.append("detector suspended in " + ", ".join(sorted(suspended)))
    return "; ".join(parts)


def _count(regions: list[str]) -> str:
    """``1 Region`` or ``3 Regions``."""
    return f"{len(regions)} Region" + ("" if len(regions) == 1 else "s")


def judge(results: RegionalResults[tuple[Detector, ...]]) -> Check:
    """The step verdict: every Region's own, combined; a failure names each Region's cause
    (and the Regions that could not be read, which stay unknown, never pass)."""
    check = judge_regions(results, judge_region, what=WHAT)
    if check.status is not Status.FAIL:
        return check
    failing, unread = check.evidence["failing_regions"], check.evidence["unknown_regions"]
    summary = f"{WHAT} is not in place in {_count(failing)}: {_causes(check)}"
    if unread:
        summary += f"; could not read {_count(unread)}: {', '.join(unread)}"
    return Check(Status.FAIL, summary + ".", check.evidence)


class GuardDutyStep(Step):
    """GuardDuty turned on (a detector with status ENABLED) in every enabled Region."""

    id = "guardduty"
    title = "Turn on GuardDuty threat detection in every Region"
    controls = ("AWS Startup Security Baseline ACCT.11", "Security Hub GuardDuty.1")
    checks = (
        "a GuardDuty detector exists in every enabled Region (ListDetectors)",
        "each Region's detector is ENABLED, not suspended (GetDetector; GuardDuty.1)",
    )
    services = ("guardduty", "ec2")
    group = "Guardrails"
    regional = True

    def check(self, account: Account) -> Check:
        """Pass only when every enabled Region has an ENABLED detector; name the others."""
        try:
            results = account.per_region(lambda region: read_detectors(account, region))
        except (ClientError, BotoCoreError) as exc:
            # Without the list of enabled Regions no Region can be judged, least of all passed.
            return unknown(exc, "the account's enabled Regions (ec2:DescribeRegions)")
        return judge(results)

    def plan(self, account: Account, options: OptionValues) -> Plan:
        """Per failing Region: CreateDetector where there is none, UpdateDetector if suspended."""
        check = self.check(account)
        require_known(check)
        if check.passed:
            return Plan(self.id)
        changes: list[Change] = []
        regions: Mapping[str, Any] = check.evidence.get("regions", {})
        for region, verdict in sorted(regions.items()):
            if verdict["status"] != Status.FAIL.value:
                continue
            detectors = verdict["evidence"].get("detectors", [])
            if not detectors:
                changes.append(_create(region))
            else:
                changes.extend(_resume(region, str(d["id"])) for d in detectors)
        notes = list(COST_NOTES)
        unread = check.evidence.get("unknown_regions", [])
        if unread:
            notes.append(
                "Not changed: " + ", ".join(unread) + " could not be read; run again once they "
                "can be (the check stays unknown until then)."
            )
        return Plan(self.id, tuple(changes), notes=tuple(notes))

    def find_made(
        self, account: Account, change: Change, params: Mapping[str, Any]
    ) -> Found | None:
        """After a lost answer: is there now an enabled detector in the change's Region?

        A ``CreateDetector`` is made when one is found (there was none when planned); an
        ``UpdateDetector`` when that detector reads ``ENABLED``.
        """
        if change.call is None or change.call.region is None:
            return None
        detectors = read_detectors(account, change.call.region)
        if change.call.operation == "CreateDetector":
            made = [d for d in detectors if d.enabled]
            outputs = {"DetectorId": made[0].detector_id} if made else {}
            return Found(bool(made), outputs)
        if change.call.operation == "UpdateDetector":
            wanted = params.get("DetectorId")
            return Found(any(d.enabled and d.detector_id == wanted for d in detectors))
        return None

    def recover(
        self, account: Account, change: Change, error: ClientError, params: Mapping[str, Any]
    ) -> Recovered | None:
        """``CreateDetector`` refused because a detector exists: done if that one is enabled.

        GuardDuty answers a second create with ``BadRequestException`` (a code it uses for any
        bad input), so the message is what says why; only an ENABLED detector settles it. A
        suspended one leaves the refusal standing: a re-run plans its ``UpdateDetector``.
        """
        if change.call is None or change.call.operation != "CreateDetector":
            return None
        message = str(error.response.get("Error", {}).get("Message", ""))
        if error_code(error) != "BadRequestException" or ALREADY_EXISTS not in message:
            return None
        region = change.call.region or account.region
        enabled = [d for d in read_detectors(account, region) if d.enabled]
        if not enabled:
            return None
        return Recovered(
            f"already on: detector {enabled[0].detector_id} in {region}",
            {"DetectorId": enabled[0].detector_id},
            done=False,
        )


def _create(region: str) -> Change:
    """Turn GuardDuty on in ``region`` (a new detector, enabled)."""
    return Change(
        f"{SERVICE}:CreateDetector",
        f"detector in {region}",
        f"no detector in {region}: GuardDuty is off there and sees nothing",
        call=ApiCall(SERVICE, "CreateDetector", {"Enable": True}, region=region),
        done=f"GuardDuty turned on in {region}: detector {{DetectorId}}",
        outputs={"DetectorId": "DetectorId"},
    )


def _resume(region: str, detector_id: str) -> Change:
    """Resume the suspended detector ``detector_id`` in ``region``."""
    return Change(
        f"{SERVICE}:UpdateDetector",
        f"detector {detector_id} in {region}",
        f"the detector in {region} is suspended: it analyses nothing until resumed",
        call=ApiCall(
            SERVICE, "UpdateDetector", {"DetectorId": detector_id, "Enable": True}, region=region
        ),
        done=f"GuardDuty resumed in {region}: detector {detector_id}",
    )
