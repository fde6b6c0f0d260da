"""EBS encryption by default as AWS documents it, per account and per Region.

The sandbox answers the setting's six actions itself and keeps the setting on the account's
:class:`~aws_setup_wizard.sandbox.state.RootAccount` (so a reset wipes it), per Region:

- ``GetEbsEncryptionByDefault`` / ``EnableEbsEncryptionByDefault`` /
  ``DisableEbsEncryptionByDefault`` (EC2 API Reference): "Describes whether EBS encryption by
  default is enabled for your account in the current Region"; off in a new account (Amazon EBS
  User Guide, "Enable Amazon EBS encryption by default": "Encryption by default is a
  Region-specific setting"). moto 5.2.5 keeps the same flag on its EC2 backend, but importing
  ``moto.ec2.models`` loads EC2's instance-type, AMI and Region data: 1.8 s and about 170 MiB,
  on the first ``verify`` of the ``ebs-encryption`` step in every Region. Only ``CreateVolume``
  needs moto's EC2 now.
- ``GetEbsDefaultKmsKeyId`` (EC2 API Reference,
  https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_GetEbsDefaultKmsKeyId.html):
  "Describes the default KMS key for EBS encryption by default for your account in this
  Region." While no customer managed key was set, AWS names the AWS managed key for EBS by its
  alias, ``alias/aws/ebs`` (AWS CLI Command Reference, ``ec2 get-ebs-default-kms-key-id``,
  example output); after ``ModifyEbsDefaultKmsKeyId``, the key's ARN. moto does not implement
  the action at all.
- ``ResetEbsDefaultKmsKeyId`` (EC2 API Reference, API_ResetEbsDefaultKmsKeyId): "Resets the
  default KMS key for EBS encryption for your account in this Region to the AWS managed KMS key
  for EBS." Not in moto either. The answer names the AWS managed key as ``Get`` does (the
  reference types ``KmsKeyId`` as an ARN without showing one; the sandbox keeps one spelling).
- ``ModifyEbsDefaultKmsKeyId``: the key's ARN, as moto answers for a key it holds; a key that
  does not exist is accepted, as AWS does (see :func:`modify_default_key`), where moto fails
  with HTTP 500.
- ``CreateVolume`` while encryption by default is on (Amazon EBS User Guide, "Enable Amazon EBS
  encryption by default": "new EBS volumes ... are always encrypted, either using the AWS managed
  key or a customer managed key" set as the default): moto creates the volume unencrypted unless
  the request says ``Encrypted=true``. Here the volume is encrypted with the Region's default key
  after moto made it, and moto's answer says so. A request naming its own ``KmsKeyId`` is left
  to moto, which already encrypts with that key.

Every action here honours ``DryRun`` as EC2 does (``DryRunOperation``, HTTP 412, when the call
would have succeeded).
"""

from __future__ import annotations

import re
from typing import Any

from aws_setup_wizard.sandbox.call import Call, Forward, Handler, Outcome
from aws_setup_wizard.sandbox.protocol import Response, ec2_response, error_response, escape
from aws_setup_wizard.sandbox.state import RootAccount

#: The AWS managed key for EBS, as ``GetEbsDefaultKmsKeyId`` names it until a customer key is set.
AWS_MANAGED_KEY = "alias/aws/ebs"


def ec2_backend(account_id: str, region: str) -> Any:
    """moto's EC2 backend of ``account_id`` in ``region`` (made on first use, as moto does).

    Imported here, not at the top: ``moto.ec2.models`` loads EC2's instance-type, AMI and
    Region data (over 100 MiB), which the sandbox needs only once a volume is made.
    """
    from moto.ec2.models import ec2_backends

    return ec2_backends[account_id][region]


def _dry_run(call: Call) -> Outcome:
    if (call.param("DryRun") or "").lower() == "true":
        return error_response(
            "ec2", "DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412
        )
    return None


def _kms(account_id: str, region: str) -> Any:
    """moto's KMS backend of ``account_id`` in ``region``."""
    from moto.kms.models import kms_backends

    return kms_backends[account_id][region]


def default_key(root: RootAccount, region: str) -> str:
    """The Region's default key for EBS as AWS names it: a customer key's ARN, or the alias."""
    with root.lock:
        return root.ebs_default_keys.get(region) or AWS_MANAGED_KEY


def _setting(action: str, on: bool) -> Response:
    return ec2_response(
        action, f"<ebsEncryptionByDefault>{str(on).lower()}</ebsEncryptionByDefault>"
    )


def get_encryption(call: Call) -> Outcome:
    """``GetEbsEncryptionByDefault``: whether the setting is on in this Region."""
    refused = _dry_run(call)
    if refused is not None:
        return refused
    with call.root.lock:
        on = call.region in call.root.ebs_encrypted_regions
    return _setting("GetEbsEncryptionByDefault", on)


def _setter(action: str, on: bool) -> Handler:
    """``Enable``/``DisableEbsEncryptionByDefault``: the setting in this Region, answered."""

    def set_encryption(call: Call) -> Outcome:
        refused = _dry_run(call)
        if refused is not None:
            return refused
        with call.root.lock:
            if on:
                call.root.ebs_encrypted_regions.add(call.region)
            else:
                call.root.ebs_encrypted_regions.discard(call.region)
        return _setting(action, on)

    return set_encryption


enable_encryption = _setter("EnableEbsEncryptionByDefault", True)
disable_encryption = _setter("DisableEbsEncryptionByDefault", False)


def get_default_key(call: Call) -> Outcome:
    """``GetEbsDefaultKmsKeyId``: this account's default key for EBS in this Region."""
    refused = _dry_run(call)
    if refused is not None:
        return refused
    key = default_key(call.root, call.region)
    return ec2_response("GetEbsDefaultKmsKeyId", f"<kmsKeyId>{escape(key)}</kmsKeyId>")


def reset_default_key(call: Call) -> Outcome:
    """``ResetEbsDefaultKmsKeyId``: back to the AWS managed key in this Region."""
    refused = _dry_run(call)
    if refused is not None:
        return refused
    with call.root.lock:
        call.root.ebs_default_keys.pop(call.region, None)
    return ec2_response("ResetEbsDefaultKmsKeyId", f"<kmsKeyId>{AWS_MANAGED_KEY}</kmsKeyId>")


def _key_arn(kms: Any, wanted: str) -> str | None:
    """The ARN of the key moto's KMS holds under an ID, alias or ARN (``None``: no such key)."""
    name = (
        wanted.split(":", 5)[5] if wanted.startswith("arn:") and wanted.count(":") >= 5 else wanted
    )
    if name.startswith("alias/"):
        known = bool(kms.alias_exists(name))
    else:
        known = name.removeprefix("key/") in kms.keys
    return str(kms.describe_key(wanted).arn) if known else None


def modify_default_key(call: Call) -> Outcome:
    """``ModifyEbsDefaultKmsKeyId``: the Region's default key, named by its key's ARN.

    A key that does not exist is accepted, as AWS does (EC2 API Reference,
    API_ModifyEbsDefaultKmsKeyId: "AWS authenticates the KMS key asynchronously. Therefore, if
    you specify an ID, alias, or ARN that is not valid, the action can appear to complete, but
    eventually fails."), and named by the ARN its ID or alias would have in this Region.
    """
    wanted = call.param("KmsKeyId")
    if wanted is None:
        return None  # botocore requires KmsKeyId; moto answers a hand-made request's omission
    refused = _dry_run(call)
    if refused is not None:
        return refused
    kms = _kms(call.account_id, call.region)
    arn = _key_arn(kms, wanted)
    if arn is not None and arn == _key_arn(kms, AWS_MANAGED_KEY):
        # The AWS managed key itself: still named by its alias, as before any change.
        with call.root.lock:
            call.root.ebs_default_keys.pop(call.region, None)
        return ec2_response("ModifyEbsDefaultKmsKeyId", f"<kmsKeyId>{escape(arn)}</kmsKeyId>")
    if arn is None and wanted.startswith("arn:"):
        arn = wanted
    elif arn is None and wanted.startswith("alias/"):
        arn = f"arn:aws:kms:{call.region}:{call.account_id}:{wanted}"
    elif arn is None:
        arn = f"arn:aws:kms:{call.region}:{call.account_id}:key/{wanted}"
    with call.root.lock:
        call.root.ebs_default_keys[call.region] = arn
    return ec2_response("ModifyEbsDefaultKmsKeyId", f"<kmsKeyId>{escape(arn)}</kmsKeyId>")


_VOLUME_ID = re.compile(rb"<volumeId>(vol-[0-9a-f]+)</volumeId>")


def create_volume(call: Call) -> Outcome:
    """``CreateVolume``: encrypted with the default key while encryption by default is on."""
    if (call.param("DryRun") or "").lower() == "true":
        return None  # moto refuses a dry run itself
    account_id, region, root = call.account_id, call.region, call.root
    backend = ec2_backend(account_id, region)
    with root.lock:
        customer_key = root.ebs_default_keys.get(region, "")
        on = region in root.ebs_encrypted_regions
    # ``Encrypted=true`` without a key: moto encrypts with its own idea of the default key.
    backend.default_kms_key_id = customer_key
    if call.param("KmsKeyId") is not None or not on:
        return None  # moto encrypts with a named key itself; the setting is off

    def encrypt(status: int, body: bytes) -> bytes:
        found = _VOLUME_ID.search(body) if status == 200 else None
        if found is None:
            return body
        volume = backend.get_volume(found.group(1).decode())
        if volume.encrypted and volume.kms_key_id:
            return body
        # moto makes the AWS managed key on first use, as AWS does (KMS Developer Guide,
        # "AWS managed keys").
        key = customer_key or backend._create_default_encryption_key()
        volume.encrypted, volume.kms_key_id = True, key
        body = re.sub(rb"<encrypted>false</encrypted>", b"<encrypted>true</encrypted>", body)
        if b"<kmsKeyId>" not in body:
            body = body.replace(
                b"<encrypted>true</encrypted>",
                b"<encrypted>true</encrypted><kmsKeyId>" + key.encode() + b"</kmsKeyId>",
                1,
            )
        return body

    return Forward(encrypt)


EBS_HANDLERS: dict[str, Handler] = {
    "GetEbsEncryptionByDefault": get_encryption,
    "EnableEbsEncryptionByDefault": enable_encryption,
    "DisableEbsEncryptionByDefault": disable_encryption,
    "GetEbsDefaultKmsKeyId": get_default_key,
    "ResetEbsDefaultKmsKeyId": reset_default_key,
    "ModifyEbsDefaultKmsKeyId": modify_default_key,
    "CreateVolume": create_volume,
}
