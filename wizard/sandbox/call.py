"""One incoming API call as the root-account layer sees it, and what a handler may answer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from aws_setup_wizard.sandbox.protocol import ParsedRequest, Response
from aws_setup_wizard.sandbox.state import RootAccessKey, RootAccount

CallerKind = Literal["root-key", "root-session", "moto", "anonymous"]


@dataclass
class Caller:
    """Who signed the call: root (by key or console session), a moto principal, or nobody."""

    kind: CallerKind
    access_key_id: str = ""
    root_key: RootAccessKey | None = None

    @property
    def is_root(self) -> bool:
        """Root signed the call, by access key or by console session."""
        return self.kind in ("root-key", "root-session")


@dataclass
class Call:
    """Everything a handler needs: the parsed request, the caller, the account."""

    request: ParsedRequest
    caller: Caller
    root: RootAccount
    region: str

    @property
    def account_id(self) -> str:
        """The sandbox account ID."""
        return self.root.account_id

    def param(self, name: str) -> str | None:
        """A query-protocol parameter, or ``None`` when absent or empty."""
        value = self.request.params.get(name)
        return value or None

    def field(self, name: str) -> Any:
        """A JSON-protocol body field."""
        return self.request.json_body.get(name)


#: Rewrites moto's response body (status, body) -> body; used sparingly.
Transform = Callable[[int, bytes], bytes]


@dataclass
class Forward:
    """Let moto answer, optionally rewriting its body afterwards."""

    transform: Transform | None = None


Outcome = Response | Forward | None
Handler = Callable[[Call], Outcome]
