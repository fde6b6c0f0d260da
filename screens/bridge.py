"""The bridge between the flow's thread and the Textual event loop.

The guided flow (:mod:`aws_setup_wizard.flow`) is ordinary blocking code: it asks a question and
waits for the answer. It runs in a thread worker; every question becomes a :class:`Reply` that a
screen resolves when the owner chooses. The flow thread never touches a widget: it posts a
:class:`RunOnUi` message (``post_message`` is thread-safe) and the app runs the callable on its own
loop.

Why not ``App.call_from_thread``: it blocks on a future with no way out, so a flow thread caught
waiting while the app shuts down would hang the process at exit (thread workers run in the
loop's default executor, which is joined at exit). Every wait here also watches the bridge's
``closed`` flag and gives up with :class:`FlowStopped`.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar, cast

from textual.message import Message
from textual.message_pump import MessagePump

T = TypeVar("T")

# How often a waiting flow thread looks at the closed flag (seconds): short enough that quitting
# feels instant, long enough to cost nothing.
_POLL = 0.05


class FlowStopped(Exception):
    """The app is closing: the flow thread must unwind without asking anything else."""


class Reply(Generic[T]):
    """One answer the flow thread waits for; set once, from the event loop."""

    def __init__(self, bridge: Bridge) -> None:
        self._bridge = bridge
        self._event = threading.Event()
        self._value: T | None = None
        self._error: BaseException | None = None

    @property
    def done(self) -> bool:
        """True once an answer (or an error) was given."""
        return self._event.is_set()

    def set(self, value: T) -> None:
        """Give the answer (later calls are ignored: a double click answers once)."""
        if self._event.is_set():
            return
        self._value = value
        self._event.set()

    def fail(self, error: BaseException) -> None:
        """Hand an exception raised on the event loop back to the waiting thread."""
        if self._event.is_set():
            return
        self._error = error
        self._event.set()

    def wait(self) -> T:
        """Block the flow thread until answered; :class:`FlowStopped` when the app closes."""
        while not self._event.wait(_POLL):
            if self._bridge.closed:
                raise FlowStopped
        if self._error is not None:
            raise self._error
        return cast(T, self._value)


class RunOnUi(Message):
    """Run ``setup(reply)`` on the event loop; ``setup`` arranges for ``reply`` to be set."""

    def __init__(self, setup: Callable[[Reply[object]], object], reply: Reply[object]) -> None:
        super().__init__()
        self.setup = setup
        self.reply = reply


class Bridge:
    """Lets the flow thread show screens and wait for the owner's answers."""

    def __init__(self, app: MessagePump) -> None:
        self._app = app
        self._closed = threading.Event()
        # Set while the flow thread waits for the owner (tests wait on it; quitting reads it).
        self.waiting = threading.Event()

    @property
    def closed(self) -> bool:
        """True once the app started closing."""
        return self._closed.is_set()

    def close(self) -> None:
        """Release every waiting thread: its wait raises :class:`FlowStopped`."""
        self._closed.set()

    def ask(self, setup: Callable[[Reply[T]], object]) -> T:
        """Run ``setup(reply)`` on the event loop, then wait for ``reply`` (the owner's answer)."""
        if self.closed:
            raise FlowStopped
        reply: Reply[T] = Reply(self)
        if not self._send(setup, reply):
            raise FlowStopped
        self.waiting.set()
        try:
            return reply.wait()
        finally:
            self.waiting.clear()

    def call(self, function: Callable[[], T | Awaitable[T]]) -> T:
        """Run ``function`` on the event loop (awaited when async) and return its result."""
        if self.closed:
            raise FlowStopped
        reply: Reply[T] = Reply(self)

        async def setup(answer: Reply[T]) -> None:
            result: Any = function()
            if inspect.isawaitable(result):
                result = await result
            answer.set(cast(T, result))

        if not self._send(setup, reply):
            raise FlowStopped
        return reply.wait()

    def _send(self, setup: Callable[[Reply[T]], object], reply: Reply[T]) -> bool:
        """Queue ``setup(reply)`` for the event loop; False when the app no longer listens."""
        erased = cast(Callable[[Reply[object]], object], setup)
        return self._app.post_message(RunOnUi(erased, cast(Reply[object], reply)))

    def post(self, function: Callable[[], object]) -> None:
        """Run ``function`` on the event loop without waiting (progress lines)."""
        if self.closed:
            return
        reply: Reply[object] = Reply(self)

        def setup(answer: Reply[object]) -> None:
            function()
            answer.set(None)

        self._app.post_message(RunOnUi(setup, reply))
