"""No credentials: one decision for both front ends, driven here by a scripted owner."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from aws_setup_wizard import credentials, wording
from aws_setup_wizard.no_credentials import Choice, EnteredKey, Offer, Picked, decide

KEY_ID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


class Store:
    """A secret store holding (or not) a root key kept by an unfinished run."""

    def __init__(self, kept: tuple[str, str, str] | None = None) -> None:
        self.kept = kept

    def root_key(self) -> tuple[str, str, str] | None:
        return self.kept

    def describe(self) -> str:
        return "kept in memory for this run only"


class Owner:
    """Answers each offer from a script and remembers what was offered."""

    def __init__(self, *answers: Picked) -> None:
        self.answers: Iterator[Picked] = iter(answers)
        self.offers: list[Offer] = []

    def __call__(self, offer: Offer) -> Picked:
        self.offers.append(offer)
        return next(self.answers)


def test_the_choices_and_their_order():
    owner = Owner(Picked(Choice.QUIT))
    decide(owner, Store())
    assert owner.offers[0].choices == (Choice.SANDBOX, Choice.ENTER_KEY, Choice.QUIT)

    owner = Owner(Picked(Choice.QUIT))
    decide(owner, Store(("210987654321", KEY_ID, SECRET)), retry=True)
    offer = owner.offers[0]
    assert offer.choices == (
        Choice.KEPT_KEY,
        Choice.SANDBOX,
        Choice.ENTER_KEY,
        Choice.RETRY,
        Choice.QUIT,
    )
    assert offer.kept_account == "210987654321"
    assert offer.secrets_note == "kept in memory for this run only"

    owner = Owner(Picked(Choice.QUIT))
    decide(owner, Store(), practise=False, problem="ExpiredToken")
    assert Choice.SANDBOX not in owner.offers[0].choices
    assert owner.offers[0].problem == "ExpiredToken"


def test_labels_are_the_shared_words_and_lead_back_to_their_choice():
    offer = Offer(tuple(Choice), kept_account="210987654321")
    assert offer.label(Choice.SANDBOX) == wording.PRACTICE_IN_SANDBOX
    assert offer.label(Choice.ENTER_KEY) == wording.ENTER_ROOT_KEY
    assert offer.label(Choice.QUIT) == wording.QUIT
    assert "kept for account 210987654321" in offer.label(Choice.KEPT_KEY)
    for choice in Choice:
        assert offer.choice_for(offer.label(choice)) is choice
    with pytest.raises(ValueError):
        offer.choice_for("something else")


@pytest.mark.parametrize("choice", [Choice.SANDBOX, Choice.RETRY, Choice.QUIT])
def test_choices_that_leave_are_returned_as_they_are(choice):
    decision = decide(Owner(Picked(choice, scenario="partial")), Store(), retry=True)
    assert decision.choice is choice and decision.account is None
    assert decision.scenario == "partial"


def test_a_choice_not_offered_is_read_as_quit():
    decision = decide(Owner(Picked(Choice.RETRY)), Store())
    assert decision.choice is Choice.QUIT


def test_a_malformed_key_is_explained_and_never_tried(monkeypatch):
    tried: list[Any] = []
    monkeypatch.setattr(credentials, "account_from_entered_key", lambda *a, **k: tried.append(a))
    owner = Owner(
        Picked(Choice.ENTER_KEY, EnteredKey("ASIA0000", SECRET)),
        Picked(Choice.ENTER_KEY),
        Picked(Choice.QUIT),
    )
    assert decide(owner, Store()).choice is Choice.QUIT
    assert tried == []
    assert owner.offers[0].key_problem is None
    assert "temporary key (ASIA" in str(owner.offers[1].key_problem)
    assert "enter the access key ID" in str(owner.offers[2].key_problem)


def test_a_key_that_does_not_work_is_explained_and_asked_again(monkeypatch):
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("The security token included in the request is invalid.")

    monkeypatch.setattr(credentials, "account_from_entered_key", refuse)
    told: list[str] = []
    owner = Owner(Picked(Choice.ENTER_KEY, EnteredKey(KEY_ID, SECRET)), Picked(Choice.QUIT))
    decision = decide(owner, Store(), checking=told.append)
    assert decision.choice is Choice.QUIT
    assert told == [wording.CHECKING_KEY]
    assert owner.offers[1].key_problem  # one sentence about why, shown beside the question


def test_a_working_key_opens_the_account_where_the_launch_said(monkeypatch):
    opened: list[Any] = []

    def open_with(key_id: str, secret: str, **where: Any) -> str:
        opened.append((key_id, secret, where))
        return "the account"

    monkeypatch.setattr(credentials, "account_from_entered_key", open_with)
    store = Store()
    owner = Owner(Picked(Choice.ENTER_KEY, EnteredKey(KEY_ID, SECRET)))
    decision = decide(owner, store, region="eu-west-1", endpoint_url="http://x")
    assert decision.account == "the account" and decision.choice is Choice.ENTER_KEY
    assert opened == [
        (KEY_ID, SECRET, {"region": "eu-west-1", "endpoint_url": "http://x", "store": store})
    ]


def test_a_kept_key_gone_in_the_meantime_asks_for_one(monkeypatch):
    monkeypatch.setattr(credentials, "kept_root_key_account", lambda store, **where: None)
    owner = Owner(Picked(Choice.KEPT_KEY), Picked(Choice.QUIT))
    decide(owner, Store(("210987654321", KEY_ID, SECRET)))
    assert owner.offers[1].key_problem == wording.NO_KEY_KEPT


def test_the_typed_secret_is_never_in_a_repr():
    assert SECRET not in repr(Picked(Choice.ENTER_KEY, EnteredKey(KEY_ID, SECRET)))
