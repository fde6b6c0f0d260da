"""A report of more than one account: each account as its own report says it, then the total."""

from __future__ import annotations

from aws_setup_wizard import report, runner
from aws_setup_wizard import steps as registry
from tests.sandbox_accounts import account_on


def two_verifications(sandbox):
    box = sandbox("done")
    other = box.add_account(scenario="fresh")
    first = runner.verify(account_on(box))
    second = runner.verify(account_on(box, account_id=other.account_id))
    return box, other, first, second


def test_json_report_of_two_accounts_keeps_each_accounts_report_as_is(sandbox):
    box, other, first, second = two_verifications(sandbox)
    document = report.to_json_many([first, second])
    assert document["account_ids"] == [box.account_id, other.account_id]
    assert document["accounts"] == [report.to_json(first), report.to_json(second)]
    statuses = [{s["id"]: s["status"] for s in a["steps"]} for a in document["accounts"]]
    assert set(statuses[0].values()) == {"pass"}
    assert set(statuses[1].values()) == {"fail"}
    assert document["accounts"][1]["caller"] == f"arn:aws:iam::{other.account_id}:root"
    # One account passes every step, the other none.
    count = len(registry.STEPS)
    assert (document["steps_passed"], document["steps_total"]) == (count, 2 * count)
    assert report.exit_code_many([first, second]) == 1
    assert report.exit_code_many([first]) == 0


def test_text_report_of_two_accounts_shows_both_then_the_total(sandbox):
    box, other, first, second = two_verifications(sandbox)
    text = report.to_text_many([first, second])
    count = len(registry.STEPS)
    assert text == "\n\n".join(
        [
            report.to_text(first),
            report.to_text(second),
            f"2 accounts: {count} of {2 * count} steps pass.",
        ]
    )
    assert f"Account {box.account_id} [SANDBOX]" in text
    assert f"Account {other.account_id} [SANDBOX]" in text


def test_a_report_of_no_account_says_so():
    assert report.to_text_many([]) == "No account was verified."
    assert report.to_json_many([]) == {
        "accounts": [],
        "account_ids": [],
        "steps_passed": 0,
        "steps_total": 0,
    }
