"""Usage errors on the command line say what would have been right (issue 12, item 10)."""

from __future__ import annotations

import pytest

from aws_setup_wizard import steps
from aws_setup_wizard.cli import main
from aws_setup_wizard.present import ExitCode


def test_apply_without_a_step_lists_the_step_ids(capsys):
    with pytest.raises(SystemExit) as ended:
        main(["apply"])
    assert ended.value.code == ExitCode.USAGE
    problem = capsys.readouterr().err.splitlines()[-1]
    assert "required: STEP" in problem
    for step_id in steps.step_ids():
        assert step_id in problem


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["--sandbox", "verify"], "--sandbox"),
        (["--sandbox", "--scenario", "done", "verify", "--json"], "--sandbox, --scenario"),
        (["--realistic", "apply", "root-mfa"], "--realistic"),
        (["--plain", "apply", "root-mfa"], "--plain"),
    ],
)
def test_a_command_refuses_guided_mode_flags_before_reading_anything(argv, named, capsys):
    """``--sandbox verify`` used to judge whatever real account the credentials opened, while
    the owner believed it judged the practice account: the flag was silently dropped."""

    def no_aws(*_args, **_kwargs):
        raise AssertionError("a refused command line must not reach AWS")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("aws_setup_wizard.account.Account.__init__", no_aws)
        assert main(argv) == ExitCode.USAGE
    problem = capsys.readouterr().err
    assert f"{named} " in problem and "nothing was read or changed" in problem
    assert ("sandbox serve --env-file" in problem) == (named != "--plain")


def test_the_sandbox_command_keeps_its_own_scenario_flag(capsys):
    """``sandbox serve --scenario`` shares the guided flag's destination: it is judged as a
    scenario (here: one that does not exist), never refused as a misplaced guided flag."""
    assert main(["sandbox", "serve", "--scenario", "no-such-scenario"]) == ExitCode.USAGE
    problem = capsys.readouterr().err
    assert "no-such-scenario" in problem and "guided-mode flag" not in problem


def test_steps_that_share_an_option_get_one_flag():
    """The contact e-mail is one ``--contact-email`` whichever steps use it; two different
    options under one name is a mistake in the steps, refused when the parser is built."""
    from aws_setup_wizard.cli import shared_once
    from aws_setup_wizard.options import Option
    from aws_setup_wizard.steps.contact_options import CONTACT_EMAIL, CONTACT_NAME

    def step(step_id, *options):
        return type("Declares", (), {"id": step_id, "options": options})()

    a, b, c = step("a", CONTACT_NAME, CONTACT_EMAIL), step("b", CONTACT_EMAIL), step("c")
    assert [(s.id, o) for s, o in shared_once([a, b, c])] == [("a", (CONTACT_NAME, CONTACT_EMAIL))]
    impostor = Option("contact_email", "--alert-email", "Alert e-mail", "where alerts go", "")
    with pytest.raises(ValueError, match="contact_email"):
        shared_once([a, step("d", impostor)])
