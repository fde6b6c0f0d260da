"""Seeding the sandbox account into one of its named starting points.

Root state (keys, MFA) is set directly on the root-account layer, because AWS offers no API
for root MFA and root keys are the layer's to hold. Everything else is created with ordinary
API calls signed by the root console session, so that seeding goes through the same
faithful checks a trainee's calls do (a ``done`` trail that AWS would refuse cannot be
seeded). Nothing here depends on the wizard's engine: the scenarios must stay a fixed,
independent picture of an account.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from botocore.config import Config

from aws_setup_wizard import assets
from aws_setup_wizard.account import unprefix_loopback_s3control
from aws_setup_wizard.sandbox import access_analyzer_layer, mfa
from aws_setup_wizard.sandbox.credentials import SandboxCredentials
from aws_setup_wizard.sandbox.ec2_layer import DEFAULT_REGIONS
from aws_setup_wizard.sandbox.iam_layer import sync_root_mfa_device
from aws_setup_wizard.sandbox.state import RootAccount
from aws_setup_wizard.sdk.session import create_client, process_session

if TYPE_CHECKING:
    from aws_setup_wizard.sandbox.scenario_files import GroupPlan, RootPlan, TrainerScenario

ADMIN_POLICY_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"
TRAIL_NAME = "org-audit"
#: The administrator of the ``done`` and ``drifted`` scenarios, and its group.
DONE_ADMIN_USER, DONE_ADMIN_GROUP = "alice", "Admins"
KMS_ALIAS = "alias/org-audit-trail"
#: The ``done`` scenario's spend alerts, named as the budget-alerts step names its own.
BUDGET_NAME, ALERT_EMAIL = "aws-setup-wizard-monthly", "owner@example.com"
ANOMALY_MONITOR, ANOMALY_SUBSCRIPTION = "aws-setup-wizard-services", "aws-setup-wizard-anomalies"
#: The ``done`` scenario's external access analyzer in every enabled Region, named as the
#: access-analyzer step names its own.
ANALYZER_NAME = "aws-setup-wizard-external-access"


def bucket_name(account_id: str) -> str:
    """The trail bucket of the ``done`` and ``drifted`` scenarios."""
    return f"org-audit-logs-{account_id}"


class Clients:
    """botocore clients signed with the root console session, pointed at the sandbox.

    Made from the process's one botocore session (its parsed models are the wizard's too).
    """

    def __init__(self, endpoint_url: str, region: str, creds: SandboxCredentials) -> None:
        self._credentials = (creds.access_key_id, creds.secret_access_key, creds.session_token)
        self._region = region
        self._endpoint_url = endpoint_url
        self._config = Config(retries={"max_attempts": 1})

    def __call__(self, service: str) -> Any:
        """A client of ``service`` (``"iam"``, ``"s3"``...) on the sandbox."""
        client = create_client(
            process_session(),
            service,
            self._credentials,
            region_name=self._region,
            endpoint_url=self._endpoint_url,
            config=self._config,
        )
        if service == "s3control":  # the loopback host cannot carry the account-ID prefix
            client.meta.events.register("before-sign.s3-control", unprefix_loopback_s3control)
        return client


def _root_virtual_mfa(root: RootAccount) -> None:
    serial = f"arn:aws:iam::{root.account_id}:mfa/root-account-mfa-device"
    root.enable_virtual_mfa(serial, mfa.new_seed())
    sync_root_mfa_device(root)


def _admin(clients: Clients, group: str, user: str, *, with_mfa: bool) -> None:
    iam = clients("iam")
    iam.create_group(GroupName=group)
    iam.attach_group_policy(GroupName=group, PolicyArn=ADMIN_POLICY_ARN)
    _user(clients, user, groups=(group,), console_password=True, with_mfa=with_mfa)


def _user(
    clients: Clients,
    user: str,
    *,
    groups: tuple[str, ...] = (),
    console_password: bool = False,
    with_mfa: bool = False,
    access_keys: int = 0,
    policies: tuple[str, ...] = (),
) -> None:
    """An IAM user made with the calls an owner would make (password: reset at first use)."""
    iam = clients("iam")
    iam.create_user(UserName=user)
    for group in groups:
        iam.add_user_to_group(GroupName=group, UserName=user)
    for arn in policies:
        iam.attach_user_policy(UserName=user, PolicyArn=arn)
    if console_password:
        iam.create_login_profile(
            UserName=user, Password=secrets.token_urlsafe(24) + "aA1!", PasswordResetRequired=True
        )
    if with_mfa:
        device = iam.create_virtual_mfa_device(VirtualMFADeviceName=f"{user}-mfa")
        seed = device["VirtualMFADevice"]["Base32StringSeed"]
        seed_text = seed.decode() if isinstance(seed, bytes) else str(seed)
        code1, code2 = mfa.two_consecutive_codes(seed_text)
        iam.enable_mfa_device(
            UserName=user,
            SerialNumber=device["VirtualMFADevice"]["SerialNumber"],
            AuthenticationCode1=code1,
            AuthenticationCode2=code2,
        )
    for _ in range(access_keys):
        iam.create_access_key(UserName=user)


def _trail(
    clients: Clients,
    account_id: str,
    region: str,
    *,
    name: str = TRAIL_NAME,
    bucket: str | None = None,
    kms_alias: str | None = KMS_ALIAS,
    multi_region: bool = True,
    validation: bool = True,
    logging: bool = True,
) -> None:
    """A trail with its bucket (and KMS key unless ``kms_alias`` is ``None``), as the wizard
    would make it; by default the ``done`` scenario's."""
    trail_arn = f"arn:aws:cloudtrail:{region}:{account_id}:trail/{name}"
    bucket = bucket or bucket_name(account_id)
    values = {
        "partition": "aws",
        "bucket": bucket,
        "trail_arn": trail_arn,
        "account_id": account_id,
        "key_prefix": "",  # logs go straight under AWSLogs/ (the trail has no S3KeyPrefix)
    }
    s3 = clients("s3")
    s3.create_bucket(Bucket=bucket)
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_policy(
        Bucket=bucket, Policy=json.dumps(assets.policy("cloudtrail-bucket", **values))
    )
    encryption: dict[str, str] = {}
    if kms_alias is not None:
        kms = clients("kms")
        key = kms.create_key(
            Description=f"CloudTrail log encryption for {name}",
            Policy=json.dumps(assets.policy("cloudtrail-kms-key", **values)),
        )["KeyMetadata"]
        kms.enable_key_rotation(KeyId=key["KeyId"])
        kms.create_alias(AliasName=kms_alias, TargetKeyId=key["KeyId"])
        encryption["KmsKeyId"] = key["Arn"]
    cloudtrail = clients("cloudtrail")
    cloudtrail.create_trail(
        Name=name,
        S3BucketName=bucket,
        IsMultiRegionTrail=multi_region,
        IncludeGlobalServiceEvents=True,
        EnableLogFileValidation=validation,
        **encryption,
    )
    cloudtrail.put_event_selectors(
        TrailName=name,
        EventSelectors=[{"ReadWriteType": "All", "IncludeManagementEvents": True}],
    )
    if logging:
        cloudtrail.start_logging(Name=name)


#: The alternate contact of the ``done`` and ``drifted`` scenarios (all three types).
DONE_CONTACT = {
    "Name": "Sam Owner",
    "Title": "Owner",
    "EmailAddress": "security@example.com",
    "PhoneNumber": "+1 206 555 0100",
}


def seed_contacts(clients: Clients) -> None:
    """SECURITY, BILLING and OPERATIONS alternate contacts, as a finished account has them."""
    account = clients("account")
    for kind in ("SECURITY", "BILLING", "OPERATIONS"):
        account.put_alternate_contact(AlternateContactType=kind, **DONE_CONTACT)


#: The ``done`` scenario's root activity alert: rule and topic names (e-mailing ALERT_EMAIL).
ALERT_NAME, ALERT_REGION = "aws-setup-wizard-root-activity", "us-east-1"


def _root_activity_alert(root: RootAccount, endpoint_url: str) -> None:
    """An EventBridge rule in us-east-1 e-mailing root activity through SNS, confirmed, as the
    wizard's ``root-activity-alert`` step makes it (the owner clicked the link AWS e-mailed)."""
    from aws_setup_wizard.sandbox import inbox

    clients = Clients(endpoint_url, ALERT_REGION, root.console_session)
    sns, events = clients("sns"), clients("events")
    topic = sns.create_topic(Name=ALERT_NAME)["TopicArn"]
    rule = f"arn:aws:events:{ALERT_REGION}:{root.account_id}:rule/{ALERT_NAME}"
    statement = {
        "Sid": "AllowEventBridgeRootActivityRule",
        "Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"},
        "Action": "sns:Publish",
        "Resource": topic,
        "Condition": {"ArnEquals": {"aws:SourceArn": rule}},
    }
    policy = {"Version": "2012-10-17", "Statement": [statement]}
    sns.set_topic_attributes(
        TopicArn=topic, AttributeName="Policy", AttributeValue=json.dumps(policy)
    )
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint=ALERT_EMAIL)
    pattern = {
        "detail-type": ["AWS API Call via CloudTrail", "AWS Console Sign In via CloudTrail"],
        "detail": {"userIdentity": {"type": ["Root"]}},
    }
    events.put_rule(Name=ALERT_NAME, EventPattern=json.dumps(pattern), State="ENABLED")
    events.put_targets(Rule=ALERT_NAME, Targets=[{"Id": "root-activity-topic", "Arn": topic}])
    inbox.confirm_all(root)


def _password_policy_and_public_access_block(clients: Clients, account_id: str) -> None:
    """The ``password-policy`` and ``s3-block-public-access`` guardrails as the wizard sets them:
    14 characters, no reuse of the last 24, users may change their own; all four account-level
    Block Public Access flags on."""
    clients("iam").update_account_password_policy(
        MinimumPasswordLength=14, PasswordReusePrevention=24, AllowUsersToChangePassword=True
    )
    clients("s3control").put_public_access_block(
        AccountId=account_id,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )


def _budget_alerts(clients: Clients, account_id: str) -> None:
    """A 25 USD monthly cost budget e-mailing at actual 80 % and 100 % and forecast 100 %,
    and the AWS services anomaly monitor with a daily e-mail subscription."""
    email = [{"SubscriptionType": "EMAIL", "Address": ALERT_EMAIL}]
    clients("budgets").create_budget(
        AccountId=account_id,
        Budget={
            "BudgetName": BUDGET_NAME,
            "BudgetLimit": {"Amount": "25", "Unit": "USD"},
            "TimeUnit": "MONTHLY",
            "BudgetType": "COST",
        },
        NotificationsWithSubscribers=[
            {
                "Notification": {
                    "NotificationType": kind,
                    "ComparisonOperator": "GREATER_THAN",
                    "Threshold": threshold,
                    "ThresholdType": "PERCENTAGE",
                },
                "Subscribers": email,
            }
            for kind, threshold in (("ACTUAL", 80.0), ("ACTUAL", 100.0), ("FORECASTED", 100.0))
        ],
    )
    ce = clients("ce")
    monitor = ce.create_anomaly_monitor(
        AnomalyMonitor={
            "MonitorName": ANOMALY_MONITOR,
            "MonitorType": "DIMENSIONAL",
            "MonitorDimension": "SERVICE",
        }
    )["MonitorArn"]
    ce.create_anomaly_subscription(
        AnomalySubscription={
            "SubscriptionName": ANOMALY_SUBSCRIPTION,
            "MonitorArnList": [monitor],
            "Subscribers": [{"Address": ALERT_EMAIL, "Type": "EMAIL"}],
            "Frequency": "DAILY",
            "ThresholdExpression": {
                "Dimensions": {
                    "Key": "ANOMALY_TOTAL_IMPACT_ABSOLUTE",
                    "MatchOptions": ["GREATER_THAN_OR_EQUAL"],
                    "Values": ["10"],
                }
            },
        }
    )


def seed_guardduty(root: RootAccount, endpoint_url: str, region: str) -> None:
    """An enabled GuardDuty detector in every Region the account has enabled, as the
    ``guardduty`` step makes them (``CreateDetector`` with ``Enable=true`` in each Region that
    ``DescribeRegions`` lists)."""
    ec2 = Clients(endpoint_url, region, root.console_session)("ec2")
    for listed in ec2.describe_regions()["Regions"]:
        clients = Clients(endpoint_url, listed["RegionName"], root.console_session)
        clients("guardduty").create_detector(Enable=True)


def _access_analyzers(clients: Clients, root: RootAccount) -> None:
    """An ``ACCOUNT`` external access analyzer in every enabled Region, as the access-analyzer
    step makes them (Security Hub IAM.28). The home Region's is made through the API; the other
    Regions' through the same rules on the layer (:func:`access_analyzer_layer.seed`), because
    sixteen more clients and round trips would add half a second to every reset to ``done``."""
    clients("accessanalyzer").create_analyzer(analyzerName=ANALYZER_NAME, type="ACCOUNT")
    home = clients("accessanalyzer").meta.region_name
    for region in sorted((DEFAULT_REGIONS | root.opted_in_regions()) - {home}):
        access_analyzer_layer.seed(root, region, ANALYZER_NAME)


def _ebs_encryption(clients: Clients, endpoint_url: str, root: RootAccount) -> None:
    """EBS encryption by default on in every Region the account has enabled (the setting is
    per Region: Amazon EBS User Guide, "Enable Amazon EBS encryption by default")."""
    enabled = clients("ec2").describe_regions()["Regions"]  # without AllRegions: enabled only
    for name in sorted(str(found["RegionName"]) for found in enabled):
        Clients(endpoint_url, name, root.console_session)("ec2").enable_ebs_encryption_by_default()


def seed(scenario: str, root: RootAccount, endpoint_url: str, region: str) -> None:
    """Bring a freshly reset account into ``scenario``'s state."""
    clients = Clients(endpoint_url, region, root.console_session)
    if scenario == "fresh":
        root.create_key()
    elif scenario == "partial":
        root.create_key()
        _root_virtual_mfa(root)
        _admin(clients, "Administrators", "admin", with_mfa=False)
    elif scenario in ("done", "drifted"):
        _root_virtual_mfa(root)
        _admin(clients, DONE_ADMIN_GROUP, DONE_ADMIN_USER, with_mfa=True)
        _trail(clients, root.account_id, region)
        seed_contacts(clients)
        _password_policy_and_public_access_block(clients, root.account_id)
        _budget_alerts(clients, root.account_id)
        seed_guardduty(root, endpoint_url, region)
        _access_analyzers(clients, root)
        _ebs_encryption(clients, endpoint_url, root)
        # Last: made earlier, the alert would e-mail the seeding's own root calls, and a
        # finished account's inbox starts empty.
        _root_activity_alert(root, endpoint_url)
        if scenario == "drifted":
            clients("cloudtrail").stop_logging(Name=TRAIL_NAME)
            root.create_key()
    else:
        raise ValueError(f"unknown sandbox scenario {scenario!r}")


def seed_file(
    plan: TrainerScenario, root: RootAccount, endpoint_url: str, region: str, secret: str
) -> None:
    """Bring a freshly reset account into a trainer's scenario file's state.

    The base scenario first, then the drifts (each made to that account), root, groups, users
    and trails. A call the account refuses (two drifts that contradict each other, say) raises
    :class:`~aws_setup_wizard.sandbox.scenario_files.ScenarioFileError` naming the item.
    """
    from aws_setup_wizard.sandbox import drifts
    from aws_setup_wizard.sandbox.drift_model import Place

    seed(plan.base, root, endpoint_url, region)
    clients = Clients(endpoint_url, region, root.console_session)
    place = Place(root, endpoint_url, region, secret)
    for name in plan.drifts:
        _made(plan, f"drift {name!r}", partial(drifts.make, name, place))
    _made(plan, "[root]", partial(_root, plan.root, root))
    for group in plan.groups:
        _made(plan, f"group {group.name!r}", partial(_group, clients, group))
    for user in plan.users:
        make_user = partial(
            _user,
            clients,
            user.name,
            groups=user.groups,
            console_password=user.console_password,
            with_mfa=user.mfa,
            access_keys=user.access_keys,
            policies=user.policies,
        )
        _made(plan, f"user {user.name!r}", make_user)
    for trail in plan.trails:
        make_trail = partial(
            _trail,
            clients,
            root.account_id,
            region,
            name=trail.name,
            bucket=trail.bucket_for(root.account_id),
            kms_alias=f"alias/{_alias_part(trail.name)}-trail" if trail.encrypted else None,
            multi_region=trail.multi_region,
            validation=trail.log_file_validation,
            logging=trail.logging,
        )
        _made(plan, f"trail {trail.name!r}", make_trail)


def _made(plan: TrainerScenario, what: str, make: Callable[[], None]) -> None:
    try:
        make()
    except Exception as error:  # noqa: BLE001 - every refusal becomes one sentence
        details = getattr(error, "response", {}).get("Error", {})
        reason = f"{details.get('Code')}: {details.get('Message')}" if details else str(error)
        raise plan.error(
            f"{what} could not be made on this account ({reason.rstrip('.')}); nothing is served."
        ) from error


def _root(wanted: RootPlan, root: RootAccount) -> None:
    if wanted.mfa is True and not root.mfa_enabled:
        _root_virtual_mfa(root)
    elif wanted.mfa is False and root.mfa_enabled:
        root.disable_mfa()
        sync_root_mfa_device(root)
    if wanted.access_keys is not None:
        keys = root.access_keys()
        for key in keys[wanted.access_keys :]:
            root.delete_key(key.access_key_id)
        for _ in range(wanted.access_keys - len(keys)):
            root.create_key()


def _group(clients: Clients, group: GroupPlan) -> None:
    iam = clients("iam")
    iam.create_group(GroupName=group.name)
    for arn in group.policies:
        iam.attach_group_policy(GroupName=group.name, PolicyArn=arn)


def _alias_part(name: str) -> str:
    """A trail name as a KMS alias part (aliases allow letters, digits, '/', '_' and '-')."""
    return re.sub(r"[^A-Za-z0-9/_-]", "-", name)
