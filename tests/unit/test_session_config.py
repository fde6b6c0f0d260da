"""The process's session answers every setting as botocore's own does, asking its providers once.

:class:`~aws_setup_wizard.sdk.config_store.SettledConfigStore` keeps each answer, and the
session's :class:`~aws_setup_wizard.sdk.session.CheckedOnceEmitter` keeps each handler's
signature check: these tests hold both to botocore's answers, with settings from the
environment and from a profile in a config file, and after botocore's ways of changing them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.configprovider import BaseProvider

from aws_setup_wizard.sdk.config_store import SettledConfigStore
from aws_setup_wizard.sdk.events import CheckedOnceEmitter
from aws_setup_wizard.sdk.session import ProcessSession

KEYS = {
    "aws_access_key_id": "AKIAIOSFODNN7EXAMPLE",
    "aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
}
CONFIG = """\
[default]
region = eu-west-2
max_attempts = 4
s3 =
    addressing_style = path

[profile other]
region = ap-south-1
retry_mode = adaptive
tcp_keepalive = true
"""


@pytest.fixture
def configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config file with two profiles, and one setting from the environment."""
    config = tmp_path / "config"
    config.write_text(CONFIG)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_RETRY_MODE", "standard")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    return config


def _names(session: botocore.session.Session) -> list[str]:
    return sorted(session.session_var_map)


def _answers(session: botocore.session.Session) -> dict[str, Any]:
    return {name: session.get_config_variable(name) for name in _names(session)}


@pytest.mark.usefixtures("configured")
@pytest.mark.parametrize("profile", [None, "other"])
def test_every_setting_reads_as_botocore_s_own_session_reads_it(profile: str | None) -> None:
    ours = ProcessSession(profile=profile)
    assert isinstance(ours.get_component("config_store"), SettledConfigStore)
    reference = botocore.session.Session(profile=profile)
    expected = _answers(reference)
    assert expected["region"] == ("ap-south-1" if profile else "eu-west-2")
    assert expected["retry_mode"] == "standard"  # the environment wins over the file
    assert _answers(ours) == expected
    assert _answers(ours) == expected  # and again, from what the store kept


@pytest.mark.usefixtures("configured")
def test_a_client_is_configured_as_botocore_s_own_would_be() -> None:
    ours = ProcessSession()
    reference = botocore.session.Session()
    for _ in range(2):
        mine = ours.create_client("s3", **KEYS).meta
        theirs = reference.create_client("s3", **KEYS).meta
        assert mine.region_name == theirs.region_name == "eu-west-2"
        assert mine.config.s3 == theirs.config.s3 == {"addressing_style": "path"}
        assert mine.config.retries == theirs.config.retries
        assert mine.config.tcp_keepalive == theirs.config.tcp_keepalive


@pytest.mark.usefixtures("configured")
def test_a_setting_changed_on_the_session_is_read_again() -> None:
    session = ProcessSession()
    assert session.get_config_variable("region") == "eu-west-2"
    session.set_config_variable("region", "ca-central-1")
    assert session.get_config_variable("region") == "ca-central-1"
    assert session.create_client("sts", **KEYS).meta.region_name == "ca-central-1"
    # Another profile: every file-backed setting comes from its section now.
    assert session.get_config_variable("max_attempts") == 4
    session.set_config_variable("profile", "other")
    assert session.get_config_variable("max_attempts") is None
    assert session.get_config_variable("tcp_keepalive") is True


class CountingProvider(BaseProvider):  # type: ignore[misc]
    """A provider that says how often it was asked."""

    def __init__(self, value: Any) -> None:
        self.value = value
        self.asked = 0

    def provide(self) -> Any:
        self.asked += 1
        return self.value


def test_the_store_asks_a_provider_once_until_the_setting_changes() -> None:
    counting = CountingProvider({"addressing_style": "virtual"})
    store = SettledConfigStore({"s3": counting})
    first = store.get_config_variable("s3")
    first["use_dualstack_endpoint"] = True  # botocore changes a section it was given
    copied = store.__copy__()
    assert store.get_config_variable("s3") == {"addressing_style": "virtual"}
    assert copied.get_config_variable("s3") == {"addressing_style": "virtual"}
    assert counting.asked == 1
    store.set_config_provider("s3", CountingProvider({"addressing_style": "path"}))
    assert store.get_config_variable("s3") == {"addressing_style": "path"}
    assert copied.get_config_variable("s3") == {"addressing_style": "virtual"}
    store.set_config_variable("s3", {"addressing_style": "auto"})
    assert store.get_config_variable("s3") == {"addressing_style": "auto"}
    store.clear_config_variable("s3")
    assert store.get_config_variable("s3") == {"addressing_style": "path"}


def test_a_handler_without_keyword_arguments_is_still_refused() -> None:
    emitter = CheckedOnceEmitter()

    def takes_kwargs(**kwargs: Any) -> None:
        """A handler as botocore wants it."""

    def takes_none() -> None:
        """A handler botocore refuses."""

    for _ in range(2):  # the second time from what was kept
        emitter.register("before-call.sts", takes_kwargs)
        with pytest.raises(ValueError, match="must accept keyword arguments"):
            emitter.register("before-call.sts", takes_none)
    with pytest.raises(ValueError, match="must be callable"):
        emitter.register("before-call.sts", "not a function")


def test_closures_share_one_answer_so_what_is_kept_stays_bounded() -> None:
    emitter = CheckedOnceEmitter()

    def closure_for(n: int) -> Any:
        def handler(**kwargs: Any) -> int:
            """A per-client handler, as a journal or a hook makes one."""
            return n

        return handler

    before = len(CheckedOnceEmitter._takes_kwargs)
    for n in range(50):
        emitter.register(f"before-call.sts.Op{n}", closure_for(n))
    assert len(CheckedOnceEmitter._takes_kwargs) <= before + 1
