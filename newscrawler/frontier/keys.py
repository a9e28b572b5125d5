"""Names: which fleet run a worker belongs to, and the Redis keys of that run.

Workers started by the same timer must agree on one run name without talking
to each other. ``FRONTIER_RUN=auto`` derives it from the schedule slot: the
start time rounded to the nearest multiple of ``FRONTIER_RUN_INTERVAL``
(rounded, not floored, so a clock a few seconds early or late still lands in
the same slot). Any other value is used as given. Every key of a run lives
under ``newscrawler:<frontier>:<run>:``, so ``frontier reset`` can find them
all and the keys of one run never meet another run's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

KEY_ROOT = "newscrawler"
AUTO = "auto"
SAFE_NAME = re.compile(r"[^A-Za-z0-9_.@-]+")


def slot_run_name(now: float, interval: float) -> str:
    """The schedule slot nearest to ``now`` (a UNIX time), as ``20261201T1100Z``."""
    if interval <= 0:
        raise ValueError("FRONTIER_RUN_INTERVAL must be positive")
    slot = round(now / interval) * interval
    return datetime.fromtimestamp(slot, UTC).strftime("%Y%m%dT%H%M%SZ")


def resolve_run_name(setting: str, now: float, interval: float) -> str:
    """``FRONTIER_RUN`` as a name: ``auto`` (or empty) becomes the schedule slot."""
    value = setting.strip()
    if not value or value.lower() == AUTO:
        return slot_run_name(now, interval)
    return clean_name(value)


def clean_name(value: str) -> str:
    """A name safe inside a Redis key (no ``:``, spaces or glob characters)."""
    cleaned = SAFE_NAME.sub("-", value.strip()).strip("-")
    if not cleaned:
        raise ValueError(f"{value!r} is not usable as a frontier or run name")
    return cleaned


@dataclass(frozen=True, slots=True)
class RunKeys:
    """The Redis keys of one run of one frontier."""

    frontier: str
    run: str

    @property
    def prefix(self) -> str:
        return f"{KEY_ROOT}:{self.frontier}:{self.run}"

    @property
    def requests(self) -> str:
        """Sorted set: the shared queue (scrapy-redis' priority queue format)."""
        return f"{self.prefix}:requests"

    @property
    def dupefilter(self) -> str:
        """Set: fingerprints of every request queued in this run."""
        return f"{self.prefix}:dupefilter"

    @property
    def workers(self) -> str:
        """Sorted set: worker id -> time of its last heartbeat."""
        return f"{self.prefix}:workers"

    @property
    def starting(self) -> str:
        """Set: workers still sending their start requests."""
        return f"{self.prefix}:starting"

    @property
    def seen_workers(self) -> str:
        """Set: every worker that ever joined the run (for ``frontier status``)."""
        return f"{self.prefix}:joined"

    def leases(self, worker: str) -> str:
        """Hash: lease id -> ``score\\nrequest`` for requests this worker is processing."""
        return f"{self.prefix}:leases:{worker}"

    def all_pattern(self) -> str:
        return f"{self.prefix}:*"


def frontier_pattern(frontier: str) -> str:
    """Every key of every run of ``frontier``."""
    return f"{KEY_ROOT}:{frontier}:*"


def politeness_key(domain: str) -> str:
    """String: the next time (UNIX, float) any worker may start a request to ``domain``.

    Shared by every frontier and run: a site's limit holds for the whole fleet.
    """
    return f"{KEY_ROOT}:polite:{domain}"
