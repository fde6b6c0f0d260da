"""verify: read-only, concurrent, honest exit codes, the JSON shape scripts rely on."""

import pytest
from botocore.exceptions import ClientError

from aws_setup_wizard import report, runner
from aws_setup_wizard import steps as registry
from aws_setup_wizard.model import Status

# TestEventPattern asks EventBridge whether a pattern matches a sample event: it reads only.
READ_PREFIXES = ("Get", "List", "Describe", "GenerateCredentialReport", "TestEventPattern")


def guard_read_only(acct, calls):
    def guard(event_name: str, **_: object) -> None:
        operation = event_name.rsplit(".", 1)[-1]
        calls.append(operation)
        assert operation.startswith(READ_PREFIXES), f"verify made a write call: {operation}"

    acct.on_every_client("before-call", guard)


# The root access key exists in every scenario but done, where it has been deleted.
SIGNERS = [(s, "console") for s in ("fresh", "partial", "drifted", "done")] + [
    (s, "root") for s in ("fresh", "partial", "drifted")
]


@pytest.mark.parametrize(("scenario", "credentials"), SIGNERS)
def test_verify_is_read_only_in_every_scenario(account, scenario, credentials):
    acct = account(scenario, credentials)
    calls: list[str] = []
    guard_read_only(acct, calls)
    verification = runner.verify(acct)
    assert calls, "verify made no call at all"
    assert {r.check.status for r in verification.results} <= {Status.PASS, Status.FAIL}


GUARDRAILS = (
    "security-contact",
    "budget-alerts",
    "s3-block-public-access",
    "password-policy",
    "root-activity-alert",
    # The steps of every enabled Region (issue 15), in the same group.
    "ebs-encryption",
    "access-analyzer",
    "guardduty",
)
# The essentials as each scenario leaves them; the guardrails are set only in done and drifted.
ESSENTIALS = {
    "fresh": {
        "root-mfa": "fail",
        "root-access-keys": "fail",
        "admin-user": "fail",
        "cloudtrail": "fail",
    },
    "partial": {
        "root-mfa": "pass",
        "root-access-keys": "fail",
        "admin-user": "fail",
        "cloudtrail": "fail",
    },
    "drifted": {
        "root-mfa": "pass",
        "root-access-keys": "fail",
        "admin-user": "pass",
        "cloudtrail": "fail",
    },
    "done": {
        "root-mfa": "pass",
        "root-access-keys": "pass",
        "admin-user": "pass",
        "cloudtrail": "pass",
    },
}
GUARDED = ("done", "drifted")
EXPECTED = {
    scenario: {**essentials, **dict.fromkeys(GUARDRAILS, "pass" if scenario in GUARDED else "fail")}
    for scenario, essentials in ESSENTIALS.items()
}


@pytest.mark.parametrize("scenario", sorted(EXPECTED))
def test_every_scenario_verifies_as_designed(account, scenario):
    verification = runner.verify(account(scenario))
    document = report.to_json(verification)
    assert {s["id"]: s["status"] for s in document["steps"]} == EXPECTED[scenario]
    assert document["caller"].endswith(":root")
    assert all(s["controls"] and s["summary"] for s in document["steps"])
    assert verification.exit_code == (0 if scenario == "done" else 1)


def test_done_verify_of_the_essentials_stays_within_seventeen_calls(account):
    acct = account("done")
    calls: list[str] = []
    guard_read_only(acct, calls)
    runner.verify(acct, [registry.step_by_id(step_id) for step_id in ESSENTIALS["done"]])
    # CloudTrail reads its key's state and policy too (DescribeKey, GetKeyPolicy): 17, not 15.
    assert len(calls) <= 17, calls


def test_done_verify_of_every_step_reads_each_thing_once(account):
    """Every call of a whole verify, counted by operation: nothing is read twice over."""
    acct = account("done")
    calls: list[str] = []
    guard_read_only(acct, calls)
    runner.verify(acct)
    # Each repeat has its reason: the alert's check asks TestEventPattern for each kind of
    # sample root event (sign-in, API call); the contact step reads its three contact types;
    # the budget's three alerts have a subscriber list each; GetPublicAccessBlock is both the
    # trail bucket's (s3) and the account's (s3control). The three steps of every enabled
    # Region read each of the sandbox's 17 Regions once (EBS: the setting, and its default key
    # where it is on; GuardDuty: the detector list, then the detector).
    repeated = {
        operation: calls.count(operation) for operation in set(calls) if calls.count(operation) > 1
    }
    assert repeated == {
        "TestEventPattern": 2,
        "GetAlternateContact": 3,
        "DescribeSubscribersForNotification": 3,
        "GetPublicAccessBlock": 2,
        "GetEbsEncryptionByDefault": 17,
        "GetEbsDefaultKmsKeyId": 17,
        "ListAnalyzers": 17,
        "ListDetectors": 17,
        "GetDetector": 17,
    }, calls
    # The enabled Regions themselves are listed once for the whole verify.
    assert calls.count("DescribeRegions") == 1, calls


def test_unreadable_step_is_unknown_and_exit_code_two(account):
    acct = account("done")

    def deny(**_: object) -> None:
        raise ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "DescribeTrails")

    acct.client("cloudtrail").meta.events.register("before-call.cloudtrail.DescribeTrails", deny)
    verification = runner.verify(acct)
    statuses = {r.step.id: r.check.status for r in verification.results}
    assert statuses["cloudtrail"] is Status.UNKNOWN
    assert verification.exit_code == 2


def test_a_crashing_check_is_unknown_not_pass(account, monkeypatch):
    from aws_setup_wizard.steps.root_mfa import RootMfaStep

    def boom(self, acct):
        raise RuntimeError("bug")

    monkeypatch.setattr(RootMfaStep, "check", boom)
    verification = runner.verify(account("done"))
    assert verification.results[0].check.status is Status.UNKNOWN


def test_apply_order_puts_root_keys_last():
    order = [s.id for s in runner.apply_order(["root-access-keys", "cloudtrail", "admin-user"])]
    assert order == ["admin-user", "cloudtrail", "root-access-keys"]


def test_verify_names_only_the_steps_asked_for(sandbox, monkeypatch, capsys):
    """``verify STEP...`` reads and reports only those steps, in the order named, each once."""
    import json

    from aws_setup_wizard import cli

    box = sandbox("partial")
    for name, value in box.env().items():
        monkeypatch.setenv(name, value)
    code = cli.main(["verify", "root-mfa", "cloudtrail", "root-mfa", "--json"])
    report_ = json.loads(capsys.readouterr().out)
    assert [s["id"] for s in report_["steps"]] == ["root-mfa", "cloudtrail"]
    assert [s["status"] for s in report_["steps"]] == ["pass", "fail"]
    assert code == 1


def test_verify_refuses_an_unknown_step_before_reading(monkeypatch, capsys):
    from aws_setup_wizard import cli, steps
    from aws_setup_wizard.present import ExitCode

    def no_aws(*_args, **_kwargs):
        raise AssertionError("an unknown step id must not reach AWS")

    monkeypatch.setattr("aws_setup_wizard.account.Account.__init__", no_aws)
    assert cli.main(["verify", "root-mfa", "cloud-trail"]) == ExitCode.USAGE
    said = capsys.readouterr().err
    assert "'cloud-trail'" in said and "nothing was read" in said
    assert all(step_id in said for step_id in steps.step_ids())
