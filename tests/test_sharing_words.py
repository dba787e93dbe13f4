"""The shared page (/shared/<token>/) shows the owner's results to someone else, and speaks of
the owner as "they"; the owner's own pages, built from the same templates, still say "you"."""

from __future__ import annotations

import html as htmlmod
import re
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.template import Context, Template, TemplateSyntaxError
from django.template.loader import get_template
from django.test import Client
from django.urls import reverse

from audits.models import Audit, Rating, ShareLink
from audits.templatetags.person import SECOND_PERSON, SHARED
from skillmap.guide import current_guide
from skillmap.models import Passage, Skill, Step
from tests.conftest import MakeAudit
from tests.test_results import scored_by_rules

SECOND_PERSON_WORD = re.compile(r"\b(you|your|yours|yourself)\b", re.IGNORECASE)
NOTE = "I read two papers a week"


def all_rated(value: int) -> dict[str, int]:
    return {s.slug: value for s in Skill.objects.all()}


def required_only(track: str, value: int) -> dict[str, int]:
    """The track's own questions rated, the optional ones left unrated."""
    skill_map = current_guide().map
    target = skill_map.track(track)
    assert target is not None
    return {s.slug: value for s in skill_map.questions_for(target)}


def shared_html(client: Client, audit: Audit) -> str:
    _, token = ShareLink.create_for(audit, include_notes=True)
    response = client.get(reverse("audits:shared", args=[token]))
    assert response.status_code == 200
    return response.content.decode()


def page_text(html: str) -> str:
    """What a reader reads in the page's <main>, less the map's own words (skill names, step
    titles and "done when", the guide's passages: instructions to whoever does them, kept
    verbatim) and the one line addressed to the reader ("Audit yourself")."""
    main = html[html.index("<main") : html.index("</main>")]
    text = htmlmod.unescape(re.sub(r"<[^>]+>", " ", main))
    text = re.sub(r"\s+", " ", text)
    content = [s.name for s in Skill.objects.all()]
    content += [t for step in Step.objects.all() for t in (step.title, step.done_when)]
    content += [p.body for p in Passage.objects.all()]
    for words in sorted(content, key=len, reverse=True):
        text = text.replace(re.sub(r"\s+", " ", words), " ")
    return text.replace("Audit yourself against the same map.", " ")


def second_person(text: str) -> list[str]:
    """Each "you" or "your" in the text, with a little of what surrounds it."""
    around = re.compile(rf".{{0,50}}{SECOND_PERSON_WORD.pattern}.{{0,30}}", re.IGNORECASE)
    return [m.group(0).strip() for m in around.finditer(text)]


SHAPES = [
    # (track, ratings, rules): gaps on the hired-on cells; every cell met; optional questions
    # left unrated; a track with no Very-high cell (the fallback headline); older rules.
    ("research-scientist", "low", 3),
    ("research-scientist", "high", 3),
    ("research-scientist", "required", 3),
    ("interpretability", "low", 3),
    ("applied-and-product-ml", "required", 2),
    ("policy-and-governance", "low", 1),
]


def ratings_for(track: str, shape: str) -> dict[str, int]:
    return {
        "low": all_rated(2),
        "high": all_rated(5),
        "required": required_only(track, 2),
    }[shape]


@pytest.mark.django_db
@pytest.mark.parametrize(("track", "shape", "rules"), SHAPES)
def test_the_shared_page_never_says_you_of_the_owner(
    owner: User, anon_client: Client, make_audit: MakeAudit, track: str, shape: str, rules: int
) -> None:
    audit = make_audit(owner=owner, track=track, ratings=ratings_for(track, shape))
    Rating.objects.filter(audit=audit).update(note=NOTE)  # shown in the plan, as written
    audit.complete(current_guide())
    if rules != 3:
        scored_by_rules(audit, rules)
    html = shared_html(anon_client, audit)
    assert second_person(page_text(html)) == []
    assert "below are them" not in html


@pytest.mark.django_db
def test_the_shared_page_reads_in_the_third_person(
    owner: User, anon_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner, ratings=all_rated(2), complete=True)
    text = page_text(shared_html(anon_client, audit))
    for sentence in (
        "What they’ll be hired on",
        "Their score: 2 of 5",
        "this is their six-week focus",
        "Them against the target",
        "their target",
        "What would move them most",
        "a cell they’re hired on",
        "Their six weeks",
        "the cells they are hired on",
        "they said 2",
        "Their weeks at",
        "A step they mark done is done on every plan of theirs",
        "Their re-audit is due on",
    ):
        assert sentence in text, sentence


@pytest.mark.django_db
def test_the_fallback_headline_and_unrated_cells_read_in_the_third_person(
    owner: User, anon_client: Client, make_audit: MakeAudit
) -> None:
    fallback = make_audit(
        owner=owner, track="interpretability", ratings=all_rated(2), complete=True
    )
    assert "Where their plan starts" in page_text(shared_html(anon_client, fallback))
    unrated = make_audit(
        owner=owner,
        track="applied-and-product-ml",
        ratings=required_only("applied-and-product-ml", 2),
    )
    unrated.complete(current_guide())
    assert "optional for their target" in page_text(shared_html(anon_client, unrated))


@pytest.mark.parametrize(
    ("viewer", "said"),
    [
        ("owner", "Domain not rated yet: rate it to see what would move you most."),
        (SHARED, "Domain not rated yet: until it is, what would move them most is not known."),
    ],
)
def test_an_unrated_cell_with_no_next_step_reads_right_for_each_reader(
    viewer: str, said: str
) -> None:
    """The branch no seeded audit reaches: no set of +1s to suggest, a cell not rated."""
    domain = SimpleNamespace(bucket=SimpleNamespace(short_name="Domain"))
    assessment = SimpleNamespace(next_step=None, unmeasured=[domain])
    html = get_template("audits/_next_step.html").render(
        {"assessment": assessment, "viewer": viewer}
    )
    assert html.strip() == f"<p>{said}</p>"


@pytest.mark.django_db
def test_the_owners_own_pages_still_say_you(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner, ratings=all_rated(2), complete=True)
    html = owner_client.get(reverse("audits:results", args=[audit.public_id])).content.decode()
    text = page_text(html)
    for sentence in (
        "What you’ll be hired on",
        "You: 2 of 5",
        "this is your six-week focus",
        "You against the target",
        "your target",
        "What would move you most",
        "a cell you’re hired on",
        "Your six weeks",
        "the cells you are hired on",
        "you said 2",
        "Your weeks at",
        "A step you mark done is done on every plan of yours",
        "Re-audit on",
    ):
        assert sentence in text, sentence
    for shared_only in ("they’ll", "Their ", "them most", "theirs"):
        assert shared_only not in text
    # The audit form's live panel shares the fit and next-step partials.
    open_audit = make_audit(owner=owner, ratings=all_rated(2))
    form = owner_client.get(reverse("audits:audit", args=[open_audit.public_id])).content.decode()
    assert "your target" in form and "their target" not in form


def test_the_person_tag_names_the_owner_for_whoever_reads() -> None:
    words = " ".join(f'{{% person "{w}" %}}' for w in SECOND_PERSON)
    template = Template("{% load person %}" + words)
    assert template.render(Context({})) == " ".join(SECOND_PERSON.values())
    assert template.render(Context({"viewer": "owner"})) == " ".join(SECOND_PERSON.values())
    assert template.render(Context({"viewer": SHARED})) == " ".join(SECOND_PERSON)


@pytest.mark.parametrize(
    "tag",
    ['{% person "you" %}', "{% person their %}", "{% person %}", '{% person "their" "them" %}'],
)
def test_the_person_tag_refuses_a_word_it_does_not_know_as_it_compiles(tag: str) -> None:
    with pytest.raises(TemplateSyntaxError):
        Template("{% load person %}" + tag)
