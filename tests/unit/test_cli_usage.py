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
