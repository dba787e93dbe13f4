"""The fixed cast (owner, another user, an anonymous visitor, a staff editor) and the seeded map."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client

from audits.accounts import SESSION_AUDITS
from audits.models import Audit, Rating
from skillmap.guide import current_guide, forget_built_guides
from skillmap.models import Bucket, Level, MapRevision, Requirement, Skill, Track

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PASSWORD = "correct horse battery staple 42"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """Every test starts from the guide's map, loaded once per run."""
    with django_db_blocker.unblock():
        call_command("seed", verbosity=0)


MakeAudit = Callable[..., Audit]  # the make_audit fixture's type
HX = {"HX-Request": "true"}  # the header htmx sends with each of its requests


def fresh_process() -> None:
    """What a restart does to this process: empty caches (rate-limit counters, the map's
    fragments) and no guide built yet."""
    for cache in caches.all():
        cache.clear()
    forget_built_guides()


@pytest.fixture(autouse=True)
def _empty_caches() -> None:
    """Each test starts as a freshly started process. A test's rollback can change the map
    without moving its revision, and query counts are pinned from a cold start."""
    fresh_process()


@pytest.fixture
def seeded_transactional(transactional_db: None) -> None:
    """For tests that run on a flushed database (live server, threads): seed it again."""
    call_command("seed", verbosity=0)


def _user(username: str, **extra: Any) -> User:
    return User.objects.create_user(username, f"{username}@example.com", PASSWORD, **extra)


@pytest.fixture
def owner(db: None) -> User:
    return _user("owner")


@pytest.fixture
def other_user(db: None) -> User:
    return _user("other")


@pytest.fixture
def editor(db: None) -> User:
    user = _user("editor", is_staff=True)
    user.groups.add(Group.objects.get(name="Track editors"))
    return user


def _client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def owner_client(owner: User) -> Client:
    return _client_for(owner)


@pytest.fixture
def other_client(other_user: User) -> Client:
    return _client_for(other_user)


@pytest.fixture
def editor_client(editor: User) -> Client:
    return _client_for(editor)


@pytest.fixture
def anon_client() -> Client:
    return Client()


# The guide's five questions, then the seven Skills Map adds: every question of every track, so
# an audit rated with these can be completed whatever its target. Research is 2 at its weakest
# (papers), Communication 5, Domain 3 by maths, and Technical 3 at its weakest (transformers; AI
# literacy, which measures the literacy cells, is 3 too).
THE_GUIDES_FIVE = {
    "python-and-pytorch": 4,
    "deep-learning-and-transformers": 3,
    "reading-papers": 2,
    "career-and-communication": 5,
    "math-you-actually-need": 3,
}
ALL_FOUR = {
    **THE_GUIDES_FIVE,
    "experiments-and-rigour": 3,
    "portfolio-and-applications": 5,
    "law-econ-and-policy": 2,
    "product-sense": 3,
    "ops-and-people": 2,
    "threat-models": 2,
    "ai-literacy": 3,
}


def grow_map_tenfold() -> None:
    """Ten times the guide's map: 70 tracks of 4 requirements each, and 50 skills; the revision
    moved on as an admin edit moves it."""
    buckets = list(Bucket.objects.all())
    levels = list(Level.objects.all())
    Track.objects.bulk_create(
        Track(slug=f"extra-track-{n}", name=f"Extra track {n}", position=100 + n) for n in range(63)
    )
    Requirement.objects.bulk_create(
        Requirement(
            track=track,
            bucket=bucket,
            label=f"Extra label {track.position}-{bucket.position}",
            level=levels[(track.position + bucket.position) % len(levels)],
        )
        for track in Track.objects.filter(slug__startswith="extra-track-")
        for bucket in buckets
    )
    Skill.objects.bulk_create(
        Skill(
            slug=f"extra-skill-{n}",
            bucket=buckets[n % len(buckets)],
            name=f"Extra skill {n}",
            question=f"Extra question {n}?",
            position=100 + n,
        )
        for n in range(45)
    )
    MapRevision.bump()


@pytest.fixture
def make_audit(db: None) -> MakeAudit:
    """An audit with the given ratings ({skill slug: value}), optionally completed."""

    def make(
        owner: User | None = None,
        track: str = "research-scientist",
        ratings: dict[str, int] | None = None,
        complete: bool = False,
    ) -> Audit:
        audit = Audit.objects.create(owner=owner, track=Track.objects.get(slug=track))
        skills = {s.slug: s for s in Skill.objects.all()}
        for slug, value in (ratings or {}).items():
            Rating.objects.create(audit=audit, skill=skills[slug], value=value)
        if complete:
            audit.complete(current_guide())
        return audit

    return make


def session_client_with(audit: Audit) -> Client:
    """An anonymous browser whose session holds this audit."""
    client = Client()
    session = client.session
    session[SESSION_AUDITS] = [str(audit.public_id)]
    session.save()
    return client


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return CHROMIUM
    if os.environ.get("REQUIRE_BROWSER"):
        pytest.fail(f"REQUIRE_BROWSER is set but there is no Chromium at {CHROMIUM}")
    pytest.skip(f"no Chromium at {CHROMIUM}: browser tests skipped (apt-get install chromium)")


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls made by
    # fixtures alongside it are still plain synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def pytest_report_header(config: pytest.Config) -> str:
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return f"browser tests: Chromium at {CHROMIUM}"
    return f"browser tests: SKIPPED, no Chromium at {CHROMIUM} (apt-get install chromium)"


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Tests serve static files from the finders; the hashed, collected files are what
    # `make run` and the gunicorn tests use.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = True
    # A fast hasher: the suite logs in hundreds of times; hashing itself is Django's to test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.WHITENOISE_AUTOREFRESH = True
