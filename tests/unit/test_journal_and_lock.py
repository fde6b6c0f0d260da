from __future__ import annotations

import multiprocessing

import pytest

from aws_setup_wizard.journal import Journal, is_write, read, resource_of
from aws_setup_wizard.lock import AccountBusy, account_lock


def test_reads_are_not_writes():
    assert not is_write("GetAccountSummary") and not is_write("ListUsers")
    assert not is_write("DescribeTrails") and not is_write("HeadBucket")
    assert is_write("CreateUser") and is_write("DeleteAccessKey") and is_write("StartLogging")


def test_resources_are_arns_and_keys_are_masked():
    assert resource_of("iam", {"UserName": "admin", "Password": "pw"}, "1", "r") == (
        "arn:aws:iam::1:user/admin"
    )
    assert resource_of("s3", {"Bucket": "b", "Policy": "{}"}, "1", "r") == "arn:aws:s3:::b"
    assert resource_of("cloudtrail", {"Name": "t"}, "1", "eu-west-1") == (
        "arn:aws:cloudtrail:eu-west-1:1:trail/t"
    )
    assert resource_of("iam", {"AccessKeyId": "AKIAABCDEFGHIJKL1234"}, "1", "r") == (
        "access key AKIA…1234 of the root user"
    )


def test_journal_appends_lines_with_owner_only_permissions(tmp_path):
    journal = Journal(tmp_path / "j.jsonl")
    journal.start_run("apply", "210987654321", "arn:aws:iam::210987654321:root")
    journal.record("write", action="iam:CreateUser", resource="arn", outcome="ok")
    records = read(tmp_path / "j.jsonl")
    assert [r["kind"] for r in records] == ["run", "write"]
    assert {r["run"] for r in records} == {journal.run_id}
    assert (tmp_path / "j.jsonl").stat().st_mode & 0o777 == 0o600


def _hold(directory: str, ready, release) -> None:
    from pathlib import Path

    with account_lock("210987654321", directory=Path(directory)):
        ready.set()
        release.wait(10)


def test_a_second_writer_is_told_and_refused_then_proceeds_after_release(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold, args=(str(tmp_path), ready, release))
    holder.start()
    try:
        assert ready.wait(20)
        told: list[str] = []
        with (
            pytest.raises(AccountBusy, match="is changing account 210987654321") as busy,
            account_lock("210987654321", directory=tmp_path, wait_seconds=0.5, on_wait=told.append),
        ):
            pass
        assert "pid" in str(busy.value) and "nothing was changed" in str(busy.value)
        assert told and told[0].startswith("Waiting for another aws-setup-wizard")
    finally:
        release.set()
        holder.join(10)
    with account_lock("210987654321", directory=tmp_path, wait_seconds=2):
        pass


def test_a_killed_holder_does_not_leave_a_stale_lock(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold, args=(str(tmp_path), ready, release))
    holder.start()
    assert ready.wait(20)
    holder.kill()
    holder.join(10)
    # wait_seconds=0: a lock left behind by the killed process would raise AccountBusy here.
    with account_lock("210987654321", directory=tmp_path, wait_seconds=0):
        pass
