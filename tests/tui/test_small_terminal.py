"""The TUI at 80x24 and 60x20, as a trainee's small window shows it (issue 12, items 8-10).

Assertions are on what is on the screen: the rendered lines, and widget regions within the
visible part of the scrolling body.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from textual.widget import Widget
from textual.widgets import Markdown
from textual.widgets._footer import FooterKey
from textual.widgets._toast import Toast

from aws_setup_wizard.mfa import qr_lines
from aws_setup_wizard.screens.mfa import MfaScreen
from aws_setup_wizard.screens.reveal import RevealScreen
from aws_setup_wizard.wording import FIRST_CODE, SCAN_QR, SECOND_CODE
from tests.tui.conftest import Driver

pytestmark = pytest.mark.asyncio

SMALL = (80, 24)
TINY = (60, 20)


def screen_lines(app: Any) -> list[str]:
    """The characters of every line on the screen, as a terminal shows them."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def in_view(widget: Widget) -> bool:
    """The whole widget is drawn inside the visible part of its screen's body."""
    screen = widget.screen
    if widget not in screen._compositor.visible_widgets:
        return False
    body = screen.query_one("#body")
    inside_body = body in widget.ancestors
    return widget.region in (body.content_region if inside_body else screen.region)


async def test_enter_through_the_cloudtrail_form_keeps_the_focus_in_view(make_app):
    """Item 9: each Enter moves to the next field, which is on the screen; the last submits."""
    app = make_app("fresh", "console")
    async with app.run_test(size=SMALL) as pilot:
        driver = Driver(pilot)
        await driver.to_dashboard()
        await driver.click("#row-cloudtrail")
        step = await driver.at("StepScreen")
        await driver.press("f")
        await driver.until(lambda: bool(step.query("#plan-it")), "the form")
        fields = [f"field-{option.name}" for option in step.step.options]
        await driver.until(lambda: app.focused is not None, "the first field's focus")
        for index, field in enumerate(fields):
            await driver.until(lambda: in_view(app.focused), f"{field} in view")
            assert app.focused.id == field
            assert in_view(step.query_one("#plan-it")), "the submit button is on the screen"
            await driver.press("enter")
            if index + 1 < len(fields):
                following = fields[index + 1]
                await driver.until(lambda f=following: app.focused.id == f, "the next field")
        await driver.at("PlanConfirmScreen")


# The sandbox console's root URI, with a fixed seed: its QR code is 45x23 characters with the
# quiet zone, as in the real run, too tall for 80x24 beside the fields.
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
URI = f"otpauth://totp/AWS%3Aroot-account-mfa-device%40210987654321?secret={SECRET}&issuer=AWS"
SIGNIN_URL = "https://210987654321.signin.aws.amazon.com/console"


def has_word(lines: list[str], word: str) -> bool:
    """``word`` appears whole (not cut, not split over two lines) on one of the lines."""
    return any(re.search(rf"(?<!\S){re.escape(word)}(?!\S)", line) for line in lines)


async def footer_keys_fit(driver: Driver) -> None:
    """Every footer key shown lies wholly inside the screen's width (once the footer, which
    composes after the screen and again after a resize, has its keys)."""
    app = driver.app
    await driver.until(lambda: bool(app.screen.query(FooterKey)), "the footer's keys")
    await driver.pilot.pause(0.1)
    keys = list(app.screen.query(FooterKey))
    for key in keys:
        assert key.region.right <= app.size.width, f"{key.key_display} {key.description} is cut"


async def mfa_screen(driver: Driver, secret: str | None = SECRET) -> MfaScreen:
    await driver.to_dashboard()
    screen = MfaScreen(
        "Assign a virtual MFA device to the root user (sandbox console)",
        qr_lines(URI),
        lambda: ("123456", "654321"),
        secret=secret,
    )
    await driver.app.push_screen(screen)
    await driver.until(lambda: SCAN_QR.split()[0] in "\n".join(screen_lines(driver.app)), "MFA")
    await driver.pilot.pause(0.1)
    return screen


async def test_the_qr_code_is_never_cut_at_80x24_and_full_screen_says_how_back(make_app):
    """Item 8: no partial QR code; the ways to it (Ctrl-F, Ctrl-T) are on the screen itself."""
    qr = qr_lines(URI)
    assert len(qr) == 23  # as tall as the real thing
    app = make_app("fresh", "console")
    async with app.run_test(size=SMALL) as pilot:
        driver = Driver(pilot)
        await mfa_screen(driver)
        lines = screen_lines(app)
        text = "\n".join(lines)
        shown = [row for row in qr if row in text]
        assert not shown, "a QR code cut off at the bottom cannot be scanned"
        assert "Full-screen QR (Ctrl-F)" in text and "Secret key (Ctrl-T)" in text
        assert "This window is too small" in text

        await driver.press("ctrl+t")
        text = "\n".join(screen_lines(app))
        assert "JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP" in text

        await driver.press("ctrl+f")
        await driver.until(lambda: type(app.screen).__name__ == "QrScreen", "the full-screen QR")
        await pilot.pause(0.1)
        lines = screen_lines(app)
        text = "\n".join(lines)
        assert all(row in text for row in qr), "every row of the code, finder patterns included"
        assert "press any key, or" in text and "click, to go back" in text
        await driver.press("escape")
        await driver.until(lambda: type(app.screen).__name__ == "MfaScreen", "back to the codes")


async def test_the_qr_code_beside_the_fields_where_it_fits(make_app):
    app = make_app("fresh", "console")
    async with app.run_test(size=(100, 30)) as pilot:
        driver = Driver(pilot)
        screen = await mfa_screen(driver)
        text = "\n".join(screen_lines(app))
        assert all(row in text for row in qr_lines(URI))
        assert not screen.query_one("#qr-small").display
        assert "Ctrl-F shows the QR code alone" in text


async def test_the_mfa_screen_keeps_words_whole_at_60x20(make_app):
    """Item 8: "consecuti ve" and "Bac" at 60x20."""
    app = make_app("fresh", "console")
    async with app.run_test(size=TINY) as pilot:
        driver = Driver(pilot)
        await mfa_screen(driver)
        lines = screen_lines(app)
        for text in (SCAN_QR, FIRST_CODE, SECOND_CODE, "Register", "Back"):
            for word in text.split():
                assert has_word(lines, word), f"{word!r} is cut in:\n" + "\n".join(lines)


async def test_every_footer_key_and_button_is_whole_at_80_and_60_columns(make_app):
    """Item 10: "q Qui" at 80 columns (a focused dashboard row added "Open step"); buttons
    and the identity bar ran off the edge at 60 columns. Help lists the keys left out."""
    app = make_app("fresh", "root")
    async with app.run_test(size=SMALL) as pilot:
        driver = Driver(pilot)
        dashboard = await driver.to_dashboard()
        dashboard.query_one("#row-root-mfa").focus()
        await pilot.pause(0.2)
        await footer_keys_fit(driver)
        assert "? Help  q Quit" in screen_lines(app)[-1]

        await driver.click("#row-root-mfa")
        step = await driver.at("StepScreen")
        await driver.press("f")
        console = await driver.at("ConsoleScreen")
        await footer_keys_fit(driver)
        assert "q Quit" in screen_lines(app)[-1]
        # At 80 columns the four buttons still share one line (wrapping costs the body a line).
        assert len({button.region.y for button in console.query("#actions Button")}) == 1

        await pilot.resize_terminal(*TINY)
        await pilot.pause(0.3)
        await footer_keys_fit(driver)
        lines = screen_lines(app)
        assert "q Quit" in lines[-1]
        for label in ("Simulated console", "I've done it: check again", "Copy link", "Back"):
            assert label in "\n".join(lines), f"{label!r} is cut:\n" + "\n".join(lines)
        assert "us-east-1" in "\n".join(lines[:2])
        assert step is not None

        await driver.press("question_mark")
        await driver.at("HelpScreen")
        await pilot.pause(0.2)
        help_text = app.screen.query_one(Markdown).source
        assert "`s` Sandbox console" in help_text and "`esc` Back" in help_text


async def test_notices_sit_above_the_buttons_and_keep_a_url_whole(make_app):
    """Item 10: a toast covered the form and split the sign-in URL; now a line above the
    buttons takes its room from the body, and wraps at spaces."""
    app = make_app("fresh", "console")
    async with app.run_test(size=SMALL) as pilot:
        driver = Driver(pilot)
        dashboard = await driver.to_dashboard()
        app.notify(
            f"Create an administrator for daily work: PASS. Administrator admin signs in at "
            f"{SIGNIN_URL} with a password and MFA, permissions through a group.",
            title="Checked again (read-only)",
        )
        await pilot.pause(0.2)
        assert not app.screen.query(Toast)
        notice = dashboard.query_one("#notice")
        body = dashboard.query_one("#body")
        assert notice.display and not notice.region.overlaps(body.region)
        assert notice.region.bottom <= dashboard.query_one("#actions").region.y
        lines = screen_lines(app)
        assert any(SIGNIN_URL in line for line in lines)
        assert any("Checked again (read-only)" in line for line in lines)


async def test_copying_says_so_beside_what_was_copied(make_app):
    """Item 10: "Copied" toasts covered the link and the password box they talked about."""
    app = make_app("fresh", "console")
    async with app.run_test(size=TINY) as pilot:
        driver = Driver(pilot)
        await driver.to_dashboard()
        reveal = RevealScreen(
            {"user": "admin", "password": "Tq8-zW4!pL2#vN6@xR0$kB3m", "signin_url": SIGNIN_URL}
        )
        await app.push_screen(reveal)
        await driver.until(lambda: bool(reveal.query("#copy-url")), "the reveal screen")
        await driver.press("u")
        await pilot.pause(0.2)
        assert app.clipboard == SIGNIN_URL
        assert not app.screen.query(Toast)
        lines = screen_lines(app)
        text = " ".join(line.strip(" │") for line in lines)
        assert any(SIGNIN_URL in line for line in lines), "\n".join(lines)
        assert "Tq8-zW4!pL2#vN6@xR0$kB3m" in text
        assert "Sign-in URL sent to the clipboard" in text
