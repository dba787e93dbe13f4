"""Rejected requests get the site's own error pages, never Django's debug or bare pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.test.client import MULTIPART_CONTENT

from audits.models import Audit, Rating
from tests.conftest import MakeAudit
from tests.test_security_headers import assert_protective_headers

pytestmark = pytest.mark.django_db

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

FORM = "application/x-www-form-urlencoded"
ONE_MB = 1024 * 1024
JUST_OVER = 64 * 1024 + 1
LEAKS = ("Traceback", 'File "', "config.settings", "DJANGO_SETTINGS_MODULE")


def text(response: TestResponse) -> str:
    return response.content.decode()


def assert_our_page(response: TestResponse, status: int, heading: str) -> None:
    html = text(response)
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert f"<h1>{heading}</h1>" in html
    assert "Back to the skills map" in html  # ours, not Django's stock page
    for leak in LEAKS:
        assert leak not in html


def body_of(size: int) -> str:
    """A form body of exactly `size` bytes: one long rating note."""
    prefix = "note-reading-papers="
    return prefix + "x" * (size - len(prefix))


# --- Oversized bodies -----------------------------------------------------------------------


@pytest.mark.parametrize("size", [ONE_MB, JUST_OVER], ids=["1MB", "64KiB+1"])
def test_oversized_save_is_400_and_saves_nothing(
    owner_client: Client, owner: User, make_audit: MakeAudit, size: int
) -> None:
    audit = make_audit(owner=owner, ratings={"reading-papers": 2})

    response = owner_client.post(f"/audits/{audit.public_id}/", body_of(size), content_type=FORM)

    assert_our_page(response, 400, "Bad request")
    assert list(Rating.objects.filter(audit=audit).values_list("value", "note")) == [(2, "")]


@pytest.mark.parametrize("size", [ONE_MB, JUST_OVER], ids=["1MB", "64KiB+1"])
def test_oversized_body_is_400_even_before_the_csrf_check(size: int) -> None:
    # With CSRF enforced (and a CSRF cookie), the middleware is the first to read the body.
    client = Client(enforce_csrf_checks=True)
    client.get("/account/login/")
    response = client.post("/account/login/", body_of(size), content_type=FORM)
    assert_our_page(response, 400, "Bad request")


@pytest.mark.parametrize(
    "url", ["/audits/new/", "/account/signup/", "/account/login/", "/account/password_reset/"]
)
def test_oversized_post_to_any_form_is_400(anon_client: Client, url: str) -> None:
    before = Audit.objects.count()
    response = anon_client.post(url, body_of(ONE_MB), content_type=FORM)
    assert_our_page(response, 400, "Bad request")
    assert Audit.objects.count() == before


class Unreadable:
    """A request body that fails the test if anything reads it."""

    def read(self, *args: object) -> bytes:
        raise AssertionError("the body was read")

    readline = read


def claimed_body(length: int, content_type: str) -> dict[str, object]:
    """WSGI environ for a body of `length` bytes that is never actually there to read."""
    return {"CONTENT_LENGTH": str(length), "CONTENT_TYPE": content_type, "wsgi.input": Unreadable()}


@pytest.mark.parametrize(
    "url", ["/audits/new/", "/account/login/", "/admin/login/", "/", "/no/such/page/"]
)
def test_a_body_over_the_cap_is_413_before_it_is_read(url: str) -> None:
    # CSRF enforced (with a cookie) and a bad token: the CSRF check would read the body.
    client = Client(enforce_csrf_checks=True)
    client.get("/account/login/")
    twenty_mb = 20 * ONE_MB
    for content_type in (MULTIPART_CONTENT, FORM):
        response = client.generic(
            "POST", url, headers={"X-CSRFToken": "w" * 64}, **claimed_body(twenty_mb, content_type)
        )
        assert_our_page(response, 413, "Request too large")
        assert "1.0\xa0MB" in text(response)
        assert_protective_headers(response)
    assert not Audit.objects.exists()


def test_a_body_at_the_cap_is_read_as_before(anon_client: Client) -> None:
    # Up to the cap, Django's own limit on forms (DATA_UPLOAD_MAX_MEMORY_SIZE) answers.
    response = anon_client.post("/audits/new/", body_of(ONE_MB), content_type=FORM)
    assert_our_page(response, 400, "Bad request")
    response = anon_client.post("/audits/new/", body_of(ONE_MB + 1), content_type=FORM)
    assert_our_page(response, 413, "Request too large")


@override_settings(MAX_REQUEST_BODY_BYTES=100)
def test_the_cap_is_a_setting(anon_client: Client) -> None:
    assert anon_client.post("/audits/new/", body_of(100), content_type=FORM).status_code == 400
    response = anon_client.post("/audits/new/", body_of(101), content_type=FORM)
    assert_our_page(response, 413, "Request too large")
    assert "101" not in text(response) and "100\xa0bytes" in text(response)


def test_a_multipart_form_is_read_as_a_urlencoded_one(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    # The site has no uploads, but a form sent multipart (Django's test client's default, some
    # clients' too) under the cap is an ordinary form.
    audit = make_audit(owner=owner, ratings={"reading-papers": 2})
    response = owner_client.post(
        f"/audits/{audit.public_id}/",
        {"rating-reading-papers": "5"},
        content_type=MULTIPART_CONTENT,
    )
    assert response.status_code < 400
    assert list(audit.ratings.values_list("value", flat=True)) == [5]


def test_a_body_just_under_the_limit_is_not_refused_for_its_size(
    owner_client: Client, owner: User, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner)
    # A legitimate-size body reaches the form, which says what is wrong with it (too long a note).
    response = owner_client.post(
        f"/audits/{audit.public_id}/", body_of(60 * 1024), content_type=FORM
    )
    assert response.status_code == 400
    assert "<h1>Bad request</h1>" not in text(response)


@pytest.mark.parametrize("url", ["/audits/new/", "/account/login/", "/account/signup/"])
@pytest.mark.parametrize("charset", ["utf-16", "latin-1", "us-ascii"])
def test_a_form_in_another_charset_is_400_not_500(url: str, charset: str) -> None:
    client = Client(enforce_csrf_checks=True)
    client.get("/account/login/")  # a real browser has the CSRF cookie
    response = client.post(url, "track=interpretability", content_type=f"{FORM}; charset={charset}")
    assert_our_page(response, 400, "Bad request")


# --- Methods --------------------------------------------------------------------------------

PAGES = [
    ("/", {"GET", "HEAD"}),
    ("/tracks/research-scientist/", {"GET", "HEAD"}),
    ("/audits/new/", {"GET", "POST"}),
    ("/healthz", {"GET", "HEAD"}),
    ("/account/signup/", {"GET", "POST"}),
]


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
@pytest.mark.parametrize(("url", "allowed"), PAGES, ids=[p[0] for p in PAGES])
def test_odd_methods_are_405_with_our_page(
    anon_client: Client, method: str, url: str, allowed: set[str]
) -> None:
    response = getattr(anon_client, method)(url)
    assert_our_page(response, 405, "Not allowed")
    assert {m.strip() for m in response["Allow"].split(",")} >= allowed
    assert method.upper() not in response["Allow"]


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
@pytest.mark.parametrize("path", ["", "results/", "copy/", "delete/"])
def test_odd_methods_on_an_audit_are_405_and_change_nothing(
    owner_client: Client, owner: User, make_audit: MakeAudit, method: str, path: str
) -> None:
    audit = make_audit(owner=owner, ratings={"reading-papers": 2})
    response = getattr(owner_client, method)(
        f"/audits/{audit.public_id}/{path}", "rating-reading-papers=5", content_type=FORM
    )
    assert_our_page(response, 405, "Not allowed")
    assert response["Allow"]
    assert Audit.objects.filter(pk=audit.pk).exists()
    assert list(audit.ratings.values_list("value", flat=True)) == [2]


@pytest.mark.parametrize("method", ["patch", "delete"])
@pytest.mark.parametrize("url", ["/account/login/", "/account/password_reset/"])
def test_odd_methods_on_auth_forms_are_405(anon_client: Client, method: str, url: str) -> None:
    response = getattr(anon_client, method)(url)
    assert_our_page(response, 405, "Not allowed")
    assert "POST" in response["Allow"]


@pytest.mark.parametrize("url", ["/account/login/", "/account/password_reset/"])
def test_put_on_auth_forms_is_405(anon_client: Client, url: str) -> None:
    response = anon_client.put(url)
    assert_our_page(response, 405, "Not allowed")


def assert_head_like_get(client: Client, url: str) -> None:
    assert client.get(url).status_code == 200
    response = client.head(url)
    assert response.status_code == 200
    assert response.content == b""


@pytest.mark.parametrize("path", ["/audits/new/", "{audit}"])
def test_head_is_served_on_the_audit_forms(
    owner_client: Client, owner: User, make_audit: MakeAudit, path: str
) -> None:
    audit = make_audit(owner=owner)
    assert_head_like_get(owner_client, path.format(audit=f"/audits/{audit.public_id}/"))


@pytest.mark.parametrize("path", ["/account/signup/", "/account/delete/", "{audit}delete/"])
def test_head_is_served_on_the_account_forms(
    owner_client: Client, owner: User, make_audit: MakeAudit, path: str
) -> None:
    audit = make_audit(owner=owner)
    client = Client() if path == "/account/signup/" else owner_client
    assert_head_like_get(client, path.format(audit=f"/audits/{audit.public_id}/"))


@pytest.mark.parametrize("url", ["/account/", "/audits/", "/audits/export.json"])
def test_odd_methods_on_account_pages_are_405(owner_client: Client, url: str) -> None:
    response = owner_client.delete(url)
    assert_our_page(response, 405, "Not allowed")
    assert "GET" in response["Allow"]


# --- Host, unknown URLs, CSRF ---------------------------------------------------------------


BAD_HOSTS = ["evil.example", "127.0.0.1.evil.example", "a b", "[::1", "localhost/x"]


@pytest.mark.parametrize("host", BAD_HOSTS)
def test_a_bad_host_is_400_with_our_page(host: str) -> None:
    response = Client().get("/", headers={"host": host})
    assert_our_page(response, 400, "Bad request")


def test_a_bad_host_on_a_post_is_400_and_saves_nothing(
    owner_client: Client, owner: User, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner, ratings={"reading-papers": 2})
    response = owner_client.post(
        f"/audits/{audit.public_id}/",
        {"rating-reading-papers": "5"},
        headers={"host": "evil.example"},
    )
    assert_our_page(response, 400, "Bad request")
    assert list(audit.ratings.values_list("value", flat=True)) == [2]


@pytest.mark.parametrize(
    "url",
    [
        "/nowhere/",
        "/tracks/no-such-track/",
        "/audits/00000000-0000-0000-0000-000000000000/",
        "/audits/not-a-uuid/",
        "/static/nothing-here.css",
    ],
)
def test_unknown_urls_get_our_404(anon_client: Client, url: str) -> None:
    response = anon_client.get(url)
    assert_our_page(response, 404, "Not found")


def test_another_persons_audit_is_our_404(
    other_client: Client, owner: User, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner)
    for path in ("", "results/", "delete/"):
        assert_our_page(other_client.get(f"/audits/{audit.public_id}/{path}"), 404, "Not found")


CSRF_PAGE = "This form has expired"


def test_a_post_without_a_csrf_token_is_403_with_our_page(owner: User) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/account/login/", {"username": "owner", "password": "x"})
    assert_our_page(response, 403, CSRF_PAGE)


def test_a_save_with_a_wrong_csrf_token_is_403_and_saves_nothing(
    owner: User, make_audit: MakeAudit
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    audit = make_audit(owner=owner, ratings={"reading-papers": 2})
    client.get(f"/audits/{audit.public_id}/")  # sets the CSRF cookie
    response = client.post(
        f"/audits/{audit.public_id}/",
        {"rating-reading-papers": "5", "csrfmiddlewaretoken": "x" * 64},
    )
    assert_our_page(response, 403, CSRF_PAGE)
    assert list(audit.ratings.values_list("value", flat=True)) == [2]


def test_a_cross_origin_post_is_403_with_our_page() -> None:
    client = Client(enforce_csrf_checks=True)
    client.get("/account/login/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/account/login/",
        {"username": "x", "password": "y", "csrfmiddlewaretoken": token},
        headers={"origin": "https://evil.example"},
    )
    assert_our_page(response, 403, CSRF_PAGE)


def test_a_crash_is_500_with_our_page(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> None:
        raise RuntimeError("the map is on fire")

    monkeypatch.setattr("skillmap.views.current_guide", broken)
    response = Client(raise_request_exception=False).get("/tracks/research-scientist/")
    assert_our_page(response, 500, "Something went wrong")
    assert "the map is on fire" not in text(response)
