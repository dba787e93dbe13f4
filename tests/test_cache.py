"""The map's values are built once per process and state of the map, and shared as they are
(skillmap.guide's function caches); the "map" cache alias is a plain LocMemCache for the
fragments drawn from the map."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache

from audits.models import Audit, with_map_snapshot
from skillmap.guide import current_guide, snapshot_guide
from skillmap.models import MapRevision
from tests.conftest import ALL_FOUR, fresh_process

pytestmark = pytest.mark.django_db


def test_the_guide_is_the_same_object_until_the_map_moves(
    django_assert_num_queries: Any,
) -> None:
    guide = current_guide()
    with django_assert_num_queries(1):  # the revision only
        assert current_guide() is guide  # nothing rebuilt or unpickled
    MapRevision.bump()
    assert current_guide() is not guide
    assert current_guide() is current_guide()


def test_a_snapshot_guide_is_read_once_per_digest(
    make_audit: Any, owner: Any, django_assert_num_queries: Any
) -> None:
    audit = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)
    fresh_process()
    first, again = (with_map_snapshot(Audit.objects).get(pk=audit.pk) for _ in range(2))
    with django_assert_num_queries(1):  # the deferred content, on a miss only
        guide = snapshot_guide(first.map_snapshot)
    with django_assert_num_queries(0):
        assert snapshot_guide(again.map_snapshot) is guide
    assert guide.digest == first.map_snapshot.digest


def test_the_map_alias_is_a_plain_cache() -> None:
    cache = caches["map"]
    assert isinstance(cache, LocMemCache)
    cache.set("page", "<p>html</p>")
    assert cache.get("page") == "<p>html</p>"
