"""Virtual MFA, shared by the admin step, the sandbox console and every front end.

An enrollment carries the device's seed in memory only (never in ``repr``, never on disk); the
front ends draw its ``otpauth://`` URI as a QR code and ask for two consecutive codes.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pyotp

STEP_SECONDS = 30
_CODE = re.compile(r"[0-9]{6}")


@dataclass(frozen=True)
class MfaEnrollment:
    """A virtual MFA device being assigned, waiting for two consecutive codes."""

    serial_number: str
    otpauth_uri: str = field(repr=False)
    secret_base32: str = field(repr=False)


def code_problem(text: str) -> str | None:
    """Why ``text`` is not an MFA code (exactly six ASCII digits), or ``None``."""
    if _CODE.fullmatch(text.strip()):
        return None
    return "an MFA code is exactly 6 digits (0-9), as the authenticator app shows it."


def two_consecutive_codes(secret_base32: str, now: float | None = None) -> tuple[str, str]:
    """The codes an authenticator shows now and 30 seconds later: the pair AWS asks for.

    Used by the sandbox's simulated console and by the "show me the codes" helper for trainees
    without a phone; never for a real account.
    """
    totp = pyotp.TOTP(secret_base32)
    moment = time.time() if now is None else now
    return str(totp.at(moment)), str(totp.at(moment + STEP_SECONDS))


def qr_lines(uri: str) -> list[str]:
    """The QR code of ``uri`` as text, two modules per character cell (half blocks).

    Dark modules are drawn as blocks on the terminal's background, with a quiet zone, so any
    authenticator app can scan it from the screen.
    """
    import segno  # only the front ends that draw a QR code pay for the import

    matrix = [list(row) for row in segno.make(uri, error="l").matrix]
    size = len(matrix)
    border = 2
    padded = [[0] * (size + 2 * border) for _ in range(border)]
    padded += [[0] * border + row + [0] * border for row in matrix]
    padded += [[0] * (size + 2 * border) for _ in range(border + (size + 2 * border) % 2)]
    # Light modules are drawn (full/half blocks) and dark ones left blank: on a dark terminal
    # this gives the dark-on-light code scanners expect.
    glyphs = {(0, 0): "█", (0, 1): "▀", (1, 0): "▄", (1, 1): " "}
    return [
        "".join(glyphs[(bool(top), bool(bottom))] for top, bottom in zip(upper, lower, strict=True))
        for upper, lower in zip(padded[0::2], padded[1::2], strict=True)
    ]


@dataclass(frozen=True)
class MfaRegistration:
    """A virtual MFA device a step lets the guided flow register now (a follow-up).

    ``begin`` creates the device (a write, so the flow calls it only inside a confirmed run)
    and returns its enrollment; ``finish`` enables it with two consecutive codes. ``practice``
    is true in the sandbox only, where "show me the codes" may compute them.
    """

    title: str
    user: str
    begin: Callable[[], MfaEnrollment]
    finish: Callable[[MfaEnrollment, str, str], None]
    practice: bool
