"""Each client of the process's session sees exactly the event handlers botocore's would give it.

The process's session registers a service's built-in handlers only when its first client is
made (:class:`~aws_setup_wizard.sdk.session.ProcessSession`); these tests compare, event by
event, the handlers a client made that way runs with those of a client of botocore's own
session, for every service the wizard calls and a few it never does.
"""

from __future__ import annotations

import copy
from typing import Any

import botocore.handlers
import botocore.session
import pytest
from botocore.hooks import EventAliaser, HierarchicalEmitter
from botocore.utils import EVENT_ALIASES

from aws_setup_wizard.sdk.events import QuickEventAliaser, service_part
from aws_setup_wizard.sdk.loader import trimmed_services
from aws_setup_wizard.sdk.session import ProcessSession

#: Services with many built-in handlers of their own, which the wizard does not call.
OTHERS = ["ec2", "glacier", "route53", "s3", "sqs", "machinelearning", "rds"]
SERVICES = sorted({*trimmed_services(), *OTHERS}) or OTHERS


def _name(handler: Any) -> str:
    """A handler by what it is: per-client objects differ between clients, their kinds do not."""
    function = getattr(handler, "__func__", handler)
    name = getattr(function, "__qualname__", None) or type(function).__qualname__
    return f"{getattr(function, '__module__', '')}.{name}"


def _events_of(client: Any) -> list[str]:
    """Every built-in event name of the client's service, and each operation's events."""
    events = client.meta.events
    service_id = client.meta.service_model.service_id.hyphenize()
    kinds = {spec[0].split(".")[0] for spec in botocore.handlers.BUILTIN_HANDLERS}
    names = {events._alias_event_name(spec[0]) for spec in botocore.handlers.BUILTIN_HANDLERS}
    # A client emits only its own service's events (and those of no service).
    names = {name for name in names if service_part(name) in (None, service_id)}
    for operation in client.meta.service_model.operation_names:
        names.update(f"{kind}.{service_id}.{operation}" for kind in kinds)
        names.add(f"docs.method.{service_id}.{operation}.complete-section")
    return sorted(names)


def _handlers(client: Any, event: str) -> list[str]:
    found = client.meta.events._emitter._handlers.prefix_search(event)
    return [_name(handler) for handler in found]


@pytest.mark.parametrize("service", SERVICES)
def test_a_client_runs_the_handlers_botocore_would_give_it(service: str) -> None:
    settings = {
        "region_name": "us-east-1",
        "aws_access_key_id": "AKIAIOSFODNN7EXAMPLE",
        "aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    }
    ours = ProcessSession()
    # Another service first: its handlers going in must not change this one's.
    ours.create_client("sts", **settings)
    client = ours.create_client(service, **settings)
    reference = botocore.session.Session().create_client(service, **settings)
    events = _events_of(reference)
    assert events
    mismatched = [e for e in events if _handlers(client, e) != _handlers(reference, e)]
    assert not mismatched, mismatched[:5]


def test_a_service_s_handlers_wait_for_its_first_client() -> None:
    session = ProcessSession()
    has_s3 = session._events._emitter._handlers.prefix_search("before-parameter-build.s3.PutObject")
    session.create_client("iam", region_name="us-east-1")
    still = session._events._emitter._handlers.prefix_search("before-parameter-build.s3.PutObject")
    session.create_client("s3", region_name="us-east-1")
    now = session._events._emitter._handlers.prefix_search("before-parameter-build.s3.PutObject")
    assert len(has_s3) == len(still) < len(now)


def _event_names() -> list[str]:
    """Built-in event names, every alias in each place of a name, and real services' events."""
    names = {spec[0] for spec in botocore.handlers.BUILTIN_HANDLERS}
    kinds = sorted({name.split(".")[0] for name in names})
    for old, new in EVENT_ALIASES.items():
        for kind in kinds:
            names.update({f"{kind}.{old}", f"{kind}.{old}.Operation", f"{kind}.{new}.Operation"})
        names.update({old, f"{old}.x", f"x.{old}", f"x{old}.y", f"docs.*.{old}.Op.section"})
    for service in SERVICES:
        model = botocore.session.Session().get_service_model(service)
        service_id = model.service_id.hyphenize()
        names.update(f"{k}.{service_id}.{op}" for k in kinds for op in model.operation_names)
    return sorted(names)


def test_the_quick_aliaser_names_every_event_as_botocore_does() -> None:
    quick = QuickEventAliaser(HierarchicalEmitter())
    botocores = EventAliaser(HierarchicalEmitter())
    names = _event_names()
    assert len(names) > 1000
    for _ in range(2):  # the second time from the caches
        assert [quick._alias_event_name(n) for n in names] == [
            botocores._alias_event_name(n) for n in names
        ]
    # Some names are renamed: the comparison covers both paths.
    assert any(botocores._alias_event_name(n) != n for n in names)


def test_aliasers_of_one_alias_table_share_their_answers_and_only_they_do() -> None:
    first = QuickEventAliaser(HierarchicalEmitter())
    client_copy = copy.copy(first)  # what each client gets
    assert isinstance(client_copy, QuickEventAliaser)
    assert client_copy._alias_name_cache is first._alias_name_cache
    other = QuickEventAliaser(HierarchicalEmitter(), {"foo": "bar"})
    assert other._alias_name_cache is not first._alias_name_cache
    assert other._alias_event_name("before-call.foo.Op") == "before-call.bar.Op"
    assert first._alias_event_name("before-call.foo.Op") == "before-call.foo.Op"
    assert client_copy._alias_event_name("before-call.foo.Op") == "before-call.foo.Op"


def test_a_client_holds_only_its_own_service_s_handlers_and_those_of_every_service() -> None:
    settings = {
        "region_name": "us-east-1",
        "aws_access_key_id": "AKIAIOSFODNN7EXAMPLE",
        "aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    }
    session = ProcessSession()
    session.register("before-call.*.GetCallerIdentity", _wildcard_handler)
    s3 = session.create_client("s3", **settings)  # s3's many handlers go into the session
    sts = session.create_client("sts", **settings)
    s3_own = set(_handlers(s3, "before-parameter-build.s3.PutObject"))
    # sts keeps only the handlers of every service's events (generate_idempotent_uuid, ...).
    assert set(_handlers(sts, "before-parameter-build.s3.PutObject")) < s3_own
    assert "botocore.handlers.sse_md5" not in _handlers(sts, "before-parameter-build.s3.PutObject")
    assert not sts.meta.events._emitter._handlers._root["children"]["before-call"]["children"].get(
        "s3"
    )
    # Handlers of every service (a wildcard, none named) are still there, in botocore's order.
    assert _name(_wildcard_handler) in _handlers(sts, "before-call.sts.GetCallerIdentity")
    reference = botocore.session.Session()
    reference.register("before-call.*.GetCallerIdentity", _wildcard_handler)
    theirs = reference.create_client("sts", **settings)
    for event in ("before-call.sts.GetCallerIdentity", "needs-retry.sts.GetCallerIdentity"):
        assert _handlers(sts, event) == _handlers(theirs, event)
    # Outside a client's making, a copy of the session's handlers is botocore's whole copy.
    whole = copy.copy(session._events)
    assert whole._emitter._handlers.prefix_search("before-parameter-build.s3.PutObject")


def _wildcard_handler(**kwargs: Any) -> None:
    """A handler for every service's GetCallerIdentity."""


def test_documentation_handlers_named_by_service_name_reach_that_service_s_client() -> None:
    """Auto Scaling's events say ``auto-scaling``; its documentation events ``autoscaling``
    (which botocore's aliases rename on the way in and out)."""
    session = ProcessSession()
    client = session.create_client(
        "autoscaling",
        region_name="us-east-1",
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    )
    event = client.meta.events._alias_event_name(
        "docs.method.autoscaling.CreateLaunchConfiguration.complete-section"
    )
    reference = botocore.session.Session().create_client(
        "autoscaling",
        region_name="us-east-1",
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    )
    assert _handlers(reference, event)
    assert _handlers(client, event) == _handlers(reference, event)
