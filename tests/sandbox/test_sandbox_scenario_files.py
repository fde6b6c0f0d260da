"""Issue 12, trainer scenarios: a starting account described in a TOML file (``--scenario``).

What a file says is seeded through the sandbox and read back over HTTP with boto3; what a file
gets wrong is refused in one sentence naming the file, the key and what is allowed, before any
sandbox starts (exit 64 on the command line).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from aws_setup_wizard.sandbox import Sandbox, SandboxCredentials
from aws_setup_wizard.sandbox.scenario_files import (
    ScenarioFileError,
    TrainerScenario,
    examples,
    load,
    parse,
    resolve,
)
from tests.sandbox.served import PROJECT_ROOT, RUN_CLI, served

USAGE = 64
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"

EVERYTHING = f"""
description = "every key a file may hold"
base = "fresh"

[root]
mfa = true
access_keys = 0

[[groups]]
name = "Readers"
policies = ["{READ_ONLY}"]

[[groups]]
name = "Empty"

[[users]]
name = "carol"
groups = ["Readers", "Empty"]
console_password = true
mfa = true
access_keys = 2
policies = ["{ADMIN}"]

[[users]]
name = "dave"

[[trails]]
name = "Main_Trail.1"
bucket = "audit-{{account_id}}"
multi_region = true
logging = true
log_file_validation = true
encrypted = true
"""


@pytest.fixture
def seeded(running_sandbox: Sandbox) -> Callable[[str | TrainerScenario], Sandbox]:
    """Reset the session's sandbox to a scenario (a name, a path or a file already read)."""

    def reset(scenario: str | TrainerScenario) -> Sandbox:
        running_sandbox.reset(scenario)
        return running_sandbox

    return reset


def iam_of(box: Sandbox, client: Any) -> Any:
    return client(box, "iam")


def root_flags(box: Sandbox, client: Any) -> tuple[int, int]:
    summary = client(box, "iam").get_account_summary()["SummaryMap"]
    return summary["AccountMFAEnabled"], summary["AccountAccessKeysPresent"]


# -- what a file seeds -----------------------------------------------------------------------------


def test_every_key_of_a_file_is_seeded(seeded: Any, client: Any) -> None:
    box = seeded(parse(EVERYTHING, label="everything.toml"))
    assert box.scenario == "everything.toml"
    assert root_flags(box, client) == (1, 0)
    iam = client(box, "iam")
    assert sorted(u["UserName"] for u in iam.list_users()["Users"]) == ["carol", "dave"]
    groups = iam.list_groups_for_user(UserName="carol")["Groups"]
    assert sorted(g["GroupName"] for g in groups) == ["Empty", "Readers"]
    readers = iam.list_attached_group_policies(GroupName="Readers")["AttachedPolicies"]
    assert [p["PolicyArn"] for p in readers] == [READ_ONLY]
    own = iam.list_attached_user_policies(UserName="carol")["AttachedPolicies"]
    assert [p["PolicyArn"] for p in own] == [ADMIN]
    assert iam.get_login_profile(UserName="carol")["LoginProfile"]["PasswordResetRequired"]
    assert len(iam.list_mfa_devices(UserName="carol")["MFADevices"]) == 1
    assert len(iam.list_access_keys(UserName="carol")["AccessKeyMetadata"]) == 2
    # dave: the defaults, nothing at all
    assert iam.list_access_keys(UserName="dave")["AccessKeyMetadata"] == []
    assert iam.list_mfa_devices(UserName="dave")["MFADevices"] == []
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_login_profile(UserName="dave")
    cloudtrail = client(box, "cloudtrail")
    (trail,) = cloudtrail.describe_trails()["trailList"]
    assert trail["Name"] == "Main_Trail.1"
    assert trail["S3BucketName"] == f"audit-{box.account_id}"
    assert trail["IsMultiRegionTrail"] and trail["LogFileValidationEnabled"]
    assert trail["KmsKeyId"].startswith(f"arn:aws:kms:us-east-1:{box.account_id}:key/")
    assert cloudtrail.get_trail_status(Name="Main_Trail.1")["IsLogging"] is True
    aliases = [a["AliasName"] for a in client(box, "kms").list_aliases()["Aliases"]]
    assert "alias/Main_Trail-1-trail" in aliases


def test_leaky_keys_example(seeded: Any, client: Any) -> None:
    box = seeded("leaky-keys")
    assert root_flags(box, client) == (0, 1)
    assert len(box.root.access_keys()) == 2
    iam = client(box, "iam")
    assert [u["UserName"] for u in iam.list_users()["Users"]] == ["ci-bot"]
    keys = iam.list_access_keys(UserName="ci-bot")["AccessKeyMetadata"]
    assert [k["Status"] for k in keys] == ["Active"]
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_login_profile(UserName="ci-bot")
    deployers = iam.list_attached_group_policies(GroupName="Deployers")["AttachedPolicies"]
    assert [p["PolicyArn"] for p in deployers] == [ADMIN]


def test_half_done_example(seeded: Any, client: Any) -> None:
    box = seeded("half-done.toml")  # the example's name, with or without .toml
    assert root_flags(box, client) == (1, 1)
    iam = client(box, "iam")
    assert iam.get_login_profile(UserName="sam")["LoginProfile"]
    assert iam.list_mfa_devices(UserName="sam")["MFADevices"] == []
    cloudtrail = client(box, "cloudtrail")
    (trail,) = cloudtrail.describe_trails()["trailList"]
    assert (trail["Name"], trail["IsMultiRegionTrail"], trail["LogFileValidationEnabled"]) == (
        "first-try",
        False,
        False,
    )
    assert "KmsKeyId" not in trail
    assert cloudtrail.get_trail_status(Name="first-try")["IsLogging"] is False


def test_tampered_example_makes_catalogue_drifts_to_done(seeded: Any, client: Any) -> None:
    box = seeded("tampered")
    assert root_flags(box, client) == (1, 0)  # done's root is untouched
    assert client(box, "cloudtrail").get_trail_status(Name="org-audit")["IsLogging"] is False
    versioning = client(box, "s3").get_bucket_versioning(Bucket=f"org-audit-logs-{box.account_id}")
    assert versioning["Status"] == "Suspended"
    keys = client(box, "iam").list_access_keys(UserName="alice")["AccessKeyMetadata"]
    assert len(keys) == 1


def test_a_delivery_drift_shows_in_the_trail_status(seeded: Any, client: Any) -> None:
    """A drift that shows only when CloudTrail next delivers is followed by a delivery."""
    text = 'base = "done"\ndrifts = ["delivery error from a bucket-policy Deny"]\n'
    box = seeded(parse(text, label="deny.toml"))
    status = client(box, "cloudtrail").get_trail_status(Name="org-audit")
    assert status["LatestDeliveryError"] == "AccessDenied"


def test_a_file_scenario_survives_a_reset_with_the_same_account_id(
    seeded: Any, client: Any
) -> None:
    box = seeded("leaky-keys")
    account = box.account_id
    box = seeded("fresh")
    assert box.account_id == account and box.scenario == "fresh"
    assert client(box, "iam").list_users()["Users"] == []


def test_what_the_account_refuses_is_one_sentence_naming_the_drift(seeded: Any) -> None:
    text = 'base = "done"\ndrifts = ["the admin group deleted", "admin removed from its group"]\n'
    with pytest.raises(ScenarioFileError) as refused:
        seeded(parse(text, label="clash.toml"))
    message = str(refused.value)
    assert message.startswith("Scenario file clash.toml: drift 'admin removed from its group' ")
    assert "could not be made on this account (NoSuchEntity" in message


# -- what a file gets wrong ----------------------------------------------------------------------

BAD = [
    ("colour = 'red'", "has an unknown key 'colour' (allowed: description, base, drifts"),
    ('base = "finished"', "base must be one of fresh, partial, drifted, done, not 'finished'"),
    ("base = 3", "base must be text in quotes (a number given)"),
    ("[root]\nmfa = 'yes'", "[root].mfa must be true or false (text given)"),
    ("[root]\naccess_keys = 3", "[root].access_keys must be a whole number from 0 to 2, not 3"),
    ("[root]\naccess_keys = true", "[root].access_keys must be a whole number from 0 to 2"),
    ("[root]\nkeys = 1", "[root] has an unknown key 'keys' (allowed: mfa, access_keys)"),
    ("[[users]]\nmfa = true", "[[users]] #1 needs a name"),
    ("[[users]]\nname = 'bad name'", "[[users]] #1: name 'bad name' may contain only ASCII"),
    ("[[users]]\nname = '" + "u" * 65 + "'", "must be 1 to 64 characters long (this one has 65)"),
    ("[[users]]\nname = 'eve'\npasword = true", "user 'eve' has an unknown key 'pasword'"),
    ("[[users]]\nname = 'eve'\ngroups = ['Ops']", "user 'eve': groups names 'Ops', which neither"),
    ("[[users]]\nname = 'eve'\n[[users]]\nname = 'EVE'", "a user 'EVE' is defined twice"),
    ('base = "done"\n[[users]]\nname = "alice"', "the base scenario already has a user 'alice'"),
    ("[[users]]\nname = 'eve'\naccess_keys = 5", "user 'eve': access_keys must be a whole number"),
    ("users = 'eve'", "users must be written as [[users]] tables"),
    ("[[groups]]\nname = 'G'\npolicies = ['arn:aws:iam::123412341234:policy/Mine']", "only AWS"),
    ("[[groups]]\nname = 'G'\npolicies = ['arn:aws:iam::aws:policy/NoSuch']", "AWS has no"),
    ("[[groups]]\nname = 'G'\npolicies = 'x'", "group 'G': policies must be a list of texts"),
    ("[[trails]]\nname = 'ab'", "[[trails]] #1: name 'ab' must be 3 to 128 characters"),
    ("[[trails]]\nname = 'a--b'", "must not have two of '.', '_' or '-' next to each other"),
    ("[[trails]]\nname = 'main'\nbucket = 'Bad_Bucket'", "trail 'main': bucket 'Bad_Bucket' may"),
    ("[[trails]]\nname = '" + "t" * 70 + "'", "the default bucket"),
    ('base = "done"\n' + "".join(f"[[trails]]\nname = 'tr{i}'\n" for i in range(5)), "at most 5"),
    ('drifts = ["trail stopped"]', 'drifts change a finished account: they need base = "done"'),
    ('base = "done"\ndrifts = ["trail stoped"]', "(did you mean 'trail stopped'?)"),
    ('base = "done"\ndrifts = ["nothing like it"]', "sandbox scenarios` lists them"),
    ("base = ", "is not valid TOML: "),
]


@pytest.mark.parametrize(("text", "said"), BAD, ids=[said for _, said in BAD])
def test_a_bad_file_is_refused_naming_file_and_key(text: str, said: str) -> None:
    with pytest.raises(ScenarioFileError) as refused:
        parse(text, label="trainer.toml")
    message = str(refused.value)
    assert message.startswith("Scenario file trainer.toml")
    assert said in message, message
    assert message.endswith(".") and "\n" not in message


def test_resolve_takes_a_built_in_name_a_path_or_a_shipped_example(tmp_path: Path) -> None:
    assert resolve("partial") == "partial"
    own = tmp_path / "mine.toml"
    own.write_text('description = "mine"\n[root]\nmfa = true\n')
    from_path = resolve(str(own))
    assert isinstance(from_path, TrainerScenario) and from_path.root.mfa is True
    assert from_path.label == str(own)
    for name in ("leaky-keys", "leaky-keys.toml"):
        example = resolve(name)
        assert isinstance(example, TrainerScenario) and example.label == name
    with pytest.raises(ScenarioFileError) as unknown:
        resolve("nonesuch")
    assert "neither a built-in scenario (fresh, partial, drifted, done)" in str(unknown.value)
    assert "leaky-keys" in str(unknown.value)
    with pytest.raises(ScenarioFileError, match="cannot be read"):
        load(tmp_path / "gone.toml")
    with pytest.raises(ScenarioFileError, match="not a file"):
        resolve(str(tmp_path))


def test_the_shipped_examples_are_valid_and_described() -> None:
    shipped = dict(examples())
    assert {"leaky-keys", "half-done", "tampered"} <= set(shipped)
    assert all(description for description in shipped.values())


def test_an_unknown_scenario_name_is_still_a_value_error() -> None:
    with pytest.raises(ValueError):
        Sandbox("nonsense")


# -- the command line ------------------------------------------------------------------------------


def iam_on(values: dict[str, str]) -> Any:
    creds = SandboxCredentials(
        values["AWS_ACCESS_KEY_ID"], values["AWS_SECRET_ACCESS_KEY"], values["AWS_SESSION_TOKEN"]
    )
    return boto3.client(
        "iam",
        endpoint_url=values["AWS_ENDPOINT_URL"],
        region_name="us-east-1",
        aws_access_key_id=creds.access_key_id,
        aws_secret_access_key=creds.secret_access_key,
        aws_session_token=creds.session_token,
        config=Config(retries={"max_attempts": 1}),
    )


def test_serve_serves_a_file_and_a_shipped_example(tmp_path: Path, cli_env: Any) -> None:
    own = tmp_path / "trainer.toml"
    own.write_text('[[users]]\nname = "trainee-7"\nconsole_password = true\n')
    with served(tmp_path / "file.env", cli_env(), "--scenario", str(own)) as values:
        header = (tmp_path / "file.env").read_text().splitlines()[0]
        assert f"({own})" in header
        users = iam_on(values).list_users()["Users"]
        assert [u["UserName"] for u in users] == ["trainee-7"]
    with served(tmp_path / "example.env", cli_env(), "--scenario", "leaky-keys") as values:
        assert values["SANDBOX_ROOT_ACCESS_KEY_ID"].startswith("AKIA")
        users = iam_on(values).list_users()["Users"]
        assert [u["UserName"] for u in users] == ["ci-bot"]


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("[[users]]\nname = 'x y'\n", "name 'x y' may contain only"),
        (
            'base = "done"\ndrifts = ["the admin group deleted", "the admin group deleted"]\n',
            "twice",
        ),
        # Valid to read, refused by the account while seeding: still nothing is served.
        (
            'base = "done"\ndrifts = ["the admin group deleted", "admin removed from its group"]\n',
            "could not be made on this account",
        ),
    ],
)
def test_serve_refuses_a_bad_file_and_serves_nothing(
    content: str, said: str, tmp_path: Path, cli_env: Any
) -> None:
    bad, env_file = tmp_path / "bad.toml", tmp_path / "never.env"
    bad.write_text(content)
    result = subprocess.run(
        [sys.executable, "-c", RUN_CLI, "sandbox", "serve", "--env-file", str(env_file)]
        + ["--scenario", str(bad)],
        cwd=PROJECT_ROOT,
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == USAGE, result.stderr
    assert result.stderr.startswith(f"aws-setup-wizard: Scenario file {bad}")
    assert said in result.stderr and result.stderr.count("\n") == 1
    assert result.stdout == "" and not env_file.exists()


def guided(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aws_setup_wizard", "--plain", *args],
        cwd=PROJECT_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_guided_sandbox_starts_from_a_scenario_file(tmp_path: Path, cli_env: Any) -> None:
    own = tmp_path / "no-keys.toml"
    own.write_text("[root]\naccess_keys = 0\n")
    run = guided("--sandbox", "--scenario", str(own), env=cli_env())
    # No root key in this file: the run is signed with root's console session.
    assert "the sandbox's root console session" in run.stdout, run.stdout + run.stderr
    keyed = guided("--sandbox", "--scenario", "leaky-keys", env=cli_env())
    assert "the sandbox's temporary root access key" in keyed.stdout, keyed.stdout + keyed.stderr


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--sandbox", "--scenario", "nonesuch"], "--scenario 'nonesuch' is neither"),
        (["--scenario", "leaky-keys"], "--scenario works only with --sandbox"),
    ],
)
def test_the_guided_mode_refuses_a_bad_scenario_before_anything_starts(
    args: list[str], said: str, cli_env: Any
) -> None:
    run = guided(*args, env=cli_env())
    assert run.returncode == USAGE and said in run.stderr, run.stdout + run.stderr
    assert run.stdout == ""


def test_the_guided_mode_refuses_a_bad_file(tmp_path: Path, cli_env: Any) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[root]\nmfa = 1\n")
    run = guided("--sandbox", "--scenario", str(bad), env=cli_env())
    assert run.returncode == USAGE
    assert run.stderr.strip() == (
        f"aws-setup-wizard: Scenario file {bad}: [root].mfa must be true or false (a number given)."
    )


@pytest.mark.parametrize("name", ["fresh", "partial", "drifted", "done"])
def test_what_files_are_checked_against_is_what_each_built_in_holds(
    name: str, seeded: Any, client: Any
) -> None:
    """The names a file may not repeat (and the groups it may join) are the built-in's own."""
    from aws_setup_wizard.sandbox import scenario_files

    box = seeded(name)
    iam = client(box, "iam")
    assert (
        tuple(u["UserName"] for u in iam.list_users()["Users"]) == (scenario_files.BASE_USERS[name])
    )
    assert (
        tuple(g["GroupName"] for g in iam.list_groups()["Groups"])
        == (scenario_files.BASE_GROUPS[name])
    )
    trails = client(box, "cloudtrail").describe_trails()["trailList"]
    assert tuple(t["Name"] for t in trails) == scenario_files.BASE_TRAILS[name]


def test_sandbox_scenarios_lists_built_ins_examples_drifts_and_how_to_pass_a_file(
    cli_env: Any,
) -> None:
    from aws_setup_wizard.sandbox import drifts, scenario_files

    result = subprocess.run(
        [sys.executable, "-m", "aws_setup_wizard", "sandbox", "scenarios"],
        cwd=PROJECT_ROOT,
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and result.stderr == "", result.stderr
    lines = result.stdout.splitlines()
    for name, description in scenario_files.BUILT_IN.items():
        assert any(line.split() == [name, *description.split()] for line in lines), name
    for name, _ in examples():
        assert any(line.startswith(f"  {name} ") for line in lines), name
    assert str(scenario_files.examples_folder()) in result.stdout
    assert "--scenario PATH" in result.stdout
    assert "aws-setup-wizard --sandbox --scenario my-class.toml" in result.stdout
    for drift in drifts.CATALOGUE:
        assert f"    {drift.name}" in lines
