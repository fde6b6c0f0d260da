"""The plain front end end to end: real keys through prompt_toolkit, the sandbox behind it."""

from __future__ import annotations

import io
import re
import shutil

import pytest
from prompt_toolkit.data_structures import Size
from prompt_toolkit.output.plain_text import PlainTextOutput

from aws_setup_wizard import plain_render as render
from aws_setup_wizard import wording
from aws_setup_wizard.present import ExitCode
from aws_setup_wizard.steps import STEPS
from tests.owner_answers import CONTACT
from tests.plain.conftest import (
    CTRL_C,
    CTRL_U,
    DOWN,
    ENTER,
    TRANSCRIPTS,
    client,
)

ANSI = re.compile(r"\x1b\[")

# Answers, by the question they answer.
READY = "Ready to continue?"
NEXT = "What would you like to do?"
ACCOUNT = "Is this the account you mean to change?"
MAKE = "Make "


def sandbox_mfa() -> list[tuple[str, str]]:
    """In the MFA exchange: show the secret key, then let the sandbox show the codes."""
    return [
        (NEXT, DOWN + ENTER),  # Show the secret key as text
        (NEXT, DOWN + DOWN + ENTER),  # Show me the codes (sandbox only)
        (wording.FIRST_CODE, ENTER),
        (wording.SECOND_CODE, ENTER),
    ]


def fresh_to_verified(suffix: str) -> list[tuple[str, str]]:
    """The whole fresh run on the root key: root MFA, admin, CloudTrail, root key last."""
    return [
        (READY, ENTER),  # who and where
        (READY, ENTER),  # the primer
        # root-mfa: the sandbox's simulated console, QR and codes.
        (NEXT, ENTER),  # Fix this now
        (NEXT, DOWN + ENTER),  # Do it in the sandbox's simulated console
        *sandbox_mfa(),
        # admin-user: change the name, first with a space (re-asked), then valid.
        (NEXT, ENTER),
        (NEXT, DOWN + ENTER),  # Change them
        ("Administrator user name", CTRL_U + "bad name" + ENTER),
        ("Administrator user name", CTRL_U + "alice" + ENTER),  # asked anew, default filled in
        ("Administrators group name", ENTER),
        (MAKE, "y" + ENTER),
        (ACCOUNT, "y" + ENTER),  # once, after the first plan and before the first write
        ("Register alice's MFA now", "y" + ENTER),
        *sandbox_mfa(),
        # cloudtrail: the defaults.
        (NEXT, ENTER),
        (NEXT, ENTER),  # Use these settings
        (MAKE, "y" + ENTER),
        *guardrails(),
        *every_region(),
        # root-access-keys, last: typed suffix of the key this run is signed with.
        (NEXT, ENTER),
        (MAKE, "y" + ENTER),
        ("Type the last four characters", suffix.lower() + ENTER),
    ]


def guardrails() -> list[tuple[str, str]]:
    """The five guardrails: contact details typed once, the alert confirmed in the sandbox."""
    return [
        # security-contact: the details have no default, so they are asked for at once.
        (NEXT, ENTER),
        (NEXT, ENTER),  # Fill in the missing ones
        *[(label, value + ENTER) for label, value in CONTACT_PROMPTS],
        (MAKE, "y" + ENTER),
        # budget-alerts: 25 USD, alerts to the contact e-mail given above (not asked again).
        (NEXT, ENTER),
        (NEXT, ENTER),  # Use these settings
        (MAKE, "y" + ENTER),
        # s3-block-public-access, password-policy: nothing to choose.
        (NEXT, ENTER),
        (MAKE, "y" + ENTER),
        (NEXT, ENTER),
        (MAKE, "y" + ENTER),
        # root-activity-alert: e-mailed to the contact; then its confirmation link, clicked in
        # the sandbox's simulated inbox.
        (NEXT, ENTER),
        (MAKE, "y" + ENTER),
        (NEXT, DOWN + ENTER),  # Do it in the sandbox's simulated console
    ]


def every_region() -> list[tuple[str, str]]:
    """The three steps of every enabled Region: nothing to choose but the analyzer's defaults."""
    return [
        # ebs-encryption: one EnableEbsEncryptionByDefault per Region.
        (NEXT, ENTER),
        (MAKE, "y" + ENTER),
        # access-analyzer: the default name, no paid unused-access analyzer.
        (NEXT, ENTER),
        (NEXT, ENTER),  # Use these settings
        (MAKE, "y" + ENTER),
        # guardduty: one detector per Region (its cost is in the plan).
        (NEXT, ENTER),
        (MAKE, "y" + ENTER),
    ]


CONTACT_PROMPTS = [
    ("Contact name", CONTACT["contact_name"]),
    ("Contact title", CONTACT["contact_title"]),
    ("Contact e-mail", CONTACT["contact_email"]),
    ("Contact phone", CONTACT["contact_phone"]),
]


@pytest.mark.parametrize("mode", ["instant", "realistic"])
def test_fresh_to_all_verified_and_a_clean_transcript(
    run_plain, sandbox_server, tmp_path, request, mode
):
    """The whole run; ``realistic``: on the sandbox's realistic mode (IAM reads lag writes,
    CloudTrail refuses a bucket whose policy just changed), where it waits and re-checks."""
    if mode == "realistic":
        request.getfixturevalue("realistic")
    saved = tmp_path / "fresh-run.txt"

    def script_for_key(box):
        # The root key's suffix is known once the scenario is seeded.
        run_script[:] = fresh_to_verified(box.root_access_key.access_key_id[-4:])

    run_script: list[tuple[str, str]] = []
    run = run_plain(run_script, transcript=saved, prepare=script_for_key)
    assert run.typist.finished, f"prompts left unanswered: {run.typist.script}"
    assert run.code == 0, run.out[-3000:]

    # On the terminal: the run in order, PASS/FAIL as words, the password once.
    out = run.out
    order = [
        "Who and where",
        "SANDBOX",
        "Who secures what",
        "Step 1 of 12 (Essentials): Protect the root user with MFA",
        "Step 2 of 12 (Essentials): Create an administrator",
        "Step 3 of 12 (Essentials): Record account activity with CloudTrail",
        "Step 4 of 12 (Guardrails): Give AWS a security contact",
        "Step 8 of 12 (Guardrails): Hear when the root user is used",
        "Step 12 of 12 (Essentials): Delete the root user's access keys",
        render.SUMMARY_HEADING,
    ]
    positions = [out.index(text) for text in order]
    assert positions == sorted(positions)
    assert "iam:CreateUser alice: done" in out
    assert "Re-verified: PASS" in out
    assert "12 of 12 steps pass." in out
    assert "Confirmed 1 subscription(s) from the sandbox inbox." in out
    if mode == "realistic":
        assert "CloudTrail does not see the new bucket policy yet" in out
    password = re.search(r"never in a file\):\s+(\S+)", out)
    assert password and out.count(password.group(1)) == 1
    secrets = re.findall(r"Secret key \(shown once\): ((?:[A-Z2-7]{1,4} ?)+)", out)
    assert len(secrets) == 2  # root's device and alice's
    assert "█" in out  # the QR codes, drawn in text

    # The transcript: plain text, every question with its answer, and no secret at all.
    text = saved.read_text(encoding="utf-8")
    assert not ANSI.search(text)
    assert "PASS" in text and "FAIL" in text
    for step in STEPS:
        assert step.title in text
    assert f"? {ACCOUNT}" in text and "Yes" in text
    assert password.group(1) not in text
    for secret in secrets:
        assert secret.strip() not in text
        assert secret.replace(" ", "").strip() not in text
    assert "█" not in text and "▀" not in text and "▄" not in text
    assert render.REDACTED in text and render.QR_REDACTED in text

    # Kept at a stable path for people to read (git-ignored).
    TRANSCRIPTS.mkdir(exist_ok=True)
    shutil.copy(
        saved, TRANSCRIPTS / ("fresh-run.txt" if mode == "instant" else f"fresh-run-{mode}.txt")
    )

    # Everything is really in place, read back with boto3.
    iam = client(sandbox_server, "iam")
    assert iam.get_account_summary()["SummaryMap"]["AccountAccessKeysPresent"] == 0
    assert [u["UserName"] for u in iam.get_group(GroupName="Administrators")["Users"]] == ["alice"]


class WideScreen(PlainTextOutput):
    """A plain-text screen wide enough for the whole message (80 columns would cut it)."""

    def get_size(self) -> Size:
        return Size(rows=40, columns=160)


def test_invalid_input_is_asked_again_with_its_message(run_plain):
    """A rejected value is explained, then asked for anew with the default filled in: the
    rejected text is not left in the prompt for the next keys to be typed onto."""
    screen = io.StringIO()
    message = (
        "Administrator user name: may contain only ASCII letters, digits and "
        "+ = , . @ _ - (no spaces)."
    )
    script = [
        (READY, ENTER),
        (READY, ENTER),
        (NEXT, DOWN + ENTER),  # skip root MFA
        (NEXT, ENTER),  # admin-user: fix
        (NEXT, DOWN + ENTER),  # Change them
        ("Administrator user name", "X" * 3 + " bad" + ENTER),  # typed after the default
        ("Administrator user name", "2" + ENTER),  # after the default again, not "admin..bad"
        ("Administrators group name", CTRL_U + "Admins" + ENTER),
        (MAKE, CTRL_C),  # and stop there
    ]
    # A plain-text screen (what prompt_toolkit draws when stdout is not a terminal).
    run = run_plain(script, output=WideScreen(screen))
    assert run.typist.finished
    # The declaration's own message, then the prompt again, which took "admin2".
    assert "Problem: " + message in " ".join(run.out.split())
    assert "? Administrator user name admin2" in screen.getvalue()
    assert run.code == ExitCode.INTERRUPTED
    assert wording.NOTHING_CHANGED in run.out


def test_refusal_at_a_confirmation_writes_nothing(run_plain, sandbox_server):
    script = [
        (READY, ENTER),
        (READY, ENTER),
        (NEXT, DOWN + ENTER),  # root-mfa: skip
        (NEXT, DOWN + ENTER),  # root-access-keys (console session, listed second): skip
        (NEXT, ENTER),  # admin-user: fix
        (NEXT, ENTER),  # Use these settings
        (MAKE, ENTER),  # the default is No: the account is not even asked about
        (NEXT, DOWN + ENTER),  # shown again: skip
        (NEXT, DOWN + ENTER),  # cloudtrail: skip
        *[(NEXT, DOWN + ENTER)] * 8,  # the eight guardrails (three in every Region): skip
    ]
    run = run_plain(script, credentials="console")
    assert run.typist.finished
    assert render.NOT_CONFIRMED in run.out
    assert run.code == 1
    assert "FAIL" in run.out
    assert wording.NOTHING_CHANGED in run.out  # "Changed in this run": nothing
    iam = client(sandbox_server, "iam")
    assert iam.list_users()["Users"] == []
    assert iam.list_groups()["Groups"] == []
    assert client(sandbox_server, "cloudtrail").describe_trails()["trailList"] == []
    assert client(sandbox_server, "s3").list_buckets()["Buckets"] == []


def test_ctrl_c_at_a_prompt_is_not_a_no(run_plain, sandbox_server):
    script = [(READY, ENTER), (READY, ENTER), (NEXT, ENTER), (NEXT, CTRL_C)]
    run = run_plain(script)
    assert run.typist.finished  # nothing asked after Ctrl-C: the run stopped
    assert run.code == ExitCode.INTERRUPTED
    assert run.out.rstrip().endswith(wording.NOTHING_CHANGED)
    assert "Final verification" not in run.out


def test_ctrl_c_during_a_write_says_what_was_done(run_plain, sandbox_server):
    def interrupt_create_user(account):
        # Ctrl-C as iam:CreateUser is about to be sent: two calls of the step are done.
        def stop(**_):
            raise KeyboardInterrupt

        account.on_every_client("before-call.iam.CreateUser", stop)

    script = [
        (READY, ENTER),
        (READY, ENTER),
        (NEXT, DOWN + ENTER),  # root-mfa: skip
        (NEXT, ENTER),  # admin-user: fix
        (NEXT, ENTER),
        (MAKE, "y" + ENTER),
        (ACCOUNT, "y" + ENTER),
    ]
    run = run_plain(script, on_account=interrupt_create_user)
    assert run.typist.finished
    assert run.code == ExitCode.INTERRUPTED
    assert "iam:CreateUser admin ..." in run.out
    tail = run.out[run.out.index("Stopped during a change") :]
    message = " ".join(tail.split())
    assert message.startswith(
        "Stopped during a change. Done so far: iam:CreateGroup Administrators; "
        "iam:AttachGroupPolicy Administrators ← AdministratorAccess. Run the wizard again"
    )
    iam = client(sandbox_server, "iam")
    assert [g["GroupName"] for g in iam.list_groups()["Groups"]] == ["Administrators"]
    assert iam.list_users()["Users"] == []


def test_no_credentials_offers_the_sandbox(run_plain):
    script = [(NEXT, ENTER), (READY, DOWN + ENTER)]  # practise; then quit at once
    run = run_plain(script, has_credentials=False)
    assert run.typist.finished
    assert wording.NO_CREDENTIALS in run.out
    for line in wording.GET_CREDENTIALS:
        assert line[:40] in run.out
    assert [launch.sandbox_scenario for launch in run.openers] == [None, "fresh"]
    assert "SANDBOX" in run.out
    # Quit at the first question: the owner's choice, nothing failed (it used to exit 2).
    assert run.code == ExitCode.PASS
    assert run.out.rstrip().endswith(wording.NOTHING_CHANGED)


def test_input_that_runs_out_stops_safely(run_plain):
    def hang_up(pipe):
        pipe.close()  # piped answers ended: EOF at the prompt

    run = run_plain([(READY, ENTER), (READY, hang_up)])
    assert run.code == ExitCode.UNKNOWN
    assert run.out.rstrip().endswith(f"{render.INPUT_ENDED}\n{wording.NOTHING_CHANGED}")
