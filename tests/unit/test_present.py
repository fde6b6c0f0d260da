"""The one presentation layer: plan lines, evidence, verdicts, identity, keys and exit codes."""

from __future__ import annotations

import pytest

from aws_setup_wizard import present
from aws_setup_wizard.account import Caller
from aws_setup_wizard.flow import Identity
from aws_setup_wizard.model import Change, Check, ConsoleAction, Plan, Status
from aws_setup_wizard.present import DELETES, ExitCode, tally

CREATE = Change("iam:CreateUser", "alice", "daily work")
DELETE = Change("iam:DeleteAccessKey", "root access key AKIA…MPLE", "no root key", True)
CONSOLE = ConsoleAction(
    "Assign an MFA device to the root user",
    ("Sign in as root.", "Assign the device."),
    "https://console.aws.amazon.com/iam/home#/security_credentials",
    sandbox_command="aws-setup-wizard sandbox console root-mfa",
)


def test_a_plan_without_deletions_is_numbered_changes_and_no_marker():
    plan = Plan("admin-user", (CREATE, Change("iam:AddUserToGroup", "alice", "admin")))
    assert present.plan_lines(plan) == [
        "1. iam:CreateUser alice — daily work",
        "2. iam:AddUserToGroup alice — admin",
    ]
    assert not any(DELETES in line for line in present.plan_lines(plan))


def test_a_deletion_is_marked_in_words_after_the_change_and_only_there():
    plan = Plan("root-access-keys", (CREATE, DELETE))
    assert present.plan_lines(plan) == [
        "1. iam:CreateUser alice — daily work",
        f"2. iam:DeleteAccessKey root access key AKIA…MPLE — no root key {DELETES}",
    ]
    assert present.change_lines(plan) == present.plan_lines(plan)


def test_notes_follow_the_changes():
    plan = Plan("root-access-keys", (DELETE,), notes=("The signing key is deleted last.",))
    assert present.plan_lines(plan)[1:] == ["Note: The signing key is deleted last."]
    assert present.note_lines(plan) == ["Note: The signing key is deleted last."]


def test_a_console_action_is_its_title_numbered_steps_and_link():
    plan = Plan("root-mfa", console=CONSOLE)
    assert present.plan_lines(plan) == [
        "Assign an MFA device to the root user",
        "  1. Sign in as root.",
        "  2. Assign the device.",
        "  Link: https://console.aws.amazon.com/iam/home#/security_credentials",
    ]
    # The command for a served sandbox only when asked (the CLI; a guided run simulates it).
    with_command = present.plan_lines(plan, sandbox_command=True)
    assert with_command[-1] == "In the sandbox: aws-setup-wizard sandbox console root-mfa"


def test_changes_then_notes_then_the_console_action():
    plan = Plan("admin-user", (CREATE,), console=CONSOLE, notes=("Shown once.",))
    lines = present.plan_lines(plan)
    assert lines[0].startswith("1. iam:CreateUser")
    assert lines[1] == "Note: Shown once."
    assert lines[2] == CONSOLE.title


def test_an_empty_plan_says_nothing_to_do():
    assert present.plan_lines(Plan("cloudtrail")) == [present.NOTHING_TO_DO]


def test_evidence_nests_mappings_numbers_lists_of_facts_and_words_values():
    evidence = {
        "account_access_keys_present": True,
        "keys": [
            {"access_key_id": "AKIA…MPLE", "status": "Active", "tags": {"team": "ops"}},
            "loose",
        ],
        "regions": ["us-east-1", "eu-west-1"],
        "requirements": {"is_logging": False, "kms": {}},
        "trails": [],
        "multi_region_trail": None,
        "name": "",
    }
    assert present.evidence_lines(evidence) == [
        "Account access keys present: yes",
        "Keys:",
        "  1. Access key id: AKIA…MPLE",
        "     Status: Active",
        "     Tags:",
        "       Team: ops",
        "  2. loose",
        "Regions: us-east-1, eu-west-1",
        "Requirements:",
        "  Is logging: no",
        "  Kms: none",
        "Trails: none",
        "Multi region trail: none",
        "Name: none",
    ]
    assert present.evidence_lines({"a": 1}, indent="    ") == ["    A: 1"]


def test_a_key_that_names_something_is_shown_as_aws_spells_it() -> None:
    """Per-Region evidence is keyed by Region code: "us-west-2", never "Us-west-2"."""
    evidence = {"regions": {"us-west-2": {"status": "fail"}}, "failing_regions": ["us-west-2"]}
    assert present.evidence_lines(evidence) == [
        "Regions:",
        "  us-west-2:",
        "    Status: fail",
        "Failing regions: us-west-2",
    ]


@pytest.mark.parametrize(
    ("statuses", "code"),
    [
        ([], ExitCode.PASS),
        ([Status.PASS, Status.PASS], ExitCode.PASS),
        ([Status.PASS, Status.UNKNOWN], ExitCode.UNKNOWN),
        ([Status.UNKNOWN, Status.FAIL], ExitCode.FAIL),  # a certain failure wins
        ([Status.FAIL], ExitCode.FAIL),
    ],
)
def test_verdicts_map_to_one_exit_code(statuses, code):
    assert present.exit_code_for(statuses) is code
    assert present.exit_code_for(iter(statuses)) is code  # any iterable, read once


def test_exit_codes_have_one_meaning_each_and_the_help_lists_them_all():
    assert [int(code) for code in ExitCode] == [0, 1, 2, 3, 64, 130]
    assert set(present.EXIT_CODE_MEANINGS) == set(ExitCode)
    help_text = present.exit_codes_help()
    assert help_text.startswith("exit codes:\n")
    for code in ExitCode:
        assert f"  {int(code):<3} {present.EXIT_CODE_MEANINGS[code]}" in help_text


def test_runner_and_clis_use_the_same_codes():
    from aws_setup_wizard import cli, runner
    from aws_setup_wizard.sandbox import cli as sandbox_cli

    checks = [Check(Status.PASS, ""), Check(Status.UNKNOWN, "")]
    assert runner.exit_code(checks) == ExitCode.UNKNOWN
    assert present.exit_codes_help() == cli.EXIT_CODES_HELP
    assert not hasattr(sandbox_cli, "EXIT_USAGE")  # the sandbox once said 2 for "usage"


def test_a_sandbox_usage_error_exits_64():
    from aws_setup_wizard.sandbox.cli import main

    with pytest.raises(SystemExit) as stopped:
        main(["no-such-command"])
    assert stopped.value.code == ExitCode.USAGE


@pytest.mark.parametrize(
    ("key_id", "shown"),
    [
        ("AKIAIOSFODNN7EXAMPLE", "AKIA…MPLE"),
        ("ASIA123456789", "ASIA…6789"),
        ("AKIA1234", "AKIA1234"),  # too short to hide anything: shown as is
        ("", ""),
    ],
)
def test_mask_key_keeps_only_the_start_and_the_last_four(key_id, shown):
    assert present.mask_key(key_id) == shown


def test_every_masker_is_the_one_in_present():
    from aws_setup_wizard import journal
    from aws_setup_wizard.steps import root_keys

    assert root_keys.mask_key is present.mask_key
    assert not hasattr(journal, "_mask")
    resource = journal.resource_of("iam", {"AccessKeyId": "AKIAIOSFODNN7EXAMPLE"}, "1", "r")
    assert resource == "access key AKIA…MPLE of the root user"


def test_status_is_a_word_then_the_sentence():
    assert [present.status_word(s) for s in Status] == ["PASS", "FAIL", "UNKNOWN"]
    assert present.status_line(Check(Status.UNKNOWN, "Could not read.")) == (
        "UNKNOWN: Could not read."
    )


def identity(sandbox: bool, endpoint: str | None = None) -> Identity:
    caller = Caller("123456789012", "arn:aws:iam::123456789012:root", "123456789012", "root", False)
    return Identity(
        "123456789012", caller, "us-east-1", "environment", sandbox, endpoint, ("A notice.",)
    )


def test_identity_facts_and_lines_say_what_kind_of_account_first():
    real = identity(False)
    assert present.identity_facts(real) == [
        ("Account ID", "123456789012"),
        ("Caller", real.caller.describe()),
        ("Caller ARN", "arn:aws:iam::123456789012:root"),
        ("Credentials from", "environment"),
        ("Region", "us-east-1"),
        ("Endpoint", "AWS"),
    ]
    lines = present.identity_lines(real)
    assert lines[0] == present.REAL_NOTE
    assert "Account ID: 123456789012" in lines
    assert lines[-2:] == ["", "A notice."]
    sandbox = present.identity_lines(identity(True, "http://127.0.0.1:5000"))
    assert sandbox[0].startswith("SANDBOX: ")
    assert f"Endpoint: {present.BUILT_IN_ENDPOINT}" in sandbox
    assert "Endpoint: https://vpce.example" in present.identity_lines(
        identity(False, "https://vpce.example")
    )


def test_the_identity_line_fits_the_bar():
    assert present.identity_line(True, None, None, "") == "aws-setup-wizard · SANDBOX"
    line = present.identity_line(True, "123456789012", "root user", "us-east-1")
    assert line == "SANDBOX · account 123456789012 · root user · us-east-1"
    assert len(line) <= 80


def test_present_is_cheap_to_import():
    from tests.unit.test_engine_boundaries import loaded_after

    code = "import aws_setup_wizard.present, aws_setup_wizard.no_credentials"
    among = {"boto3", "botocore", "textual", "questionary", "prompt_toolkit", "moto"}
    assert loaded_after(code, among) == []


def test_evidence_masks_access_key_ids_like_every_other_place():
    """Issue 12, item 10: plain mode printed root's key ID in full in the evidence."""
    lines = present.evidence_lines(
        {"keys": [{"access_key_id": "AKIAIOSFODNN7EXAMPLE", "status": "Active"}]}
    )
    shown = "\n".join(lines)
    assert "AKIA…MPLE" in shown and "AKIAIOSFODNN7EXAMPLE" not in shown
    assert "Active" in shown


def test_in_groups_names_groups_only_when_there_are_several():
    from aws_setup_wizard.present import in_groups

    def group_of(name: str) -> str:
        return name.split(":")[0]

    assert in_groups(["E:a", "E:b"], group_of) == [(None, ["E:a", "E:b"])]
    assert in_groups(["E:a", "E:b", "G:c"], group_of) == [("E", ["E:a", "E:b"]), ("G", ["G:c"])]
    assert in_groups([], group_of) == []


def test_the_tally_names_declined_steps_apart() -> None:
    """A declined step that does not pass is counted apart; one that passes again is a pass."""
    assert tally([(True, False), (False, True), (False, False)]) == (
        "1 of 3 steps pass; 1 declined"
    )
    assert tally([(True, True), (False, False)]) == "1 of 2 steps pass"
    assert tally([]) == "0 of 0 steps pass"
