"""The guided flow, driven by a scripted conversation (the contract every front end renders)."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from aws_setup_wizard.flow import Answer, ConfirmRequest, GuidedRun, Identity, MfaExchange, Summary
from aws_setup_wizard.lock import AccountBusy, account_lock
from aws_setup_wizard.model import Check, Plan, Status
from aws_setup_wizard.runner import Applied
from aws_setup_wizard.sandbox import Sandbox
from aws_setup_wizard.steps import Step, step_by_id, step_ids
from tests.owner_answers import CONTACT, filled_in
from tests.sandbox_accounts import account_on


@dataclass
class Scripted:
    """Says yes to everything, types the right key suffixes, registers MFA with practice codes."""

    confirm: bool = True
    wrong_codes_first: bool = False
    log: list[str] = field(default_factory=list)
    summary: Summary | None = None
    reveals: list[Mapping[str, str]] = field(default_factory=list)

    def show_identity(self, identity: Identity) -> Answer:
        self.log.append(f"identity {identity.describe()}")
        return Answer.CONTINUE

    def show_primer(self, markdown: str) -> Answer:
        assert "shared responsibility" in markdown.lower()
        return Answer.CONTINUE

    def show_step(self, step: Step, check: Check) -> Answer:
        self.log.append(f"step {step.id} {check.status}")
        # After a refused plan the owner moves on rather than looking at it again.
        refused = f"refused {step.id}" in self.log
        return Answer.BACK if refused else Answer.CONTINUE

    def ask_options(self, step: Step, defaults: Mapping[str, str | bool]) -> dict[str, str | bool]:
        return filled_in(defaults)

    def confirm_account(self, identity: Identity) -> bool:
        self.log.append("confirm-account")
        return self.confirm

    def confirm_plan(self, step: Step, plan: Plan, request: ConfirmRequest) -> bool:
        self.log.append(f"confirm {step.id} {len(plan.changes)}")
        if request.typed_suffixes:
            assert request.accepts(list(request.typed_suffixes))
            assert not request.accepts(["XXXX"] * len(request.typed_suffixes))
        if not self.confirm:
            self.log.append(f"refused {step.id}")
        return self.confirm

    def shows_secrets(self) -> bool:
        return True

    def progress(self, event: object) -> None:
        self.log.append(f"progress {event}")

    def show_applied(self, step: Step, applied: Applied) -> None:
        if applied.outcome.reveal:
            self.reveals.append(applied.outcome.reveal)
        self.log.append(f"applied {step.id} {applied.check.status if applied.check else 'ended'}")

    def show_failure(self, step: Step, message: str, done: tuple[str, ...]) -> Answer:
        self.log.append(f"failure {step.id} {message}")
        return Answer.BACK

    def console_action(self, step, action, check, mfa, simulate) -> Answer:
        self.log.append(f"console {step.id}")
        if simulate is not None:
            self.log.append(simulate())
            return Answer.CONTINUE
        if mfa is None:
            return Answer.BACK
        assert self.register_mfa(mfa)
        return Answer.CONTINUE

    def show_rechecked(self, step: Step, check: Check) -> None:
        self.log.append(f"rechecked {step.id} {check.status}")

    def offer_mfa(self, step: Step, user_name: str) -> bool:
        self.log.append(f"offer-mfa {user_name}")
        return True

    def register_mfa(self, exchange: MfaExchange) -> bool:
        assert len(exchange.qr()) > 10
        if self.wrong_codes_first:
            assert exchange.complete("000000", "000001") is not None
            assert (
                exchange.complete("12a456", "123456")
                == "An MFA code is exactly 6 digits (0-9), as the authenticator app shows it."
            )
        assert exchange.complete(*exchange.practice_codes()) is None
        return True

    def show_summary(self, summary: Summary) -> None:
        self.summary = summary


def test_fresh_to_all_verified_on_the_root_key(sandbox):
    box = sandbox("fresh")
    talk = Scripted(wrong_codes_first=True)
    run = GuidedRun(account_on(box, "root"), talk, verifier=account_on(box, "console"))
    assert [s.id for s in run.steps_in_order()][-1] == "root-access-keys"
    summary = run.run()
    assert summary.ended_session
    assert summary.verification is not None
    # Every step passes: the alert's e-mail confirmed through the sandbox's simulated inbox.
    assert {r.step.id: r.check.status for r in summary.verification.results} == dict.fromkeys(
        step_ids(), Status.PASS
    )
    (opened,) = [line for line in talk.log if "sandbox inbox" in line]
    assert opened == (
        'In the sandbox inbox: "AWS Notification - Subscription Confirmation" to '
        f"{CONTACT['contact_email']}. Confirmed 1 subscription(s) from the sandbox inbox."
    )
    # The account is confirmed once, before the first write; root keys are deleted last.
    assert talk.log.count("confirm-account") == 1
    confirms = [line for line in talk.log if line.startswith("confirm ")]
    assert confirms[-1].startswith("confirm root-access-keys")
    assert talk.reveals and talk.reveals[0]["user"] == "admin"
    assert any("deleted root access key" in change for change in summary.changes)
    # The admin's MFA, registered through the wizard, is a change of this run too.
    assert any("registered virtual MFA device" in change for change in summary.changes)


class RefusesTheAccount(Scripted):
    def confirm_account(self, identity: Identity) -> bool:
        self.log.append("confirm-account")
        return False


def test_refusing_the_account_stops_the_run_and_writes_nothing(sandbox):
    box = sandbox("fresh")
    talk = RefusesTheAccount()
    summary = GuidedRun(account_on(box, "console"), talk).run()
    assert summary.changes == []
    # Asked once, after the first plan was shown and before any write; then the run stops.
    assert talk.log.count("confirm-account") == 1
    assert talk.log.index("confirm-account") > talk.log.index("confirm admin-user 5")
    assert not any(line.startswith("progress") for line in talk.log)
    statuses = {r.step.id: r.check.status for r in summary.verification.results}
    assert statuses["admin-user"] is Status.FAIL and statuses["cloudtrail"] is Status.FAIL


def test_done_account_needs_nothing(sandbox):
    box = sandbox("done")
    talk = Scripted()
    summary = GuidedRun(account_on(box, "console"), talk).run()
    assert summary.changes == []
    assert summary.verification.exit_code == 0
    assert "confirm-account" not in talk.log


class RefusesPlans(Scripted):
    def confirm_account(self, identity: Identity) -> bool:
        self.log.append("confirm-account")
        return True


def test_refusing_each_plan_writes_nothing_and_moves_on(sandbox):
    box = sandbox("fresh")
    talk = RefusesPlans(confirm=False)
    summary = GuidedRun(account_on(box, "console"), talk).run()
    assert summary.changes == []
    assert not any(line.startswith("progress") for line in talk.log)
    # admin-user, cloudtrail and the eight guardrails (five account-wide, three in every
    # Region): root MFA and keys are console actions here.
    assert sum(line.startswith("refused") for line in talk.log) == 10


def test_console_session_uses_the_simulated_console_for_root_keys(sandbox):
    box = sandbox("fresh")
    talk = Scripted()
    summary = GuidedRun(account_on(box, "console"), talk).run()
    assert "The simulated console deleted 1 root access key(s)." in talk.log
    assert summary.verification.exit_code == 0
    assert not summary.ended_session


class WatchesTheLock(Scripted):
    """Notes, whenever a step is shown, whether another wizard could take the account's lock."""

    def __init__(self, account_id: str) -> None:
        super().__init__()
        self.account_id = account_id
        self.lock_free: list[bool] = []

    def show_step(self, step: Step, check: Check) -> Answer:
        try:
            with account_lock(self.account_id):
                self.lock_free.append(True)
        except AccountBusy:
            self.lock_free.append(False)
        return super().show_step(step, check)


def test_the_lock_is_held_only_while_writes_run(sandbox):
    """A guided run left on a step (or its dashboard) never keeps another wizard out: the
    account's lock is taken for each burst of writes and given back after it."""
    box = sandbox("fresh")
    talk = WatchesTheLock(box.account_id)
    run = GuidedRun(account_on(box, "root"), talk, verifier=account_on(box, "console"))
    summary = run.run()
    assert summary.changes, "the run wrote"
    # Every step shown; most of them after the run had written (and taken the lock) already.
    assert talk.lock_free == [True] * len(step_ids())


class AnotherWizardMeanwhile(Scripted):
    """While the owner confirms the admin plan, another wizard takes the lock and makes the
    admin's group, its policy and the user itself."""

    def __init__(self, box: Sandbox) -> None:
        super().__init__()
        self.box = box
        self.other: threading.Thread | None = None

    def confirm_account(self, identity: Identity) -> bool:
        self.log.append("confirm-account")
        ready = threading.Event()

        def other_wizard() -> None:
            with account_lock(self.box.account_id):
                ready.set()
                time.sleep(1.0)
                iam = account_on(self.box, "root").client("iam")
                iam.create_group(GroupName="Administrators")
                iam.attach_group_policy(
                    GroupName="Administrators",
                    PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess",
                )
                iam.create_user(UserName="admin")

        self.other = threading.Thread(target=other_wizard)
        self.other.start()
        ready.wait(5)
        return True


def test_a_guided_run_that_waited_for_the_lock_plans_again(sandbox):
    box = sandbox("fresh")
    talk = AnotherWizardMeanwhile(box)
    run = GuidedRun(account_on(box, "root"), talk)
    with run:
        run.run_step(step_by_id("admin-user"))
    assert talk.other is not None
    talk.other.join(10)
    assert any("Waiting for" in line for line in talk.log), talk.log
    assert any("The account changed while this run waited" in line for line in talk.log)
    # The second confirmation shows the two changes left, never "already in place".
    confirms = [line for line in talk.log if line.startswith("confirm admin-user")]
    assert confirms == ["confirm admin-user 5", "confirm admin-user 2"], talk.log
    assert not any("already in place" in line for line in talk.log)


class _NeedsContact(Step):
    """A step that only declares options (the two below share the contact e-mail)."""

    title = "needs a contact"
    controls = ()

    def check(self, account):  # pragma: no cover - never called here
        raise AssertionError

    def plan(self, account, options):  # pragma: no cover - never called here
        raise AssertionError


def test_an_option_two_steps_share_is_asked_once_and_reused(sandbox):
    """The contact e-mail is asked with the first step that needs it; a later step that needs
    only it asks nothing, and one that needs more shows the answer as its default."""
    from aws_setup_wizard.flow import identify
    from aws_setup_wizard.options import Option
    from aws_setup_wizard.steps.contact_options import CONTACT_EMAIL, CONTACT_NAME

    extra = Option("extra", "--extra", "Extra", "another value", "x")
    first = type("First", (_NeedsContact,), {"id": "first", "options": (CONTACT_EMAIL,)})()
    second = type("Second", (_NeedsContact,), {"id": "second", "options": (CONTACT_EMAIL,)})()
    third = type(
        "Third", (_NeedsContact,), {"id": "third", "options": (CONTACT_NAME, CONTACT_EMAIL, extra)}
    )()

    asked: list[tuple[str, dict[str, str | bool]]] = []

    class Answers(Scripted):
        def ask_options(self, step, defaults):
            asked.append((step.id, dict(defaults)))
            given = {"contact_email": "owner@example.com", "contact_name": "Ann Owner"}
            return {name: given.get(name, value) for name, value in defaults.items()}

    account = account_on(sandbox("fresh"), "console")
    run = GuidedRun(account, Answers())
    run.identity = identify(account)
    assert run._options(first) == {"contact_email": "owner@example.com"}
    assert run._options(second) == {"contact_email": "owner@example.com"}
    assert run._options(third) == {
        "contact_name": "Ann Owner",
        "contact_email": "owner@example.com",
        "extra": "x",
    }
    assert [step_id for step_id, _ in asked] == ["first", "third"]
    assert asked[1][1]["contact_email"] == "owner@example.com"
