"""The engine knows nothing of its front ends, and verify does not load them."""

import ast
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
FRONT_ENDS = {"textual", "questionary", "screens", "prompt_toolkit"}
ALLOWED = {"wizard/plain.py", "wizard/cli.py", "wizard/__main__.py"}


def test_engine_modules_import_no_front_end():
    offenders = []
    for path in sorted((ROOT / "wizard").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative in ALLOWED:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{relative}: {n}" for n in names if n.split(".")[0] in FRONT_ENDS]
    assert offenders == []


def test_loading_the_engine_and_cli_loads_no_front_end_nor_moto():
    code = (
        "import sys, wizard.cli, wizard.runner, wizard.report, wizard.steps; "
        "wizard.cli.build_parser(); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'textual','questionary','screens','prompt_toolkit','moto','werkzeug','flask'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_guided_mode_starts_without_boto3():
    """The TUI draws its first screen before boto3 is loaded; the CLI must not load it first."""
    code = (
        "import sys; from wizard import cli; from wizard.launch import Launch; "
        "cli.build_parser(with_steps=False).parse_args(['--sandbox']); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'boto3', 'botocore', 'moto'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
