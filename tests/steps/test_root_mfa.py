from aws_setup_wizard.model import Status
from aws_setup_wizard.sandbox import console
from aws_setup_wizard.steps.root_mfa import RootMfaStep

step = RootMfaStep()


def test_fails_on_fresh_account_and_plans_a_console_action(account):
    acct = account("fresh")
    check = step.check(acct)
    assert check.status is Status.FAIL
    assert check.evidence == {"account_mfa_enabled": False}
    plan = step.plan(acct, {})
    assert not plan.changes
    assert plan.console is not None
    assert plan.console.url.endswith("#/security_credentials")
    assert plan.console.sandbox_command == "aws-setup-wizard sandbox console root-mfa"


def test_passes_after_the_simulated_console_assigns_a_virtual_device(account, sandbox_server):
    acct = account("fresh")
    serial = console.enable_root_mfa(sandbox_server.endpoint_url)
    check = step.check(acct)
    assert check.status is Status.PASS
    assert check.evidence["mfa_type"] == "virtual"
    assert check.evidence["device"]["serial_number"] == serial
    assert "IAM.6" in check.summary
    assert step.plan(acct, {}).empty


def test_done_scenario_passes_with_root_signing_key_absent(account):
    check = step.check(account("done"))
    assert check.status is Status.PASS


def test_unreadable_summary_is_unknown_never_pass(account):
    acct = account("done")
    iam = acct.client("iam")

    def deny(**_: object) -> None:
        from botocore.exceptions import ClientError

        raise ClientError(
            {"Error": {"Code": "AccessDenied", "Message": "not allowed"}}, "GetAccountSummary"
        )

    iam.meta.events.register("before-call.iam.GetAccountSummary", deny)
    check = step.check(acct)
    assert check.status is Status.UNKNOWN
    assert "denied" in check.summary
