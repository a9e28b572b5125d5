"""The Redis side of a fleet run: membership, heartbeats, leases, and when a run is over.

scrapy-redis pops a request off the shared queue and forgets it, and it has
no notion of the other workers, so a killed worker loses what it was doing
and a worker that finds the queue empty for a moment closes although another
is about to queue more. This module adds what is missing, each step one Lua
script so that no other worker sees it half done:

* **enqueue**: the fingerprint is added to the dupefilter and the request to
  the queue together (a kill between the two would lose the request);
* **lease**: a popped request moves into the worker's lease hash in the same
  step; it is only deleted from there once its response has been fully
  handled (see :mod:`newscrawler.frontier.scheduler`);
* **heartbeat/reap**: each worker refreshes its time in ``workers``; a worker
  silent for longer than the lease timeout is dead, and any live worker moves
  its leases back to the queue;
* **status**: a run is busy while anything is queued, leased, or a worker is
  still sending its start requests; only then may a worker close.

Every key of the run gets a TTL (``FRONTIER_KEEP_SECONDS``) refreshed by each
heartbeat, so the keys of a finished or abandoned run expire by themselves.
"""

from __future__ import annotations

import socket
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Collection

    from redis import Redis

    from newscrawler.frontier.keys import RunKeys

# KEYS: dupefilter, queue. ARGV: fingerprint ('' = do not filter), score, data.
ENQUEUE = """
if ARGV[1] ~= '' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""

# KEYS: queue, leases. ARGV: lease id. Returns the request data, or false.
LEASE = """
local item = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #item == 0 then return false end
redis.call('ZREM', KEYS[1], item[1])
redis.call('HSET', KEYS[2], ARGV[1], item[2] .. '\\n' .. item[1])
return item[1]
"""

# KEYS: leases, queue. ARGV: lease ids. Puts those leases back in the queue.
REQUEUE = """
local moved = 0
for i = 1, #ARGV do
  local value = redis.call('HGET', KEYS[1], ARGV[i])
  if value then
    local cut = string.find(value, '\\n', 1, true)
    redis.call('ZADD', KEYS[2], string.sub(value, 1, cut - 1), string.sub(value, cut + 1))
    redis.call('HDEL', KEYS[1], ARGV[i])
    moved = moved + 1
  end
end
return moved
"""

# KEYS: workers. ARGV: worker. Redis' clock, so the workers' clocks need not agree.
# Returns 1 when the worker was not a member (it had been taken for dead).
BEAT = """
local t = redis.call('TIME')
return redis.call('ZADD', KEYS[1], t[1] + t[2] / 1000000, ARGV[1])
"""

# KEYS: workers, queue, starting. ARGV: lease timeout (s), lease key prefix.
# Returns {dead workers, requests given back to the queue}.
REAP = """
local t = redis.call('TIME')
local deadline = t[1] + t[2] / 1000000 - tonumber(ARGV[1])
local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. deadline)
local moved = 0
for _, worker in ipairs(dead) do
  local leases = ARGV[2] .. worker
  local values = redis.call('HVALS', leases)
  for _, value in ipairs(values) do
    local cut = string.find(value, '\\n', 1, true)
    redis.call('ZADD', KEYS[2], string.sub(value, 1, cut - 1), string.sub(value, cut + 1))
    moved = moved + 1
  end
  redis.call('DEL', leases)
  redis.call('ZREM', KEYS[1], worker)
  redis.call('SREM', KEYS[3], worker)
end
return {#dead, moved}
"""

# KEYS: workers, queue, starting. ARGV: lease key prefix.
# Returns {queued, leased (all workers), starting workers, workers}.
STATUS = """
local workers = redis.call('ZRANGE', KEYS[1], 0, -1)
local leased = 0
for _, worker in ipairs(workers) do
  leased = leased + redis.call('HLEN', ARGV[1] .. worker)
end
return {redis.call('ZCARD', KEYS[2]), leased, redis.call('SCARD', KEYS[3]), #workers}
"""


def new_worker_id() -> str:
    """Unique even for two processes with the same PID (containers, PID namespaces)."""
    return f"{socket.gethostname()}-{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True, slots=True)
class RunStatus:
    queued: int
    leased: int
    starting: int
    workers: int

    @property
    def busy(self) -> bool:
        """Work is queued, in some worker's hands, or about to be queued by a starting worker."""
        return self.queued > 0 or self.leased > 0 or self.starting > 0


class Fleet:
    """One worker's view of a run in Redis."""

    def __init__(
        self,
        server: Redis,
        keys: RunKeys,
        *,
        lease_timeout: float,
        keep_seconds: float,
        worker: str | None = None,
    ) -> None:
        self.server = server
        self.keys = keys
        self.lease_timeout = lease_timeout
        self.keep_seconds = keep_seconds
        self.worker = worker or new_worker_id()
        self.leases_key = keys.leases(self.worker)
        self._lease_prefix = keys.leases("")
        self._enqueue = server.register_script(ENQUEUE)
        self._lease = server.register_script(LEASE)
        self._requeue = server.register_script(REQUEUE)
        self._beat = server.register_script(BEAT)
        self._reap = server.register_script(REAP)
        self._status = server.register_script(STATUS)
        self._sequence = 0

    # -- membership -------------------------------------------------------

    def join(self) -> None:
        """Become a member that is still sending its start requests."""
        self.beat()
        pipe = self.server.pipeline()
        pipe.sadd(self.keys.starting, self.worker)
        pipe.sadd(self.keys.seen_workers, self.worker)
        pipe.execute()
        self.refresh_ttl()

    def beat(self) -> bool:
        """Say we are alive (any thread). False if the others had taken us for dead."""
        return not self._beat(keys=[self.keys.workers], args=[self.worker])

    def started(self) -> None:
        """All start requests are queued: this worker no longer keeps the run open by itself."""
        self.server.srem(self.keys.starting, self.worker)

    def heartbeat(self) -> tuple[int, int]:
        """Say we are alive; give back the leases of dead workers. Returns (dead, requeued)."""
        self.beat()
        dead, moved = self._reap(
            keys=[self.keys.workers, self.keys.requests, self.keys.starting],
            args=[self.lease_timeout, self._lease_prefix],
        )
        self.refresh_ttl()
        return int(dead), int(moved)

    def held(self) -> list[str]:
        """The lease ids Redis holds for this worker."""
        return [_text(key) for key in self.server.hkeys(self.leases_key)]

    def requeue_unknown(self, known: Collection[str]) -> int:
        """Put back in the queue the leases Redis holds for this worker but ``known`` lacks.

        A lease is one atomic script; when the connection drops after Redis ran
        it, the request is leased to this worker, which never received it. A
        live worker's leases are never reaped, so the run could not end.
        """
        orphans = [lease for lease in self.held() if lease not in known]
        return self.requeue(orphans) if orphans else 0

    def leave(self) -> int:
        """Give every lease still held back to the queue and leave the run."""
        lease_ids = self.held()
        moved = self.requeue(lease_ids) if lease_ids else 0
        pipe = self.server.pipeline()
        pipe.zrem(self.keys.workers, self.worker)
        pipe.srem(self.keys.starting, self.worker)
        pipe.delete(self.leases_key)
        pipe.execute()
        self.refresh_ttl()
        return moved

    def refresh_ttl(self) -> None:
        """Every key of the run expires ``keep_seconds`` after the last sign of life."""
        keys = [self.keys.requests, self.keys.dupefilter, self.keys.workers, self.keys.starting]
        keys += [self.keys.seen_workers, self.leases_key]
        pipe = self.server.pipeline()
        for key in keys:
            pipe.expire(key, int(self.keep_seconds))
        pipe.execute()

    # -- queue ------------------------------------------------------------

    def enqueue(self, data: bytes, score: float, fingerprint: str | None) -> bool:
        """Queue ``data`` unless ``fingerprint`` was seen in this run; False if it was."""
        added = self._enqueue(
            keys=[self.keys.dupefilter, self.keys.requests], args=[fingerprint or "", score, data]
        )
        return bool(added)

    def lease(self) -> tuple[str, bytes] | None:
        """Pop the best request and hold it under a new lease id."""
        self._sequence += 1
        lease_id = str(self._sequence)
        data = self._lease(keys=[self.keys.requests, self.leases_key], args=[lease_id])
        if not data:
            return None
        return lease_id, data

    def release(self, lease_ids: list[str]) -> None:
        """These requests are fully handled: forget them."""
        if lease_ids:
            self.server.hdel(self.leases_key, *lease_ids)

    def requeue(self, lease_ids: list[str]) -> int:
        """Put these leased requests back in the queue for any worker."""
        moved = self._requeue(keys=[self.leases_key, self.keys.requests], args=lease_ids)
        return int(moved)

    def status(self) -> RunStatus:
        values: list[Any] = self._status(
            keys=[self.keys.workers, self.keys.requests, self.keys.starting],
            args=[self._lease_prefix],
        )
        return RunStatus(*(int(value) for value in values))

    def queued(self) -> int:
        return int(self.server.zcard(self.keys.requests))


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
