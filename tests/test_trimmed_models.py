"""The trimmed service models: fresh from this botocore, holding every operation the tool calls.

Which operations the tool calls is proved three ways, because no one of them sees everything:

- statically, every ``service:Operation`` a step module names (the ``Change`` declarations: the
  dispatcher's call is built from that action) and every paginator the engine asks for;
- by recording, through botocore's ``before-call`` event, every call of a whole run: verify, plan
  and apply of every step on every sandbox scenario;
- and for everything else the tests do (drift, fidelity, the sandbox's seeding), the whole suite
  runs in strict mode (``tests/conftest.py``): a call left out of the trimmed models fails the
  test that made it, naming the operation.
"""

from __future__ import annotations

import ast
import gc
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import botocore
import botocore.session
import pytest
from botocore import xform_name

from aws_setup_wizard import cli, runner
from aws_setup_wizard.account import Account
from aws_setup_wizard.sandbox import SCENARIOS, Sandbox
from aws_setup_wizard.sdk import generate, session
from aws_setup_wizard.sdk import loader as trimmed
from aws_setup_wizard.steps import STEPS
from tests.owner_answers import CONTACT
from tests.sandbox_accounts import account_on

ROOT = Path(__file__).resolve().parents[1]
ACTION = re.compile(r"^([a-z0-9-]+):([A-Z][A-Za-z0-9]+)$")


def kept() -> dict[str, set[str]]:
    return {name: set(entry["operations"]) for name, entry in trimmed.trimmed_services().items()}


def whole(service: str) -> set[str]:
    loader = generate.botocore_loader()
    return set(loader.load_service_model(service, "service-2")["operations"])


def test_the_trimmed_models_are_what_the_generator_makes_from_this_botocore() -> None:
    stale = generate.differences()
    assert stale == [], (
        f"wizard/sdk/data/ is stale for botocore {botocore.__version__} or kept.py: run "
        "'python -m aws_setup_wizard.sdk.generate' and commit the result"
    )
    assert set(kept()) == set(generate.KEPT)  # served, not fallen back


def test_the_trimmed_models_are_a_small_part_of_botocore_s() -> None:
    data = trimmed.DATA
    size = sum(path.stat().st_size for path in data.glob("*.json"))
    assert size < 400_000
    for service, operations in kept().items():
        assert operations <= whole(service)


def _string_constants(folder: Path) -> Iterator[tuple[Path, str]]:
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                yield path, node.value


def test_every_change_a_step_declares_is_in_the_trimmed_models() -> None:
    served = kept()
    declared = set()
    for path, text in _string_constants(ROOT / "wizard" / "steps"):
        match = ACTION.match(text)
        if match and match[1] in served and match[2] in whole(match[1]):
            declared.add((path.name, match[1], match[2]))
    # (policy actions such as s3:GetBucketAcl that are also operations are kept too: harmless)
    assert ("admin_user.py", "iam", "CreateUser") in declared  # the reader works
    assert ("planning.py", "cloudtrail", "CreateTrail") in declared
    missing = sorted(f"{name}: {svc}:{op}" for name, svc, op in declared if op not in served[svc])
    assert missing == []


def test_every_paginator_the_engine_asks_for_is_in_the_trimmed_models() -> None:
    served = {xform_name(op) for operations in kept().values() for op in operations}
    asked = set()
    for path in sorted((ROOT / "wizard").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "get_paginator"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                asked.add(node.args[0].value)
    assert "list_virtual_mfa_devices" in asked
    assert asked - served == set()


def test_a_whole_run_on_every_scenario_calls_only_kept_operations(
    sandbox: Callable[[str], Sandbox],
) -> None:
    called: set[tuple[str, str]] = set()

    def record(model: Any, **_: Any) -> None:
        called.add((model.service_model.service_name, model.name))

    for scenario in SCENARIOS:
        acct = account_on(sandbox(scenario))
        acct.on_every_client("before-call", record)
        assert runner.verify(acct).results
        options = runner.resolve_options(STEPS, CONTACT, acct.account_id, acct.region)
        for step in runner.in_apply_order(STEPS, acct):
            plan = step.plan(acct, options[step.id])
            if plan.changes:
                runner.apply_step(step, acct, plan)
    assert ("iam", "CreateUser") in called and ("cloudtrail", "CreateTrail") in called
    assert ("account", "PutAlternateContact") in called and ("events", "PutRule") in called
    served = kept()
    outside = sorted(f"{s}:{op}" for s, op in called if s in served and op not in served[s])
    assert outside == []
    assert {s for s, _ in called} <= set(served)  # every service the tool uses is trimmed


@pytest.fixture
def lenient(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Trimmed models on, not strict; yields what fell back to the whole model (then forgets)."""
    monkeypatch.setenv(trimmed.MODE_ENV, "on")
    before = len(trimmed.LEFT_OUT)
    yield trimmed.LEFT_OUT
    del trimmed.LEFT_OUT[before:]


def test_an_operation_left_out_is_served_from_botocore_s_whole_model(
    account: Callable[..., Account], lenient: list[str]
) -> None:
    iam = account("done").client("iam")
    assert "ListRoles" not in iam.meta.service_model.operation_names
    assert iam.list_roles()["Roles"] == []
    assert lenient[-1] == "iam:ListRoles"
    assert "ListRoles" in iam.meta.service_model.operation_names
    # The paginators and errors of the whole model work too, and the kept operations still do.
    pages = iam.get_paginator("list_instance_profiles").paginate()
    assert [page["InstanceProfiles"] for page in pages] == [[]]
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_role(RoleName="nobody")
    assert iam.get_account_summary()["SummaryMap"]["AccountMFAEnabled"] == 1


def test_clients_of_one_service_share_its_model_until_one_outgrows_it(
    account: Callable[..., Account], lenient: list[str]
) -> None:
    acct = account("done")
    iam, other_iam = acct.client("iam"), acct.client("iam", "eu-west-1")
    shared = iam.meta.service_model
    assert other_iam.meta.service_model is shared and type(other_iam) is type(iam)
    kms = acct.client("kms")
    assert kms.meta.service_model is not shared and type(kms) is not type(iam)
    iam.list_roles()  # left out of the trimmed model: this client gets the whole one
    assert "ListRoles" in iam.meta.service_model.operation_names
    assert other_iam.meta.service_model is shared
    assert "ListRoles" not in shared.operation_names
    assert "list_roles" not in vars(type(iam))  # the shared class is left as it was
    assert acct.client("iam", "eu-west-2").meta.service_model is shared
    assert other_iam.get_account_summary()["SummaryMap"]["AccountMFAEnabled"] == 1


def test_clients_of_another_botocore_session_keep_models_and_classes_of_their_own() -> None:
    plain = botocore.session.Session()
    made = [
        plain.create_client(
            "iam", region_name="us-east-1", aws_access_key_id="A", aws_secret_access_key="S"
        )
        for _ in range(2)
    ]
    assert made[0].meta.service_model is not made[1].meta.service_model
    assert type(made[0]) is not type(made[1])


def test_a_paginator_left_out_loads_the_whole_model(
    account: Callable[..., Account], lenient: list[str]
) -> None:
    kms = account("done").client("kms")
    assert kms.can_paginate("list_grants")
    assert lenient[-1] == "kms:ListGrants"


def test_strict_mode_fails_the_call_and_names_what_to_add(
    account: Callable[..., Account],
) -> None:
    iam = account("done").client("iam")
    with pytest.raises(trimmed.OperationLeftOut, match=r"iam:ListRoles .*kept\.py"):
        iam.list_roles()
    assert trimmed.LEFT_OUT[-1] == "iam:ListRoles"
    trimmed.LEFT_OUT.pop()  # (this test's own miss is not a failure)


def test_models_from_another_botocore_are_not_served(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(botocore, "__version__", "0.0.1")
    assert trimmed.trimmed_services() == {}
    loader = trimmed.TrimmedLoader()
    assert len(loader.load_service_model("iam", "service-2")["operations"]) == len(whole("iam"))


def test_trimmed_models_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(trimmed.MODE_ENV, "off")
    assert trimmed.trimmed_services() == {}


def test_the_owner_s_own_model_of_a_service_wins(tmp_path: Path) -> None:
    own = tmp_path / "iam" / "2010-05-08"
    own.mkdir(parents=True)
    model = generate.botocore_loader().load_service_model("iam", "service-2")
    model["metadata"]["serviceFullName"] = "the owner's IAM"
    (own / "service-2.json").write_text(json.dumps(model))
    loader = trimmed.TrimmedLoader(extra_search_paths=[str(tmp_path)])
    assert loader.served_version("iam") is None
    answer = loader.load_service_model("iam", "service-2")
    assert answer["metadata"]["serviceFullName"] == "the owner's IAM"
    assert loader.served_version("kms") == "2014-11-01"


def test_a_trimmed_service_s_other_files_are_botocore_s() -> None:
    loader = trimmed.TrimmedLoader()
    ours = loader.load_service_model("s3", "endpoint-rule-set-1")
    theirs = generate.botocore_loader().load_service_model("s3", "endpoint-rule-set-1")
    assert ours == theirs
    # s3's paginators have sdk-extras merged in, as botocore merges them
    ours = loader.load_service_model("s3", "paginators-1")
    assert ours == generate.botocore_loader().load_service_model("s3", "paginators-1")


# -- one botocore session per process ------------------------------------------------------


def test_every_account_of_a_process_shares_one_session(sandbox: Callable[[str], Sandbox]) -> None:
    box = sandbox("fresh")
    console = account_on(box, "console")
    root_key = account_on(box, "root")
    assert console.session is root_key.session is session.process_session()
    # ...and each still signs with its own credentials
    assert console.signing_key_id() != root_key.signing_key_id()
    assert console.caller().temporary and not root_key.caller().temporary
    assert root_key.client("sts").get_caller_identity()["Arn"].endswith(":root")
    assert root_key.credential_source() == "credentials entered in the wizard"


def test_a_changed_environment_gets_a_new_session(monkeypatch: pytest.MonkeyPatch) -> None:
    first = session.process_session()
    assert session.process_session() is first
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    second = session.process_session()
    assert second is not first
    assert Account.from_settings().region == "eu-west-1"


# -- the collector in short-lived commands -------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "command"),
    [
        (["verify", "--json"], "verify"),
        (["--profile", "verify", "--region", "apply", "sandbox"], "sandbox"),
        (["--plain"], None),
        (["--endpoint-url", "http://x", "apply", "admin-user"], "apply"),
    ],
)
def test_the_command_is_found_past_option_values(arguments: list[str], command: str) -> None:
    assert cli.command_of(arguments) == command


def test_verify_leaves_the_collector_as_it_found_it(
    sandbox: Callable[[str], Sandbox], monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    box = sandbox("done")
    for name, value in box.env().items():
        if name.startswith("AWS_"):
            monkeypatch.setenv(name, value)
    assert gc.isenabled()
    assert cli.main(["verify", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["steps"]
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


# -- endpoint data ---------------------------------------------------------------------------


def _resolvers() -> tuple[Any, Any]:
    from botocore.regions import EndpointResolver

    ours, path = trimmed.TrimmedLoader().load_data_with_path("endpoints")
    whole_data = generate.botocore_loader().load_data("endpoints")
    assert trimmed.TrimmedLoader().is_builtin_path(path)  # botocore treats it as its own
    return EndpointResolver(ours, uses_builtin_data=True), EndpointResolver(
        whole_data, uses_builtin_data=True
    )


def _answer(resolver: Any, args: tuple[Any, ...]) -> Any:
    try:
        return resolver.construct_endpoint(*args)
    except Exception as exc:  # noqa: BLE001 - a refusal is an answer too
        return type(exc), str(exc)


def test_trimmed_endpoint_data_answers_as_botocore_s_for_every_kept_service() -> None:
    ours, theirs = _resolvers()
    prefixes = json.loads((trimmed.DATA / trimmed.INDEX).read_text())["endpoints"]["services"]
    assert "s3-control" in prefixes and "iam" in prefixes
    for partition in theirs.get_available_partitions():
        regions = theirs.get_available_endpoints("ec2", partition, allow_non_regional=True)
        for service in prefixes:
            assert ours.get_available_endpoints(
                service, partition, allow_non_regional=True
            ) == theirs.get_available_endpoints(service, partition, allow_non_regional=True)
            for region in [*regions, "aws-global", "us-east-1", "mars-north-1"]:
                for fips, dualstack in [(False, False), (True, False), (False, True)]:
                    args = (service, region, partition, dualstack, fips)
                    assert _answer(ours, args) == _answer(theirs, args)


def test_a_service_left_out_of_the_endpoint_data_is_read_from_botocore_s() -> None:
    # (not a failure in strict mode: a service not trimmed at all, a new step's, is expected)
    ours, theirs = _resolvers()
    assert ours.get_available_endpoints("sso") == theirs.get_available_endpoints("sso")
    assert ours.construct_endpoint("sso", "eu-west-1") == theirs.construct_endpoint(
        "sso", "eu-west-1"
    )
    assert ours.construct_endpoint("no-such-service", "us-east-1") == (
        theirs.construct_endpoint("no-such-service", "us-east-1")
    )


def test_a_service_not_trimmed_works_through_an_account(
    account: Callable[..., Account],
) -> None:
    # (SSM, once the example here, is trimmed now: declined steps are kept in it)
    logs = account("fresh").client("logs")
    assert len(logs.meta.service_model.operation_names) == len(whole("logs"))
    logs.create_log_group(logGroupName="/trimmed")
    groups = logs.describe_log_groups(logGroupNamePrefix="/trimmed")["logGroups"]
    assert [group["logGroupName"] for group in groups] == ["/trimmed"]


def test_an_endpoints_file_of_the_owner_s_wins(tmp_path: Path) -> None:
    (tmp_path / "endpoints.json").write_text(json.dumps({"partitions": [], "version": 3}))
    loader = trimmed.TrimmedLoader(extra_search_paths=[str(tmp_path)])
    assert not loader.serves_endpoints()
    assert loader.load_data("endpoints") == {"partitions": [], "version": 3}


def test_endpoint_data_answers_for_every_trimmed_service_without_botocore_s_whole_file() -> None:
    """Each trimmed service is in the trimmed endpoint data exactly when it is in botocore's
    (newer ones such as freetier have rule sets only), and asking never reads the whole file
    (700 KB: it cost a freetier client 50 ms)."""
    loader = trimmed.TrimmedLoader()
    if not loader.serves_endpoints():
        pytest.skip("this botocore's endpoint data is not served trimmed")
    served, _ = loader.load_data_with_path("endpoints")
    original = generate.botocore_loader().load_data("endpoints")
    prefixes = trimmed._index()["endpoints"]["services"]  # type: ignore[index]
    assert "freetier" in prefixes
    for ours, theirs in zip(served["partitions"], original["partitions"], strict=True):
        for prefix in prefixes:
            assert (prefix in ours["services"]) == (prefix in theirs["services"]), prefix
    assert loader._whole_endpoints is None
