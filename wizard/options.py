"""Step options, declared once with AWS's own validation rules.

The CLI flags, the TUI form and the plain prompts are all rendered from these declarations, and
every value is validated here before any API call is made.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from aws_setup_wizard.errors import WizardError


class OptionError(WizardError):
    """An option value breaks AWS's rules; the message says which rule and how to fix it."""


Validator = Callable[[str], str | None]


@dataclass(frozen=True)
class Option:
    """One step option: its name, flag, help, default and the rule its value must follow.

    ``default`` may contain ``{account_id}`` and ``{region}``, filled in once they are known;
    a text option whose default is ``""`` has none (:attr:`required`): nothing stands in for
    it, and a step whose plan needs it refuses to plan without it. ``kind`` is ``"text"`` or
    ``"bool"``.
    """

    name: str
    flag: str
    label: str
    help: str
    default: str | bool
    kind: str = "text"
    validator: Validator | None = None

    @property
    def required(self) -> bool:
        """True when no default stands in for this option (the owner's contact details)."""
        return self.kind == "text" and self.default == ""

    def default_for(self, account_id: str, region: str) -> str | bool:
        """The default with the account ID and region filled in."""
        if isinstance(self.default, str):
            return self.default.format(account_id=account_id, region=region)
        return self.default

    def validate(self, value: str | bool) -> str | bool:
        """Return the normalised value or raise :class:`OptionError` with a clear message."""
        if self.kind == "bool":
            if isinstance(value, bool):
                return value
            lowered = str(value).strip().lower()
            if lowered in {"yes", "y", "true", "on", "1"}:
                return True
            if lowered in {"no", "n", "false", "off", "0"}:
                return False
            raise OptionError(f"{self.label}: answer yes or no (got {value!r}).")
        text = str(value)
        if self.required and not text.strip():
            # Said plainly: "must be 1 to 64 characters (this one has 0)" reads as a mistake
            # the owner made, when nothing was asked for yet.
            raise OptionError(f"{self.label}: required ({self.help}).")
        if self.validator is not None:
            problem = self.validator(text)
            if problem:
                raise OptionError(f"{self.label}: {problem}")
        return text


def _length(text: str, low: int, high: int) -> str | None:
    if not low <= len(text) <= high:
        return f"must be {low} to {high} characters long (this one has {len(text)})."
    return None


_IAM_NAME = re.compile(r"[A-Za-z0-9+=,.@_-]+")


def iam_user_name(text: str) -> str | None:
    """IAM user names: 1–64 of ``A-Za-z0-9+=,.@_-`` (IAM API reference, CreateUser)."""
    return _length(text, 1, 64) or (
        None
        if _IAM_NAME.fullmatch(text)
        else "may contain only ASCII letters, digits and + = , . @ _ - (no spaces)."
    )


def iam_group_name(text: str) -> str | None:
    """IAM group names: 1–128 of ``A-Za-z0-9+=,.@_-`` (IAM API reference, CreateGroup)."""
    return _length(text, 1, 128) or (
        None
        if _IAM_NAME.fullmatch(text)
        else "may contain only ASCII letters, digits and + = , . @ _ - (no spaces)."
    )


_TRAIL_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9]")
_IP_ADDRESS = re.compile(r"\d{1,3}(\.\d{1,3}){3}")


def trail_name(text: str) -> str | None:
    """CloudTrail trail names (CloudTrail API reference, CreateTrail ``Name``).

    3–128 characters of ASCII letters, digits, ``.``, ``_`` and ``-``; starts and ends with a
    letter or digit; no adjacent ``.``, ``_`` or ``-`` pairs like ``._`` or ``--``; not shaped
    like an IP address.
    """
    problem = _length(text, 3, 128)
    if problem:
        return problem
    if not _TRAIL_NAME.fullmatch(text):
        return (
            "may contain only ASCII letters, digits, '.', '_' and '-', and must start and end "
            "with a letter or digit."
        )
    if re.search(r"[._-]{2}", text):
        return "must not have two of '.', '_' or '-' next to each other (like '._' or '--')."
    if _IP_ADDRESS.fullmatch(text):
        return "must not be formatted as an IP address."
    return None


_BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]*[a-z0-9]")


def bucket_name(text: str) -> str | None:
    """S3 general purpose bucket names (S3 User Guide, "Bucket naming rules")."""
    problem = _length(text, 3, 63)
    if problem:
        return problem
    if not _BUCKET_NAME.fullmatch(text):
        return (
            "may contain only lowercase ASCII letters, digits, '.' and '-', and must start and "
            "end with a letter or digit."
        )
    if ".." in text or ".-" in text or "-." in text:
        return "must not have '..', '.-' or '-.' in it."
    if _IP_ADDRESS.fullmatch(text):
        return "must not be formatted as an IP address."
    for prefix in ("xn--", "sthree-", "amzn-s3-demo-"):
        if text.startswith(prefix):
            return f"must not start with '{prefix}' (reserved by AWS)."
    for suffix in ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"):
        if text.endswith(suffix):
            return f"must not end with '{suffix}' (reserved by AWS)."
    return None


_KMS_ALIAS = re.compile(r"alias/[A-Za-z0-9/_-]+")


def kms_alias(text: str) -> str | None:
    """KMS alias names (KMS API reference, CreateAlias ``AliasName``).

    ``alias/`` then 1–250 of ``A-Za-z0-9/_-``, at most 256 in all; ``alias/aws/`` is reserved.
    """
    problem = _length(text, 7, 256)
    if problem:
        return problem
    if not _KMS_ALIAS.fullmatch(text):
        return "must start with 'alias/' and then use only ASCII letters, digits, '/', '_' and '-'."
    if text.startswith("alias/aws/"):
        return "must not start with 'alias/aws/' (reserved for AWS managed keys)."
    return None


_ACCOUNT_ID = re.compile(r"[0-9]{12}")


def account_id(text: str) -> str | None:
    """AWS account IDs: exactly 12 ASCII digits."""
    return None if _ACCOUNT_ID.fullmatch(text) else "must be exactly 12 digits (0-9)."


# AWS Account Management API reference, PutAlternateContact: the contact fields' lengths and
# patterns, as botocore's model of the ``account`` service gives them. The model's patterns are
# Smithy's (ECMA-262), where ``\w`` is ASCII only: written out here, since Python's ``\w`` also
# takes "ü" (AWS refuses "jürgen@exämple.de"). Matched whole: the stricter reading can refuse
# only what AWS might accept, never let through what AWS refuses.
_WORD = "A-Za-z0-9_"
_CONTACT_EMAIL = re.compile(rf"[\s]*[{_WORD}+=.#|!&-]+@[{_WORD}.-]+\.[{_WORD}]+[\s]*")
_CONTACT_PHONE = re.compile(r"[\s0-9()+-]+")


def _printable(text: str) -> str | None:
    """Refuse control and format characters (backspace, escape sequences, bidi overrides,
    zero-width marks): AWS would store them, and every report and e-mail would show them."""
    for character in text:
        if unicodedata.category(character)[0] == "C" or unicodedata.category(character) in (
            "Zl",
            "Zp",
        ):
            return f"must not contain control or invisible characters (found {character!r})."
    return None


def contact_name(text: str) -> str | None:
    """An alternate contact's name (PutAlternateContact ``Name``): 1–64 characters, any
    letters (a person's name need not be ASCII), nothing invisible."""
    return _length(text, 1, 64) or _printable(text)


def contact_title(text: str) -> str | None:
    """An alternate contact's title (PutAlternateContact ``Title``): 1–50 characters, nothing
    invisible."""
    return _length(text, 1, 50) or _printable(text)


def contact_email(text: str) -> str | None:
    """An e-mail address as PutAlternateContact ``EmailAddress`` accepts it (1–254 characters)."""
    return (
        _length(text, 1, 254)
        or _printable(text)
        or (
            None
            if _CONTACT_EMAIL.fullmatch(text)
            else "must be an e-mail address like security@example.com."
        )
    )


def contact_phone(text: str) -> str | None:
    """A phone number as PutAlternateContact ``PhoneNumber`` accepts it (1–25 characters)."""
    return (
        _length(text, 1, 25)
        or _printable(text)
        or (
            None
            if _CONTACT_PHONE.fullmatch(text)
            else "may contain only digits, spaces and + - ( ) (like +1 206 555 0100)."
        )
    )


def resolve(
    declared: tuple[Option, ...],
    given: Mapping[str, Any],
    account: str,
    region: str,
) -> dict[str, str | bool]:
    """Validate ``given`` against ``declared``, filling defaults; raise on the first bad value.

    Unknown option names are refused too, so a typo never silently falls back to a default.
    """
    known = {option.name for option in declared}
    unknown = sorted(set(given) - known)
    if unknown:
        raise OptionError(f"Unknown option(s): {', '.join(unknown)}.")
    values: dict[str, str | bool] = {}
    for option in declared:
        raw = given.get(option.name)
        if raw is None and option.required:
            # Not given, and no default stands in: "" says so. The step asks for it only if
            # its plan needs it (a finished account needs no contact details).
            values[option.name] = ""
            continue
        value = option.default_for(account, region) if raw is None else raw
        values[option.name] = option.validate(value)
    return values


def missing(options: Mapping[str, str | bool], needed: tuple[Option, ...], purpose: str) -> None:
    """Refuse a plan that needs option values the owner has not given (before any write).

    ``purpose`` completes "… needs": e.g. "to set the security contact".
    """
    absent = [option.flag for option in needed if not options.get(option.name)]
    if absent:
        raise OptionError(
            f"{purpose[0].upper()}{purpose[1:]} needs {', '.join(absent)}: give "
            f"{'it' if len(absent) == 1 else 'them'} and run again."
        )
