"""Django's RedisCache, answered from this process's memory while Redis is unreachable.

Throttle counters, cached sessions and stored API answers are all worth less than the request
that uses them: when Redis stops answering, each process keeps its own (LocMemCache) and logs a
warning once, tries Redis again after ``REDIS_RETRY_SECONDS``, and logs again when it is back. The
answer cache stays correct meanwhile (its keys carry the data version); throttles count per process.
"""

import logging
import time

from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

FALLBACK_MAX_ENTRIES = 1000

WRITES = {"add", "set", "touch", "delete", "incr", "set_many", "delete_many"}

# Until when each Redis cache is skipped, per process (Django makes one cache object per thread), and the keys
# this process changed meanwhile: Redis still holds their old values, so they are deleted there when it is back.
_down_until = {}
_changed_while_down = {}


class SharedRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self.host = server.rsplit("@", 1)[-1]
        self.name = f"redis-fallback:{self.host}:{params.get('KEY_PREFIX', '')}"
        self.fallback = LocMemCache(self.name, {**params, "OPTIONS": {"MAX_ENTRIES": FALLBACK_MAX_ENTRIES}})

    @property
    def shared(self):
        """False while this process is caching on its own because Redis failed."""
        return time.monotonic() >= _down_until.get(self.name, 0.0)

    def _either(self, method, *args, **kwargs):
        if self.shared:
            try:
                result = getattr(super(), method)(*args, **kwargs)
            except RedisError as error:
                self._went_down(error)
            else:
                self._came_back()
                return result
        if method in WRITES:
            keys = args[0] if args else kwargs.get("data", kwargs.get("keys", kwargs.get("key")))
            _changed_while_down.setdefault(self.name, set()).update([keys] if isinstance(keys, str) else keys)
        return getattr(self.fallback, method)(*args, **kwargs)

    def _went_down(self, error):
        if self.name not in _down_until:
            logger.warning(
                "Redis at %s unreachable (%s: %s): caching and throttling per process until it answers",
                self.host,
                type(error).__name__,
                error,
            )
        _down_until[self.name] = time.monotonic() + settings.REDIS_RETRY_SECONDS

    def _came_back(self):
        if _down_until.pop(self.name, None) is None:
            return
        logger.warning("Redis at %s answers again: caching and throttling shared", self.host)
        stale = _changed_while_down.pop(self.name, set())
        try:
            super().delete_many(list(stale))
        except RedisError as error:
            self._went_down(error)
            _changed_while_down.setdefault(self.name, set()).update(stale)

    def ping(self):
        """True when Redis answers now (ending a fallback period early), for /healthz."""
        try:
            super().has_key("healthz")
        except RedisError as error:
            self._went_down(error)
            return False
        self._came_back()
        return True

    def add(self, *args, **kwargs):
        return self._either("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._either("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._either("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._either("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._either("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._either("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._either("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._either("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._either("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._either("delete_many", *args, **kwargs)

    def clear(self):
        self.fallback.clear()
        return self._either("clear")
