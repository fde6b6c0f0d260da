"""The engine knows nothing of its front ends, and verify does not load them."""

import ast
import json
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
#: Front-end packages: these and everything below them (the engine, wizard/ in the checkout, is
#: ``aws_setup_wizard``; its Textual front end, screens/, is ``aws_setup_wizard.screens``).
FRONT_ENDS = {"textual", "questionary", "aws_setup_wizard.screens", "prompt_toolkit"}
ALLOWED = {"wizard/plain.py", "wizard/cli.py", "wizard/__main__.py"}


def is_front_end(module: str) -> bool:
    return any(module == name or module.startswith(name + ".") for name in FRONT_ENDS)


def imported(source: str, package: str) -> list[str]:
    """Every module imported by ``source`` (a module of ``package``), relative ones resolved."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            parts = package.split(".")
            base = parts[: len(parts) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            # ``from aws_setup_wizard import screens`` imports a front end too.
            names += [module] + [f"{module}.{alias.name}" for alias in node.names]
    return names


def test_engine_modules_import_no_front_end():
    offenders = []
    for path in sorted((ROOT / "wizard").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative in ALLOWED:
            continue
        package = ".".join(["aws_setup_wizard", *path.relative_to(ROOT / "wizard").parent.parts])
        names = imported(path.read_text(), package)
        offenders += [f"{relative}: {n}" for n in names if is_front_end(n)]
    assert offenders == []


@pytest.mark.parametrize(
    "statement",
    [
        "import aws_setup_wizard.screens.app",
        "from aws_setup_wizard import screens",
        "from aws_setup_wizard.screens.app import WizardApp",
        "from .. import screens",
        "from ..screens import app",
        "import textual.app",
    ],
)
def test_the_boundary_check_sees_each_way_of_importing_a_front_end(statement):
    assert any(is_front_end(n) for n in imported(statement, "aws_setup_wizard.steps"))


def test_a_module_whose_name_only_begins_like_a_front_end_is_not_one():
    assert not is_front_end("aws_setup_wizard.screenshots")
    assert not is_front_end("textualize")


def test_loading_the_engine_and_cli_loads_no_front_end_nor_moto():
    code = (
        "import sys, aws_setup_wizard.cli, aws_setup_wizard.runner, aws_setup_wizard.report, "
        "aws_setup_wizard.steps; "
        "aws_setup_wizard.cli.build_parser(); "
        "heavy = {'textual','questionary','aws_setup_wizard.screens','prompt_toolkit',"
        "'moto','werkzeug','flask'}; "
        "print(sorted({h for h in heavy for m in sys.modules if (m + '.').startswith(h + '.')}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def loaded_after(code: str, among: set[str]) -> list[str]:
    """The top-level packages of ``among`` that running ``code`` in a new process loads."""
    loaded = "{m.split('.')[0] for m in sys.modules}"
    probe = f"import sys, json; {code}; print(json.dumps(sorted({loaded} & {among!r})))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return list(json.loads(out.stdout))


HEAVY = {"boto3", "botocore", "moto"}


def test_the_guided_mode_starts_without_boto3():
    """The TUI draws its first screen before boto3 is loaded; the CLI must not load it first."""
    code = (
        "from aws_setup_wizard import cli; from aws_setup_wizard.launch import Launch; "
        "cli.build_parser(with_steps=False).parse_args(['--sandbox'])"
    )
    assert loaded_after(code, HEAVY) == []


def test_the_guided_sandbox_reaches_the_tui_without_loading_the_sandbox_package():
    """``aws-setup-wizard --sandbox`` on the defaults hands over to the TUI before the sandbox
    package (~40 ms), the model or the no-credentials choices (~20 ms) are loaded: none is on
    the first frame, which waited for them (issue 13). They load just after it."""
    env = {k: v for k, v in os.environ.items() if k != "SANDBOX_ACCOUNT_ID"}
    code = (
        "import json, sys; from aws_setup_wizard.screens import app; "
        "app.run_guided = lambda launch: print(json.dumps([launch.sandbox_scenario, "
        "launch.sandbox_account_id, sorted(m for m in sys.modules if m.startswith("
        "('aws_setup_wizard.sandbox', 'aws_setup_wizard.model', "
        "'aws_setup_wizard.no_credentials')))])) or 0; "
        "from aws_setup_wizard import cli; cli.wants_plain = lambda args: False; "
        "sys.exit(cli.main(['--sandbox']))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    # The built-in "fresh" scenario, an ID the sandbox chooses when it starts, nothing loaded.
    assert json.loads(out.stdout) == ["fresh", None, []]


def test_the_cli_names_the_sandbox_account_id_variable_as_the_sandbox_does():
    from aws_setup_wizard import cli, sandbox

    assert cli.SANDBOX_ACCOUNT_ID_ENV == sandbox.ACCOUNT_ID_ENV


def test_the_types_front_ends_exchange_with_the_flow_load_no_botocore():
    """Screens answer with ``Answer`` and show ``Identity`` etc. before boto3 is loaded."""
    code = "import aws_setup_wizard.dialogue, aws_setup_wizard.model, aws_setup_wizard.caller"
    assert loaded_after(code, HEAVY) == []


def test_the_steps_load_no_part_of_the_sandbox():
    """Steps judge a real account with engine code only (the policy evaluator included); the
    sandbox, the simulated AWS, is imported lazily by the sandbox-only hooks."""
    probe = (
        "import sys, aws_setup_wizard.steps; "
        "print(sorted(m for m in sys.modules if m.startswith('aws_setup_wizard.sandbox')))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _registered_step_names() -> set[str]:
    """Every step id and step class name, read from the step modules themselves."""
    names: set[str] = set()
    for path in (ROOT / "wizard" / "steps").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            is_step = isinstance(node, ast.ClassDef) and node.name.endswith("Step")
            if is_step and node.name != "Step":
                names.add(node.name)
                for item in node.body:
                    if (
                        isinstance(item, ast.Assign)
                        and any(isinstance(t, ast.Name) and t.id == "id" for t in item.targets)
                        and isinstance(item.value, ast.Constant)
                    ):
                        names.add(f'"{item.value.value}"')
    return names


def test_nothing_outside_the_steps_names_a_particular_step():
    """The engine and the front ends know steps only through the contract and the registry."""
    import botocore.session

    names = _registered_step_names()
    assert '"root-mfa"' in names and "AdminUserStep" in names  # the reader works
    # A step id that is also an AWS service's name ("cloudtrail") is AWS vocabulary where the
    # journal or the sandbox names the service, not knowledge of our step.
    services = {f'"{name}"' for name in botocore.session.get_session().get_available_services()}
    names -= services
    offenders = []
    for folder in ("wizard", "screens"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            # The sandbox is the simulated AWS (its console has a "root-mfa" action of its own).
            if relative.startswith(("wizard/steps/", "wizard/sandbox/")):
                continue
            text = path.read_text()
            offenders += [f"{relative}: {name}" for name in sorted(names) if name in text]
    assert offenders == []
