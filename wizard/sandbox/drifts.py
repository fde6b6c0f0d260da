"""The drift catalogue's "how": each named way an owner or attacker changes a finished account.

A drift is data (:class:`~.drift_model.Drift`): a name, the step whose verdict it changes, and
the calls that produce it, made only the ways AWS allows (API calls signed with root's console
session, the simulated console, or the root layer for what only the console does). Every drift
starts from the ``done`` scenario's account (:mod:`~aws_setup_wizard.sandbox.scenarios`):
``alice`` in ``Admins`` with MFA, the ``org-audit`` trail, root MFA and no root key, and the
day-one guardrails in place.

Two users, one catalogue: a trainer names drifts in a scenario file
(:mod:`~aws_setup_wizard.sandbox.scenario_files`) to start a trainee on a broken account, and
the test suite's drift catalogue (``tests/drift/``) plays every entry by the same name and
judges the wizard's verdict and repair. So the names are an interface: renaming one breaks
trainers' files.
"""

from __future__ import annotations

import json

from botocore.config import Config

from aws_setup_wizard.sandbox import console, delivery
from aws_setup_wizard.sandbox.drift_model import Drift, Place
from aws_setup_wizard.sandbox.drifts_alert import ALERT_DRIFTS
from aws_setup_wizard.sandbox.drifts_analyzer import ANALYZER_DRIFTS
from aws_setup_wizard.sandbox.drifts_budget import BUDGET_DRIFTS
from aws_setup_wizard.sandbox.drifts_contact import CONTACT_DRIFTS
from aws_setup_wizard.sandbox.drifts_ebs import EBS_DRIFTS
from aws_setup_wizard.sandbox.drifts_guard import GUARD_DRIFTS
from aws_setup_wizard.sandbox.drifts_guardduty import GUARDDUTY_DRIFTS
from aws_setup_wizard.sandbox.scenarios import (
    ADMIN_POLICY_ARN,
    DONE_ADMIN_GROUP,
    DONE_ADMIN_USER,
    TRAIL_NAME,
)
from aws_setup_wizard.sdk.session import create_client, process_session

# -- root MFA ------------------------------------------------------------------------------------


def _remove_root_mfa(place: Place) -> None:
    """Whoever holds the root password removes root's MFA device in the console."""
    console.remove_root_mfa(place.endpoint_url, secret=place.secret)


def _switch_to_hardware(place: Place) -> None:
    """The owner replaces the authenticator app with a hardware key."""
    _remove_root_mfa(place)
    place.root.enable_hardware_mfa()


def _remove_hardware(place: Place) -> None:
    """Root had a hardware key; it is removed in the console (lost key, or an attacker)."""
    _switch_to_hardware(place)
    _remove_root_mfa(place)


# -- root access keys ----------------------------------------------------------------------------


def _root_key_in_console(place: Place) -> None:
    """Root creates an access key in the console (Security credentials → Create access key)."""
    place.root.create_key()


def _second_root_key_with_api(place: Place) -> None:
    """A root key exists and, signed with it, a second one is made (``CreateAccessKey``)."""
    first = place.root.create_key()
    iam = create_client(
        process_session(),
        "iam",
        (first.access_key_id, first.secret_access_key, None),
        region_name=place.region,
        endpoint_url=place.endpoint_url,
        config=Config(retries={"max_attempts": 1}),
    )
    iam.create_access_key()  # no UserName: a key for the caller, root


def _deactivated_root_key(place: Place) -> None:
    """A root key is made and only deactivated: AccountAccessKeysPresent still says 1."""
    key = place.root.create_key()
    place.root.update_key(key.access_key_id, "Inactive")


def _root_key_without_admin_sign_in(place: Place) -> None:
    """The only administrator's console password is removed, then root makes a key."""
    place.clients("iam").delete_login_profile(UserName=DONE_ADMIN_USER)
    place.root.create_key()


# -- the administrator ---------------------------------------------------------------------------

_DENY_ALL = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}
)
# The common "force MFA" guard: deny everything unless signed in with MFA.
_DENY_WITHOUT_MFA = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Action": "*",
                "Resource": "*",
                "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
            }
        ],
    }
)
_USER, _GROUP = DONE_ADMIN_USER, DONE_ADMIN_GROUP


def _remove_from_group(place: Place) -> None:
    place.clients("iam").remove_user_from_group(GroupName=_GROUP, UserName=_USER)


def _detach_group_policy(place: Place) -> None:
    place.clients("iam").detach_group_policy(GroupName=_GROUP, PolicyArn=ADMIN_POLICY_ARN)


def _delete_group(place: Place) -> None:
    """The group is emptied, its policy detached, and deleted (IAM refuses otherwise)."""
    iam = place.clients("iam")
    iam.remove_user_from_group(GroupName=_GROUP, UserName=_USER)
    iam.detach_group_policy(GroupName=_GROUP, PolicyArn=ADMIN_POLICY_ARN)
    iam.delete_group(GroupName=_GROUP)


def _inline_deny_on_user(place: Place) -> None:
    place.clients("iam").put_user_policy(
        UserName=_USER, PolicyName="DenyAll", PolicyDocument=_DENY_ALL
    )


def _inline_deny_on_group(place: Place) -> None:
    place.clients("iam").put_group_policy(
        GroupName=_GROUP, PolicyName="DenyAll", PolicyDocument=_DENY_ALL
    )


def _managed_deny_on_group(place: Place) -> None:
    iam = place.clients("iam")
    policy = iam.create_policy(PolicyName="DenyEverything", PolicyDocument=_DENY_ALL)
    iam.attach_group_policy(GroupName=_GROUP, PolicyArn=policy["Policy"]["Arn"])


def _aws_deny_all_on_user(place: Place) -> None:
    place.clients("iam").attach_user_policy(
        UserName=_USER, PolicyArn="arn:aws:iam::aws:policy/AWSDenyAll"
    )


def _deny_in_another_group(place: Place) -> None:
    iam = place.clients("iam")
    iam.create_group(GroupName="Contractors")
    iam.put_group_policy(GroupName="Contractors", PolicyName="Lockdown", PolicyDocument=_DENY_ALL)
    iam.add_user_to_group(GroupName="Contractors", UserName=_USER)


def _force_mfa_guard(place: Place) -> None:
    place.clients("iam").put_group_policy(
        GroupName=_GROUP, PolicyName="ForceMFA", PolicyDocument=_DENY_WITHOUT_MFA
    )


def _access_key_for_admin(place: Place) -> None:
    place.clients("iam").create_access_key(UserName=_USER)


def _delete_login_profile(place: Place) -> None:
    place.clients("iam").delete_login_profile(UserName=_USER)


def _deactivate_admin_mfa(place: Place) -> None:
    iam = place.clients("iam")
    for device in iam.list_mfa_devices(UserName=_USER)["MFADevices"]:
        iam.deactivate_mfa_device(UserName=_USER, SerialNumber=device["SerialNumber"])


def _policy_on_user(place: Place) -> None:
    place.clients("iam").attach_user_policy(
        UserName=_USER, PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess"
    )


# -- CloudTrail ----------------------------------------------------------------------------------

#: The Sid of the bucket-policy statement that denies CloudTrail's writes.
DENY_CLOUDTRAIL = "DenyCloudTrailWrites"


def _stop_logging(place: Place) -> None:
    place.clients("cloudtrail").stop_logging(Name=TRAIL_NAME)


def _single_region(place: Place) -> None:
    place.clients("cloudtrail").update_trail(Name=TRAIL_NAME, IsMultiRegionTrail=False)


def _validation_off(place: Place) -> None:
    place.clients("cloudtrail").update_trail(Name=TRAIL_NAME, EnableLogFileValidation=False)


def _write_only(place: Place) -> None:
    place.clients("cloudtrail").put_event_selectors(
        TrailName=TRAIL_NAME,
        EventSelectors=[{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}],
    )


def _advanced_without_management(place: Place) -> None:
    place.clients("cloudtrail").put_event_selectors(
        TrailName=TRAIL_NAME,
        AdvancedEventSelectors=[
            {
                "Name": "S3 data events only",
                "FieldSelectors": [
                    {"Field": "eventCategory", "Equals": ["Data"]},
                    {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                ],
            }
        ],
    )


def _versioning_suspended(place: Place) -> None:
    place.clients("s3").put_bucket_versioning(
        Bucket=place.bucket, VersioningConfiguration={"Status": "Suspended"}
    )


def _public_access_removed(place: Place) -> None:
    place.clients("s3").delete_public_access_block(Bucket=place.bucket)


def _bucket_deleted(place: Place) -> None:
    s3 = place.clients("s3")
    # The policy refuses requests without TLS (the sandbox speaks plain HTTP), so an attacker
    # with admin rights drops it first, then empties the bucket and deletes it.
    s3.delete_bucket_policy(Bucket=place.bucket)
    versions = s3.list_object_versions(Bucket=place.bucket)
    for item in [*versions.get("Versions", []), *versions.get("DeleteMarkers", [])]:
        s3.delete_object(Bucket=place.bucket, Key=item["Key"], VersionId=item["VersionId"])
    s3.delete_bucket(Bucket=place.bucket)


def _key_disabled(place: Place) -> None:
    place.clients("kms").disable_key(KeyId=place.key_arn())


def _key_pending_deletion(place: Place) -> None:
    place.clients("kms").schedule_key_deletion(KeyId=place.key_arn(), PendingWindowInDays=7)


def _deny_statement(place: Place) -> None:
    place.add_bucket_statement(
        {
            "Sid": DENY_CLOUDTRAIL,
            "Effect": "Deny",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": f"arn:aws:s3:::{place.bucket}/*",
        }
    )


def _broad_deny_with_unknown_condition(place: Place) -> None:
    # A Deny for everyone, on a condition the wizard's check cannot evaluate.
    place.add_bucket_statement(
        {
            "Sid": "DenyOutsideOffice",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:PutObject",
            "Resource": f"arn:aws:s3:::{place.bucket}/*",
            "Condition": {"NotIpAddress": {"aws:SourceIp": "192.0.2.0/24"}},
        }
    )


def _uncovered_prefix(place: Place) -> None:
    place.clients("cloudtrail").update_trail(Name=TRAIL_NAME, S3KeyPrefix="audit")


def _unusable_key_policy(place: Place) -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "EnableAccountAdministration",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{place.account_id}:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ],
    }
    place.clients("kms").put_key_policy(
        KeyId=place.key_arn(), PolicyName="default", Policy=json.dumps(policy)
    )


_ROOT_MFA, _ROOT_KEYS, _ADMIN, _TRAIL = "root-mfa", "root-access-keys", "admin-user", "cloudtrail"

CATALOGUE: tuple[Drift, ...] = (
    Drift("root MFA removed in the console", _ROOT_MFA, _remove_root_mfa),
    Drift("root's hardware MFA key removed", _ROOT_MFA, _remove_hardware),
    Drift("root's app replaced by a hardware key still passes", _ROOT_MFA, _switch_to_hardware),
    Drift("a root key created in the console", _ROOT_KEYS, _root_key_in_console),
    Drift("two root keys, deleted signed with a root key", _ROOT_KEYS, _second_root_key_with_api),
    Drift("a deactivated root key still counts", _ROOT_KEYS, _deactivated_root_key),
    Drift(
        "a root key while no administrator can sign in: root MFA and the owner's word",
        _ROOT_KEYS,
        _root_key_without_admin_sign_in,
    ),
    Drift("admin removed from its group", _ADMIN, _remove_from_group),
    Drift("AdministratorAccess detached from the group", _ADMIN, _detach_group_policy),
    Drift("the admin group deleted", _ADMIN, _delete_group),
    Drift("inline Deny * on the admin", _ADMIN, _inline_deny_on_user),
    Drift("inline Deny * on the admin group", _ADMIN, _inline_deny_on_group),
    Drift("customer managed Deny * on the admin group", _ADMIN, _managed_deny_on_group),
    Drift("AWSDenyAll attached to the admin", _ADMIN, _aws_deny_all_on_user),
    Drift("a Deny * in another group of the admin", _ADMIN, _deny_in_another_group),
    Drift("a force-MFA conditional Deny still passes", _ADMIN, _force_mfa_guard),
    Drift("an access key for the admin", _ADMIN, _access_key_for_admin),
    Drift("the admin's login profile deleted", _ADMIN, _delete_login_profile),
    Drift("the admin's MFA deactivated", _ADMIN, _deactivate_admin_mfa),
    Drift("a policy attached to the admin directly", _ADMIN, _policy_on_user),
    Drift("trail stopped", _TRAIL, _stop_logging),
    Drift("made single-Region", _TRAIL, _single_region),
    Drift("validation off", _TRAIL, _validation_off),
    Drift("write-only selectors", _TRAIL, _write_only),
    Drift("management events excluded by advanced selectors", _TRAIL, _advanced_without_management),
    Drift("bucket versioning suspended", _TRAIL, _versioning_suspended),
    Drift("bucket Block Public Access removed", _TRAIL, _public_access_removed),
    Drift("bucket deleted", _TRAIL, _bucket_deleted, deliver=True),
    Drift("KMS key disabled", _TRAIL, _key_disabled, deliver=True),
    Drift("KMS key scheduled for deletion", _TRAIL, _key_pending_deletion, deliver=True),
    Drift("Deny for CloudTrail in the bucket policy", _TRAIL, _deny_statement),
    Drift("delivery error from a bucket-policy Deny", _TRAIL, _deny_statement, deliver=True),
    Drift(
        "broad Deny on a condition the check cannot evaluate",
        _TRAIL,
        _broad_deny_with_unknown_condition,
    ),
    Drift("key prefix the bucket policy does not cover", _TRAIL, _uncovered_prefix, deliver=True),
    Drift("KMS key policy CloudTrail cannot use", _TRAIL, _unusable_key_policy, deliver=True),
    *CONTACT_DRIFTS,
    *ALERT_DRIFTS,
    *GUARD_DRIFTS,
    *BUDGET_DRIFTS,
    *GUARDDUTY_DRIFTS,
    *ANALYZER_DRIFTS,
    *EBS_DRIFTS,
)

DRIFTS: dict[str, Drift] = {drift.name: drift for drift in CATALOGUE}


def make(name: str, place: Place) -> None:
    """Make the drift ``name`` to ``place`` (then a delivery, when the drift asks for one)."""
    drift = DRIFTS.get(name)
    if drift is None:
        raise KeyError(f"no drift named {name!r} in the catalogue")
    drift.make(place)
    if drift.deliver:
        delivery.deliver_now(place.account_id)
