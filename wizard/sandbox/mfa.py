"""TOTP as AWS uses it for virtual MFA devices: 6 digits, 30-second steps, SHA-1.

AWS activates a virtual device only with *two consecutive* codes, which proves the
authenticator app's clock and seed agree with AWS's. The sandbox checks the same thing, so a
trainee (or the wizard) learns the real exchange, not moto's "any six digits will do".
"""

from __future__ import annotations

import time
from urllib.parse import quote

import pyotp

STEP_SECONDS = 30

#: How many steps back the first code may be: a person typing two codes takes a minute or so.
_LOOKBACK_STEPS = 3


def new_seed() -> str:
    """A fresh base32 seed (32 characters, 160 bits, like the ones AWS issues)."""
    return str(pyotp.random_base32(32))


def code_at(seed_base32: str, step: int) -> str:
    """The TOTP code for time step ``step`` (seconds since epoch // 30)."""
    return str(pyotp.TOTP(seed_base32).at(step * STEP_SECONDS))


def current_step(now: float | None = None) -> int:
    """The current TOTP time step."""
    return int((time.time() if now is None else now) // STEP_SECONDS)


def two_consecutive_codes(seed_base32: str, now: float | None = None) -> tuple[str, str]:
    """The codes an authenticator shows now and in the next step (for automated enrolment)."""
    step = current_step(now)
    return code_at(seed_base32, step), code_at(seed_base32, step + 1)


def codes_are_consecutive(
    seed_base32: str, code1: str, code2: str, now: float | None = None
) -> bool:
    """True when ``code1`` and ``code2`` are the codes of two consecutive recent time steps."""
    code1, code2 = code1.strip(), code2.strip()
    if not (len(code1) == len(code2) == 6 and code1.isdigit() and code2.isdigit()):
        return False
    step = current_step(now)
    return any(
        code_at(seed_base32, t) == code1 and code_at(seed_base32, t + 1) == code2
        for t in range(step - _LOOKBACK_STEPS, step + 1)
    )


def otpauth_uri(seed_base32: str, account_label: str, issuer: str = "AWS") -> str:
    """The ``otpauth://`` URI an authenticator app scans.

    Kept short (defaults for algorithm, digits and period) so that its QR code fits an 80x24
    terminal.
    """
    label = quote(f"{issuer}:{account_label}")
    return f"otpauth://totp/{label}?secret={seed_base32}&issuer={quote(issuer)}"
