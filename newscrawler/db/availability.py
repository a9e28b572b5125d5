"""Whether the database may be used now: the offline/backoff state machine of a crawl.

A crawl does not stop when its database goes away: documents stay in the
journal while the store is offline, and the store tries to reconnect after
1 s, 2 s, 4 s… up to ``STORE_RECONNECT_SECONDS``. This module only keeps
that clock; connecting is the store's business (:mod:`newscrawler.db.store`).
"""

from __future__ import annotations

import time
from collections.abc import Callable

FIRST_RETRY_SECONDS = 1.0


class Availability:
    """Online, or offline since a moment and waiting a growing delay before the next try."""

    def __init__(
        self, reconnect_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.reconnect_seconds = reconnect_seconds
        self.clock = clock
        self.offline_since: float | None = None
        self.retry_delay = self._first_delay()

    def _first_delay(self) -> float:
        return min(FIRST_RETRY_SECONDS, self.reconnect_seconds)

    @property
    def offline(self) -> bool:
        return self.offline_since is not None

    def went_offline(self) -> bool:
        """Record a failure; True when the database was online until now (worth a log line)."""
        first = self.offline_since is None
        if not first:  # a retry failed: back off, up to the maximum
            self.retry_delay = min(self.retry_delay * 2, self.reconnect_seconds)
        self.offline_since = self.clock()
        return first

    def retry_due(self) -> bool:
        """Offline, and the delay before the next connection attempt is over."""
        if self.offline_since is None:
            return False
        return self.clock() - self.offline_since >= self.retry_delay

    def back_online(self) -> bool:
        """Record a successful connection; True when the database had been offline."""
        was_offline = self.offline_since is not None
        self.offline_since = None
        self.retry_delay = self._first_delay()
        return was_offline
