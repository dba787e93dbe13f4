"""The published map: one query per request, one more when the revision moves."""

from typing import Any

import pytest

from audits import reference
from audits.models import MapRevision, Requirement

pytestmark = pytest.mark.django_db


def test_publish_stores_the_map_every_process_loads(django_assert_num_queries: Any) -> None:
    Requirement.objects.filter(track__slug="interpretability", bucket__slug="domain").update(
        label="Math, heavy"
    )
    reference.publish()
    stored = MapRevision.objects.get(id=1)
    assert stored.content is not None
    reference.forget()
    with django_assert_num_queries(2):
        guide = reference.current_guide()
    assert guide.revision == stored.number
    cell = guide.map.track("interpretability").cell("domain")
    assert cell is not None and cell.label == "Math, heavy"
    with django_assert_num_queries(1):
        assert reference.current_guide() is guide


def test_an_unpublished_bump_rebuilds_from_the_tables(django_assert_num_queries: Any) -> None:
    published = reference.current_guide()
    Requirement.objects.filter(track__slug="interpretability", bucket__slug="domain").update(
        label="Math, light"
    )
    MapRevision.bump()  # no content: a change made outside the admin
    with django_assert_num_queries(8):  # revision, content, then the tables
        guide = reference.current_guide()
    assert guide.revision == published.revision + 1
    assert guide.map.track("interpretability").cell("domain").label == "Math, light"
    assert guide.map.buckets == published.map.buckets
    assert guide.map.skills == published.map.skills


def test_the_published_map_equals_one_built_from_the_tables() -> None:
    reference.publish()
    reference.forget()
    loaded = reference.current_guide()
    assert loaded.map.to_dict() == reference.build_map().to_dict()
    assert loaded.passages["honest_point"].startswith("The point of rating honestly")
