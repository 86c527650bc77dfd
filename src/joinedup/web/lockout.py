"""Sign-in lockout by account *and* address, with a wider limit for one address.

Two things are counted over the cool-off period (django-axes):
- failures for one account from one address: AXES_FAILURE_LIMIT (5) locks that account from
  that address only, so five requests from elsewhere cannot lock a colleague out;
- failures from one address across all accounts: JOINEDUP_ADDRESS_FAILURE_LIMIT (20) locks the
  address, so one password cannot be tried across many accounts (password spraying). It is
  wider because partner organisations share office addresses.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.db.models import Sum


class AccountAndAddressLockout(AxesDatabaseHandler):
    """AXES_LOCKOUT_PARAMETERS is [["username", "ip_address"], "ip_address"], in that order."""

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        account, address = (
            qs.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for qs in self.get_user_attempts(request, credentials)
        )
        # Axes compares one number with one limit: the address's count is scaled to it.
        limit = get_failure_limit(request, credentials)
        return max(account, address * limit // settings.JOINEDUP_ADDRESS_FAILURE_LIMIT)
