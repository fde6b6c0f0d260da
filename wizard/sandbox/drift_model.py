"""What a drift is (:class:`Drift`) and where it is made (:class:`Place`).

Kept apart from the catalogue (:mod:`.drifts`) so that every step's recipe module
(``drifts_*.py``) imports these at the top, and the catalogue imports the recipe modules at the
top: no import order to remember, no cycle.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aws_setup_wizard.sandbox.scenarios import TRAIL_NAME, Clients, bucket_name
from aws_setup_wizard.sandbox.state import RootAccount


@dataclass(frozen=True)
class Place:
    """The account a drift is made to, and the ways in an owner or attacker would use."""

    root: RootAccount
    endpoint_url: str
    region: str
    secret: str  # the sandbox's own, for its simulated console

    @property
    def account_id(self) -> str:
        """The account's ID."""
        return self.root.account_id

    @property
    def clients(self) -> Clients:
        """Clients signed with root's console session (an owner in CloudShell)."""
        return Clients(self.endpoint_url, self.region, self.root.console_session)

    @property
    def bucket(self) -> str:
        """The ``done`` trail's bucket."""
        return bucket_name(self.account_id)

    def key_arn(self) -> str:
        """The ``done`` trail's KMS key ARN, as DescribeTrails shows it."""
        trail = self.clients("cloudtrail").describe_trails(trailNameList=[TRAIL_NAME])
        return str(trail["trailList"][0]["KmsKeyId"])

    def add_bucket_statement(self, statement: dict[str, Any]) -> None:
        """Append one statement to the trail bucket's policy."""
        s3 = self.clients("s3")
        policy = json.loads(s3.get_bucket_policy(Bucket=self.bucket)["Policy"])
        policy["Statement"].append(statement)
        s3.put_bucket_policy(Bucket=self.bucket, Policy=json.dumps(policy))


@dataclass(frozen=True)
class Drift:
    """One named drift: ``make`` does it to a ``done`` account.

    ``deliver``: CloudTrail attempts a log delivery right after, so that ``GetTrailStatus``
    already reports the failure the drift causes (AWS would within minutes).
    """

    name: str
    step_id: str
    make: Callable[[Place], None]
    deliver: bool = False
