"""Trainer scenario files: a starting account described in a small TOML file.

``--scenario`` takes a built-in scenario's name (``fresh``, ``partial``, ``drifted``,
``done``), the path of a file, or the name of an example shipped in ``assets/scenarios/``
(``leaky-keys``). A file starts from a built-in scenario and says what differs::

    description = "Root still has an access key, and so does a CI user"
    base = "fresh"                      # the built-in scenario to start from
    drifts = ["trail stopped"]          # drifts of the catalogue, by name (base "done" only)

    [root]
    mfa = false                         # root has a virtual MFA device, or none
    access_keys = 1                     # exactly this many root keys (0 to 2)

    [[groups]]
    name = "Developers"
    policies = ["arn:aws:iam::aws:policy/PowerUserAccess"]   # AWS managed policies

    [[users]]
    name = "ci-bot"
    groups = ["Developers"]             # the file's groups or the base scenario's
    console_password = false
    mfa = false
    access_keys = 1                     # 0 to 2
    policies = []                       # attached to the user itself

    [[trails]]
    name = "main"
    multi_region = true
    logging = true
    log_file_validation = true
    encrypted = true                    # a KMS key of its own
    bucket = "main-logs-{account_id}"   # the default: NAME-logs-ACCOUNT_ID

Seeding goes: the base scenario, the drifts (each made to the base ``done`` account), then
root, groups, users and trails. Reading is strict: an unknown key, a wrong type, a name IAM or
CloudTrail would refuse, a group nobody defines, an unknown drift each raise
:class:`ScenarioFileError`, one sentence naming the file, the key and what is allowed. This
module is cheap to import (botocore and moto's list of AWS managed policies are loaded only to
check a file that names drifts or policies): the command line validates a file before any
sandbox starts.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from aws_setup_wizard import options
from aws_setup_wizard.sandbox import SCENARIOS, SandboxSettingError
from aws_setup_wizard.sandbox.state import MAX_ROOT_KEYS

#: What each built-in scenario already holds: the names a file may use or must not repeat.
BASE_USERS = {"fresh": (), "partial": ("admin",), "drifted": ("alice",), "done": ("alice",)}
BASE_GROUPS = {
    "fresh": (),
    "partial": ("Administrators",),
    "drifted": ("Admins",),
    "done": ("Admins",),
}
BASE_TRAILS = {"fresh": (), "partial": (), "drifted": ("org-audit",), "done": ("org-audit",)}

#: One line per built-in scenario: what the account looks like.
BUILT_IN = {
    "fresh": "a new account: one root access key, no root MFA, nothing else",
    "partial": "root MFA, still a root key; admin user 'admin' in Administrators, no MFA yet",
    "drifted": "was done, then drifted: trail 'org-audit' stopped and a root key re-created",
    "done": "secured: root MFA, no root key, 'alice' in Admins with MFA, trail 'org-audit'",
}

#: The examples shipped with the wizard, under ``assets/scenarios/``.
EXAMPLES_FOLDER = "scenarios"
SUFFIX = ".toml"

#: IAM's quotas that a file could exceed: groups per user, trails per Region.
MAX_GROUPS_PER_USER = 10
MAX_TRAILS = 5

_AWS_MANAGED_POLICY = re.compile(r"arn:aws:iam::aws:policy/([\w+=,.@-]+/)*[\w+=,.@-]+", re.ASCII)
_DRIFT_BASE = "done"


class ScenarioFileError(SandboxSettingError):
    """A scenario file cannot be used; the message names the file, the key and the rule."""


@dataclass(frozen=True)
class RootPlan:
    """``[root]``: ``None`` keeps what the base scenario has."""

    mfa: bool | None = None
    access_keys: int | None = None


@dataclass(frozen=True)
class GroupPlan:
    """One ``[[groups]]`` table."""

    name: str
    policies: tuple[str, ...] = ()


@dataclass(frozen=True)
class UserPlan:
    """One ``[[users]]`` table."""

    name: str
    groups: tuple[str, ...] = ()
    console_password: bool = False
    mfa: bool = False
    access_keys: int = 0
    policies: tuple[str, ...] = ()


@dataclass(frozen=True)
class TrailPlan:
    """One ``[[trails]]`` table; ``bucket`` may hold ``{account_id}``."""

    name: str
    bucket: str
    multi_region: bool = True
    logging: bool = True
    log_file_validation: bool = True
    encrypted: bool = True

    def bucket_for(self, account_id: str) -> str:
        """The bucket's name in the account ``account_id``."""
        return self.bucket.format(account_id=account_id)


@dataclass(frozen=True)
class TrainerScenario:
    """A scenario file, read and validated: what to seed on top of ``base``."""

    label: str  # how the trainer named it (path or example name), for messages and titles
    base: str = "fresh"
    description: str = ""
    drifts: tuple[str, ...] = ()
    root: RootPlan = RootPlan()
    groups: tuple[GroupPlan, ...] = ()
    users: tuple[UserPlan, ...] = ()
    trails: tuple[TrailPlan, ...] = ()

    def error(self, problem: str) -> ScenarioFileError:
        """A :class:`ScenarioFileError` about this file."""
        return ScenarioFileError(f"Scenario file {self.label}: {problem}")


# -- resolving ``--scenario`` ---------------------------------------------------------------------


def resolve(value: str) -> str | TrainerScenario:
    """A built-in scenario's name as it is; a file's path or a shipped example's name, read.

    Raises :class:`ScenarioFileError` when ``value`` is none of them or the file is invalid.
    """
    if value in SCENARIOS:
        return value
    path = Path(value).expanduser()
    if path.is_file():
        return load(path, label=value)
    example = _example(value)
    if example is not None:
        return parse(example.read_text(encoding="utf-8"), label=value)
    if path.exists():
        raise ScenarioFileError(f"--scenario {value}: not a file; nothing was started.")
    raise ScenarioFileError(
        f"--scenario {value!r} is neither a built-in scenario ({', '.join(SCENARIOS)}), a "
        f"shipped example ({', '.join(name for name, _ in examples()) or 'none'}) nor an "
        "existing file; nothing was started."
    )


def load(path: Path, *, label: str | None = None) -> TrainerScenario:
    """Read and validate the scenario file at ``path``."""
    shown = label or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise ScenarioFileError(f"Scenario file {shown} cannot be read ({reason}).") from error
    return parse(text, label=shown)


def examples_folder() -> Any:
    """Where the shipped example files are (a folder of the installed package)."""
    return resources.files("aws_setup_wizard.assets").joinpath(EXAMPLES_FOLDER)


def examples() -> list[tuple[str, str]]:
    """The shipped example files: ``(name, description)``, sorted by name."""
    folder = examples_folder()
    found = []
    for item in folder.iterdir():
        if item.name.endswith(SUFFIX) and item.is_file():
            name = item.name.removesuffix(SUFFIX)
            found.append((name, parse(item.read_text(encoding="utf-8"), label=name).description))
    return sorted(found)


def _example(value: str) -> Any | None:
    name = value.removesuffix(SUFFIX)
    if not name or "/" in name or name.startswith("."):
        return None
    item = resources.files("aws_setup_wizard.assets").joinpath(EXAMPLES_FOLDER, name + SUFFIX)
    return item if item.is_file() else None


# -- reading --------------------------------------------------------------------------------------


class _Table:
    """One TOML table of the file, read key by key; every problem names file and key."""

    def __init__(
        self, label: str, where: str, data: Any, allowed: tuple[str, ...], what: str = ""
    ) -> None:
        # Named ``user 'eve'`` when the table has a name, else ``[[users]] #2`` (its place).
        self.label, self.where, self.numbered = label, where, where
        if what and isinstance(data, dict) and isinstance(data.get("name"), str):
            self.where = f"{what} {data['name']!r}"
        if not isinstance(data, dict):
            raise self.error(f"{where} must be a table ({_kind(data)} given)")
        unknown = sorted(set(data) - set(allowed))
        if unknown:
            raise self.error(
                f"{self.where} has an unknown key {unknown[0]!r} (allowed: {', '.join(allowed)})"
            )
        self.data: dict[str, Any] = data

    def error(self, problem: str) -> ScenarioFileError:
        return ScenarioFileError(f"Scenario file {self.label}: {problem}.")

    def key(self, key: str) -> str:
        if self.where == "the file":
            return key
        return f"{self.where}.{key}" if self.where.startswith("[") else f"{self.where}: {key}"

    def text(self, key: str, default: str) -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str):
            raise self.error(f"{self.key(key)} must be text in quotes ({_kind(value)} given)")
        return value

    def flag(self, key: str, default: bool | None) -> bool | None:
        value = self.data.get(key, default)
        if value is not None and not isinstance(value, bool):
            raise self.error(f"{self.key(key)} must be true or false ({_kind(value)} given)")
        return value

    def count(self, key: str, default: int | None, high: int) -> int | None:
        value = self.data.get(key, default)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high
        ):
            raise self.error(
                f"{self.key(key)} must be a whole number from 0 to {high}, not {value!r}"
            )
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(f"{self.key(key)} must be a list of texts in quotes")
        if len(set(value)) != len(value):
            raise self.error(f"{self.key(key)} names the same thing twice")
        return tuple(value)

    def name(self, rule: options.Validator) -> str:
        if "name" not in self.data:
            raise self.error(f"{self.numbered} needs a name")
        value = self.data["name"]
        if not isinstance(value, str):
            raise self.error(f"{self.numbered}: name must be text in quotes ({_kind(value)} given)")
        problem = rule(value)
        if problem:
            raise self.error(f"{self.numbered}: name {value!r} {problem.rstrip('.')}")
        return value

    def policies(self) -> tuple[str, ...]:
        arns = self.texts("policies")
        for arn in arns:
            if not _AWS_MANAGED_POLICY.fullmatch(arn):
                raise self.error(
                    f"{self.key('policies')} holds {arn!r}: only AWS managed policy ARNs "
                    "(arn:aws:iam::aws:policy/NAME) can be attached"
                )
            if arn not in _aws_managed_policies():
                raise self.error(f"{self.key('policies')}: AWS has no managed policy {arn}")
        return arns


def _kind(value: Any) -> str:
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


@cache
def _aws_managed_policies() -> frozenset[str]:
    """The ARNs of the AWS managed policies the sandbox holds (moto's list, read once)."""
    from aws_setup_wizard.sandbox import managed_policies

    return managed_policies.arns()


_TOP = ("description", "base", "drifts", "root", "groups", "users", "trails")
_ROOT = ("mfa", "access_keys")
_GROUP = ("name", "policies")
_USER = ("name", "groups", "console_password", "mfa", "access_keys", "policies")
_TRAIL = ("name", "bucket", "multi_region", "logging", "log_file_validation", "encrypted")


def parse(text: str, *, label: str) -> TrainerScenario:
    """Validate a scenario file's text; ``label`` names it in every message."""
    # Imported here: its regular expressions cost the guided sandbox's first frame a few
    # milliseconds, and a built-in scenario never needs it.
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScenarioFileError(f"Scenario file {label} is not valid TOML: {error}.") from error
    top = _Table(label, "the file", data, _TOP)
    base = top.text("base", "fresh")
    if base not in SCENARIOS:
        raise top.error(f"base must be one of {', '.join(SCENARIOS)}, not {base!r}")
    drifts = _drifts(top, base)
    root = _Table(label, "[root]", data.get("root", {}), _ROOT)
    groups = _groups(label, data.get("groups", []), base)
    users = _users(label, data.get("users", []), base, {g.name for g in groups})
    trails = _trails(label, data.get("trails", []), base)
    return TrainerScenario(
        label=label,
        base=base,
        description=" ".join(top.text("description", "").split()),
        drifts=drifts,
        root=RootPlan(root.flag("mfa", None), root.count("access_keys", None, MAX_ROOT_KEYS)),
        groups=groups,
        users=users,
        trails=trails,
    )


def _drifts(top: _Table, base: str) -> tuple[str, ...]:
    from aws_setup_wizard.sandbox.drifts import DRIFTS  # loads botocore: only for a file's drifts

    names = top.texts("drifts")
    for name in names:
        if name not in DRIFTS:
            close = difflib.get_close_matches(name, list(DRIFTS), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise top.error(
                f"drifts names {name!r}, which is no drift of the catalogue{hint}; "
                "`aws-setup-wizard sandbox scenarios` lists them"
            )
    if names and base != _DRIFT_BASE:
        raise top.error(
            f'drifts change a finished account: they need base = "{_DRIFT_BASE}", not {base!r}'
        )
    return names


def _tables(label: str, kind: str, value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise ScenarioFileError(
            f"Scenario file {label}: {kind} must be written as [[{kind}]] tables."
        )
    return value


def _unique(
    table: _Table, name: str, seen: set[str], base_names: tuple[str, ...], what: str
) -> None:
    if name.lower() in {n.lower() for n in base_names}:
        raise table.error(f"the base scenario already has {what} {name!r}")
    if name.lower() in seen:  # IAM and CloudTrail names are unique without regard to case
        raise table.error(f"{what} {name!r} is defined twice")
    seen.add(name.lower())


def _groups(label: str, value: Any, base: str) -> tuple[GroupPlan, ...]:
    plans, seen = [], set[str]()
    for number, data in enumerate(_tables(label, "groups", value), start=1):
        table = _Table(label, f"[[groups]] #{number}", data, _GROUP, "group")
        name = table.name(options.iam_group_name)
        _unique(table, name, seen, BASE_GROUPS[base], "a group")
        plans.append(GroupPlan(name, table.policies()))
    return tuple(plans)


def _users(label: str, value: Any, base: str, groups: set[str]) -> tuple[UserPlan, ...]:
    plans, seen = [], set[str]()
    known = groups | set(BASE_GROUPS[base])
    for number, data in enumerate(_tables(label, "users", value), start=1):
        table = _Table(label, f"[[users]] #{number}", data, _USER, "user")
        name = table.name(options.iam_user_name)
        _unique(table, name, seen, BASE_USERS[base], "a user")
        member_of = table.texts("groups")
        for group in member_of:
            if group not in known:
                raise table.error(
                    f"{table.key('groups')} names {group!r}, which neither the file's "
                    f"[[groups]] nor the base scenario {base!r} define"
                )
        if len(member_of) > MAX_GROUPS_PER_USER:
            raise table.error(f"{table.key('groups')}: IAM allows at most 10 groups per user")
        plans.append(
            UserPlan(
                name,
                member_of,
                console_password=bool(table.flag("console_password", False)),
                mfa=bool(table.flag("mfa", False)),
                access_keys=table.count("access_keys", 0, 2) or 0,
                policies=table.policies(),
            )
        )
    return tuple(plans)


def _trails(label: str, value: Any, base: str) -> tuple[TrailPlan, ...]:
    plans, seen = [], set[str]()
    tables = _tables(label, "trails", value)
    if len(tables) + len(BASE_TRAILS[base]) > MAX_TRAILS:
        raise ScenarioFileError(
            f"Scenario file {label}: CloudTrail allows at most {MAX_TRAILS} trails per Region "
            f"(the base scenario {base!r} has {len(BASE_TRAILS[base])})."
        )
    for number, data in enumerate(tables, start=1):
        table = _Table(label, f"[[trails]] #{number}", data, _TRAIL, "trail")
        name = table.name(options.trail_name)
        _unique(table, name, seen, BASE_TRAILS[base], "a trail")
        default_bucket = re.sub(r"[^a-z0-9.-]", "-", name.lower()) + "-logs-{account_id}"
        bucket = table.text("bucket", default_bucket)
        # Checked with a 12-digit stand-in: the account ID is known only when the sandbox starts.
        problem = options.bucket_name(bucket.replace("{account_id}", "123456789012"))
        if problem:
            what = table.key("bucket") if "bucket" in table.data else "the default bucket"
            raise table.error(f"{what} {bucket!r} {problem.rstrip('.')}; set a valid bucket")
        plans.append(
            TrailPlan(
                name,
                bucket,
                multi_region=bool(table.flag("multi_region", True)),
                logging=bool(table.flag("logging", True)),
                log_file_validation=bool(table.flag("log_file_validation", True)),
                encrypted=bool(table.flag("encrypted", True)),
            )
        )
    return tuple(plans)
