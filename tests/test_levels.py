"""Levels as labels state them, and where the app's reading or words stand in for the guide's."""

from __future__ import annotations

import pytest

from skillmap.values import Cell, Level, SkillMap, stated_level

NAMES = ["Low", "Low–Med", "Medium", "High", "Very high"]


@pytest.mark.parametrize(
    ("label", "stated"),
    [
        ("Very high", "Very high"),
        ("very HIGH", "Very high"),
        ("High (analysis)", "High"),
        ("Low–Med (literacy)", "Low–Med"),
        ("Low-Med (literacy)", "Low–Med"),
        ("Low (literacy)", "Low"),
        ("Medium", "Medium"),
        ("Mediumish", None),
        ("Highly technical", None),
        ("Math, heavy", None),
        ("Law / econ / IR / policy", None),
    ],
)
def test_the_level_a_label_states(label: str, stated: str | None) -> None:
    assert stated_level(label, NAMES) == stated


def test_bars_are_the_apps_reading_only_where_the_label_names_no_level() -> None:
    high = Level(slug="high", name="High", rank=4, target=4)
    assert Cell(bucket="domain", label="Math, heavy", level=high).level_is_apps_reading
    assert not Cell(bucket="research", label="High (analysis)", level=high).level_is_apps_reading
    assert not Cell(bucket="domain", label="Product sense", level=None).level_is_apps_reading


def test_the_apps_own_words_for_a_level_are_not_a_change_to_the_map() -> None:
    """Completed audits compare what a track asks for; the app's wording is not part of it."""
    level = {"slug": "high", "name": "High", "rank": 4, "target": 4, "meaning": ""}
    track = {"slug": "t", "name": "T", "cells": [{"bucket": "b", "label": "High", "level": level}]}

    def skill_map(app_meaning: str | None) -> SkillMap:
        lv = {**level, **({"app_meaning": app_meaning} if app_meaning is not None else {})}
        t = {**track, "cells": [{**track["cells"][0], "level": lv}]}  # type: ignore[dict-item]
        return SkillMap.from_dict({"buckets": [], "levels": [lv], "skills": [], "tracks": [t]})

    old_snapshot = skill_map(None)  # taken before levels had the app's words
    assert not old_snapshot.requirements_differ(skill_map("strong"), "t")
