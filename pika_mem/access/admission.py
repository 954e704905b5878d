"""Everything a request needs from Redis before its work, in one round trip.

One script reads the API-key revocation epoch and counts the caller's request in its
rate-limit window; for a search it also reads the user's version tag and, unless this
process already holds the answer at that version (L0), the L1 entry at it. A cached
search therefore costs one Redis round trip instead of four.
"""
from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from dataclasses import dataclass

import redis

from pika_mem import redis_client
from pika_mem.access import ratelimit
from pika_mem.access.api_keys import EPOCH_KEY
from pika_mem.read import cache_layers, versions

log = logging.getLogger(__name__)

# KEYS: epoch, rate-limit window[, version tag]. ARGV: window seconds[, L1 key prefix,
# the version L0 holds, query hash, the seed of a lost version tag (versions.seed)]. The L1 key is built here from the version just
# read, so it is not declared in KEYS: fine on one Redis, not on a Redis Cluster.
_SCRIPT = """
local epoch = redis.call('GET', KEYS[1])
local hits = redis.call('INCR', KEYS[2])
if hits == 1 then redis.call('EXPIRE', KEYS[2], ARGV[1]) end
if #KEYS < 3 then return {epoch, hits} end
local version = redis.call('GET', KEYS[3])
if not version then version = ARGV[5]; redis.call('SET', KEYS[3], version) end
local cached = false
if version ~= ARGV[3] then cached = redis.call('GET', ARGV[2] .. version .. ':' .. ARGV[4]) end
return {epoch, hits, version, cached}
"""


@dataclass(frozen=True)
class SearchProbe:
    """The search a request is about to make, and the version L0 holds for it."""
    tenant: str
    user_id: str
    qhash: str
    held_version: int | None = None


@dataclass(frozen=True)
class Preflight:
    epoch: int | None       # None: Redis is unavailable
    hits: int               # requests in this window, this one included (0: not counted)
    retry_after: int        # seconds until the window ends
    version: int | None = None   # the user's version tag, when a search was probed
    cached: bytes | None = None  # the L1 entry at that version (None: miss, or L0 holds it)


def run(caller: str, limit: ratelimit.Limit, probe: SearchProbe | None = None) -> Preflight:
    """Never raises for Redis trouble: an unavailable Redis means no epoch (API keys are
    then checked in Postgres), no counting (serve rather than refuse) and no probe."""
    start, retry_after = limit.window(time.time())
    keys = [EPOCH_KEY, ratelimit.window_key(caller, limit, start)]
    args: list = [limit.seconds]
    if probe is not None:
        keys.append(versions.version_key(probe.tenant, probe.user_id))
        held = "" if probe.held_version is None else str(probe.held_version)
        args += [cache_layers.l1_prefix(probe.tenant, probe.user_id), held, probe.qhash,
                 versions.seed()]
    try:
        reply = _call(keys, args)
    except redis.RedisError as e:
        log.warning("preflight skipped, redis unavailable: %s", type(e).__name__)
        return Preflight(None, 0, retry_after)
    epoch = int(reply[0]) if reply[0] is not None else 0
    if probe is None:
        return Preflight(epoch, int(reply[1]), retry_after)
    return Preflight(epoch, int(reply[1]), retry_after, int(reply[2]), reply[3])


class _Caller(threading.local):
    """Each thread keeps its own connection for the preflight: this skips the pool's
    lock, its liveness probe (a syscall) and redis-py's retry wrapper on every request
    (~100 µs of a ~150 µs call). Any error drops the connection; the next call opens a
    new one, and a Redis that lost the script (restart, SCRIPT FLUSH) gets it again."""
    conn = None
    owner = None  # (pid, client): a fork or a new client means a new connection


_caller = _Caller()
_SHA = hashlib.sha1(_SCRIPT.encode()).hexdigest()


def _call(keys: list[str], args: list):
    client = redis_client.get_redis()
    owner = (os.getpid(), id(client))
    if _caller.conn is None or _caller.owner != owner:
        _caller.conn, _caller.owner = client.connection_pool.make_connection(), owner
    conn = _caller.conn
    command = conn.pack_command("EVALSHA", _SHA, len(keys), *keys, *args)
    try:
        try:
            conn.send_packed_command(command)
            return conn.read_response()
        except redis.exceptions.NoScriptError:
            client.script_load(_SCRIPT)
            conn.send_packed_command(command)
            return conn.read_response()
    except BaseException:
        _caller.conn = None
        conn.disconnect()
        raise
