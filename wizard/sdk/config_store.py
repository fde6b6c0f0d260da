"""botocore's configuration store, answering each setting once per session instead of per ask.

Every client botocore makes asks its session's ``ConfigValueStore`` for some twenty settings
(``ca_bundle``, ``defaults_mode``, ``use_fips_endpoint``, the ``s3`` section, ...), and each
answer walks a chain of providers: the environment, then the profile's section of the config
file, which asks for ``profile`` again on every look. A verify of every step made 64 clients and
4,380 lookups, a third of the time spent making a Regional client.

The answers cannot change while the session lives: the process's session is kept only while
the ``AWS_*`` environment, the profile and the config files stay as they were
(:func:`aws_setup_wizard.sdk.session.process_session`), and botocore reads the config file once
per session anyway. So :class:`SettledConfigStore` remembers each answer. Whatever botocore
changes through the store's own methods (a per-client ``endpoint_url`` provider, smart
defaults, a session variable set by hand) forgets what that change could affect: the one
setting, or everything when it is ``profile``, which every file-backed setting depends on. The
session's own ``set_config_variable`` keeps its value outside the store, so the process's
session tells the store to forget that setting too.
"""

from __future__ import annotations

import copy
from typing import Any, cast

from botocore.configprovider import ConfigValueStore

#: The setting whose value decides which profile section every other setting is read from.
PROFILE = "profile"
_UNSET = object()


class SettledConfigStore(ConfigValueStore):
    """A ``ConfigValueStore`` that asks its providers once per setting, until told otherwise.

    A copy (botocore makes one for every client, then gives it a provider of its own for
    ``endpoint_url``) shares its original's answers for every setting neither has changed
    since, and fills them in for the next copy: so the settings are worked out once for all
    clients, not once per client. A setting changed in a store is answered from that store's
    own answers from then on; ``profile`` changed leaves it nothing to share. A section (a
    ``dict``) is handed out as a copy, so a caller that changes it changes only its own.
    """

    def __init__(self, mapping: dict[str, Any] | None = None) -> None:
        #: Answers shared with the copies, for the settings not changed since the copy.
        self._answers: dict[str, Any] = {}
        #: The settings changed in this store, and their answers, its own.
        self._changed: set[str] = set()
        self._own: dict[str, Any] = {}
        self._building = True  # botocore's __init__ sets each provider: nothing changes yet
        super().__init__(mapping)
        self._building = False

    def get_config_variable(self, logical_name: str) -> Any:
        """botocore's answer for ``logical_name``, worked out on the first ask."""
        answers = self._own if logical_name in self._changed else self._answers
        found = answers.get(logical_name, _UNSET)
        if found is _UNSET:
            found = answers[logical_name] = super().get_config_variable(logical_name)
        # botocore may change a section it was given (S3's gains ``use_dualstack_endpoint``
        # for a dual-stack client): each ask gets its own, as a provider's fresh answer is.
        return copy.copy(found) if isinstance(found, dict | list) else found

    def forget(self, logical_name: str) -> None:
        """Ask the providers again for ``logical_name`` (for ``profile``: for every setting)."""
        if self._building:
            return
        if logical_name == PROFILE:
            # Every file-backed setting depends on it: share nothing from now on.
            self._answers, self._changed, self._own = {}, set(), {}
        else:
            self._changed.add(logical_name)
            self._own.pop(logical_name, None)

    def set_config_variable(self, logical_name: str, value: Any) -> None:
        """Override a setting, as botocore does, and forget what it changes."""
        super().set_config_variable(logical_name, value)
        self.forget(logical_name)

    def clear_config_variable(self, logical_name: str) -> None:
        """Drop an override, as botocore does, and forget what it changes."""
        super().clear_config_variable(logical_name)
        self.forget(logical_name)

    def set_config_provider(self, logical_name: str, provider: Any) -> None:
        """Replace a setting's provider, as botocore does, and forget what it changes."""
        super().set_config_provider(logical_name, provider)
        self.forget(logical_name)

    def _copy_with(self, mapping: dict[str, Any]) -> SettledConfigStore:
        store = SettledConfigStore(mapping)
        store._answers = self._answers
        store._changed = set(self._changed)
        store._own = dict(self._own)
        botocores: Any = self  # its private parts, which botocore's own copies read too
        for logical_name, value in botocores._overrides.items():
            store.set_config_variable(logical_name, value)
        return store

    def __copy__(self) -> SettledConfigStore:
        return self._copy_with(copy.copy(cast(Any, self)._mapping))

    def __deepcopy__(self, memo: Any) -> SettledConfigStore:
        return self._copy_with(copy.deepcopy(cast(Any, self)._mapping, memo))
