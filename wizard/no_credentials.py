"""What the owner may do when no (working) credentials were found, and what each choice leads to.

Both guided front ends ask the same question here: the plain prompts and the Textual start
screen only render an :class:`Offer` and hand back a :class:`Picked`; :func:`decide` owns the
loop: which choices exist (a kept root key, a typed one, the sandbox, retry, quit), the checks
on a typed key, opening the account with it, and what to say when a key does not work.

Invariants:

- The safer path comes first in the words (CloudShell needs no access key: ``GET_CREDENTIALS``).
- A key is checked for shape before any call, and proven with one read-only STS call before it
  is kept; a key that does not work is explained and nothing is kept.
- Cheap to import (no boto3 at import time): the start screen imports it before its first frame.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from aws_setup_wizard import wording

if TYPE_CHECKING:
    from aws_setup_wizard.account import Account
    from aws_setup_wizard.secrets import SecretStore


class Choice(StrEnum):
    """One way forward without credentials."""

    KEPT_KEY = "kept-key"  # the temporary root key an unfinished run kept
    ENTER_KEY = "enter-key"  # type a temporary root key
    SANDBOX = "sandbox"  # practise on the built-in sandbox account
    RETRY = "retry"  # read the same credentials again (offered after they failed)
    QUIT = "quit"


@dataclass(frozen=True)
class EnteredKey:
    """A temporary root access key typed by the owner (the secret never in a repr)."""

    key_id: str
    secret: str = field(repr=False)


@dataclass(frozen=True)
class Offer:
    """What to show and which choices to offer, in order (the first is the suggested one).

    ``problem`` is why the credentials found did not work (``None``: none were found);
    ``key_problem`` why the key just tried did not open the account; ``secrets_note`` where a
    typed key would be kept; ``kept_account`` the account of a key kept by an unfinished run.
    """

    choices: tuple[Choice, ...]
    problem: str | None = None
    key_problem: str | None = None
    secrets_note: str = ""
    kept_account: str | None = None

    def label(self, choice: Choice) -> str:
        """The words for a choice, the same in every front end."""
        if choice is Choice.KEPT_KEY:
            return wording.RESUME_WITH_KEPT_KEY.format(account_id=self.kept_account)
        return _LABELS[choice]

    def choice_for(self, label: str) -> Choice:
        """The offered choice shown with ``label`` (what a list prompt answers)."""
        for choice in self.choices:
            if self.label(choice) == label:
                return choice
        raise ValueError(f"not an offered choice: {label!r}")


_LABELS = {
    Choice.ENTER_KEY: wording.ENTER_ROOT_KEY,
    Choice.SANDBOX: wording.PRACTICE_IN_SANDBOX,
    Choice.RETRY: wording.TRY_AGAIN,
    Choice.QUIT: wording.QUIT,
}


@dataclass(frozen=True)
class Picked:
    """The owner's answer to an :class:`Offer`: a choice, the typed key, the sandbox scenario."""

    choice: Choice
    key: EnteredKey | None = None
    scenario: str = "fresh"


@dataclass(frozen=True)
class Decision:
    """Where the owner goes from here.

    ``account`` is set when a typed or kept root key opened the account; otherwise ``choice``
    is :attr:`Choice.SANDBOX` (practise in ``scenario``), :attr:`Choice.RETRY` or
    :attr:`Choice.QUIT`. Opening the sandbox is the front end's (it owns its lifetime).
    """

    choice: Choice
    account: Account | None = None
    scenario: str = "fresh"


def decide(
    ask: Callable[[Offer], Picked],
    store: SecretStore,
    *,
    region: str | None = None,
    endpoint_url: str | None = None,
    problem: str | None = None,
    retry: bool = False,
    practise: bool = True,
    checking: Callable[[str], None] = lambda text: None,
) -> Decision:
    """Ask until the owner's choice leads somewhere; the typed or kept key opens the account.

    ``retry`` offers reading the same credentials again (they were found but failed);
    ``practise`` offers the sandbox (not when the sandbox itself just failed). ``checking`` is
    told before a key is tried against AWS (it takes a moment).
    """
    key_problem: str | None = None
    while True:
        kept = store.root_key()
        choices = [Choice.KEPT_KEY] if kept else []
        choices += [Choice.SANDBOX] if practise else []
        choices += [Choice.ENTER_KEY]
        choices += [Choice.RETRY] if retry else []
        choices += [Choice.QUIT]
        offer = Offer(
            tuple(choices),
            problem=problem,
            key_problem=key_problem,
            secrets_note=store.describe(),
            kept_account=kept[0] if kept else None,
        )
        picked = ask(offer)
        if picked.choice not in offer.choices:
            # A front end answered with something it was not offered: the safe reading.
            return Decision(Choice.QUIT)
        if picked.choice in (Choice.SANDBOX, Choice.RETRY, Choice.QUIT):
            return Decision(picked.choice, scenario=picked.scenario)
        key_problem = _key_shape_problem(picked)
        if key_problem is not None:
            continue
        checking(wording.CHECKING_KEY)
        try:
            account = _open(picked, store, region=region, endpoint_url=endpoint_url)
        except Exception as exc:  # noqa: BLE001 - explained next to the question, then asked again
            from aws_setup_wizard.errors import describe_error

            key_problem = describe_error(exc)
            continue
        if account is None:
            key_problem = wording.NO_KEY_KEPT
            continue
        return Decision(picked.choice, account=account)


def _key_shape_problem(picked: Picked) -> str | None:
    """Why a typed key cannot be tried (checked again here, whatever the form allowed)."""
    if picked.choice is not Choice.ENTER_KEY:
        return None
    if picked.key is None:
        return "enter the access key ID and the secret access key."
    from aws_setup_wizard.credentials import access_key_id_problem, secret_key_problem

    return access_key_id_problem(picked.key.key_id) or secret_key_problem(picked.key.secret)


def _open(
    picked: Picked, store: SecretStore, *, region: str | None, endpoint_url: str | None
) -> Account | None:
    """The account opened with the typed or kept key; ``None`` when no key is kept any more."""
    # Imported here: opening an account loads boto3, which the first frame must not wait for.
    from aws_setup_wizard.credentials import account_from_entered_key, kept_root_key_account

    if picked.key is not None and picked.choice is Choice.ENTER_KEY:
        return account_from_entered_key(
            picked.key.key_id,
            picked.key.secret,
            region=region,
            endpoint_url=endpoint_url,
            store=store,
        )
    return kept_root_key_account(store, region=region, endpoint_url=endpoint_url)
