"""The wheel built from this checkout, installed where no checkout can be imported.

The editable install and pytest's own ``sys.path`` can hide a module or a file the wheel leaves
out. This builds the wheel as pip does, installs it into a fresh virtual environment, and runs
the installed command against a sandbox from an empty folder.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
import zipfile
from pathlib import Path

import pytest

from aws_setup_wizard import steps as registry

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
#: Each folder of the checkout and where its files are in the wheel.
INSTALLED_AS = {
    "wizard": "aws_setup_wizard",
    "screens": "aws_setup_wizard/screens",
    "assets": "aws_setup_wizard/assets",
}
#: What a checkout may hold that is not source: never copied into the build.
NOT_SOURCE = shutil.ignore_patterns(
    ".git",
    ".venv*",
    ".ci-venv",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    "*.pyc",
    ".*_cache",
    ".hypothesis",
)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel pip builds from a copy of the checkout (a stale build/ cannot leak into it)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(ROOT, source, symlinks=True, ignore=NOT_SOURCE)
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--disable-pip-version-check",
            "--wheel-dir",
            str(work / "dist"),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (found,) = (work / "dist").glob("aws_setup_wizard-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment holding only the wheel; returns its ``bin`` folder.

    The dependencies come from this environment's site-packages through a .pth file. A folder
    named in a .pth file is put on ``sys.path`` without running that folder's own .pth files,
    so this environment's editable install (an import hook started by a .pth file) stays off:
    the only ``aws_setup_wizard`` there is the wheel's.
    """
    venv = tmp_path_factory.mktemp("venv") / "fresh"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    done = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    ours = sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})
    (Path(purelib) / "test-environment-dependencies.pth").write_text("\n".join(ours) + "\n")
    return venv / "bin"


def fresh_env(bin_dir: Path) -> dict[str, str]:
    """No developer AWS configuration, no PYTHONPATH, the fresh environment first on PATH."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "SANDBOX_", "PYTHON", "VIRTUAL_ENV"))
    }
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["AWS_CONFIG_FILE"] = env["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    return env


def load_env(path: Path) -> dict[str, str]:
    """The ``KEY=VALUE`` lines of a sandbox env file, as a shell would read them."""
    values = {}
    for line in path.read_text().splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = "".join(shlex.split(value))
    return values


def expected_in_wheel() -> tuple[set[str], set[str]]:
    """The files the wheel must hold (Python files, everything in assets/, the trimmed service
    models), and their folders."""
    files, folders = set(), set()
    for folder, target in INSTALLED_AS.items():
        base = ROOT / folder
        for path in base.rglob("*"):
            relative = path.relative_to(base)
            if not path.is_file() or any(
                part == "__pycache__" or part.startswith(".") for part in relative.parts
            ):
                continue
            # Package data outside assets/: the trimmed service models.
            model = folder == "wizard" and relative.parts[:2] == ("sdk", "data")
            if path.suffix == ".py" or folder == "assets" or model:
                files.add(f"{target}/{relative.as_posix()}")
            if path.suffix == ".py":
                folders.add(f"{target}/{relative.parent.as_posix()}".removesuffix("/."))
    return files, folders


def test_the_wheel_holds_one_import_package_with_every_module_and_asset(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    tops = {name.split("/")[0] for name in names}
    dist_info = {top for top in tops if top.endswith(".dist-info")}
    assert len(dist_info) == 1, tops
    assert tops - dist_info == {"aws_setup_wizard"}

    files, folders = expected_in_wheel()
    assert "aws_setup_wizard/assets/wizard.tcss" in files
    assert "aws_setup_wizard/sdk/data/index.json" in files
    assert sorted(files - names) == []
    assert sorted(folders - {name.rpartition("/")[0] for name in names}) == []


def test_the_installed_command_serves_and_verifies_a_sandbox(
    installed: Path, tmp_path: Path
) -> None:
    env = fresh_env(installed)
    python = str(installed / "python")
    where = subprocess.run(
        [python, "-c", "import aws_setup_wizard; print(aws_setup_wizard.__file__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).is_relative_to(installed.parent), where.stdout
    helped = subprocess.run(
        [python, "-m", "aws_setup_wizard", "--help"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert helped.returncode == 0 and "sandbox" in helped.stdout, helped.stderr

    env_file = tmp_path / "sandbox.env"
    log = tmp_path / "serve.log"
    with log.open("w") as errors:
        server = subprocess.Popen(
            [
                str(installed / "aws-setup-wizard"),
                "sandbox",
                "serve",
                "--scenario",
                "done",
                "--env-file",
                str(env_file),
            ],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
    try:
        deadline = time.monotonic() + 60
        while not (env_file.exists() and "AWS_ENDPOINT_URL=" in env_file.read_text()):
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the sandbox did not start"
            time.sleep(0.1)
        sandbox = load_env(env_file)
        assert sandbox["AWS_ENDPOINT_URL"].startswith("http://127.0.0.1:")
        verify_env = {**env, **{k: v for k, v in sandbox.items() if k.startswith("AWS_")}}
        verified = subprocess.run(
            [str(installed / "aws-setup-wizard"), "verify"],
            cwd=tmp_path,
            env=verify_env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert verified.returncode == 0, verified.stdout + verified.stderr
        count = len(registry.STEPS)
        assert f"{count} of {count} steps pass" in verified.stdout
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)
    assert server.returncode == 0, log.read_text()
