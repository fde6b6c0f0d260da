"""SVG snapshots of the main screens at a fixed size, clock and account.

The sandbox account ID is fixed (210987654321), the clock is injected, the cursor does not
blink and nothing animates. Random values (MFA seeds, key IDs, passwords) never reach these
screens: the MFA screen is drawn from a fixed, fake exchange.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from aws_setup_wizard import runner
from aws_setup_wizard.mfa import qr_lines
from aws_setup_wizard.sandbox.delivery import deliver_now
from aws_setup_wizard.screens.mfa import MfaScreen
from aws_setup_wizard.wording import SCAN_QR
from tests.tui.conftest import Driver

SMALL = (80, 24)
ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(\+00:00|Z)?")
FIXED = "2025-01-02T03:04:05+00:00"
# A fixed otpauth:// URI: its QR code is the same on every run (a real exchange is random).
FAKE_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
FAKE_URI = f"otpauth://totp/AWS:root@210987654321?secret={FAKE_SECRET}&issuer=AWS"


async def to_dashboard(pilot: Any) -> Driver:
    driver = Driver(pilot)
    await driver.to_dashboard()
    return driver


def test_start(snap_compare, make_app):
    async def ready(pilot: Any) -> None:
        await Driver(pilot).at("StartScreen")

    # The console session (like CloudShell as root): no random key ID in the notice.
    assert snap_compare(make_app("fresh", "console"), terminal_size=SMALL, run_before=ready)


def test_dashboard(snap_compare, make_app):
    async def ready(pilot: Any) -> None:
        await to_dashboard(pilot)

    assert snap_compare(make_app("fresh", "root"), terminal_size=SMALL, run_before=ready)


def test_step_screen(snap_compare, make_app):
    async def ready(pilot: Any) -> None:
        driver = await to_dashboard(pilot)
        await driver.click("#row-admin-user")
        await driver.at("StepScreen")

    assert snap_compare(make_app("fresh", "console"), terminal_size=SMALL, run_before=ready)


def test_confirmation_modal(snap_compare, make_app):
    async def ready(pilot: Any) -> None:
        driver = await to_dashboard(pilot)
        await driver.click("#row-admin-user")
        await driver.at("StepScreen")
        await driver.press("f")
        await driver.until(lambda: bool(driver.app.screen.query("#plan-it")), "form")
        # By keyboard, not by a click: the dimmed screen behind the dialog shows the button,
        # and whether the mouse's hover reached it before the dialog opened is timing.
        pressed = driver.app.screen.query_one("#plan-it")
        pressed.focus()
        await driver.press("enter")
        await driver.at("PlanConfirmScreen")
        # A pressed button wears "-active" for 0.2 s; the dimmed screen behind the dialog
        # shows it. Whether planning took longer than that is timing, not what we compare.
        await driver.until(lambda: not pressed.has_class("-active"), "the press effect to end")

    assert snap_compare(make_app("fresh", "console"), terminal_size=SMALL, run_before=ready)


async def to_mfa(pilot: Any) -> Driver:
    driver = await to_dashboard(pilot)
    screen = MfaScreen(
        "Assign a virtual MFA device to the root user (sandbox console)",
        qr_lines(FAKE_URI),
        lambda: ("123456", "654321"),
        secret=FAKE_SECRET,
    )
    await driver.app.push_screen(screen)
    await driver.until(lambda: SCAN_QR in driver.text(), "the MFA screen")
    await driver.until(lambda: screen.has_class("-cramped") or screen.size.height >= 30, "fit")
    return driver


def test_mfa_screen_in_the_sandbox(snap_compare, make_app):
    async def ready(pilot: Any) -> None:
        await to_mfa(pilot)

    assert snap_compare(make_app("fresh", "console"), terminal_size=(100, 30), run_before=ready)


def test_mfa_screen_at_80x24(snap_compare, make_app):
    """Too short for the QR code beside the fields: the panel with Ctrl-F and Ctrl-T instead."""

    async def ready(pilot: Any) -> None:
        await to_mfa(pilot)

    assert snap_compare(make_app("fresh", "console"), terminal_size=SMALL, run_before=ready)


def test_full_screen_qr_at_80x24(snap_compare, make_app):
    """The code alone, and how to go back."""

    async def ready(pilot: Any) -> None:
        driver = await to_mfa(pilot)
        await driver.press("ctrl+f")
        await driver.until(lambda: type(driver.app.screen).__name__ == "QrScreen", "the QR")

    assert snap_compare(make_app("fresh", "console"), terminal_size=SMALL, run_before=ready)


def masked_verify(real: Any) -> Any:
    """``runner.verify`` with the times AWS reports (e.g. "logging since …") fixed."""

    def verify(account: Any, *args: Any, **kwargs: Any) -> Any:
        verification = real(account, *args, **kwargs)
        results = tuple(
            replace(r, check=replace(r.check, summary=ISO_TIME.sub(FIXED, r.check.summary)))
            for r in verification.results
        )
        return replace(verification, results=results)

    return verify


def test_summary(snap_compare, make_app, monkeypatch, sandbox_server):
    monkeypatch.setattr(runner, "verify", masked_verify(runner.verify))
    app = make_app("done", "console")
    # The trail has delivered before the picture is taken: whether the 5-second simulated
    # delivery had run by then made this snapshot depend on the machine's speed.
    deliver_now(sandbox_server.account_id)

    async def ready(pilot: Any) -> None:
        driver = await to_dashboard(pilot)
        await driver.press("s")
        await driver.at("SummaryScreen")

    assert snap_compare(app, terminal_size=SMALL, run_before=ready)
