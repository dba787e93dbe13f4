"""Random requests at every endpoint: never a 5xx, and a rejected request changes no row.

Each example is one request by one of the cast (anonymous, an anonymous browser holding an
audit, the owner, another user) with random form data, ids and headers. It runs inside a
savepoint that is rolled back afterwards, so every example starts from the same rows.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import models, transaction
from django.test import Client
from django.test.client import MULTIPART_CONTENT, encode_multipart
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from audits.models import Audit, Rating
from skillmap.models import Skill
from tests.conftest import ALL_FOUR, PASSWORD, MakeAudit, session_client_with

pytestmark = pytest.mark.fuzz

# 2000 examples: about 20 s on an idle 2-core machine. FUZZ_EXAMPLES=20000 for a longer hunt.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2000"))

# Every page of the app, from config/urls.py and the apps' urls.py; {id} takes an audit id.
ENDPOINTS = [
    "/",
    "/healthz",
    "/tracks/{slug}/",
    "/audits/new/",
    "/audits/{id}/",
    "/audits/{id}/results/",
    "/audits/{id}/copy/",
    "/audits/{id}/delete/",
    "/audits/",
    "/audits/progress/",
    "/audits/export.json",
    "/audits/export.csv",
    "/account/",
    "/account/signup/",
    "/account/login/",
    "/account/logout/",
    "/account/delete/",
    "/account/password_reset/",
]
PERSONAS = ["anonymous", "anonymous browser", "owner", "other user"]
SKILLS = list(ALL_FOUR)
TRACKS = ["research-scientist", "interpretability", "policy-and-governance"]
CSRF_SECRET = "k" * 32  # an unmasked secret is also a valid token

# --- Strategies -----------------------------------------------------------------------------

keys = st.one_of(
    st.sampled_from(
        [
            *(f"rating-{s}" for s in SKILLS),
            *(f"note-{s}" for s in SKILLS),
            "rating-no-such-skill",
            "note-",
            "rating-",
            "track",
            "csrfmiddlewaretoken",
            "username",
            "password",
            "password1",
            "password2",
            "email",
            "page",
            "a",
            "b",
            "next",
        ]
    ),
    st.text(max_size=20),
)
values = st.one_of(
    st.sampled_from(
        [
            "",
            "abc",
            "0",
            "1",
            "3",
            "5",
            "6",
            "-1",
            " 4 ",
            "3.0",
            "1e3",
            "NaN",
            "owner",
            "owner@example.com",
            PASSWORD,
            CSRF_SECRET,
            "=HYPERLINK()",
            "9" * 5000,
            "x" * 281,
            "\x00",
            "<script>alert(1)</script>",
            *TRACKS,
        ]
    ),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.text(max_size=40),
)
some_pairs = st.lists(st.tuples(keys, values), max_size=12)
# More fields than DATA_UPLOAD_MAX_NUMBER_FIELDS allows.
too_many_pairs = st.just([(f"rating-{i}", "3") for i in range(250)])
form_pairs = st.one_of(some_pairs, some_pairs, some_pairs, some_pairs, too_many_pairs)
# "own" is the persona's own audit (the owner has an open and a completed one).
known_ids = st.sampled_from(["own", "mine", "mine completed", "theirs", "anonymous"])
ids = st.one_of(
    st.just("own"),
    st.just("own"),
    known_ids,
    known_ids,
    st.uuids().map(str),
    st.text(min_size=1, max_size=40).map(lambda s: quote(s, safe="")),
    st.sampled_from(["0", "-1", "None", "00000000-0000-0000-0000-00000000000g", "a" * 300]),
)
slugs = st.one_of(st.sampled_from(TRACKS), st.text(max_size=30).map(lambda s: quote(s, safe="")))
header_values = st.one_of(
    st.sampled_from(["true", "false", "", "TRUE", "1", "garbage"]), st.text(max_size=30)
)
headers = st.fixed_dictionaries(
    {},
    optional={
        "HX-Request": header_values,
        "HX-Target": header_values,
        "HX-Current-URL": header_values,
        "HX-Boosted": header_values,
        "Accept": st.sampled_from(
            ["text/html", "application/json", "*/*", "text/event-stream", "", "%%%"]
        ),
        "If-None-Match": st.sampled_from(['"home-1"', "*", "garbage", '"home-999999"']),
    },
)
# (how the body is encoded, the Content-Type header sent with it)
encodings = st.sampled_from(
    [
        ("form", "application/x-www-form-urlencoded"),
        ("form", "application/x-www-form-urlencoded; charset=utf-8"),
        ("form", "application/x-www-form-urlencoded; charset=klingon"),
        ("form", "application/x-www-form-urlencoded; charset=utf-16"),
        ("form", "application/x-www-form-urlencoded; charset=latin-1"),
        ("multipart", MULTIPART_CONTENT),
        ("form", "multipart/form-data"),
        ("form", "multipart/form-data; boundary=nope"),
        ("form", "application/json"),
        ("json", "application/json"),
        ("form", "text/plain"),
        ("form", ""),
        ("raw", "application/x-www-form-urlencoded"),
    ]
)
methods = st.one_of(
    st.sampled_from(["POST", "GET"]),
    st.sampled_from(["POST", "GET"]),
    st.sampled_from(["HEAD", "PUT", "PATCH", "DELETE", "OPTIONS"]),
)


@dataclass
class Cast:
    owner: User
    other: User
    audits: dict[str, str]  # name -> public_id
    anonymous_audit: Audit


def make_client(cast: Cast, persona: str, csrf: str) -> Client:
    if persona == "anonymous browser":
        client = session_client_with(cast.anonymous_audit)
    else:
        client = Client()
    client.handler.enforce_csrf_checks = csrf != "off"
    if persona in ("owner", "other user"):
        client.force_login(cast.owner if persona == "owner" else cast.other)
    client.cookies["csrftoken"] = CSRF_SECRET
    return client


def encode(pairs: list[tuple[str, str]], how: str) -> str | bytes:
    if how == "multipart":
        data: dict[str, list[str]] = {}
        for key, value in pairs:
            data.setdefault(key, []).append(value)
        return encode_multipart("BoUnDaRyStRiNg", data)
    if how == "json":
        return json.dumps(dict(pairs))
    if how == "raw":  # hand-made, possibly malformed percent-encoding
        return "&".join(f"{k}={v}" for k, v in pairs) + "&%ZZ=%ff&=&&x"
    return urlencode(pairs)


def digest() -> str:
    """Every stored audit, rating and user, as one hash."""
    hashed = hashlib.sha256()
    model: type[models.Model]
    for model in (Audit, Rating, User):
        fields = [f.attname for f in model._meta.concrete_fields]
        for row in model._default_manager.order_by("pk").values_list(*fields):
            hashed.update(repr(row).encode())
        hashed.update(b"|")
    return hashed.hexdigest()


@pytest.fixture
def cast(owner: User, other_user: User, make_audit: MakeAudit) -> Cast:
    mine = make_audit(owner=owner, ratings={"reading-papers": 2, "python-and-pytorch": 4})
    done = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)
    make_audit(owner=owner, track="interpretability", ratings=ALL_FOUR, complete=True)
    ready = make_audit(owner=other_user, ratings=ALL_FOUR)
    anonymous = make_audit(ratings={"math-you-actually-need": 3})
    Rating.objects.filter(audit=mine, skill=Skill.objects.get(slug="reading-papers")).update(
        note="rusty"
    )
    return Cast(
        owner=owner,
        other=other_user,
        audits={
            "mine": str(mine.public_id),
            "mine completed": str(done.public_id),
            "theirs": str(ready.public_id),
            "anonymous": str(anonymous.public_id),
        },
        anonymous_audit=anonymous,
    )


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run the block in a savepoint and undo it, whatever the block did."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@dataclass
class Request:
    persona: str
    method: str
    endpoint: str
    audit_id: str
    slug: str
    pairs: list[tuple[str, str]]
    encoding: tuple[str, str]
    headers: dict[str, str]
    csrf: str
    own: str


requests = st.builds(
    Request,
    persona=st.sampled_from(PERSONAS),
    method=methods,
    endpoint=st.one_of(
        st.sampled_from([e for e in ENDPOINTS if "{id}" in e]), st.sampled_from(ENDPOINTS)
    ),
    audit_id=ids,
    slug=slugs,
    pairs=form_pairs,
    encoding=encodings,
    headers=headers,
    # As a browser sends it (the token from the page), none, a wrong one, or not checked.
    csrf=st.sampled_from(["valid", "valid", "valid", "missing", "wrong", "off"]),
    own=st.sampled_from(["mine", "mine completed"]),
)


def audit_name(req: Request) -> str:
    """Which audit "own" means for this persona (a plain anonymous visitor owns none)."""
    if req.audit_id != "own":
        return req.audit_id
    if req.persona == "owner":
        return req.own
    return "theirs" if req.persona == "other user" else "anonymous"


def send(client: Client, cast: Cast, req: Request) -> Any:
    name = audit_name(req)
    path = req.endpoint.format(id=cast.audits.get(name, name), slug=req.slug)
    pairs, headers = list(req.pairs), dict(req.headers)
    if req.csrf == "valid":
        pairs.append(("csrfmiddlewaretoken", CSRF_SECRET))
        headers["X-CSRFToken"] = CSRF_SECRET
    elif req.csrf == "wrong":
        headers["X-CSRFToken"] = "w" * 64
    if req.method in ("GET", "HEAD", "OPTIONS"):
        query = urlencode(req.pairs)
        return client.generic(req.method, f"{path}?{query}" if query else path, headers=headers)
    how, content_type = req.encoding
    return client.generic(
        req.method, path, encode(pairs, how), content_type=content_type, headers=headers
    )


SEEN: Counter[str] = Counter()


@pytest.mark.django_db
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(req=requests)
def test_random_requests_never_crash_and_rejections_change_nothing(
    cast: Cast, req: Request
) -> None:
    with rolled_back():
        cache.clear()  # rate-limit counters: each example is a client's first request
        client = make_client(cast, req.persona, req.csrf)  # force_login writes
        before = digest()
        response = send(client, cast, req)
        after = digest()
    status = response.status_code
    SEEN[f"{status // 100}xx"] += 1
    SEEN["examples"] += 1
    event(f"status {status}")
    event(f"{req.method} {req.endpoint}")
    assert status < 500, f"{status} for {req!r:.2000}"
    if 400 <= status < 500:
        assert after == before, f"a {status} changed stored rows: {req!r:.2000}"


def test_report_how_many_examples_ran(capsys: pytest.CaptureFixture[str]) -> None:
    """Runs after the property test (file order) and prints what it did."""
    if not SEEN:
        pytest.skip("the fuzz test did not run")
    with capsys.disabled():
        print(f"\nfuzz: {SEEN['examples']} examples; responses by class: ", end="")
        print(", ".join(f"{k} {v}" for k, v in sorted(SEEN.items()) if k != "examples"))
