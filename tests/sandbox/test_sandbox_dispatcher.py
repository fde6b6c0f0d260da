"""The sandbox's dispatcher answers as moto's does, working each host out once."""

from __future__ import annotations

from typing import Any

import pytest
from moto import backends as moto_backends
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

from aws_setup_wizard.sandbox.server import RememberingDispatcher

#: Hosts as moto infers them from requests (service and Region from the signature), and the
#: special ones it names itself.
HOSTS = [
    "iam.us-east-1.amazonaws.com",
    "iam.amazonaws.com",
    "sts.us-east-1.amazonaws.com",
    "s3.us-east-1.amazonaws.com",
    "bucket.s3.amazonaws.com",
    "123456789012.s3-control.us-east-1.amazonaws.com",
    "cloudtrail.eu-west-1.amazonaws.com",
    "events.us-east-1.amazonaws.com",
    "ssm.ap-south-1.amazonaws.com",
    "moto_api",
    "instance_metadata",
    "iam",
    "nothing-serves-this.example",
    None,
]


def test_each_host_gets_moto_s_own_answer() -> None:
    ours = RememberingDispatcher(create_backend_app)
    motos = DomainDispatcherApplication(create_backend_app)
    for _ in range(2):  # the second answer comes from memory
        assert [ours.get_backend_for_host(h) for h in HOSTS] == [
            motos.get_backend_for_host(h) for h in HOSTS
        ]


def test_moto_s_folder_is_listed_once_per_host(monkeypatch: pytest.MonkeyPatch) -> None:
    listed: list[int] = []
    listing = moto_backends.list_of_moto_modules

    def counted() -> Any:
        listed.append(1)
        return listing()

    monkeypatch.setattr(moto_backends, "list_of_moto_modules", counted)
    dispatcher = RememberingDispatcher(create_backend_app)
    for _ in range(5):
        assert dispatcher.get_backend_for_host("iam.us-east-1.amazonaws.com") == "iam"
    assert len(listed) == 1


def test_made_up_hosts_do_not_grow_the_memory_without_end(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(RememberingDispatcher, "MOST_REMEMBERED", 3)
    dispatcher = RememberingDispatcher(create_backend_app)
    for number in range(10):
        dispatcher.get_backend_for_host(f"made-up-{number}.example")
    assert len(dispatcher._backend_by_host) == 3
    # Past the bound, hosts are still answered, only not remembered.
    assert dispatcher.get_backend_for_host("sts.us-east-1.amazonaws.com") == "sts"
