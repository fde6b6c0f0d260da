import pytest
from hypothesis import given
from hypothesis import strategies as st

from aws_setup_wizard import options
from aws_setup_wizard.options import Option, OptionError, resolve

VALID = {
    options.iam_user_name: ["admin", "a", "a" * 64, "first.last@example.com", "x+y=z,_-"],
    options.iam_group_name: ["Administrators", "g" * 128],
    options.trail_name: ["account-trail", "abc", "a.b_c-d", "t" * 128],
    options.bucket_name: ["aws-cloudtrail-logs-123456789012-us-east-1", "abc", "a.b-c"],
    options.kms_alias: ["alias/account-trail", "alias/a/b_c-d"],
    options.account_id: ["123456789012"],
}
INVALID = {
    options.iam_user_name: ["", "a" * 65, "has space", "sl/ash", "ünï", "аdmin", "x;drop"],
    options.iam_group_name: ["", "g" * 129, "a b", "grp\t"],
    options.trail_name: [
        "ab",
        "t" * 129,
        "-start",
        "end-",
        "a--b",
        "a._b",
        "192.168.1.1",
        "bad name",
    ],
    options.bucket_name: [
        "ab",
        "b" * 64,
        "Upper",
        "under_score",
        "a..b",
        "a.-b",
        "192.168.5.4",
        "xn--bucket",
        "bucket-s3alias",
        "bucket--x-s3",
        "bückét",
    ],
    options.kms_alias: ["", "account-trail", "alias/", "alias/aws/cloudtrail", "alias/has space"],
    options.account_id: ["", "12345678901", "1234567890123", "12345678901a", "١٢٣٤٥٦٧٨٩٠١٢"],
}


@pytest.mark.parametrize(("rule", "value"), [(r, v) for r, vs in VALID.items() for v in vs])
def test_valid_values_pass(rule, value):
    assert rule(value) is None


@pytest.mark.parametrize(("rule", "value"), [(r, v) for r, vs in INVALID.items() for v in vs])
def test_invalid_values_are_refused_with_a_reason(rule, value):
    problem = rule(value)
    assert problem and problem.endswith(".")


@given(st.text(max_size=80))
def test_user_name_rule_matches_aws_pattern(text):
    import re

    ok = bool(re.fullmatch(r"[A-Za-z0-9+=,.@_-]{1,64}", text, flags=re.ASCII))
    assert (options.iam_user_name(text) is None) == ok


@given(st.text(max_size=70))
def test_bucket_rule_never_accepts_uppercase_or_non_ascii(text):
    if options.bucket_name(text) is None:
        assert text.isascii() and text == text.lower() and 3 <= len(text) <= 63


def test_resolve_fills_defaults_and_refuses_unknown_names():
    declared = (
        Option(
            "bucket",
            "--bucket",
            "Bucket",
            "",
            "logs-{account_id}-{region}",
            validator=options.bucket_name,
        ),
        Option("kms", "--kms", "KMS", "", True, kind="bool"),
    )
    assert resolve(declared, {}, "123456789012", "eu-west-1") == {
        "bucket": "logs-123456789012-eu-west-1",
        "kms": True,
    }
    assert resolve(declared, {"kms": "no"}, "1", "r")["kms"] is False
    with pytest.raises(OptionError, match="Unknown option"):
        resolve(declared, {"bukket": "x"}, "1", "r")
    with pytest.raises(OptionError, match="yes or no"):
        resolve(declared, {"kms": "maybe"}, "1", "r")
    with pytest.raises(OptionError, match="Bucket: must be 3 to 63"):
        resolve(declared, {"bucket": "x"}, "1", "r")


def test_a_blank_required_option_says_it_is_required() -> None:
    """Nothing typed yet is not a broken length rule: the owner is told the field is needed."""
    from aws_setup_wizard.steps.contact_options import CONTACT_EMAIL

    for blank in ("", "   "):
        with pytest.raises(OptionError) as error:
            CONTACT_EMAIL.validate(blank)
        assert str(error.value) == f"Contact e-mail: required ({CONTACT_EMAIL.help})."
    assert CONTACT_EMAIL.validate("ana@example.com") == "ana@example.com"
