"""Shared by the password-policy and s3-block-public-access step tests: a journaled apply, an
IAM user without permissions, faults botocore hooks can make and the sandbox cannot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import botocore.endpoint
import pytest
from botocore.config import Config
from botocore.exceptions import ConnectionClosedError

from aws_setup_wizard import dispatch, journal, runner
from aws_setup_wizard.account import Account
from aws_setup_wizard.model import ProgressEvent
from aws_setup_wizard.sandbox import Sandbox
from aws_setup_wizard.steps.base import Step
from aws_setup_wizard.writes import writing
from tests.sandbox_accounts import console_clients, journaled


def apply_journaled(
    step: Step, account: Account, path: Path, options: dict[str, Any] | None = None
) -> tuple[runner.Applied, list[ProgressEvent]]:
    """Plan and apply ``step`` as ``apply`` does: under the lock, journaled to ``path``."""
    plan = step.plan(account, options or {})
    events: list[ProgressEvent] = []
    with writing(account, f"apply {step.id}", journal=journal.Journal(path)):
        applied = runner.apply_step(step, account, plan, events.append)
    return applied, events


def writes(path: Path, action: str) -> list[tuple[str, str]]:
    """The journal's write records of ``action``: (action, outcome)."""
    return [
        (r["action"], r["outcome"])
        for r in journal.read(path)
        if r.get("kind") == "write" and r.get("action") == action
    ]


def powerless_user(box: Sandbox) -> Account:
    """An :class:`Account` signed by a new IAM user without any policy (AWS denies it all),
    journaled so that its writes reach AWS and are refused there, not by the tool."""
    iam = console_clients(box)("iam")
    iam.create_user(UserName="nobody")
    key = iam.create_access_key(UserName="nobody")["AccessKey"]
    return journaled(
        Account.from_settings(
            region=box.region,
            endpoint_url=box.endpoint_url,
            credentials=(key["AccessKeyId"], key["SecretAccessKey"], None),
        )
    )


def unvalidated_client(box: Sandbox, service: str) -> Any:
    """A boto3 client on root's console session that sends what it is given (botocore's
    client-side validation off, as with the AWS CLI's ``--no-cli-param-validation``)."""
    creds = box.console_credentials
    return boto3.session.Session(
        aws_access_key_id=creds.access_key_id,
        aws_secret_access_key=creds.secret_access_key,
        aws_session_token=creds.session_token,
        region_name=box.region,
    ).client(service, endpoint_url=box.endpoint_url, config=Config(parameter_validation=False))


def no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore's retries and the dispatcher's re-reads still happen, without their pauses."""
    monkeypatch.setattr(botocore.endpoint.time, "sleep", lambda _seconds: None)
    monkeypatch.setattr(dispatch, "sleep", lambda _seconds: None)


def lose_every_answer(account: Account, event_name: str) -> list[int]:
    """After every send of the call, AWS has done it but the answer never arrives.

    ``event_name`` is botocore's ``service-id.Operation`` (``s3-control.PutPublicAccessBlock``).
    Returns a list counting the sends.
    """
    sent: list[int] = []

    def after_call(**_: Any) -> None:
        sent.append(1)
        raise ConnectionClosedError(endpoint_url=account.endpoint_url or "")

    account.on_every_client(f"after-call.{event_name}", after_call)
    return sent


def drop_first_sends(account: Account, event_name: str, count: int) -> list[int]:
    """The first ``count`` sends never reach AWS (the connection drops before the request)."""
    sent: list[int] = []

    def before_send(request: Any, **_: Any) -> None:
        sent.append(1)
        if len(sent) <= count:
            raise ConnectionClosedError(endpoint_url=request.url)

    account.on_every_client(f"before-send.{event_name}", before_send)
    return sent


def fail_reads(account: Account, event_name: str) -> None:
    """Every read of ``event_name`` fails as an unreachable endpoint does."""

    def before_send(request: Any, **_: Any) -> None:
        raise ConnectionClosedError(endpoint_url=request.url)

    account.on_every_client(f"before-send.{event_name}", before_send)
