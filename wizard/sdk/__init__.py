"""The tool's botocore set-up: one session per process, serving trimmed service models.

Creating a botocore client mostly costs parsing its service model: megabytes of JSON for IAM,
S3 or EC2, of which the tool calls a few dozen operations. This package serves models trimmed to
those operations (:mod:`.kept` names them, :mod:`.generate` writes them from the installed
botocore into ``data/``), and falls back to botocore's own models whenever that could change
an answer: a different botocore, a service or API version not trimmed, models of the owner's
own (``~/.aws/models``, ``AWS_DATA_PATH``), or an operation left out (see :mod:`.loader`).

Credentials, profiles, IAM Identity Center, ``AWS_ENDPOINT_URL*``, retries and endpoint rules
are botocore's, untouched: only where a service's model is read from changes.
"""
