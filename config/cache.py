"""A process-memory cache that keeps values as they are: Django's LocMemCache without pickling.

The map's cache (settings.CACHES["map"]) holds the process's copy of the guide and the rendered
anonymous map pages: immutable values (frozen dataclasses and strings) that every request reads.
LocMemCache would unpickle the whole map on every read, which costs more than the rest of an
anonymous page; sharing the one immutable object between threads is safe.
"""

from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache


class ProcessMemoryCache(LocMemCache):
    """Holds immutable values only: a value read back is the very object that was stored."""

    # LocMemCache's own internals, which django-stubs leaves undeclared.
    _cache: Any
    _lock: Any
    _has_expired: Any
    _set: Any
    _delete: Any

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._set(key, value, timeout)
                return True
            return False

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                return default
            value = self._cache[key]
            self._cache.move_to_end(key, last=False)
        return value

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            self._set(key, value, timeout)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        raise NotImplementedError("the map's cache holds immutable values, not counters")
