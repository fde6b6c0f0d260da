"""The package list for setuptools; everything else is in pyproject.toml.

pyproject.toml's ``[tool.setuptools.package-dir]`` installs the repository's folders (wizard/,
screens/, assets/) as one import package, ``aws_setup_wizard``. setuptools' own discovery
(``packages.find``) cannot rename what it finds, so this finds, at build time, every folder with
Python files below each mapped folder: a new subpackage is in the wheel without an edit here.
"""

import tomllib
from pathlib import Path

from setuptools import find_namespace_packages, setup

HERE = Path(__file__).resolve().parent
CONFIG = tomllib.loads((HERE / "pyproject.toml").read_text(encoding="utf-8"))
PACKAGE_DIR: dict[str, str] = CONFIG["tool"]["setuptools"]["package-dir"]


def packages() -> list[str]:
    """Each mapped package, and each folder below it that holds a Python file."""
    found = []
    for name, folder in PACKAGE_DIR.items():
        root = HERE / folder
        found.append(name)
        for sub in find_namespace_packages(str(root)):
            path = root.joinpath(*sub.split("."))
            if all(part.isidentifier() for part in sub.split(".")) and any(path.glob("*.py")):
                found.append(f"{name}.{sub}")
    return sorted(found)


setup(packages=packages())
