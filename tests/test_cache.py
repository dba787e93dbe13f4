"""The map's process-memory cache: values come back as the very objects stored (no pickling
on each request), and expire and cull as Django's LocMemCache does."""

from __future__ import annotations

import pytest
from django.core.cache import caches

from config.cache import ProcessMemoryCache
from skillmap.guide import current_guide

pytestmark = pytest.mark.django_db


def test_the_map_cache_keeps_values_as_they_are() -> None:
    cache = caches["map"]
    assert isinstance(cache, ProcessMemoryCache)
    guide = current_guide()
    assert current_guide() is guide  # the same object: nothing unpickled on the second read
    cache.set("page", "<p>html</p>")
    assert cache.get("page") == "<p>html</p>"
    assert cache.add("page", "other") is False
    assert cache.add("fresh", "value") is True
    assert cache.get("missing", "default") == "default"


def test_expired_values_are_gone() -> None:
    cache = caches["map"]
    cache.set("brief", "value", timeout=-1)
    assert cache.get("brief") is None


def test_it_is_no_counter() -> None:
    cache = caches["map"]
    cache.set("n", 1)
    with pytest.raises(NotImplementedError):
        cache.incr("n")
