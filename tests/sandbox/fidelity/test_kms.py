"""KMS keys named in every form AWS accepts, and key states enforced.

Followed: AWS KMS API Reference, the ``KeyId`` parameter of DisableKey, EnableKey,
ScheduleKeyDeletion, CancelKeyDeletion, GetKeyPolicy, PutKeyPolicy, GetKeyRotationStatus,
EnableKeyRotation ("Specify the key ID or key ARN of the KMS key") and of DescribeKey, Encrypt,
GenerateDataKey, Decrypt ("To specify a KMS key, use its key ID, key ARN, alias name, or alias
ARN"); AWS KMS Developer Guide, "Key states of AWS KMS keys" → "Key state table"
(https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html).
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from aws_setup_wizard.sandbox import Sandbox


def code_of(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


@pytest.fixture
def kms_key(sandbox_at: Any, client: Any) -> tuple[Sandbox, Any, dict[str, str]]:
    """A fresh account's KMS client and one key with the alias ``alias/fidelity``."""
    box = sandbox_at("fresh")
    kms = client(box, "kms")
    meta = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/fidelity", TargetKeyId=meta["KeyId"])
    forms = {
        "id": meta["KeyId"],
        "arn": meta["Arn"],
        "alias": "alias/fidelity",
        "alias_arn": f"arn:aws:kms:{box.region}:{box.account_id}:alias/fidelity",
    }
    return box, kms, forms


@pytest.mark.parametrize("form", ["id", "arn"])
def test_key_management_takes_a_key_id_or_arn(kms_key: Any, form: str) -> None:
    """DisableKey with a key ARN was an HTTP 500 (a KeyError in moto); AWS accepts it."""
    _, kms, forms = kms_key
    key = forms[form]
    kms.disable_key(KeyId=key)
    assert kms.describe_key(KeyId=key)["KeyMetadata"]["KeyState"] == "Disabled"
    kms.enable_key(KeyId=key)
    kms.enable_key_rotation(KeyId=key)
    assert kms.get_key_rotation_status(KeyId=key)["KeyRotationEnabled"] is True
    policy = kms.get_key_policy(KeyId=key, PolicyName="default")["Policy"]
    kms.put_key_policy(KeyId=key, PolicyName="default", Policy=policy)
    scheduled = kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)
    assert scheduled["KeyState"] == "PendingDeletion"
    kms.cancel_key_deletion(KeyId=key)
    assert kms.describe_key(KeyId=key)["KeyMetadata"]["KeyState"] == "Disabled"


@pytest.mark.parametrize("form", ["alias", "alias_arn"])
@pytest.mark.parametrize(
    "operation",
    [
        lambda kms, key: kms.disable_key(KeyId=key),
        lambda kms, key: kms.enable_key(KeyId=key),
        lambda kms, key: kms.schedule_key_deletion(KeyId=key),
        lambda kms, key: kms.cancel_key_deletion(KeyId=key),
        lambda kms, key: kms.get_key_policy(KeyId=key, PolicyName="default"),
        lambda kms, key: kms.get_key_rotation_status(KeyId=key),
        lambda kms, key: kms.enable_key_rotation(KeyId=key),
    ],
    ids=[
        "DisableKey",
        "EnableKey",
        "ScheduleKeyDeletion",
        "CancelKeyDeletion",
        "GetKeyPolicy",
        "GetKeyRotationStatus",
        "EnableKeyRotation",
    ],
)
def test_an_alias_is_not_found_where_only_a_key_is_accepted(
    kms_key: Any, form: str, operation: Any
) -> None:
    """These operations take a key ID or key ARN only; the key is left as it was."""
    _, kms, forms = kms_key
    with pytest.raises(ClientError) as error:
        operation(kms, forms[form])
    assert code_of(error) == "NotFoundException"
    assert kms.describe_key(KeyId=forms["id"])["KeyMetadata"]["KeyState"] == "Enabled"


@pytest.mark.parametrize("form", ["id", "arn", "alias", "alias_arn"])
def test_cryptographic_operations_take_every_form(kms_key: Any, form: str) -> None:
    """DescribeKey, Encrypt, GenerateDataKey and Decrypt accept aliases as well."""
    _, kms, forms = kms_key
    key = forms[form]
    assert kms.describe_key(KeyId=key)["KeyMetadata"]["KeyId"] == forms["id"]
    blob = kms.encrypt(KeyId=key, Plaintext=b"secret")["CiphertextBlob"]
    assert kms.decrypt(KeyId=key, CiphertextBlob=blob)["Plaintext"] == b"secret"
    assert len(kms.generate_data_key(KeyId=key, KeySpec="AES_256")["Plaintext"]) == 32


def _uses(kms: Any, key: str, blob: bytes) -> dict[str, Any]:
    return {
        "Encrypt": lambda: kms.encrypt(KeyId=key, Plaintext=b"x"),
        "GenerateDataKey": lambda: kms.generate_data_key(KeyId=key, KeySpec="AES_256"),
        "GenerateDataKeyWithoutPlaintext": lambda: kms.generate_data_key_without_plaintext(
            KeyId=key, KeySpec="AES_256"
        ),
        "Decrypt": lambda: kms.decrypt(CiphertextBlob=blob),
        "ReEncrypt": lambda: kms.re_encrypt(CiphertextBlob=blob, DestinationKeyId=key),
    }


def test_a_disabled_key_cannot_be_used(kms_key: Any) -> None:
    """Key state table, Disabled: cryptographic operations fail with DisabledException."""
    _, kms, forms = kms_key
    blob = kms.encrypt(KeyId=forms["id"], Plaintext=b"x")["CiphertextBlob"]
    kms.disable_key(KeyId=forms["arn"])
    for name, use in _uses(kms, forms["alias"], blob).items():
        with pytest.raises(ClientError) as error:
            use()
        assert code_of(error) == "DisabledException", name
        assert error.value.response["Error"]["Message"] == f"{forms['arn']} is disabled."
    with pytest.raises(ClientError) as error:
        kms.enable_key_rotation(KeyId=forms["id"])
    assert code_of(error) == "DisabledException"
    kms.get_key_policy(KeyId=forms["id"], PolicyName="default")  # still readable
    kms.enable_key(KeyId=forms["id"])
    kms.encrypt(KeyId=forms["alias"], Plaintext=b"x")  # and usable once enabled again


def test_a_key_pending_deletion_cannot_be_used_or_changed(kms_key: Any) -> None:
    """Key state table, PendingDeletion: KMSInvalidStateException "<key ARN> is pending
    deletion." for use, enable/disable, rotation, tags and description; DescribeKey works."""
    _, kms, forms = kms_key
    blob = kms.encrypt(KeyId=forms["id"], Plaintext=b"x")["CiphertextBlob"]
    kms.schedule_key_deletion(KeyId=forms["id"], PendingWindowInDays=7)
    changes = {
        "EnableKey": lambda: kms.enable_key(KeyId=forms["id"]),
        "DisableKey": lambda: kms.disable_key(KeyId=forms["arn"]),
        "EnableKeyRotation": lambda: kms.enable_key_rotation(KeyId=forms["id"]),
        "UpdateKeyDescription": lambda: kms.update_key_description(
            KeyId=forms["id"], Description="d"
        ),
        "TagResource": lambda: kms.tag_resource(
            KeyId=forms["id"], Tags=[{"TagKey": "k", "TagValue": "v"}]
        ),
        "ScheduleKeyDeletion": lambda: kms.schedule_key_deletion(KeyId=forms["id"]),
    }
    for name, attempt in {**_uses(kms, forms["alias"], blob), **changes}.items():
        with pytest.raises(ClientError) as error:
            attempt()
        assert code_of(error) == "KMSInvalidStateException", name
        assert error.value.response["Error"]["Message"] == f"{forms['arn']} is pending deletion."
    assert kms.describe_key(KeyId=forms["alias"])["KeyMetadata"]["KeyState"] == "PendingDeletion"


def test_only_a_key_pending_deletion_can_have_its_deletion_cancelled(kms_key: Any) -> None:
    """Key state table: CancelKeyDeletion on an Enabled key is KMSInvalidStateException."""
    _, kms, forms = kms_key
    with pytest.raises(ClientError) as error:
        kms.cancel_key_deletion(KeyId=forms["arn"])
    assert code_of(error) == "KMSInvalidStateException"
    assert error.value.response["Error"]["Message"] == f"{forms['arn']} is not pending deletion."


def test_an_unknown_key_arn_is_not_found_not_a_server_error(kms_key: Any) -> None:
    """A well-formed ARN of no key: NotFoundException (moto raised KeyError, HTTP 500)."""
    box, kms, _ = kms_key
    missing = f"arn:aws:kms:{box.region}:{box.account_id}:key/00000000-0000-0000-0000-000000000000"
    with pytest.raises(ClientError) as error:
        kms.disable_key(KeyId=missing)
    assert code_of(error) == "NotFoundException"
