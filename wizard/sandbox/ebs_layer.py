"""EBS encryption by default as AWS documents it, per account and per Region.

What moto 5.2.5 does: ``Enable``/``Disable``/``GetEbsEncryptionByDefault`` keep a flag per
account and Region (its EC2 backend), as AWS does, and ``ModifyEbsDefaultKmsKeyId`` stores the
key's ARN per account and Region. What it lacks, and this layer answers:

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
- ``ModifyEbsDefaultKmsKeyId`` naming a key that does not exist: moto fails with HTTP 500, AWS
  accepts it (see :func:`modify_default_key`).
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
from aws_setup_wizard.sandbox.protocol import ec2_response, error_response, escape

#: The AWS managed key for EBS, as ``GetEbsDefaultKmsKeyId`` names it until a customer key is set.
AWS_MANAGED_KEY = "alias/aws/ebs"


def ec2_backend(account_id: str, region: str) -> Any:
    """moto's EC2 backend of ``account_id`` in ``region`` (made on first use, as moto does).

    Imported here, not at the top: ``moto.ec2.models`` loads EC2's instance-type, AMI and
    Region data (over 100 MiB), which the sandbox needs only once an EBS call comes.
    """
    from moto.ec2.models import ec2_backends

    return ec2_backends[account_id][region]


def _dry_run(call: Call) -> Outcome:
    if (call.param("DryRun") or "").lower() == "true":
        return error_response(
            "ec2", "DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412
        )
    return None


def _aws_managed_arn(backend: Any) -> str | None:
    """The ARN of the Region's ``alias/aws/ebs`` key, once moto has made it (else ``None``)."""
    from moto.kms.models import kms_backends

    kms = kms_backends[backend.account_id][backend.region_name]
    if not kms.alias_exists(AWS_MANAGED_KEY):
        return None
    return str(kms.describe_key(AWS_MANAGED_KEY).arn)


def default_key(account_id: str, region: str) -> str:
    """The Region's default key for EBS as AWS names it: a customer key's ARN, or the alias.

    moto also records the AWS managed key's ARN as the default the first time it encrypts a
    volume with it (``_create_default_encryption_key``); that is still the AWS managed key.
    """
    backend = ec2_backend(account_id, region)
    key = str(getattr(backend, "default_kms_key_id", "") or "")
    if not key or key == _aws_managed_arn(backend):
        return AWS_MANAGED_KEY
    return key


def get_default_key(call: Call) -> Outcome:
    """``GetEbsDefaultKmsKeyId``: this account's default key for EBS in this Region."""
    refused = _dry_run(call)
    if refused is not None:
        return refused
    key = default_key(call.account_id, call.region)
    return ec2_response("GetEbsDefaultKmsKeyId", f"<kmsKeyId>{escape(key)}</kmsKeyId>")


def reset_default_key(call: Call) -> Outcome:
    """``ResetEbsDefaultKmsKeyId``: back to the AWS managed key in this Region."""
    refused = _dry_run(call)
    if refused is not None:
        return refused
    ec2_backend(call.account_id, call.region).default_kms_key_id = ""
    return ec2_response("ResetEbsDefaultKmsKeyId", f"<kmsKeyId>{AWS_MANAGED_KEY}</kmsKeyId>")


def _known_key(kms: Any, wanted: str) -> bool:
    """Whether moto's KMS in this Region holds the key named by an ID, alias or ARN."""
    name = (
        wanted.split(":", 5)[5] if wanted.startswith("arn:") and wanted.count(":") >= 5 else wanted
    )
    if name.startswith("alias/"):
        return bool(kms.alias_exists(name))
    return name.removeprefix("key/") in kms.keys


def modify_default_key(call: Call) -> Outcome:
    """``ModifyEbsDefaultKmsKeyId`` with a key that does not exist: accepted, as AWS does.

    EC2 API Reference, API_ModifyEbsDefaultKmsKeyId: "AWS authenticates the KMS key
    asynchronously. Therefore, if you specify an ID, alias, or ARN that is not valid, the action
    can appear to complete, but eventually fails." moto answers HTTP 500 there; a known key is
    left to moto, which records its ARN.
    """
    wanted = call.param("KmsKeyId")
    if wanted is None or (call.param("DryRun") or "").lower() == "true":
        return None  # botocore requires KmsKeyId; moto refuses a dry run itself
    from moto.kms.models import kms_backends

    if _known_key(kms_backends[call.account_id][call.region], wanted):
        return None
    if wanted.startswith("arn:"):
        arn = wanted
    elif wanted.startswith("alias/"):
        arn = f"arn:aws:kms:{call.region}:{call.account_id}:{wanted}"
    else:
        arn = f"arn:aws:kms:{call.region}:{call.account_id}:key/{wanted}"
    ec2_backend(call.account_id, call.region).default_kms_key_id = arn
    return ec2_response("ModifyEbsDefaultKmsKeyId", f"<kmsKeyId>{escape(arn)}</kmsKeyId>")


_VOLUME_ID = re.compile(rb"<volumeId>(vol-[0-9a-f]+)</volumeId>")


def create_volume(call: Call) -> Outcome:
    """``CreateVolume``: encrypted with the default key while encryption by default is on."""
    if call.param("KmsKeyId") is not None or (call.param("DryRun") or "").lower() == "true":
        return None  # moto encrypts with a named key, and refuses a dry run, itself
    account_id, region = call.account_id, call.region
    backend = ec2_backend(account_id, region)
    if not backend.get_ebs_encryption_by_default():
        return None

    def encrypt(status: int, body: bytes) -> bytes:
        found = _VOLUME_ID.search(body) if status == 200 else None
        if found is None:
            return body
        volume = backend.get_volume(found.group(1).decode())
        if volume.encrypted and volume.kms_key_id:
            return body
        key = str(getattr(backend, "default_kms_key_id", "") or "")
        if not key:
            # moto makes the AWS managed key on first use, as AWS does (KMS Developer Guide,
            # "AWS managed keys"), and records its ARN.
            key = backend._create_default_encryption_key()
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
    "GetEbsDefaultKmsKeyId": get_default_key,
    "ResetEbsDefaultKmsKeyId": reset_default_key,
    "ModifyEbsDefaultKmsKeyId": modify_default_key,
    "CreateVolume": create_volume,
}
