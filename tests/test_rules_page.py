"""The rule page (/audits/how-scoring-works/): rules 3 in full, each level's target rating
beside its weight, and a worked example from the reader's own audit (?audit=, theirs only) or,
without one, from a fixed illustration labelled as such."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from skillmap.models import Level, MapRevision
from tests.conftest import ALL_FOUR, MakeAudit, session_client_with

RULE = "/audits/how-scoring-works/"


def words(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def table(html: str, css: str) -> list[list[str]]:
    body = html[html.index(f'class="{css}"') :]
    body = body[: body.index("</table>")]
    return [
        [words(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def without_tokens(html: bytes) -> bytes:
    # A fresh CSRF token is masked differently on every render, and a login link names the page.
    html = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", html)
    return re.sub(rb'next=[^"&]*', b"next=", html)


@pytest.mark.django_db
def test_the_rule_page_states_rules_three_and_each_levels_target_beside_its_weight(
    anon_client: Client,
) -> None:
    html = anon_client.get(RULE).content.decode()
    text = words(html)

    assert table(html, "levels-table") == [
        ["Level", "What it asks (target rating)", "Weight"],
        ["Low", "2 of 5", "1"],
        ["Low–Med", "3 of 5", "2"],
        ["Medium", "3 of 5", "3"],
        ["High", "4 of 5", "4"],
        ["Very high", "5 of 5", "5"],
    ]
    # Low–Med and Medium ask for the same rating, and the page says so plainly.
    assert "Low–Med and Medium both ask for a 3 and differ only in weight." in text
    assert "Low asks for a 2." in text
    assert "Nothing else breaks a tie." in text
    assert "Tracks less than 0.25 of a point apart share a place (“tied 1st”)" in text
    assert "a High or Very-high cell 2 or more points short comes after every track" in text
    # Coverage only guards the target: nothing partly rated above it or in its place.
    assert "Tracks are ranked in three steps" in text
    assert "comes after every track rated in full" not in text
    assert (
        "Once your target is rated in full, a track with a cell not rated yet (one whose "
        "questions your target’s form leaves optional) never ranks above your target nor shares "
        "its place: any that would is placed just below it, in the same order among themselves."
    ) in text
    assert "The tracks placed just below your target for a cell not rated yet are called " in text
    assert "close (under 0.5 points short), within reach (under 1.5) or far" in text
    assert "both must rise together (“raise X and Y to 4”)" in text
    assert "strength" not in text


@pytest.mark.django_db
def test_the_page_says_plainly_which_levels_ask_the_same_rating(anon_client: Client) -> None:
    # Worked out from the levels, never written in: were Low–Med to ask for a 2 (as Low does),
    # the page would say those two differ only in weight.
    Level.objects.filter(slug="low-med").update(target=2)
    MapRevision.bump()

    text = words(anon_client.get(RULE).content.decode())

    assert "Low and Low–Med both ask for a 2 and differ only in weight." in text
    assert "Medium" not in text.split("differ only in weight.")[0].split("weight is how much")[1]


@pytest.mark.django_db
def test_without_an_audit_the_worked_example_is_a_labelled_illustration(
    anon_client: Client,
) -> None:
    html = anon_client.get(RULE).content.decode()

    assert (
        "An illustration, not anyone’s audit: every question rated 3, against Research Scientist."
        in words(html)
    )
    assert table(html, "worked-table") == [
        ["Cell", "Asks", "Weight", "You", "Gap", "Gap × weight"],
        ["Technical High", "4", "4", "3", "1", "4"],
        ["Research Very high", "5", "5", "3", "2", "10"],
        ["Communication High", "4", "4", "3", "1", "4"],
        ["Domain Math, heavy, scored as High", "4", "4", "3", "1", "4"],
        ["Added up", "", "17", "", "", "22"],
    ]
    assert "Points short: 22 ÷ 17 = 1.29 on average per cell." in words(html)
    assert '<a href="/audits/new/">Start an audit</a>' in html


@pytest.mark.django_db
def test_with_the_owners_audit_the_worked_example_is_their_own(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(
        owner=owner, track="alignment-and-ai-safety", ratings=ALL_FOUR, complete=True
    )

    html = owner_client.get(f"{RULE}?audit={audit.public_id}").content.decode()

    assert "Worked example: your Alignment and AI Safety audit" in words(html)
    assert "illustration" not in html
    assert table(html, "worked-table")[1:] == [
        ["Technical High", "4", "4", "3", "1", "4"],
        ["Research High", "4", "4", "2", "2", "8"],
        ["Communication High", "4", "4", "5", "0", "0"],
        ["Domain Math + threat models, scored as High", "4", "4", "2", "2", "8"],
        ["Added up", "", "16", "", "", "20"],
    ]
    assert "Points short: 20 ÷ 16 = 1.25 on average per cell." in words(html)
    # The same figure the results page prints for the target.
    results = owner_client.get(f"/audits/{audit.public_id}/results/").content.decode()
    target = 'Alignment and AI Safety</span> <strong class="tag tag-target">your target</strong>'
    assert target in results
    assert "1.25 points short on average" in words(results)
    assert f'<a href="/audits/{audit.public_id}/results/">Back to your audit</a>' in html


@pytest.mark.django_db
def test_an_open_audit_is_worked_out_as_rated_so_far(make_audit: MakeAudit) -> None:
    audit = make_audit(ratings={"python-and-pytorch": 4, "deep-learning-and-transformers": 3})
    client = session_client_with(audit)  # an anonymous visitor's own audit, by their session

    html = client.get(f"{RULE}?audit={audit.public_id}").content.decode()

    assert "Your own cells, as rated so far, against Research Scientist." in words(html)
    rows = table(html, "worked-table")
    assert rows[1] == ["Technical High", "4", "4", "3", "1", "4"]
    assert rows[2] == ["Research Very high", "5", "5", "not rated yet: left out"]
    assert "Points short: 4 ÷ 4 = 1 on average per cell." in words(html)


@pytest.mark.django_db
def test_someone_elses_audit_or_a_bad_id_is_the_same_404(
    owner: User,
    other_client: Client,
    anon_client: Client,
    owner_client: Client,
    make_audit: MakeAudit,
) -> None:
    audit = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)

    for client in (other_client, anon_client):
        unknown = client.get(f"{RULE}?audit={uuid.uuid4()}")
        malformed = client.get(f"{RULE}?audit=not-an-id")
        theirs = client.get(f"{RULE}?audit={audit.public_id}")

        refused = (theirs, unknown, malformed) if client is other_client else (unknown, malformed)
        assert {r.status_code for r in refused} == {404}
        # Never a hint that the audit exists: the same page as for an id nobody has.
        assert len({without_tokens(r.content) for r in refused}) == 1
    # Logged out, an audit kept in an account asks its owner to log in and come back (the way
    # back every page of an owned audit offers), and then opens.
    back = anon_client.get(f"{RULE}?audit={audit.public_id}")
    assert back.status_code == 302 and back["Location"].startswith("/account/login/?next=")
    assert owner_client.get(f"{RULE}?audit={audit.public_id}").status_code == 200


@pytest.mark.django_db
def test_the_rule_page_queries_are_pinned(
    owner: User,
    owner_client: Client,
    anon_client: Client,
    make_audit: MakeAudit,
    django_assert_num_queries: Any,
) -> None:
    done = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)
    open_audit = make_audit(owner=owner, ratings={"reading-papers": 2})
    for url in (RULE, f"{RULE}?audit={done.public_id}", f"{RULE}?audit={open_audit.public_id}"):
        owner_client.get(url)  # the process builds its maps once
    anon_client.get(RULE)

    with django_assert_num_queries(1):  # the map's revision
        assert anon_client.get(RULE).status_code == 200
    # The session, the user, the revision and the audit with its snapshot (its map built once).
    with django_assert_num_queries(4):
        assert owner_client.get(f"{RULE}?audit={done.public_id}").status_code == 200
    # An open audit's ratings come with it, scored against today's map.
    with django_assert_num_queries(5):
        assert owner_client.get(f"{RULE}?audit={open_audit.public_id}").status_code == 200


@pytest.mark.django_db
def test_a_rules_one_audit_says_its_rules_differed(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    from tests.test_results import scored_by_rules

    audit = scored_by_rules(make_audit(owner=owner, ratings=ALL_FOUR, complete=True), 1)

    html = owner_client.get(f"{RULE}?audit={audit.public_id}").content.decode()

    assert "added the weighted gaps up rather than averaging them" in words(html)
    assert "worked-table" not in html
