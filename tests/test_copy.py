"""Audit again: a new, open audit pre-filled with an earlier audit's ratings."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from audits.models import Audit
from tests.conftest import ALL_FOUR, MakeAudit, session_client_with


def copy_url(audit: Audit) -> str:
    return f"/audits/{audit.public_id}/copy/"


def ratings_of(audit: Audit) -> dict[str, tuple[int, str]]:
    return audit.ratings_by_slug()


def newest_other_than(audit: Audit) -> Audit:
    return Audit.objects.exclude(pk=audit.pk).get()


@pytest.mark.django_db
def test_copy_of_a_completed_audit_is_a_new_open_audit_with_its_ratings(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    original = make_audit(owner=owner, track="interpretability", ratings=ALL_FOUR)
    original.ratings.filter(skill__slug="reading-papers").update(note="Abstracts only")
    finished = owner_client.post(f"/audits/{original.public_id}/", {"action": "finish"})
    assert finished.status_code == 302
    kept = Audit.objects.get(pk=original.pk)

    response = owner_client.post(copy_url(original))

    fresh = newest_other_than(original)
    assert response.status_code == 302
    assert response["Location"] == f"/audits/{fresh.public_id}/"
    assert fresh.public_id != original.public_id
    assert fresh.owner == owner
    assert fresh.track.slug == "interpretability"
    assert fresh.completed_at is None
    assert fresh.snapshot is None
    assert ratings_of(fresh) == {
        slug: (value, "Abstracts only" if slug == "reading-papers" else "")
        for slug, value in ALL_FOUR.items()
    }
    # The original is kept exactly as it was.
    again = Audit.objects.get(pk=original.pk)
    assert (again.completed_at, again.snapshot) == (kept.completed_at, kept.snapshot)
    assert ratings_of(again) == ratings_of(fresh)


@pytest.mark.django_db
def test_the_copy_opens_pre_filled_and_can_be_changed(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    original = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)

    response = owner_client.post(copy_url(original), follow=True)
    html = response.content.decode()
    fresh = newest_other_than(original)

    assert response.status_code == 200
    assert "A new audit, pre-filled with your last ratings. Move only what has changed." in html
    # Research Scientist's form asks seven questions (the guide's five, experiments and the
    # portfolio); the other four are kept too, in the optional section.
    assert "<strong>7 of 7</strong> skills rated" in html
    checked = dict(re.findall(r'name="rating-([a-z-]+)" value="(\d)" id="[^"]+" checked', html))
    assert checked == {slug: str(value) for slug, value in ALL_FOUR.items()}

    saved = owner_client.post(f"/audits/{fresh.public_id}/", {"rating-reading-papers": "3"})

    assert saved.status_code == 302
    assert ratings_of(fresh)["reading-papers"] == (3, "")
    assert ratings_of(original)["reading-papers"] == (2, "")


@pytest.mark.django_db
def test_the_conflict_page_offers_the_copy(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    original = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)

    conflict = owner_client.post(f"/audits/{original.public_id}/", {"rating-reading-papers": "5"})
    html = conflict.content.decode()
    action = re.search(r'<form method="post" action="([^"]+)">', html.split("<main")[1])

    assert conflict.status_code == 409
    assert action is not None
    assert action.group(1) == copy_url(original)
    assert owner_client.post(action.group(1)).status_code == 302
    assert Audit.objects.count() == 2


@pytest.mark.django_db
def test_the_results_page_offers_the_copy(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    original = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)

    html = owner_client.get(f"/audits/{original.public_id}/results/").content.decode()

    assert f'<form method="post" action="{copy_url(original)}">' in html
    assert "Audit again from these ratings" in html


@pytest.mark.django_db
def test_an_anonymous_copy_stays_with_this_browser(make_audit: MakeAudit) -> None:
    original = make_audit(ratings=ALL_FOUR, complete=True)
    client = session_client_with(original)

    response = client.post(copy_url(original))

    fresh = newest_other_than(original)
    assert response.status_code == 302
    assert fresh.owner is None
    assert client.session["audit_ids"] == [str(fresh.public_id), str(original.public_id)]
    assert client.get(f"/audits/{fresh.public_id}/").status_code == 200
    assert session_client_with(original).get(f"/audits/{fresh.public_id}/").status_code == 404


@pytest.mark.django_db
def test_an_open_audit_can_be_copied_too(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    original = make_audit(owner=owner, ratings={"reading-papers": 4})

    owner_client.post(copy_url(original))

    assert ratings_of(newest_other_than(original)) == {"reading-papers": (4, "")}


@pytest.mark.django_db
def test_copy_only_by_post(owner: User, owner_client: Client, make_audit: MakeAudit) -> None:
    original = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)

    assert owner_client.get(copy_url(original)).status_code == 405
    assert Audit.objects.count() == 1


@pytest.mark.django_db
def test_copy_needs_a_csrf_token(owner: User, make_audit: MakeAudit) -> None:
    original = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)

    assert client.post(copy_url(original)).status_code == 403
    assert Audit.objects.count() == 1


@pytest.mark.django_db
def test_another_users_audit_cannot_be_copied(
    owner: User, other_client: Client, anon_client: Client, make_audit: MakeAudit
) -> None:
    original = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)

    assert other_client.post(copy_url(original)).status_code == 404
    assert anon_client.post(copy_url(original)).status_code == 404
    assert Audit.objects.count() == 1
