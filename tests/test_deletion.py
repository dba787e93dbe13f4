"""Deleted data leaves nothing behind: nothing of a deleted audit or account stays in any cache
(the per-process one and Redis), and `manage.py purge_anonymous_audits` deletes the anonymous
audits no session can reach any more."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import timedelta
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from audits.accounts import SESSION_AUDITS
from audits.models import Audit, Rating
from tests.conftest import ALL_FOUR, PASSWORD, MakeAudit
from tests.test_scale_out import redis_settings

pytestmark = pytest.mark.django_db

NOTE = "Kept-in-confidence-7431"
AUDIT_URL = re.compile(r"/audits/([0-9a-f-]{36})/")


# --- What the caches hold -------------------------------------------------------------------


def cache_contents() -> list[bytes]:
    """Every key and value in every configured cache, each as one string of bytes to search."""
    found: list[bytes] = []
    for alias in settings.CACHES:
        backend = caches[alias]
        if isinstance(backend, LocMemCache):
            # Keys as made by make_key, values pickled: a str is stored as its UTF-8 bytes.
            found += [key.encode() + b" " + value for key, value in backend._cache.items()]
        elif isinstance(backend, RedisCache):
            client = backend._cache.get_client()
            for key in client.scan_iter(match=f"{backend.key_prefix}:*"):
                found.append(key + b" " + bytes(client.get(key) or b""))
        else:
            raise AssertionError(f"cannot list what a {type(backend).__name__} holds")
    return found


def traces(*needles: str) -> list[bytes]:
    """The cache entries that mention any of `needles`."""
    wanted = [needle.encode() for needle in needles]
    return [entry[:300] for entry in cache_contents() if any(w in entry for w in wanted)]


def assert_scanner_works() -> None:
    """The scan finds a value when there is one: an empty result below means something."""
    cache.set("scanner-check", f"value with {NOTE} in it")
    assert traces(NOTE)
    cache.delete("scanner-check")
    assert not traces(NOTE)


def of_audit(audit: Audit) -> tuple[str, str, str]:
    return str(audit.public_id), audit.public_id.hex, NOTE


@pytest.fixture(params=["locmem", "redis"])
def cache_backend(request: pytest.FixtureRequest) -> Iterator[str]:
    """The default per-process cache, then a real Redis with cached_db sessions."""
    if request.param == "locmem":
        yield "locmem"
        return
    with override_settings(**redis_settings()):
        redis = caches["default"]
        redis.set("ping", "pong")  # a real Redis must answer, or this fails
        assert redis.get("ping") == "pong"
        yield "redis"
        client = redis._cache.get_client()  # type: ignore[attr-defined]
        for key in client.scan_iter(match=f"{redis.key_prefix}:*"):
            client.delete(key)


def take_audit(client: Client) -> Audit:
    """Start, rate with a note and complete an audit, then read its results, as a visitor does."""
    response = client.post("/audits/new/", {"track": "research-scientist"})
    audit = Audit.objects.get(public_id=AUDIT_URL.search(response["Location"]).group(1))  # type: ignore[union-attr]
    ratings = {f"rating-{slug}": value for slug, value in ALL_FOUR.items()}
    client.post(f"/audits/{audit.public_id}/", {**ratings, "note-reading-papers": NOTE})
    assert client.post(f"/audits/{audit.public_id}/", {"action": "finish"}).status_code == 302
    results = client.get(f"/audits/{audit.public_id}/results/")
    assert results.status_code == 200
    assert NOTE in results.content.decode()
    return audit


# --- Deleting leaves no trace in a cache ----------------------------------------------------


def test_a_deleted_audit_leaves_nothing_in_the_cache(
    cache_backend: str, owner: User, owner_client: Client
) -> None:
    assert_scanner_works()
    audit = take_audit(owner_client)
    kept = take_audit(owner_client)

    response = owner_client.post(f"/audits/{audit.public_id}/delete/")
    assert response.status_code == 302
    assert not Audit.objects.filter(pk=audit.pk).exists()
    assert traces(str(audit.public_id), audit.public_id.hex) == []
    # The other audit (with the same note) is untouched and still renders.
    assert owner_client.get(f"/audits/{kept.public_id}/results/").status_code == 200


def test_a_deleted_anonymous_audit_leaves_nothing_in_the_cache_or_its_session(
    cache_backend: str, anon_client: Client
) -> None:
    assert_scanner_works()
    audit = take_audit(anon_client)

    assert anon_client.post(f"/audits/{audit.public_id}/delete/").status_code == 302
    assert traces(*of_audit(audit)) == []
    # The session (in the database, and in Redis with cached_db) no longer names it.
    session = anon_client.session
    assert str(audit.public_id) not in session.get(SESSION_AUDITS, [])
    stored = Session.objects.get(session_key=session.session_key).get_decoded()
    assert str(audit.public_id) not in stored.get(SESSION_AUDITS, [])


def test_a_deleted_account_leaves_nothing_in_the_cache(cache_backend: str) -> None:
    assert_scanner_works()
    person = User.objects.create_user("zebra-person-5512", "", PASSWORD)
    client = Client()
    login = {"username": person.username, "password": PASSWORD}
    assert client.post("/account/login/", login).status_code == 302
    audits = [take_audit(client), take_audit(client)]

    response = client.post("/account/delete/", {"password": PASSWORD})
    assert response.status_code == 302
    assert not User.objects.filter(username=person.username).exists()
    needles = [n for a in audits for n in of_audit(a)]
    assert traces(*needles, person.username) == []


# --- Anonymous audits no session can reach --------------------------------------------------

AGE = timedelta(seconds=settings.SESSION_COOKIE_AGE)


def age(*audits: Audit, by: timedelta = AGE + timedelta(days=1)) -> None:
    Audit.objects.filter(pk__in=[a.pk for a in audits]).update(updated_at=timezone.now() - by)


def session_holding(*audits: Audit, expired: bool = False) -> str:
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_AUDITS] = [str(a.public_id) for a in audits]
    store.create()
    if expired:
        Session.objects.filter(session_key=store.session_key).update(
            expire_date=timezone.now() - timedelta(seconds=1)
        )
    return str(store.session_key)


def purge(*args: str) -> str:
    out = io.StringIO()
    call_command("purge_anonymous_audits", *args, stdout=out)
    return out.getvalue()


def test_purge_deletes_only_anonymous_audits_no_live_session_holds(
    make_audit: MakeAudit, owner: User
) -> None:
    lost = make_audit(ratings={"reading-papers": 3})  # its session is gone
    expired = make_audit(ratings={"reading-papers": 3})  # its session expired
    held = make_audit(ratings={"reading-papers": 3})  # old, but its visitor keeps coming back
    recent = make_audit()  # nobody holds it (yet): too new to judge
    owned = make_audit(owner=owner)
    age(lost, expired, held, owned)
    session_holding(expired, expired=True)
    key = session_holding(held)

    assert "Would delete 2 anonymous audits" in purge("--dry-run")
    assert Audit.objects.count() == 5

    assert "Deleted 2 anonymous audits unchanged for 14 days" in purge()
    assert set(Audit.objects.all()) == {held, recent, owned}
    assert not Rating.objects.filter(audit_id__in=[lost.pk, expired.pk]).exists()
    # The visitor who kept their session still has their audit.
    visitor = Client()
    visitor.cookies[settings.SESSION_COOKIE_NAME] = key
    assert visitor.get(f"/audits/{held.public_id}/").status_code == 200
    # Nothing left to do the second time; clearsessions first changes nothing either.
    call_command("clearsessions")
    assert "Deleted 0 anonymous audits" in purge()


def test_purge_leaves_nothing_of_a_purged_audit_in_the_cache(anon_client: Client) -> None:
    assert_scanner_works()
    audit = take_audit(anon_client)  # its results rendered, with the note
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    age(audit)

    assert "Deleted 1 anonymous audit " in purge()
    assert not Audit.objects.filter(pk=audit.pk).exists()
    assert traces(*of_audit(audit)) == []


def test_an_audit_changed_within_the_session_age_is_kept(make_audit: MakeAudit) -> None:
    audit = make_audit()
    age(audit, by=AGE - timedelta(hours=1))
    assert "Deleted 0 anonymous audits" in purge()
    assert Audit.objects.filter(pk=audit.pk).exists()
