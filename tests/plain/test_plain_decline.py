"""The plain mode lets an owner decline a step, with a reason, on the record."""

from __future__ import annotations

from aws_setup_wizard import declines, journal
from aws_setup_wizard import steps as registry
from tests.plain.conftest import DOWN, ENTER, client
from tests.test_declines import REASON, declinable  # noqa: F401 - registers the fixture here


def test_plain_mode_declines_a_step_with_a_reason(declinable, run_plain, sandbox_server):  # noqa: F811
    script = [
        ("Ready to continue?", ENTER),  # who and where
        ("Ready to continue?", ENTER),  # the primer; every other step passes already
        ("What would you like to do?", DOWN + DOWN + ENTER),  # Decline, with a reason
        ("Why is this step declined?", ENTER),  # blank: back to the step
        ("What would you like to do?", DOWN + DOWN + ENTER),
        ("Why is this step declined?", "x" * 501 + ENTER),  # too long: said, asked again
        ("Why is this step declined?", REASON + ENTER),
        ("Make 1 change", "y" + ENTER),
        ("Is this the account you mean to change?", "y" + ENTER),
    ]
    run = run_plain(script, scenario="done", credentials="console")
    assert run.typist.finished, run.out[-2000:]
    assert run.code == 0, run.out[-3000:]  # declined: the final verification does not fail
    name = declines.parameter_name(declinable.id)
    assert f"ssm:PutParameter {name}" in run.out
    assert "at most 500" in run.out
    assert f"DECLINED Keep the declinable parameter on ({declinable.id})" in run.out
    assert REASON in run.out
    count = len(registry.STEPS)
    assert f"{count - 1} of {count} steps pass; 1 declined." in run.out
    value = client(sandbox_server, "ssm").get_parameter(Name=name)["Parameter"]["Value"]
    assert '"reason": "' + REASON in value
    writes = [e for e in journal.read() if e.get("kind") == "write"]
    assert ("ssm:PutParameter", "ok") in {(e["action"], e["outcome"]) for e in writes}
