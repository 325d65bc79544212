"""What one fake holds, shared by its user-facing side and its request pipeline.

The accounts and their records, the log of calls, the malformed requests, the
queued faults and denials, the retry backoff botocore did not sleep. Both sides
change it under :attr:`Store.lock`.
"""

from __future__ import annotations

import re
import threading

from .errors import MigrationHubFakeError
from .records import Account, Call, Fault

#: the account of a request whose credentials name no other
DEFAULT_ACCOUNT = "123456789012"
#: what an AWS account ID is
ACCOUNT_RE = re.compile(r"^\d{12}\Z")


class Store:
    """The state of one fake; :meth:`clear` forgets it all."""

    def __init__(self, initial_home_region: str | None) -> None:
        #: the home region every account starts with
        self.initial_home_region = initial_home_region
        self.lock = threading.RLock()
        self.clear()

    def clear(self) -> None:
        self.accounts: dict[str, Account] = {}
        #: access key id -> account id, from add_account()
        self.key_accounts: dict[str, str] = {}
        self.calls: list[Call] = []
        #: the message each malformed request was answered with
        self.malformed: list[str] = []
        #: the error code each of those messages went out with (its service's invalid-input error)
        self.malformed_codes: dict[str, str] = {}
        self.faults: list[Fault] = []
        self.denied: set[str] = set()
        self.retry_delays: list[float] = []
        self.default = self.account(DEFAULT_ACCOUNT)

    def account(self, account_id: str | None) -> Account:
        """The account's state, created (with the initial home region) on first use."""
        if account_id is None:
            return self.default
        account = self.accounts.get(account_id)
        if account is None:
            if not isinstance(account_id, str) or not ACCOUNT_RE.match(account_id):
                raise MigrationHubFakeError(
                    f"An AWS account ID is 12 digits, such as '123456789012'; got {account_id!r}."
                )
            account = self.accounts[account_id] = Account(account_id)
            if self.initial_home_region is not None:
                account.set_home_region(self.initial_home_region)
        return account

    def account_of_key(self, access_key_id: str | None) -> Account:
        """The account a request signed with ``access_key_id`` is made as."""
        if access_key_id:
            mapped = self.key_accounts.get(access_key_id)
            if mapped is not None:
                return self.accounts[mapped]
            if ACCOUNT_RE.match(access_key_id):
                return self.account(access_key_id)
        return self.default

    def replace_accounts(self, accounts: dict[str, Account], key_accounts: dict[str, str]) -> None:
        """Hold ``accounts`` (and their access keys) instead of every account held; the default
        account is made afresh if they lack it."""
        self.accounts, self.key_accounts = dict(accounts), dict(key_accounts)
        self.default = self.accounts.get(DEFAULT_ACCOUNT) or self.account(DEFAULT_ACCOUNT)

    def replace_account(self, account: Account, key_accounts: dict[str, str]) -> None:
        """Hold ``account`` instead of the account of its ID, with these access keys for it."""
        self.accounts[account.account_id] = account
        self.key_accounts = {k: a for k, a in self.key_accounts.items() if a != account.account_id}
        self.key_accounts.update(key_accounts)
        if account.account_id == DEFAULT_ACCOUNT:
            self.default = account

    def clear_account(self, account_id: str) -> None:
        """Forget one account: it starts again, with the initial home region, at its next use."""
        self.accounts.pop(account_id, None)
        self.key_accounts = {k: a for k, a in self.key_accounts.items() if a != account_id}
        if account_id == DEFAULT_ACCOUNT:
            self.default = self.account(DEFAULT_ACCOUNT)

    def fire_fault(self, operation: str) -> Fault | None:
        """The first fault queued for ``operation``, counted as fired, or ``None``."""
        for fault in self.faults:
            if fault.operation == operation:
                if fault.fire():
                    self.faults.remove(fault)
                return fault
        return None

    def record_delay(self, seconds: float) -> None:
        """Keep a retry backoff botocore chose and the fake saved it from sleeping."""
        with self.lock:
            self.retry_delays.append(seconds)
