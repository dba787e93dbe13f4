"""A step done stays done: ticks are the person's, on every plan of theirs, carried into a
re-audit's plan (listed done, no hours), undone everywhere at once, and claimed with an
anonymous browser's audits at sign-up or log-in (the earlier date winning)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from audits import plans
from audits.models import Audit, StepDone
from skillmap.guide import current_guide
from tests.conftest import HX, PASSWORD, MakeAudit, session_client_with
from tests.test_plan_pages import (
    LISTED,
    done_ids,
    fresh,
    plan_section,
    results,
    scientist_ratings,
    tick_url,
)

pytestmark = pytest.mark.django_db


def audit_again(client: Client, audit: Audit, **moved: int) -> Audit:
    """Audit again from this one through the site, move some ratings, finish."""
    assert client.post(f"/audits/{audit.public_id}/copy/").status_code == 302
    again = Audit.objects.exclude(pk=audit.pk).filter(track=audit.track).latest("id")
    again.ratings.filter(skill__slug__in=moved).delete()
    for slug, value in moved.items():
        again.ratings.create(skill_id=_skill_id(slug), value=value)
    again.complete(current_guide())
    return fresh(again)


def _skill_id(slug: str) -> int:
    from skillmap.models import Skill

    return Skill.objects.get(slug=slug).pk


def test_a_re_audits_plan_shows_finished_steps_done_and_schedules_new_work(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    first = make_audit(owner=owner, ratings=scientist_ratings(), complete=True)
    ticked = [item["id"] for item in first.plan["steps"][:4]]  # type: ignore[index]
    for step in ticked:
        assert owner_client.post(tick_url(first, step), {"done": "1"}).status_code == 302
    assert "4 of 21 steps done." in results(owner_client, first)

    second = audit_again(owner_client, first, **{"python-and-pytorch": 4})

    listed = {item["id"]: item["weeks"] for item in second.plan["steps"]}  # type: ignore[index]
    again_done = set(listed) & set(ticked)
    assert again_done  # the same gaps list some of the same steps
    assert all(listed[step] == [] for step in again_done)  # done: no hours in the new weeks
    html = results(owner_client, second)
    assert f"{len(again_done)} of {len(listed)} steps done." in html
    # The hours the done steps held go to the next steps: more of the others are scheduled.
    before = {item["id"] for item in first.plan["steps"] if item["weeks"]}  # type: ignore[index]
    now = {step for step, weeks in listed.items() if weeks}
    assert now - before and not now & set(ticked)
    scheduled = sum(h for weeks in listed.values() for _, h in weeks)
    assert scheduled <= plans.WEEKS * plans.DEFAULT_HOURS


def test_undoing_on_the_second_plan_undoes_on_the_first(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    first = make_audit(owner=owner, ratings=scientist_ratings(), complete=True)
    step = first.plan["steps"][0]["id"]  # type: ignore[index]
    owner_client.post(tick_url(first, step), {"done": "1"})
    second = audit_again(owner_client, first)
    assert step in done_ids(second)

    response = owner_client.post(tick_url(second, step), {"done": "0"}, headers=HX)

    assert response.status_code == 200
    assert done_ids(first) == done_ids(second) == set()
    assert "0 of 21 steps done." in results(owner_client, first)


def test_ticking_on_one_plan_shows_done_on_every_plan_listing_it(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    first = make_audit(owner=owner, ratings=scientist_ratings(), complete=True)
    second = make_audit(owner=owner, ratings=scientist_ratings(), complete=True)
    step = second.plan["steps"][0]["id"]  # type: ignore[index]
    assert step in plans.step_ids(first.plan)

    owner_client.post(tick_url(second, step), {"done": "1"})
    owner_client.post(tick_url(first, step), {"done": "1"})  # again: the first date is kept

    assert StepDone.objects.filter(owner=owner).count() == 1
    for audit in (first, second):
        section = plan_section(results(owner_client, audit))
        assert f"1 of {LISTED} steps done." in section
        assert f'<li id="step-{step}" class="plan-step done"' in section
    html = owner_client.get("/audits/").content.decode()
    assert html.count(f"1 of {LISTED} steps done") == 2


def test_a_step_staff_delete_stays_done_on_the_plans_that_listed_it(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    from skillmap.models import MapRevision, Step

    audit = make_audit(owner=owner, ratings=scientist_ratings(), complete=True)
    step = audit.plan["steps"][0]["id"]  # type: ignore[index]
    owner_client.post(tick_url(audit, step), {"done": "1"})
    Step.objects.filter(pk=step).delete()
    MapRevision.bump()

    assert step in done_ids(audit)
    assert f'<li id="step-{step}" class="plan-step done"' in results(owner_client, audit)


def test_another_users_ticks_never_count_on_my_plan(
    owner: User, other_user: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    mine = make_audit(owner=owner, ratings=scientist_ratings(), complete=True)
    theirs = make_audit(owner=other_user, ratings=scientist_ratings(), complete=True)
    step = theirs.plan["steps"][0]["id"]  # type: ignore[index]
    theirs.tick(step, True)

    assert done_ids(mine) == set()
    # And my tick on their plan's step through their audit's URL is a 404.
    assert owner_client.post(tick_url(theirs, step), {"done": "0"}).status_code == 404
    assert done_ids(theirs) == {step}


def test_an_anonymous_re_audit_keeps_its_ticks_and_sign_up_merges_them(
    make_audit: MakeAudit,
) -> None:
    first = make_audit(ratings=scientist_ratings(), complete=True)
    browser = session_client_with(first)
    steps = [item["id"] for item in first.plan["steps"][:2]]  # type: ignore[index]
    for step in steps:
        browser.post(tick_url(first, step), {"done": "1"})
    second = audit_again(browser, first)
    assert done_ids(second) == set(steps) & plans.step_ids(second.plan)

    browser.post(
        "/account/signup/",
        {"username": "newcomer", "password1": PASSWORD, "password2": PASSWORD},
    )

    user = User.objects.get(username="newcomer")
    assert sorted(StepDone.objects.filter(owner=user).values_list("step_id", flat=True)) == sorted(
        steps
    )
    assert not StepDone.objects.filter(owner=None).exists()
    assert done_ids(first) == set(steps)


def test_claiming_keeps_the_earlier_date_of_a_step_done_twice(
    owner: User, make_audit: MakeAudit
) -> None:
    anonymous = make_audit(ratings=scientist_ratings(), complete=True)
    mine = make_audit(owner=owner, ratings=scientist_ratings(), complete=True)
    step, other = [item["id"] for item in anonymous.plan["steps"][:2]]  # type: ignore[index]
    long_ago = timezone.now() - timedelta(days=30)
    StepDone.objects.create(audit=anonymous, step_id=step, done_at=long_ago)
    StepDone.objects.create(audit=anonymous, step_id=other, done_at=long_ago)
    mine.tick(step, True)  # today
    later = timezone.now() + timedelta(days=1)
    StepDone.objects.filter(owner=owner).update(done_at=later)
    StepDone.objects.create(owner=owner, step_id=9999, done_at=later)

    browser = session_client_with(anonymous)
    browser.post("/account/login/", {"username": "owner", "password": PASSWORD})

    ticks = dict(StepDone.objects.filter(owner=owner).values_list("step_id", "done_at"))
    assert ticks == {step: long_ago, other: long_ago, 9999: later}
    assert fresh(anonymous).owner == owner


def test_the_database_refuses_a_second_tick_and_a_tick_of_nobody(
    owner: User, make_audit: MakeAudit
) -> None:
    audit = make_audit(ratings=scientist_ratings(), complete=True)
    StepDone.objects.create(owner=owner, step_id=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        StepDone.objects.create(owner=owner, step_id=1)
    StepDone.objects.create(audit=audit, step_id=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        StepDone.objects.create(audit=audit, step_id=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        StepDone.objects.create(step_id=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        StepDone.objects.create(owner=owner, audit=audit, step_id=3)


def test_deleting_the_account_deletes_its_ticks(owner: User, make_audit: MakeAudit) -> None:
    audit = make_audit(owner=owner, ratings=scientist_ratings(), complete=True)
    audit.tick(audit.plan["steps"][0]["id"], True)  # type: ignore[index]
    owner.delete()
    assert not StepDone.objects.exists()


def test_the_reminder_lists_only_steps_not_done_on_any_plan(
    owner: User, make_audit: MakeAudit
) -> None:
    from audits import reminders

    first = make_audit(owner=owner, ratings=scientist_ratings(), complete=True)
    second = make_audit(owner=owner, ratings=scientist_ratings(), complete=True)
    step = first.plan["steps"][0]["id"]  # type: ignore[index]
    second.tick(step, True)  # done on the other plan
    title = first.taken().guide.map.step(step).title  # type: ignore[union-attr]

    body = reminders.message(fresh(first), "https://example.com").body
    assert "Steps still open in your plan" in body
    assert title not in body
    first.tick(step, False)
    assert title in reminders.message(fresh(first), "https://example.com").body
