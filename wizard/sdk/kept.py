"""The API operations kept in the trimmed service models: everything the tool calls.

Edit this list, then regenerate the models: ``python -m aws_setup_wizard.sdk.generate``.

It holds what the engine calls (the steps' checks and their ``Change`` declarations, the
account's own reads), what the sandbox's scenarios call to seed an account, and what the tests
call through clients made by :class:`aws_setup_wizard.account.Account`. Nothing breaks when an
operation is missing: the client falls back to botocore's whole model (slower); the tests run
in strict mode, where that fallback fails the test instead (see :mod:`.loader`), and
``tests/test_trimmed_models.py`` checks the steps' declared changes and a whole recorded run.

Every error shape of a kept service is kept too, so ``client.exceptions.X`` is always complete.
"""

from __future__ import annotations

#: ``service -> operations``; ``ALL`` keeps a whole (small) model.
ALL = ("*",)

KEPT: dict[str, tuple[str, ...]] = {
    # botocore's credential providers call sts for assume-role and web-identity profiles:
    # the model is small, so it is kept whole.
    "sts": ALL,
    "iam": (
        # the engine: checks, plans and changes
        "AddUserToGroup",
        "AttachGroupPolicy",
        "CreateGroup",
        "CreateLoginProfile",
        "CreateUser",
        "CreateVirtualMFADevice",
        "DeactivateMFADevice",
        "DeleteAccessKey",
        "DeleteGroupPolicy",
        "DeleteLoginProfile",
        "DeleteUserPolicy",
        "DeleteVirtualMFADevice",
        "DetachUserPolicy",
        "EnableMFADevice",
        "GetAccessKeyLastUsed",
        "GetAccountAuthorizationDetails",
        "GetAccountPasswordPolicy",  # also the password-policy step
        "GetAccountSummary",
        "GetGroup",
        "GetLoginProfile",
        "GetPolicy",
        "GetPolicyVersion",
        "GetUser",
        "ListAccessKeys",
        "ListAttachedGroupPolicies",
        "ListAttachedUserPolicies",
        "ListMFADevices",
        "ListUserPolicies",
        "ListVirtualMFADevices",
        "UpdateGroup",
        "UpdateLoginProfile",
        # the tests and the sandbox (drift, fidelity, access denied)
        "AttachUserPolicy",
        "ChangePassword",
        "CreateAccessKey",
        "CreateInstanceProfile",
        "CreatePolicy",
        "CreatePolicyVersion",
        "CreateRole",
        "DeleteAccountPasswordPolicy",  # the password-policy drifts
        "DeleteGroup",
        "DetachGroupPolicy",
        "GenerateCredentialReport",
        "GetCredentialReport",
        "ListGroups",
        "ListUsers",
        "PutGroupPolicy",
        "PutRolePolicy",
        "PutUserPolicy",
        "RemoveUserFromGroup",
        "UpdateAccessKey",
        "UpdateAccountPasswordPolicy",  # also the password-policy step's change
        "UpdateUser",
    ),
    "s3": (
        # the engine (the trail's bucket)
        "CreateBucket",
        "GetBucketAcl",  # named by the bucket policy's verdicts (as an action, not called)
        "GetBucketPolicy",
        "GetBucketVersioning",
        "GetPublicAccessBlock",
        "HeadBucket",  # also botocore's own, to find a bucket's Region after a redirect
        "PutBucketPolicy",
        "PutBucketVersioning",
        "PutPublicAccessBlock",
        # the tests and the sandbox
        "DeleteBucket",
        "DeleteBucketPolicy",
        "DeleteObject",
        "DeletePublicAccessBlock",
        "GetBucketLocation",
        "ListBuckets",
        "ListObjectVersions",
        "ListObjectsV2",
        "PutObject",
    ),
    "kms": (
        # the engine (the trail's key)
        "CancelKeyDeletion",
        "CreateAlias",
        "CreateKey",
        "DescribeKey",
        "EnableKey",
        "EnableKeyRotation",
        "GetKeyPolicy",
        "GetKeyRotationStatus",
        "ListKeys",
        "ListResourceTags",
        "PutKeyPolicy",
        # the tests and the sandbox
        "Decrypt",
        "DisableKey",
        "DisableKeyRotation",
        "Encrypt",
        "GenerateDataKey",
        "GenerateDataKeyWithoutPlaintext",
        "ListAliases",
        "ReEncrypt",
        "ScheduleKeyDeletion",
        "TagResource",
        "UpdateKeyDescription",
    ),
    "cloudtrail": (
        # the engine
        "CreateTrail",
        "DescribeTrails",
        "GetEventSelectors",
        "GetTrailStatus",
        "PutEventSelectors",
        "StartLogging",
        "UpdateTrail",
        # the tests and the sandbox
        "DeleteTrail",
        "StopLogging",
    ),
    "ec2": (
        # the engine: the account's enabled Regions
        "DescribeRegions",
        # the ebs-encryption step (Get*, Enable), the tests (Regions, signatures)
        "DescribeVpcs",
        "EnableEbsEncryptionByDefault",
        "GetEbsDefaultKmsKeyId",
        "GetEbsEncryptionByDefault",
        # the ebs-encryption drifts and the sandbox's EBS tests
        "CreateVolume",
        "DisableEbsEncryptionByDefault",
        "ModifyEbsDefaultKmsKeyId",
        "ResetEbsDefaultKmsKeyId",
    ),
    "account": (
        # the engine: the security-contact step
        "GetAlternateContact",
        "PutAlternateContact",
        # the tests and the sandbox (drift: a contact deleted)
        "DeleteAlternateContact",
    ),
    "s3control": (
        # the s3-block-public-access step (Get, Put), its drifts and the tests (Delete)
        "DeletePublicAccessBlock",
        "GetPublicAccessBlock",
        "PutPublicAccessBlock",
    ),
    "sns": (
        # the engine (the root-activity alert's topic and e-mail subscription)
        "CreateTopic",
        "GetTopicAttributes",
        "ListSubscriptionsByTopic",
        "SetTopicAttributes",
        "Subscribe",
        # the tests and the sandbox (the simulated inbox, drifts)
        "ConfirmSubscription",
        "GetSubscriptionAttributes",
        "Publish",
        "Unsubscribe",
    ),
    "events": (
        # the engine (the root-activity alert's EventBridge rule)
        "EnableRule",
        "ListRules",
        "ListTargetsByRule",
        "PutRule",
        "PutTargets",
        "TestEventPattern",
        # the tests and the sandbox (drifts)
        "DescribeRule",
        "DisableRule",
        "RemoveTargets",
    ),
    "budgets": (
        # the engine: the budget-alerts step
        "CreateBudget",
        "CreateNotification",
        "CreateSubscriber",
        "DescribeBudget",
        "DescribeBudgets",
        "DescribeNotificationsForBudget",
        "DescribeSubscribersForNotification",
        # the tests and the sandbox (drifts)
        "DeleteBudget",
        "DeleteNotification",
        "DeleteSubscriber",
    ),
    "ce": (
        # the engine: the budget-alerts step (Cost Anomaly Detection)
        "CreateAnomalyMonitor",
        "CreateAnomalySubscription",
        "GetAnomalyMonitors",
        "GetAnomalySubscriptions",
        # the tests and the sandbox (drifts)
        "DeleteAnomalyMonitor",
        "DeleteAnomalySubscription",
    ),
    "freetier": (
        # the engine: the budget-alerts step's evidence
        "GetAccountPlanState",
        # the tests (a Paid-plan account)
        "UpgradeAccountPlan",
    ),
    "guardduty": (
        # the engine: the guardduty step (in every enabled Region)
        "CreateDetector",
        "GetDetector",
        "ListDetectors",
        "UpdateDetector",
        # the tests and the sandbox (drifts: a detector deleted)
        "DeleteDetector",
    ),
    "accessanalyzer": (
        # the engine: the access-analyzer step (per Region) and its repairs
        "CreateAnalyzer",
        "DeleteAnalyzer",
        "ListAnalyzers",
        # the tests and the sandbox's drifts
        "GetAnalyzer",
    ),
    "ssm": (
        # the engine: declined steps, one standard parameter each (wizard/declines.py)
        "DeleteParameter",
        "GetParametersByPath",
        "PutParameter",
        # the tests (a parameter read back, a wrong type)
        "GetParameter",
    ),
}
