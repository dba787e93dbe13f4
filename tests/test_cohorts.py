"""Cohorts: the counting (audits.cohorts), the organiser's page and export, the invitation and
joining, a member's choices, and that an organiser never sees a member who did not consent."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audits import cohorts
from audits.cohort_views import cohort_figures
from audits.models import Audit, Cohort, CohortInvite, Membership, Rating, Shares
from config.logs import redact
from skillmap.guide import current_guide
from skillmap.values import Step
from tests.conftest import ALL_FOUR, MakeAudit

pytestmark = pytest.mark.django_db

ALL_FIVE = dict.fromkeys(ALL_FOUR, 5)


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def without_csrf(body: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", body)


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make_cohort(owner: User, name: str = "Reading group", min_group: int = 5) -> Cohort:
    return Cohort.objects.create(owner=owner, name=name, min_group=min_group)


def member(
    make_audit: MakeAudit,
    cohort: Cohort,
    username: str,
    *,
    ratings: dict[str, int] | None = None,
    named: bool = False,
    shares: str = Shares.LATEST,
    track: str = "research-scientist",
) -> User:
    user = User.objects.create_user(username, password="pw-for-tests-only")
    make_audit(owner=user, track=track, ratings=ratings or ALL_FOUR, complete=True)
    Membership.objects.create(cohort=cohort, user=user, named=named, shares=shares)
    return user


# --- The counting ---------------------------------------------------------------------------


def test_small_counts_are_hidden_and_a_lone_hidden_one_takes_another_with_it() -> None:
    assert [str(t) for t in cohorts.suppress([5, 4, 3])] == ["5", "4", "3"]
    # 1 alone hidden: the 4 could give it away (total 10 - 5 - 4), so it is hidden too.
    assert [str(t) for t in cohorts.suppress([5, 4, 1])] == ["5", "fewer than 3", "fewer than 3"]
    # Zero is hidden as well: a member joining moves no figure from "0" to "fewer than 3".
    assert [str(t) for t in cohorts.suppress([6, 0, 0])] == ["6", "fewer than 3", "fewer than 3"]
    assert [str(t) for t in cohorts.suppress([6, 0])] == ["6", "fewer than 3"]


def test_below_the_smallest_group_nothing_but_counts_is_worked_out(
    owner: User, make_audit: MakeAudit
) -> None:
    cohort = make_cohort(owner)
    for n in range(4):
        member(make_audit, cohort, f"m{n}")
    member(make_audit, cohort, "quiet", shares=Shares.NOTHING)
    f = cohort_figures(cohort)
    assert (f.joined, f.sharing, f.shown, f.needed) == (5, 4, False, 1)
    assert f.heat == () and f.gaps == () and f.named == () and f.targets == ()


def test_the_heat_map_counts_each_member_against_their_own_target(
    owner: User, make_audit: MakeAudit
) -> None:
    cohort = make_cohort(owner)
    for n in range(3):  # research 2 against research scientist's target
        member(make_audit, cohort, f"short{n}")
    for n in range(3):
        member(make_audit, cohort, f"met{n}", ratings=ALL_FIVE)
    f = cohort_figures(cohort)
    assert f.shown and f.sharing == 6
    assert [(name, str(t)) for name, t in f.targets] == [("Research Scientist", "6")]
    every, track = f.heat
    assert track.title == "Research Scientist"
    research = next(r for r in track.rows if r.bucket.startswith("Research"))
    assert research.is_focus and track.rows[0].is_focus  # hired-on buckets first
    gap = current_guide().map.track("research-scientist")
    assert gap is not None
    met, one, two, three, unmeasured = research.cells
    assert met.n == 3 and not met.hidden
    assert one.n + two.n + three.n == 3
    assert unmeasured.hidden  # zero: "fewer than 3"
    # The most common hired-on gap: Research, with papers behind it and steps for it.
    assert f.gaps[0].bucket.startswith("Research")
    papers = next(s for s in f.gaps[0].skills if s.name.lower().startswith("reading"))
    assert str(papers.members) == "3"


def test_re_audits_and_plan_progress(owner: User, make_audit: MakeAudit) -> None:
    cohort = make_cohort(owner)
    for n in range(5):
        user = member(make_audit, cohort, f"m{n}")
        if n < 3:  # three re-audited
            make_audit(owner=user, ratings=ALL_FOUR, complete=True)
    f = cohort_figures(cohort)
    assert str(f.reaudits) == "3"
    assert f.median_done == 0 and f.median_listed and f.median_listed > 0
    # A re-audit more than six weeks ago is not recent.
    Audit.objects.update(completed_at=timezone.now() - timedelta(weeks=7))
    assert cohort_figures(cohort).reaudits.n == 0


def test_the_latest_completed_audit_is_the_one_counted(owner: User, make_audit: MakeAudit) -> None:
    cohort = make_cohort(owner, min_group=3)
    users = [member(make_audit, cohort, f"m{n}") for n in range(3)]
    before = cohort_figures(cohort).heat[0]
    for user in users:  # everyone re-audits, now meeting research
        make_audit(owner=user, ratings=ALL_FIVE, complete=True)
        make_audit(owner=user, ratings={"reading-papers": 1})  # an open audit counts for nothing
    after = cohort_figures(cohort).heat[0]
    assert before != after
    research = next(r for r in after.rows if r.bucket.startswith("Research"))
    assert research.cells[0].n == 3


# --- Making a cohort and its invitation -----------------------------------------------------


def test_an_organiser_starts_a_cohort_and_gets_its_link_once(owner: User) -> None:
    client = logged_in(owner)
    assert client.get(reverse("audits:cohort_new")).status_code == 200
    response = client.post(
        reverse("audits:cohort_new"), {"name": "Fellows", "note": "Hi", "min_group": "5"}
    )
    assert response.status_code == 201
    cohort = Cohort.objects.get()
    assert cohort.owner == owner and cohort.min_group == 5
    page = response.content.decode()
    assert "/cohorts/join/" in page and "shown only this once" in page
    assert response["Cache-Control"].count("no-store") == 1
    # A reload shows the link's dates, never the token again.
    again = client.get(cohort.get_absolute_url()).content.decode()
    assert "/cohorts/join/" not in again


def test_the_smallest_group_is_never_below_three(owner: User) -> None:
    response = logged_in(owner).post(
        reverse("audits:cohort_new"), {"name": "Pair", "min_group": "2"}
    )
    assert response.status_code == 400
    assert "at least 3" in response.content.decode()
    assert not Cohort.objects.exists()


def test_a_visitor_is_asked_to_log_in_to_start_one(anon_client: Client) -> None:
    response = anon_client.get(reverse("audits:cohort_new"))
    assert response.status_code == 302 and "/account/login/" in response.url


def test_a_new_link_replaces_the_old_one(owner: User, anon_client: Client) -> None:
    cohort = make_cohort(owner)
    _, first = cohort.new_invite()
    _, second = cohort.new_invite()
    assert anon_client.get(reverse("audits:cohort_join", args=[first])).status_code == 404
    assert anon_client.get(reverse("audits:cohort_join", args=[second])).status_code == 302


def test_revoking_the_link_from_the_page(owner: User, anon_client: Client) -> None:
    cohort = make_cohort(owner)
    _, token = cohort.new_invite()
    client = logged_in(owner)
    url = reverse("audits:cohort_invite_revoke", args=[cohort.public_id])
    response = client.post(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'id="cohort-invite"' in response.content.decode()
    assert "<h1>" not in response.content.decode()  # the partial only
    assert anon_client.get(reverse("audits:cohort_join", args=[token])).status_code == 404


def test_a_new_link_from_the_page_with_and_without_htmx(owner: User) -> None:
    cohort = make_cohort(owner)
    client = logged_in(owner)
    url = reverse("audits:cohort_invite", args=[cohort.public_id])
    partial = client.post(url, {"days": "7"}, headers={"HX-Request": "true"})
    assert partial.status_code == 201 and "<h1>" not in partial.content.decode()
    full = client.post(url, {"days": "30"})
    assert full.status_code == 201 and "<h1>" in full.content.decode()
    assert CohortInvite.objects.filter(cohort=cohort).live().count() == 1
    assert client.post(url, {"days": "3"}).status_code == 400


@pytest.mark.parametrize("how", ["revoked", "expired", "unknown", "malformed"])
def test_dead_invitations_get_the_share_links_dead_link_answer(
    how: str, owner: User, anon_client: Client, other_client: Client
) -> None:
    cohort = make_cohort(owner)
    invite, token = cohort.new_invite()
    if how == "revoked":
        invite.revoke()
    elif how == "expired":
        CohortInvite.objects.filter(pk=invite.pk).update(
            created_at=timezone.now() - timedelta(days=40),
            expires_at=timezone.now() - timedelta(seconds=1),
        )
    elif how == "unknown":
        token = "A" * 43
    else:
        token = "not-a-token"
    dead = anon_client.get(reverse("audits:shared", args=["B" * 43]))
    for method in ("get", "post"):
        response = getattr(anon_client, method)(reverse("audits:cohort_join", args=[token]))
        assert response.status_code == 404
        assert response.content == dead.content
        assert response["X-Robots-Tag"] == "noindex"
    # Signed in, the same page but for the log-out form's own CSRF token.
    signed_in = other_client.get(reverse("audits:cohort_join", args=[token]))
    also_dead = other_client.get(reverse("audits:shared", args=["B" * 43]))
    assert signed_in.status_code == 404
    assert without_csrf(signed_in.content) == without_csrf(also_dead.content)


def test_an_invitation_opens_only_its_join_page(owner: User, anon_client: Client) -> None:
    cohort = make_cohort(owner)
    _, token = cohort.new_invite()
    assert anon_client.get(reverse("audits:shared", args=[token])).status_code == 404
    assert anon_client.get(reverse("audits:rate_me", args=[token])).status_code == 404
    assert anon_client.get(cohort.get_absolute_url()).status_code == 404


# --- Joining, choosing, leaving -------------------------------------------------------------


def test_a_signed_out_visitor_signs_in_and_lands_back_on_the_invitation(
    owner: User, other_user: User
) -> None:
    cohort = make_cohort(owner, name="Fellows")
    _, token = cohort.new_invite()
    join = reverse("audits:cohort_join", args=[token])
    client = Client()
    response = client.get(join)
    assert response.status_code == 302
    assert response.url == f"/account/login/?next={join}"
    other_user.set_password("a-long-pass-phrase")
    other_user.save()
    logged = client.post(
        response.url, {"username": other_user.username, "password": "a-long-pass-phrase"}
    )
    assert logged.status_code == 302 and logged.url == join
    page = client.get(join)
    assert page.status_code == 200
    assert "Join Fellows" in page.content.decode()
    assert page["X-Robots-Tag"] == "noindex"
    joined = client.post(join, {"shares": "latest"})
    assert joined.status_code == 302
    membership = Membership.objects.get(cohort=cohort, user=other_user)
    assert membership.sharing and not membership.named  # names are off unless asked for
    # Opening the link again goes to what they share, not a second membership.
    assert client.get(join).url == reverse("audits:cohort_membership", args=[cohort.public_id])
    assert client.post(join, {"shares": "latest", "named": "on"}).status_code == 302
    assert Membership.objects.filter(user=other_user).count() == 1


def test_a_signed_out_visitor_signs_up_from_the_log_in_page_and_joins(owner: User) -> None:
    cohort = make_cohort(owner, name="Fellows")
    _, token = cohort.new_invite()
    join = reverse("audits:cohort_join", args=[token])
    client = Client()
    sent = client.get(join)
    assert sent.status_code == 302 and sent.url == f"/account/login/?next={join}"
    login_page = client.get(sent.url)
    assert login_page.status_code == 200
    # The form's own "Sign up" link (the one beside "Forgotten your password?", not the
    # header's) carries the invitation along.
    main = login_page.content.decode().split("<main", 1)[1]
    links = re.findall(r'<a href="(/account/signup/[^"]*)">Sign up</a>', main)
    assert len(links) == 1, main
    signup = links[0].replace("&amp;", "&")
    assert signup == "/account/signup/?" + urlencode({"next": join})
    form = client.get(signup)
    assert f'name="next" value="{join}"' in form.content.decode()

    signed_up = client.post(
        signup,
        {
            "username": "newcomer",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
            "next": join,
        },
    )
    assert signed_up.status_code == 302 and signed_up.url == join
    newcomer = User.objects.get(username="newcomer")
    page = client.get(join)
    assert page.status_code == 200 and "Join Fellows" in page.content.decode()
    assert not Membership.objects.exists()  # landing back on it joins nothing by itself
    joined = client.post(join, {"shares": "latest"})
    assert joined.status_code == 302
    assert joined.url == reverse("audits:cohort_membership", args=[cohort.public_id])
    membership = Membership.objects.get(cohort=cohort)
    assert membership.user == newcomer and not membership.named


def test_joining_needs_a_choice(owner: User, other_user: User) -> None:
    cohort = make_cohort(owner)
    _, token = cohort.new_invite()
    response = logged_in(other_user).post(
        reverse("audits:cohort_join", args=[token]), {"shares": "everything"}
    )
    assert response.status_code == 400
    assert not Membership.objects.exists()


def test_a_member_changes_their_choice_and_leaves(
    owner: User, other_user: User, make_audit: MakeAudit
) -> None:
    cohort = make_cohort(owner, min_group=3)
    for n in range(3):
        member(make_audit, cohort, f"m{n}")
    make_audit(owner=other_user, ratings=ALL_FOUR, complete=True)
    Membership.objects.create(cohort=cohort, user=other_user)
    assert cohort_figures(cohort).sharing == 4
    client = logged_in(other_user)
    url = reverse("audits:cohort_membership", args=[cohort.public_id])
    page = client.get(url).content.decode()
    assert "only ever counted with others" in page
    assert client.post(url, {"shares": "nothing"}).status_code == 302
    assert cohort_figures(cohort).sharing == 3
    assert "counted as joined" in client.get(url).content.decode()
    assert client.post(url, {"shares": "latest", "named": "on"}).status_code == 302
    figures = cohort_figures(cohort)
    assert [r.name for r in figures.named] == [other_user.username]
    leave = client.post(reverse("audits:cohort_leave", args=[cohort.public_id]))
    assert leave.status_code == 302
    after = cohort_figures(cohort)
    assert (after.joined, after.sharing, after.named) == (3, 3, ())
    assert client.get(url).status_code == 404


def test_deleting_an_account_takes_them_out_of_every_figure(
    owner: User, make_audit: MakeAudit
) -> None:
    cohort = make_cohort(owner, min_group=3)
    users = [member(make_audit, cohort, f"m{n}") for n in range(4)]
    users[0].delete()
    f = cohort_figures(cohort)
    assert (f.joined, f.sharing) == (3, 3)


def test_the_account_page_says_which_cohorts_and_what_each_sees(
    owner: User, other_user: User, make_audit: MakeAudit
) -> None:
    cohort = make_cohort(owner, name="Fellows <b>2026</b>")
    Membership.objects.create(cohort=cohort, user=other_user, named=True)
    page = logged_in(other_user).get("/account/").content.decode()
    assert "Fellows &lt;b&gt;2026&lt;/b&gt;" in page
    assert "and your name and results" in page
    mine = logged_in(owner).get("/account/").content.decode()
    assert "You organise" in mine and cohort.get_absolute_url() in mine


# --- The organiser's page -------------------------------------------------------------------


def test_the_page_below_the_smallest_group_says_how_many_more(
    owner: User, make_audit: MakeAudit
) -> None:
    cohort = make_cohort(owner)
    for n in range(4):
        member(make_audit, cohort, f"m{n}", named=True)
    page = logged_in(owner).get(cohort.get_absolute_url()).content.decode()
    assert "1 more member needs to share" in page
    assert "heat-map" not in page and "m0" not in page


def test_the_page_with_enough_members(owner: User, make_audit: MakeAudit) -> None:
    cohort = make_cohort(owner, name="<script>alert(1)</script>")
    for n in range(5):
        member(make_audit, cohort, f"member{n}", named=n < 2)
    response = logged_in(owner).get(cohort.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert 'class="heat-map stack-table"' in page and "Research Scientist" in page
    assert "member0" in page and "member1" in page
    assert "member2" not in page and "member4" not in page


def test_only_the_maker_adds_organisers(
    owner: User, other_user: User, editor: User, make_audit: MakeAudit
) -> None:
    cohort = make_cohort(owner)
    url = reverse("audits:cohort_organisers", args=[cohort.public_id])
    client = logged_in(owner)
    missing = client.post(url, {"username": "nobody-here"})
    assert missing.status_code == 400 and "no account called" in missing.content.decode()
    added = client.post(url, {"username": other_user.username}, headers={"HX-Request": "true"})
    assert added.status_code == 200 and other_user.username in added.content.decode()
    co = logged_in(other_user)
    assert co.get(cohort.get_absolute_url()).status_code == 200
    # A co-organiser sees the page, but adds nobody and deletes nothing.
    assert co.post(url, {"username": editor.username}).status_code == 404
    delete = reverse("audits:cohort_delete", args=[cohort.public_id])
    assert co.post(delete).status_code == 404
    assert client.post(delete).status_code == 302
    assert not Cohort.objects.exists()


def test_the_export_is_the_aggregate_table_and_formula_safe(
    owner: User, make_audit: MakeAudit
) -> None:
    cohort = make_cohort(owner, name='=HYPERLINK("http://x")')
    for n in range(5):
        member(make_audit, cohort, f"member{n}")
    response = logged_in(owner).get(reverse("audits:cohort_export", args=[cohort.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["cohort", '\'=HYPERLINK("http://x")']
    assert ["joined", "", "", "", "5"] in rows
    assert any(r[0] == "heat map" and r[1] == "Research Scientist" for r in rows)
    assert "member" not in response.content.decode()


def test_rate_limits_on_starting_cohorts_and_joining(
    settings: Any, owner: User, other_user: User
) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "cohort": "1/h", "cohort_join": "1/h"}
    client = logged_in(owner)
    url = reverse("audits:cohort_new")
    assert client.post(url, {"name": "One", "min_group": "5"}).status_code == 201
    assert client.post(url, {"name": "Two", "min_group": "5"}).status_code == 429
    _, token = Cohort.objects.get().new_invite()
    join = reverse("audits:cohort_join", args=[token])
    joiner = logged_in(other_user)
    assert joiner.post(join, {"shares": "everything"}).status_code == 400
    assert joiner.post(join, {"shares": "latest"}).status_code == 429


# --- Consent: nothing of a member who did not opt in, by any view ---------------------------

SECRET_NOTE = "zq-private-note-7781"


def test_no_cohort_view_shows_anything_of_a_member_who_did_not_opt_in(
    owner: User, make_audit: MakeAudit
) -> None:
    cohort = make_cohort(owner, min_group=3)
    for n in range(3):
        member(make_audit, cohort, f"named{n}", named=True)
    quiet = member(make_audit, cohort, "quietmember-5523", ratings={**ALL_FOUR, "threat-models": 5})
    audit = Audit.objects.get(owner=quiet)
    Rating.objects.filter(audit__owner=quiet).update(note=SECRET_NOTE)
    Audit.objects.filter(pk=audit.pk).update(
        snapshot={**(audit.snapshot or {}), "notes": {"reading-papers": SECRET_NOTE}}
    )
    _, token = cohort.new_invite()
    client = logged_in(owner)
    pid = cohort.public_id
    hx = {"HX-Request": "true"}
    responses = [
        client.get(reverse("audits:cohort_join", args=[token])),
        client.get(reverse("audits:cohort", args=[pid])),
        client.get(reverse("audits:cohort", args=[pid]), headers=hx),
        client.get(reverse("audits:cohort_export", args=[pid])),
        client.post(reverse("audits:cohort_invite", args=[pid]), {"days": "7"}, headers=hx),
        client.post(reverse("audits:cohort_invite", args=[pid]), {"days": "7"}),
        client.post(reverse("audits:cohort_invite_revoke", args=[pid]), headers=hx),
        client.post(reverse("audits:cohort_organisers", args=[pid]), {"username": "x"}),
        client.post(reverse("audits:cohort_organisers", args=[pid]), {"username": "x"}, headers=hx),
        client.get(reverse("audits:cohort_delete", args=[pid])),
        client.get("/account/"),
    ]
    assert all(r.status_code in (200, 201, 400) for r in responses), [
        r.status_code for r in responses
    ]
    for response in responses:
        body = response.content.decode()
        for secret in ("quietmember-5523", SECRET_NOTE, str(audit.public_id), quiet.email or "~"):
            assert secret not in body
    # The named members are there (so the check above looks where names would be).
    assert "named0" in responses[1].content.decode()


# --- Queries --------------------------------------------------------------------------------


def two_hundred_members(cohort: Cohort, make_audit: MakeAudit) -> None:
    """200 members sharing, a few named, all with a completed audit (copies of one)."""
    first = make_audit(owner=None, ratings=ALL_FOUR, complete=True)
    users = User.objects.bulk_create(User(username=f"m{n:03}") for n in range(200))
    Audit.objects.bulk_create(
        Audit(
            owner=user,
            track_id=first.track_id,
            completed_at=first.completed_at,
            map_snapshot_id=first.map_snapshot_id,
            snapshot=first.snapshot,
            summary=first.summary,
            plan=first.plan,
        )
        for user in users
    )
    Membership.objects.bulk_create(
        Membership(cohort=cohort, user=user, named=n < 3) for n, user in enumerate(users)
    )


# session, user, the cohort, the memberships with their latest audits, those audits, their
# owners' done steps, the map's revision (is the map this process built still today's?), the
# organisers, the live invitation
COHORT_PAGE = 9


def test_the_cohort_page_asks_the_same_few_questions_for_200_members(
    owner: User, make_audit: MakeAudit, django_assert_num_queries: Any
) -> None:
    cohort = make_cohort(owner)
    cohort.new_invite()
    two_hundred_members(cohort, make_audit)
    client = logged_in(owner)
    client.get(cohort.get_absolute_url())  # the map, built once per process
    with django_assert_num_queries(COHORT_PAGE):
        response = client.get(cohort.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "m000" in page and "m002" in page and "m003" not in page
    assert '<dd data-figure="joined">200</dd>' in page
    with django_assert_num_queries(COHORT_PAGE - 2):  # no organisers nor invitation
        export = client.get(reverse("audits:cohort_export", args=[cohort.public_id]))
    assert export.status_code == 200


def test_a_member_page_and_the_join_page_are_a_few_questions_each(
    owner: User, other_user: User, django_assert_num_queries: Any
) -> None:
    cohort = make_cohort(owner)
    _, token = cohort.new_invite()
    client = logged_in(other_user)
    join = reverse("audits:cohort_join", args=[token])
    with django_assert_num_queries(4):  # session, user, the invitation, a membership
        assert client.get(join).status_code == 200
    Membership.objects.create(cohort=cohort, user=other_user)
    with django_assert_num_queries(3):  # session, user, the membership with its cohort
        url = reverse("audits:cohort_membership", args=[cohort.public_id])
        assert client.get(url).status_code == 200


def test_a_lone_small_track_is_not_given_away_by_the_targets_total(
    owner: User, make_audit: MakeAudit
) -> None:
    cohort = make_cohort(owner)
    for n in range(5):
        member(make_audit, cohort, f"sci{n}")
    member(make_audit, cohort, "alone", track="interpretability")
    f = cohort_figures(cohort)
    # 6 share; Research Scientist's 5 would give Interpretability's 1 away, so both are hidden.
    assert [str(t) for _, t in f.targets] == ["fewer than 3", "fewer than 3"]
    assert str(f.heat[1].members) == "fewer than 3"  # the track's own table says no more
    assert [name for name, _ in f.thin_tracks] == ["Interpretability"]


def test_an_invitation_token_never_reaches_the_logs() -> None:
    token = "Mu0oe6Zmr3qezAt1TaNHiqRsuNmSADKOkEBDuImoBz0"
    assert redact(f"GET /cohorts/join/{token}/ HTTP/1.1") == (
        "GET /cohorts/join/[redacted]/ HTTP/1.1"
    )
    # The log-in page it sends a signed-out visitor to carries it in `next`, encoded or not.
    assert token not in redact(f"GET /account/login/?next=/cohorts/join/{token}/ HTTP/1.1")
    assert token not in redact(f"GET /account/login/?next=%2Fcohorts%2Fjoin%2F{token}%2F")


def test_a_member_without_a_completed_audit_is_joined_not_sharing(
    owner: User, make_audit: MakeAudit
) -> None:
    cohort = make_cohort(owner, min_group=3)
    for n in range(3):
        member(make_audit, cohort, f"m{n}")
    newcomer = User.objects.create_user("newcomer")
    make_audit(owner=newcomer, ratings={"reading-papers": 1})  # still open
    Membership.objects.create(cohort=cohort, user=newcomer, named=True)
    f = cohort_figures(cohort)
    assert (f.joined, f.sharing) == (4, 3)
    assert "newcomer" not in [r.name for r in f.named]


def test_the_invitation_escapes_the_organisers_words(owner: User, other_user: User) -> None:
    cohort = Cohort.objects.create(
        owner=owner, name="<img src=x onerror=alert(1)>", note="<script>x()</script>\nsecond"
    )
    _, token = cohort.new_invite()
    page = logged_in(other_user).get(reverse("audits:cohort_join", args=[token])).content.decode()
    assert "<img src=x" not in page and "<script>x()" not in page
    assert "&lt;script&gt;x()&lt;/script&gt;<br>second" in page


def test_the_steps_shown_for_a_gap_serve_its_track(owner: User, make_audit: MakeAudit) -> None:
    cohort = make_cohort(owner, min_group=3)
    for n in range(3):
        short = {**ALL_FOUR, "career-and-communication": 2}  # policy's hired-on bucket
        member(make_audit, cohort, f"m{n}", track="policy-and-governance", ratings=short)
    f = cohort_figures(cohort)
    steps = [step for g in f.gaps for s in g.skills for step in s.steps]
    assert steps
    assert all(step.serves("policy-and-governance") for step in steps)


def test_steps_for_a_gap_are_the_tracks_own_first() -> None:
    def step(n: int, tracks: tuple[str, ...]) -> Step:
        return Step(n, "papers", f"Step {n}", "done", "read", 1, position=n, tracks=tracks)

    everyone, theirs, others = (), ("policy",), ("research", "safety")
    skill_map = replace(
        current_guide().map,
        steps=(
            step(1, others),
            step(2, everyone),
            step(3, everyone),
            step(4, theirs),
            step(5, everyone),
        ),
    )
    shown = cohorts.serving_steps(skill_map, "papers", "policy")
    # Never another track's; the track's own first, then by position, shown in position order.
    assert [s.id for s in shown] == [2, 3, 4]
    assert [s.id for s in cohorts.serving_steps(skill_map, "papers", "research")] == [1, 2, 3]


def test_the_new_cohort_and_delete_pages_ask_little(
    owner: User, django_assert_num_queries: Any
) -> None:
    cohort = make_cohort(owner)
    client = logged_in(owner)
    with django_assert_num_queries(2):  # session, user
        assert client.get(reverse("audits:cohort_new")).status_code == 200
    delete = reverse("audits:cohort_delete", args=[cohort.public_id])
    with django_assert_num_queries(3):  # session, user, the cohort, scoped to its maker
        assert client.get(delete).status_code == 200
