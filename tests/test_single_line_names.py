"""A name or title of the map is one line: the admin refuses a line break or other control
character in it with a clear message, and the reminder's subject is one line even for a name
stored before that check."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.test import Client

from audits import reminders
from audits.models import Audit
from skillmap.models import Bucket, Level, Passage, Requirement, Skill, Step, Track
from skillmap.validators import one_line, single_line
from tests.test_admin import form_data
from tests.test_reminders import reminded

pytestmark = pytest.mark.django_db

BAD = ["Research\r\nBcc: victim@example.com", "tab\there", "nul\x00", "del\x7f", "ls\u2028x"]
FIELDS = [
    (Track, "name"),
    (Bucket, "name"),
    (Bucket, "short_name"),
    (Level, "name"),
    (Skill, "name"),
    (Step, "title"),
    (Passage, "title"),
    (Requirement, "label"),
]


@pytest.mark.parametrize("value", BAD)
def test_the_validator_refuses_control_characters_and_says_which(value: str) -> None:
    with pytest.raises(ValidationError) as refused:
        single_line(value)
    message = refused.value.messages[0]
    assert message.startswith("Keep this to one line: remove the line break")
    assert "U+" in message


@pytest.mark.parametrize("value", ["Research Scientist", "Low–Med (literacy)", "Ops & “people”"])
def test_ordinary_names_pass(value: str) -> None:
    single_line(value)


@pytest.mark.parametrize(("model", "name"), FIELDS, ids=[f"{m.__name__}.{n}" for m, n in FIELDS])
def test_every_name_and_title_of_the_map_is_one_line(model: type[models.Model], name: str) -> None:
    field: Any = model._meta.get_field(name)
    assert single_line in field.validators
    with pytest.raises(ValidationError):
        field.clean("two\nlines", None)


def test_the_admin_refuses_a_track_name_with_a_line_break(editor_client: Client) -> None:
    track = Track.objects.get(slug="research-scientist")
    url = f"/admin/skillmap/track/{track.pk}/change/"
    data = form_data(editor_client, url, "track_form")
    data["name"] = ["Research Scientist\r\nBcc: victim@example.com"]

    response = editor_client.post(url, data)

    assert response.status_code == 200  # the form again, with its error
    assert "Keep this to one line" in response.content.decode()
    assert "U+000A, U+000D" in response.content.decode()
    assert Track.objects.get(pk=track.pk).name == "Research Scientist"


def test_one_line_collapses_breaks_and_controls() -> None:
    assert one_line("Research\r\nBcc: x@example.com") == "Research Bcc: x@example.com"
    assert one_line("  a\t\x00b\u2028 c ") == "a b c"


def test_the_reminder_subject_is_one_line_for_a_name_stored_before_the_check(
    owner: Any, make_audit: Any
) -> None:
    audit = reminded(owner, make_audit)
    Track.objects.filter(pk=audit.track_id).update(name="Research\r\nBcc: victim@example.com")
    audit = Audit.objects.select_related("owner", "track", "map_snapshot").get(pk=audit.pk)

    message = reminders.message(audit, "https://skills.example")

    assert message.subject == "Time to re-audit: Research Bcc: victim@example.com"
    headers = message.message().as_bytes().split(b"\n\n", 1)[0]
    assert b"\nBcc:" not in headers
    assert b"\nSubject: Time to re-audit: Research Bcc: victim@example.com\n" in headers
