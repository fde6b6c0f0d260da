"""MFA: root through the simulated console only, IAM users through the console or the API."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest
from botocore.exceptions import ClientError

from aws_setup_wizard.sandbox import console, mfa


def mfa_flag(client: Any, sandbox: Any) -> int:
    return int(client(sandbox, "iam").get_account_summary()["SummaryMap"]["AccountMFAEnabled"])


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_root_mfa_with_good_codes(sandbox_at: Any, client: Any) -> None:
    sandbox = sandbox_at("fresh")
    enrollment = console.begin_root_mfa(sandbox.endpoint_url)
    assert enrollment.otpauth_uri.startswith("otpauth://totp/")
    assert f"secret={enrollment.secret_base32}" in enrollment.otpauth_uri
    assert enrollment.secret_base32 not in repr(enrollment)
    code1, code2 = mfa.two_consecutive_codes(enrollment.secret_base32)
    console.complete_root_mfa(sandbox.endpoint_url, enrollment, code1, code2)
    assert mfa_flag(client, sandbox) == 1
    devices = client(sandbox, "iam").list_virtual_mfa_devices(AssignmentStatus="Assigned")
    (device,) = devices["VirtualMFADevices"]
    assert device["SerialNumber"] == enrollment.serial_number
    assert device["User"]["Arn"] == f"arn:aws:iam::{sandbox.account_id}:root"
    assert "Base32StringSeed" not in device


def test_root_mfa_refuses_bad_codes_and_changes_nothing(sandbox_at: Any, client: Any) -> None:
    sandbox = sandbox_at("fresh")
    enrollment = console.begin_root_mfa(sandbox.endpoint_url)
    code1, code2 = mfa.two_consecutive_codes(enrollment.secret_base32)
    for bad in ((code1, wrong(code2)), (code2, code1), (code1, code1), ("abc", "def")):
        with pytest.raises(console.SandboxConsoleError) as error:
            console.complete_root_mfa(sandbox.endpoint_url, enrollment, *bad)
        assert "consecutive" in str(error.value)
    assert mfa_flag(client, sandbox) == 0
    assert client(sandbox, "iam").list_virtual_mfa_devices()["VirtualMFADevices"] == []
    # The enrolment is still open: the right codes still work afterwards.
    console.complete_root_mfa(sandbox.endpoint_url, enrollment, code1, code2)
    assert mfa_flag(client, sandbox) == 1


def test_enable_root_mfa_in_one_call_and_not_twice(sandbox_at: Any, client: Any) -> None:
    sandbox = sandbox_at("fresh")
    serial = console.enable_root_mfa(sandbox.endpoint_url)
    assert serial.startswith(f"arn:aws:iam::{sandbox.account_id}:mfa/")
    with pytest.raises(console.SandboxConsoleError):
        console.enable_root_mfa(sandbox.endpoint_url)


def test_root_has_no_mfa_api(sandbox_at: Any, client: Any) -> None:
    sandbox = sandbox_at("fresh")
    # EnableMFADevice needs a user; root's own MFA is console-only.
    with pytest.raises(ClientError):
        client(sandbox, "iam").enable_mfa_device(
            UserName="root",
            SerialNumber="x" * 9,
            AuthenticationCode1="123456",
            AuthenticationCode2="654321",
        )
    assert mfa_flag(client, sandbox) == 0


def test_hardware_root_mfa(sandbox_at: Any, client: Any) -> None:
    sandbox = sandbox_at("fresh")
    sandbox.root.enable_hardware_mfa()
    assert mfa_flag(client, sandbox) == 1
    iam = client(sandbox, "iam")
    assert iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"] == []
    key = sandbox.root_access_key
    own = client(sandbox, "iam", key).list_mfa_devices()["MFADevices"]
    assert [d["SerialNumber"] for d in own] == ["GAHT12345678"]


def test_user_mfa_through_console(sandbox_at: Any, client: Any) -> None:
    sandbox = sandbox_at("partial")
    serial = console.register_user_mfa(sandbox.endpoint_url, "admin")
    devices = client(sandbox, "iam").list_mfa_devices(UserName="admin")["MFADevices"]
    assert [d["SerialNumber"] for d in devices] == [serial]
    with pytest.raises(console.SandboxConsoleError) as error:
        console.register_user_mfa(sandbox.endpoint_url, "nobody")
    assert "nobody" in str(error.value)


def test_user_mfa_console_refuses_bad_codes(sandbox_at: Any, client: Any) -> None:
    sandbox = sandbox_at("partial")
    enrollment = console.begin_user_mfa(sandbox.endpoint_url, "admin")
    code1, code2 = mfa.two_consecutive_codes(enrollment.secret_base32)
    with pytest.raises(console.SandboxConsoleError):
        console.complete_user_mfa(sandbox.endpoint_url, "admin", enrollment, code1, wrong(code2))
    assert client(sandbox, "iam").list_mfa_devices(UserName="admin")["MFADevices"] == []
    console.complete_user_mfa(sandbox.endpoint_url, "admin", enrollment, code1, code2)
    assert len(client(sandbox, "iam").list_mfa_devices(UserName="admin")["MFADevices"]) == 1


def test_enable_mfa_device_checks_codes(sandbox_at: Any, client: Any) -> None:
    sandbox = sandbox_at("partial")
    iam = client(sandbox, "iam")
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="admin-phone")["VirtualMFADevice"]
    seed = device["Base32StringSeed"]
    seed = seed.decode() if isinstance(seed, bytes) else seed
    totp = pyotp.TOTP(seed)
    code1, code2 = mfa.two_consecutive_codes(seed)
    assert code1 == totp.now()
    for bad in (("123456", "654321"), (code2, code1)):
        with pytest.raises(ClientError) as error:
            iam.enable_mfa_device(
                UserName="admin",
                SerialNumber=device["SerialNumber"],
                AuthenticationCode1=bad[0],
                AuthenticationCode2=bad[1],
            )
        assert error.value.response["Error"]["Code"] == "InvalidAuthenticationCode"
        assert error.value.response["Error"]["Message"] == (
            "Authentication code for device is not valid."
        )
    assert iam.list_mfa_devices(UserName="admin")["MFADevices"] == []
    iam.enable_mfa_device(
        UserName="admin",
        SerialNumber=device["SerialNumber"],
        AuthenticationCode1=code1,
        AuthenticationCode2=code2,
    )
    assert len(iam.list_mfa_devices(UserName="admin")["MFADevices"]) == 1
