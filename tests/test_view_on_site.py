"""The admin's "view on site" shortcut (/admin/r/<content type>/<id>/) redirects only to
objects of a model the staff user may view in the admin; for any other it answers 404, so an
editor of the map cannot walk the ids to list every audit's public id."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from audits.models import Audit
from skillmap.models import Track

pytestmark = pytest.mark.django_db


def shortcut(model: type, pk: int, prefix: str = "") -> str:
    content_type = ContentType.objects.get_for_model(model)
    return f"/admin/r/{prefix}{content_type.pk}/{pk}/"


def test_a_track_editor_gets_404_for_every_audit(
    editor_client: Client, make_audit: Callable[..., Audit], owner: User
) -> None:
    audits = [make_audit(owner=owner), make_audit(owner=None)]
    for audit in audits:
        response = editor_client.get(shortcut(Audit, audit.pk))
        assert response.status_code == 404
        assert str(audit.public_id) not in response.content.decode()
    # Past the last id too: the same answer, so nothing says how many there are.
    assert editor_client.get(shortcut(Audit, audits[-1].pk + 1)).status_code == 404
    # A content type id Django would read as the same number does not get round the check.
    for prefix in ("+", "0", " "):
        assert editor_client.get(shortcut(Audit, audits[0].pk, prefix)).status_code == 404


def test_a_track_editor_still_views_a_track_on_the_site(editor_client: Client) -> None:
    track = Track.objects.get(slug="research-scientist")
    response = editor_client.get(shortcut(Track, track.pk))
    assert response.status_code == 302
    assert response["Location"].endswith("/tracks/research-scientist/")


def test_staff_with_no_permissions_get_404_for_everything(
    make_audit: Callable[..., Audit], owner: User
) -> None:
    staff = User.objects.create_user("bare-staff", password="x", is_staff=True)
    client = Client()
    client.force_login(staff)
    audit = make_audit(owner=owner)
    track = Track.objects.get(slug="research-scientist")
    assert client.get(shortcut(Audit, audit.pk)).status_code == 404
    assert client.get(shortcut(Track, track.pk)).status_code == 404
    # A model the admin does not show at all (content types) has no shortcut either.
    assert client.get(shortcut(ContentType, 1)).status_code == 404


def test_staff_who_may_view_audits_keep_the_shortcut(
    make_audit: Callable[..., Audit], owner: User
) -> None:
    admin_user = User.objects.create_superuser("boss", "boss@example.com", "x")
    client = Client()
    client.force_login(admin_user)
    audit = make_audit(owner=owner)
    response = client.get(shortcut(Audit, audit.pk))
    assert response.status_code == 302
    assert response["Location"].endswith(f"/audits/{audit.public_id}/")


def test_anonymous_visitors_are_sent_to_the_admin_log_in(
    anon_client: Client, make_audit: Callable[..., Audit], owner: User
) -> None:
    response = anon_client.get(shortcut(Audit, make_audit(owner=owner).pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
