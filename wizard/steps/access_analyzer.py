"""IAM Access Analyzer for external access in every enabled Region (IAM.28, CIS v5.0 1.19).

An external access analyzer watches resource policies (S3 buckets, IAM role trust policies, KMS
keys, Lambda functions, SQS queues, secrets…) and reports any that grant access to someone
outside the account. It works per Region: "You must create an external access analyzer in each
Region in which you want to monitor access to your resources" (IAM User Guide,
access-analyzer-create-external.html). Security Hub IAM.28 and AWS Config's
``iam-external-access-analyzer-enabled`` judge each Region the same way: NON_COMPLIANT "if there
are no analyzers for external access in the region or if the 'status' attribute is not set to
'ACTIVE'".

So the check reads ``accessanalyzer:ListAnalyzers`` once per enabled Region (one call, every
type) and passes a Region only when an ``ACCOUNT`` or ``ORGANIZATION`` analyzer there is
``ACTIVE``; ``CREATING``, ``DISABLED`` and ``FAILED`` do not count, nor do the unused-access and
internal-access types (they analyse something else). The repair is ``CreateAnalyzer(type=
ACCOUNT)`` in each Region without one; a broken (``DISABLED``/``FAILED``) account analyzer is
deleted first, because a Region holds at most one account analyzer of a type (IAM User Guide,
"IAM Access Analyzer quotas"). The paid unused-access type is made only when the owner asks
(``--unused-access``, off by default), in the home Region, with its price in the plan.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from aws_setup_wizard.account import Account
from aws_setup_wizard.dispatch import Found, Recovered
from aws_setup_wizard.errors import WizardError, error_code
from aws_setup_wizard.model import ApiCall, Change, Check, Plan, Status
from aws_setup_wizard.options import Option
from aws_setup_wizard.regions import judge_regions
from aws_setup_wizard.steps.base import OptionValues, Step, require_known, unknown

SERVICE = "accessanalyzer"
#: The types that analyse external access (API Reference, "AnalyzerSummary" ``type``); an
#: organization analyzer's zone of trust includes this account, so it covers it too.
EXTERNAL_TYPES = ("ACCOUNT", "ORGANIZATION")
#: Statuses of an analyzer that is not working (API Reference, "AnalyzerSummary" ``status``).
BROKEN = ("DISABLED", "FAILED")
DEFAULT_NAME = "aws-setup-wizard-external-access"
#: The control in the combined verdict's sentences ("… is not in place in 1 Region: …",
#: "Could not read … in …"), so a proper noun that reads right in both.
WHAT = "IAM Access Analyzer for external access"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


def analyzer_name(text: str) -> str | None:
    """Analyzer names: 1–255 characters matching ``[A-Za-z_][A-Za-z0-9_.-]*`` (API Reference,
    CreateAnalyzer ``analyzerName``)."""
    if not 1 <= len(text) <= 255:
        return f"must be 1 to 255 characters long (this one has {len(text)})."
    if not _NAME.fullmatch(text):
        return (
            "must start with a letter or '_' and contain only ASCII letters, digits, '_', '.' "
            "and '-'."
        )
    return None


ANALYZER_NAME = Option(
    "analyzer_name",
    "--analyzer-name",
    "Analyzer name",
    "the name of the external access analyzer made in each Region that has none",
    DEFAULT_NAME,
    validator=analyzer_name,
)


#: IAM Access Analyzer pricing (https://aws.amazon.com/iam/access-analyzer/pricing/, checked
#: November 2026): unused access analysis costs USD 0.20 per IAM role or user analysed per
#: month; external access analysis is free.
UNUSED_ACCESS_USD_PER_PRINCIPAL_MONTH = 0.20
UNUSED_ACCESS_NAME = "aws-setup-wizard-unused-access"
UNUSED_ACCESS = Option(
    "unused_access",
    "--unused-access",
    "Also analyse unused access (paid)",
    "also make one unused-access analyzer in the home Region (unused roles, keys, passwords, "
    "permissions): USD 0.20 per IAM role or user analysed per month; never made unless asked",
    False,
    kind="bool",
)


def read_analyzers(account: Account, region: str) -> list[dict[str, Any]]:
    """Every analyzer in ``region`` (all types: one ``ListAnalyzers`` call unless paginated)."""
    client = account.client(SERVICE, region)
    found: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {}
    while True:
        page = client.list_analyzers(**kwargs)
        found.extend(page.get("analyzers", []))
        token = page.get("nextToken")
        if not token:
            return found
        kwargs["nextToken"] = token


def _brief(analyzer: Mapping[str, Any]) -> dict[str, Any]:
    """An analyzer as evidence: name, type, status (and why, when not active)."""
    shown = {
        "name": analyzer.get("name"),
        "type": analyzer.get("type"),
        "status": analyzer.get("status"),
        "arn": analyzer.get("arn"),
    }
    reason = (analyzer.get("statusReason") or {}).get("code")
    if reason:
        shown["status_reason"] = reason
    return shown


def judge_region(region: str, analyzers: list[dict[str, Any]]) -> Check:
    """One Region: pass only with an ``ACTIVE`` account or organization analyzer."""
    external = [a for a in analyzers if a.get("type") in EXTERNAL_TYPES]
    evidence: dict[str, Any] = {"analyzers": [_brief(a) for a in analyzers]}
    active = [a for a in external if a.get("status") == "ACTIVE"]
    if active:
        first = active[0]
        return Check(
            Status.PASS,
            f"{first['type']} analyzer {first['name']} is active in {region}.",
            evidence,
        )
    if external:
        named = ", ".join(
            f"{a.get('name')} is {a.get('status')}"
            + (
                f" ({(a.get('statusReason') or {}).get('code')})"
                if (a.get("statusReason") or {}).get("code")
                else ""
            )
            for a in external
        )
        return Check(
            Status.FAIL,
            f"No active external access analyzer in {region}: {named}.",
            evidence,
        )
    others = sorted({str(a.get("type")) for a in analyzers})
    extra = f" (only {', '.join(others)}, which do not analyse external access)" if others else ""
    return Check(Status.FAIL, f"No external access analyzer in {region}{extra}.", evidence)


class AccessAnalyzerStep(Step):
    """An active IAM Access Analyzer for external access in every enabled Region."""

    id = "access-analyzer"
    title = "Watch for resources shared outside the account (IAM Access Analyzer)"
    controls = ("Security Hub IAM.28", "CIS AWS Foundations v5.0 1.19")
    checks = (
        "every enabled Region has an external access analyzer (ACCOUNT or ORGANIZATION) "
        "(accessanalyzer ListAnalyzers)",
        "its status is ACTIVE: CREATING, DISABLED and FAILED do not count (IAM.28)",
    )
    options = (ANALYZER_NAME, UNUSED_ACCESS)
    services = ("ec2", SERVICE)
    group = "Guardrails"
    regional = True

    def check(self, account: Account) -> Check:
        """Pass only when every enabled Region has an ``ACTIVE`` external access analyzer."""
        try:
            results = account.per_region(lambda region: read_analyzers(account, region))
        except (ClientError, BotoCoreError) as exc:
            # The enabled Regions themselves could not be listed.
            return unknown(exc, "the account's enabled Regions")
        return judge_regions(results, judge_region, what=WHAT)

    def plan(self, account: Account, options: OptionValues) -> Plan:
        """Per failing Region: ``CreateAnalyzer(type=ACCOUNT)``, after deleting a broken one."""
        check = self.check(account)
        require_known(check)
        if check.passed:
            return Plan(self.id)
        name = str(options.get("analyzer_name") or DEFAULT_NAME)
        changes: list[Change] = []
        notes: list[str] = []
        regions: Mapping[str, Any] = check.evidence.get("regions", {})
        for region in check.evidence.get("failing_regions", []):
            found = regions[region]["evidence"].get("analyzers", [])
            mine = [a for a in found if a.get("type") == "ACCOUNT"]
            if any(a.get("status") == "CREATING" for a in mine):
                notes.append(
                    f"{region}: analyzer {mine[0]['name']} is still being created; nothing to "
                    "do but check again in a minute."
                )
                continue
            for broken in (a for a in mine if a.get("status") in BROKEN):
                changes.append(self._delete(region, broken))
            taken = [a for a in found if a.get("name") == name and a not in mine]
            if taken:
                raise WizardError(
                    f"Cannot plan {self.id}: the name {name} is already used in {region} by a "
                    f"{taken[0].get('type')} analyzer; choose another with --analyzer-name."
                )
            changes.append(self._create(region, name))
        if options.get("unused_access") is True:
            unused = self._unused_access(account, regions)
            if unused is not None:
                changes.append(unused[0])
                notes.append(unused[1])
        unknown_regions = list(check.evidence.get("unknown_regions", []))
        if unknown_regions:
            notes.append(
                "Not changed, because they could not be read: " + ", ".join(unknown_regions) + "."
            )
        notes.extend(
            (
                "External access analyzers cost nothing: IAM Access Analyzer's external access "
                "analysis is free (IAM Access Analyzer pricing)."
                + (
                    ""
                    if options.get("unused_access") is True
                    else " The paid unused-access analysis is not turned on."
                ),
                "Changes nothing for existing users or resources: the analyzer only reads "
                "resource policies and reports findings (IAM console → Access analyzer); AWS "
                "creates the service-linked role AWSServiceRoleForAccessAnalyzer for it.",
            )
        )
        return Plan(self.id, tuple(changes), notes=tuple(notes))

    def _unused_access(
        self, account: Account, regions: Mapping[str, Any]
    ) -> tuple[Change, str] | None:
        """The paid unused-access analyzer the owner asked for, in the home Region (its findings
        cover the whole account, whatever the Region: IAM User Guide, "Create an IAM Access
        Analyzer unused access analyzer"), with its price; ``None`` when one is there."""
        home = account.region
        found = regions.get(home, {}).get("evidence", {}).get("analyzers", [])
        if any(a.get("type") == "ACCOUNT_UNUSED_ACCESS" for a in found):
            return None
        change = Change(
            "accessanalyzer:CreateAnalyzer",
            f"analyzer {UNUSED_ACCESS_NAME} in {home}",
            "report unused roles, access keys, passwords and permissions (paid; asked for)",
            call=ApiCall(
                SERVICE,
                "CreateAnalyzer",
                {"analyzerName": UNUSED_ACCESS_NAME, "type": "ACCOUNT_UNUSED_ACCESS"},
                home,
            ),
        )
        price = UNUSED_ACCESS_USD_PER_PRINCIPAL_MONTH
        note = (
            f"PAID: the unused-access analyzer costs USD {price:.2f} per IAM role or user "
            "analysed per month (IAM Access Analyzer pricing, "
            "https://aws.amazon.com/iam/access-analyzer/pricing/)"
        )
        try:
            summary = account.account_summary()
            principals = int(summary.get("Users", 0)) + int(summary.get("Roles", 0))
            note += (
                f"; this account has {principals} IAM users and roles today, so about "
                f"USD {price * principals:.2f} per month, more as roles are added."
            )
        except (ClientError, BotoCoreError):
            note += "; the number of IAM users and roles could not be read."
        return change, note

    def _create(self, region: str, name: str) -> Change:
        return Change(
            "accessanalyzer:CreateAnalyzer",
            f"analyzer {name} in {region}",
            f"report any resource in {region} shared outside the account (IAM.28)",
            call=ApiCall(
                SERVICE, "CreateAnalyzer", {"analyzerName": name, "type": "ACCOUNT"}, region
            ),
        )

    def _delete(self, region: str, broken: Mapping[str, Any]) -> Change:
        reason = broken.get("status_reason")
        status = str(broken.get("status")) + (f", {reason}" if reason else "")
        return Change(
            "accessanalyzer:DeleteAnalyzer",
            f"analyzer {broken['name']} in {region}",
            f"it is {status} and analyses nothing; a Region holds one account analyzer, so it "
            "makes room for a working one",
            destructive=True,
            call=ApiCall(SERVICE, "DeleteAnalyzer", {"analyzerName": broken["name"]}, region),
            already_done=frozenset({"ResourceNotFoundException"}),
        )

    def _active_analyzer(self, account: Account, region: str, kind: str) -> dict[str, Any] | None:
        for analyzer in read_analyzers(account, region):
            if analyzer.get("type") == kind and analyzer.get("status") == "ACTIVE":
                return analyzer
        return None

    def recover(
        self, account: Account, change: Change, error: ClientError, params: Mapping[str, Any]
    ) -> Recovered | None:
        """A create refused because the name or the Region's one account analyzer of that type
        is taken is done when a read finds an active one there (an earlier, interrupted run)."""
        if change.call is None or change.call.operation != "CreateAnalyzer":
            return None
        if error_code(error) not in ("ConflictException", "ServiceQuotaExceededException"):
            return None
        region = change.call.region or account.region
        found = self._active_analyzer(account, region, str(params.get("type")))
        if found is None:
            return None
        return Recovered(f"already in place (analyzer {found['name']} is active)", done=False)

    def find_made(
        self, account: Account, change: Change, params: Mapping[str, Any]
    ) -> Found | None:
        """After a lost answer: is there now an account analyzer of that name in the Region?"""
        if change.call is None or change.call.operation != "CreateAnalyzer":
            return None
        region = change.call.region or account.region
        for analyzer in read_analyzers(account, region):
            if analyzer.get("name") == params.get("analyzerName") and analyzer.get("type") == (
                params.get("type")
            ):
                return Found(True, {"arn": analyzer.get("arn")})
        return Found(False)
