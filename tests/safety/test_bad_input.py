"""Bad input gets a clear message and changes nothing: no API call is even made."""

from __future__ import annotations

import re
import string
import unicodedata

import botocore.endpoint
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from aws_setup_wizard import cli
from aws_setup_wizard.flow import MfaExchange
from aws_setup_wizard.mfa import MfaEnrollment, code_problem
from aws_setup_wizard.options import OptionError
from aws_setup_wizard.present import ExitCode
from aws_setup_wizard.steps import STEPS

BAD_SHAPES = {
    "empty": "",
    "too long": "a" * 300,
    "space": "two words",
    "slash": "a/b",
    "cyrillic a lookalike": "\u0430dmin",
    "fullwidth digits": "\uff11\uff12\uff13",
    "zero-width space": "adm\u200bin",
    "shell injection": "admin; rm -rf ~",
    "sql injection": "x' OR '1'='1",
    "newline": "admin\nInjected: yes",
    "markup": "<script>alert(1)</script>",
    "null byte": "admin\x00",
}

FLAGS = ("--admin-user", "--admin-group", "--trail-name", "--trail-bucket", "--kms-alias")


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every HTTP request botocore would send (none must be)."""
    sent: list[str] = []

    def record(self, request):
        sent.append(request.url)
        raise AssertionError(f"a call was made: {request.url}")

    monkeypatch.setattr(botocore.endpoint.Endpoint, "_send", record)
    return sent


# 'alias/a/b' is a valid KMS alias ('/' is allowed after 'alias/'), so that pair is not bad input.
OPTION_CASES = [
    (flag, shape)
    for flag in FLAGS
    for shape in sorted(BAD_SHAPES)
    if (flag, shape) != ("--kms-alias", "slash")
]


@pytest.mark.parametrize(("flag", "shape"), OPTION_CASES)
def test_bad_option_refused_before_any_call(flag, shape, calls, capsys):
    value = BAD_SHAPES[shape]
    if flag == "--kms-alias" and shape not in {"empty", "too long"}:
        value = "alias/" + value
    step = "admin-user" if flag.startswith("--admin") else "cloudtrail"
    code = cli.main(["--endpoint-url", "http://127.0.0.1:9", "apply", step, "--yes", flag, value])
    assert code == ExitCode.USAGE
    message = capsys.readouterr().err
    label = next(o.label for st_ in STEPS for o in st_.options if o.flag == flag)
    assert message.startswith(f"aws-setup-wizard: {label}: ")
    assert message.rstrip().endswith(".") and message.count("\n") == 1
    assert calls == []


@pytest.mark.parametrize("shape", sorted(BAD_SHAPES))
def test_bad_account_id_refused_before_any_call(shape, calls, capsys):
    code = cli.main(
        [
            "--endpoint-url",
            "http://127.0.0.1:9",
            "apply",
            "admin-user",
            "--account-id",
            BAD_SHAPES[shape],
        ]
    )
    assert code == ExitCode.USAGE
    assert "--account-id must be exactly 12 digits" in capsys.readouterr().err
    assert calls == []


@pytest.mark.parametrize(
    "code",
    ["", "12345", "1234567", "12a456", "١٢٣٤٥٦", "123 456", "123456\n1", "' OR 1=1"],
)
def test_bad_mfa_codes_refused_before_any_call(code):
    sent: list[tuple[str, str]] = []
    exchange = MfaExchange(
        "test",
        MfaEnrollment("arn:aws:iam::1:mfa/x", "otpauth://totp/x", "JBSWY3DPEHPK3PXP"),
        lambda a, b: sent.append((a, b)),
        practice=False,
    )
    problem = exchange.complete(code, "123456")
    assert problem and "6 digits" in problem
    assert sent == []


#: Free text a person types about themselves (the security contact), not names of AWS things.
CONTACT_DETAILS = frozenset({"contact_name", "contact_title", "contact_email", "contact_phone"})
OPTIONS = [option for step in STEPS for option in step.options if option.kind == "text"]


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.characters(), max_size=300))
@example(text="1 ")  # a budget of "1 " (found by Hypothesis in CI): the amount is 1
@example(text="Ana\x1b[31m")  # an escape sequence in a contact's name
def test_any_text_is_either_accepted_by_aws_rules_or_refused_with_a_sentence(text):
    for option in OPTIONS:
        try:
            value = option.validate(text)
        except OptionError as exc:
            assert str(exc).startswith(option.label + ": ")
            assert str(exc).endswith(".")
            continue
        assert isinstance(value, str) and value
        if option.name in CONTACT_DETAILS:
            # A person's name may be José or 山田: any letters, but nothing invisible (controls,
            # escape sequences, bidi overrides) and no line breaks.
            categories = {unicodedata.category(c) for c in value}
            assert not {c for c in categories if c[0] == "C" or c in ("Zl", "Zp")}, value
            continue
        if option.name == "monthly_budget":
            # Typed as an owner writes money ("25 ", "$19.99"): the step reads the amount in it.
            assert re.fullmatch(r"\d+(\.\d{1,2})?", value.strip().removeprefix("$").strip())
            continue
        # Whatever passes is plain printable ASCII: no lookalikes, controls or spaces.
        assert set(value) <= set(string.ascii_letters + string.digits + "+=,.@_-/")


@given(text=st.text(max_size=12))
def test_mfa_code_rule_accepts_exactly_six_ascii_digits(text):
    ok = len(text.strip()) == 6 and all(c in string.digits for c in text.strip())
    assert (code_problem(text) is None) == ok


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = cli.main(argv)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_an_unknown_profile_is_one_sentence_and_a_usage_exit(calls, capsys):
    code, said = run_cli(["verify", "--profile", "nosuch"], capsys)
    assert code == ExitCode.USAGE
    assert "no AWS profile named 'nosuch'" in said and "Traceback" not in said
    assert calls == []


def test_a_damaged_config_file_is_one_sentence(calls, capsys, tmp_path, monkeypatch):
    config = tmp_path / "config"
    config.write_text("[profile broken\nregion = us-east-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    code, said = run_cli(["verify"], capsys)
    assert code == ExitCode.USAGE
    assert "could not be read" in said and "Traceback" not in said
    assert calls == []


@pytest.mark.parametrize("kind", ["folder", "existing file", "symlink", "missing folder"])
def test_a_transcript_path_that_cannot_take_a_new_file_is_refused(kind, capsys, tmp_path):
    target = tmp_path / "run.txt"
    if kind == "folder":
        target.mkdir()
    elif kind == "existing file":
        target.write_text("keep me")
    elif kind == "symlink":
        (tmp_path / "elsewhere.txt").write_text("keep me")
        target.symlink_to(tmp_path / "elsewhere.txt")
    else:
        target = tmp_path / "nowhere" / "run.txt"
    code, said = run_cli(["--plain", "--sandbox", "--transcript", str(target)], capsys)
    assert code == ExitCode.USAGE
    assert "transcript" in said and "Traceback" not in said
    if kind in {"existing file", "symlink"}:
        kept = tmp_path / ("run.txt" if kind == "existing file" else "elsewhere.txt")
        assert kept.read_text() == "keep me"


def test_a_new_transcript_is_private(tmp_path):
    from aws_setup_wizard.plain import _transcript_file

    target = tmp_path / "run.txt"
    with _transcript_file(target) as handle:
        assert handle is not None
        handle.write("x")
    assert target.stat().st_mode & 0o777 == 0o600


def test_mfa_codes_never_reach_the_transcript(monkeypatch):
    import io

    import questionary

    from aws_setup_wizard import plain, wording

    class Typed:
        def __init__(self, answer: str) -> None:
            self.answer = answer

        def unsafe_ask(self) -> str:
            return self.answer

    monkeypatch.setattr(questionary, "text", lambda message, **_: Typed("123456"))
    saved = io.StringIO()
    talk = plain.PlainConversation(io.StringIO(), transcript=saved, width=88)
    assert talk.text(wording.FIRST_CODE) == "123456"
    assert talk.text("Administrator user name") == "123456"
    lines = saved.getvalue().splitlines()
    assert "123456" not in lines[0] and "123456" in lines[1]


def test_a_damaged_journal_line_is_skipped_with_a_warning(tmp_path, capsys):
    from aws_setup_wizard import journal

    path = tmp_path / "journal.jsonl"
    path.write_text('{"kind": "run"}\n{"kind": "wri\n{"kind": "end"}\n')
    assert [r["kind"] for r in journal.read(path)] == ["run", "end"]
    assert f"skipped damaged line 2 of {path}" in capsys.readouterr().err
