"""The keyring is used only when it really keeps secrets; otherwise memory, and the tool says so."""

from __future__ import annotations

import keyring.backends.fail
import keyring.backends.null
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked, PasswordSetError

from aws_setup_wizard.secrets import ROOT_KEY_ENTRY, SERVICE, SecretStore, refusal_reason


class Working(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.items.get((service, username))

    def set_password(self, service, username, password):
        self.items[(service, username)] = password

    def delete_password(self, service, username):
        self.items.pop((service, username))


class Locked(Working):
    def get_password(self, service, username):
        raise KeyringLocked("the collection is locked")

    def set_password(self, service, username, password):
        raise KeyringLocked("the collection is locked")


class Erroring(Working):
    def set_password(self, service, username, password):
        raise PasswordSetError("D-Bus said no")


class PlaintextKeyring(Working):
    """Stands in for keyrings.alt.file.PlaintextKeyring."""


PlaintextKeyring.__module__ = "keyrings.alt.file"


class Chainer(Working):
    def __init__(self, *backends):
        super().__init__()
        self.backends = list(backends)


@pytest.fixture
def working():
    return Working()


def test_working_keyring_keeps_and_forgets_the_root_key(working):
    store = SecretStore(working)
    assert store.uses_keyring and "OS keyring" in store.describe()
    assert store.keep_root_key("210987654321", "AKIAEXAMPLE000000001", "s3cr3t")
    assert (SERVICE, ROOT_KEY_ENTRY) in working.items
    assert store.root_key() == ("210987654321", "AKIAEXAMPLE000000001", "s3cr3t")
    store.forget_root_key("AKIAOTHER")  # another key: kept
    assert store.root_key() is not None
    store.forget_root_key("AKIAEXAMPLE000000001")
    assert store.root_key() is None and working.items == {}


@pytest.mark.parametrize(
    ("backend", "reason"),
    [
        (keyring.backends.fail.Keyring(), "no keyring backend"),
        (keyring.backends.null.Keyring(), "null backend"),
        (PlaintextKeyring(), "plaintext file"),
        (Chainer(keyring.backends.fail.Keyring(), PlaintextKeyring()), "no keyring backend"),
    ],
)
def test_unusable_backends_count_as_no_keyring(backend, reason):
    store = SecretStore(backend)
    assert not store.uses_keyring
    assert reason in store.describe() and "memory for this run only" in store.describe()
    assert store.put("x", "secret") is False
    assert store.get("x") == "secret"  # memory, this run only
    assert SecretStore(backend).get("x") is None  # a new run does not see it


def test_chainer_with_one_real_backend_is_usable(working):
    assert refusal_reason(Chainer(keyring.backends.fail.Keyring(), working)) is None


@pytest.mark.parametrize("backend_class", [Locked, Erroring])
def test_locked_or_erroring_keyring_falls_back_to_memory_and_says_why(backend_class):
    store = SecretStore(backend_class())
    assert store.uses_keyring
    assert store.put("x", "secret") is False
    assert not store.uses_keyring
    assert "refused" in store.describe()
    assert store.get("x") == "secret"


def test_never_a_plaintext_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    store = SecretStore(keyring.backends.fail.Keyring())
    store.keep_root_key("210987654321", "AKIAEXAMPLE000000001", "s3cr3t")
    assert list(tmp_path.rglob("*")) == []
