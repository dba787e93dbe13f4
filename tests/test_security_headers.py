"""Every page sends a strict CSP and the other protective headers; the templates need nothing
the CSP forbids; cookies are HttpOnly/SameSite; production settings pass the deploy checks."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from tests.conftest import ALL_FOUR, HX, MakeAudit

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

BASE_DIR = Path(settings.BASE_DIR)
TEMPLATES = sorted((BASE_DIR / "templates").rglob("*.html"))
SIX_MONTHS = 15768000
PRIVATE_REFERRERS = {
    "same-origin",
    "strict-origin-when-cross-origin",
    "no-referrer",
    "strict-origin",
}

REQUIRED_CSP = {
    "default-src": "'none'",
    "script-src": "'self'",
    "style-src": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'none'",
}


def csp_directives(header: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def assert_protective_headers(response: TestResponse) -> None:
    assert "Content-Security-Policy" in response, "no CSP header"
    policy = response["Content-Security-Policy"]
    directives = csp_directives(policy)
    for name, source in REQUIRED_CSP.items():
        assert directives.get(name) == [source], f"{name} in {policy!r}"
    for unsafe in ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:", "http:"):
        assert unsafe not in policy.split(), f"{unsafe} in {policy!r}"
    assert "Content-Security-Policy-Report-Only" not in response
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] in {
        "same-origin",
        "strict-origin-when-cross-origin",
        "no-referrer",
    }
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    permissions = dict(p.strip().split("=", 1) for p in response["Permissions-Policy"].split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert permissions.get(feature) == "()", f"{feature} in {response['Permissions-Policy']!r}"


@pytest.fixture
def pages(
    owner: User, owner_client: Client, anon_client: Client, make_audit: MakeAudit
) -> dict[str, tuple[Client, str]]:
    open_audit = make_audit(owner=owner, ratings={"reading-papers": 3})
    done = make_audit(owner=owner, ratings=ALL_FOUR, complete=True)
    return {
        "home": (anon_client, "/"),
        "home signed in": (owner_client, "/"),
        "track": (anon_client, "/tracks/research-scientist/"),
        "start": (anon_client, "/audits/new/"),
        "audit form": (owner_client, f"/audits/{open_audit.public_id}/"),
        "results": (owner_client, f"/audits/{done.public_id}/results/"),
        "history": (owner_client, "/audits/"),
        "login": (anon_client, "/account/login/"),
        "signup": (anon_client, "/account/signup/"),
        "password reset": (anon_client, "/account/password_reset/"),
        "admin login": (anon_client, "/admin/login/"),
        "not found": (anon_client, "/nowhere/"),
    }


PAGE_NAMES = [
    "home",
    "home signed in",
    "track",
    "start",
    "audit form",
    "results",
    "history",
    "login",
    "signup",
    "password reset",
    "admin login",
    "not found",
]


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGE_NAMES)
def test_every_page_sends_the_protective_headers(
    pages: dict[str, tuple[Client, str]], name: str
) -> None:
    client, url = pages[name]
    response = client.get(url)
    assert response.status_code in {200, 404}
    assert_protective_headers(response)
    assert_no_inline_code(response.content.decode(), where=f"{name} ({url})")


@pytest.mark.django_db
def test_htmx_partials_and_error_pages_send_them_too(
    owner: User, owner_client: Client, make_audit: MakeAudit
) -> None:
    audit = make_audit(owner=owner)
    responses = [
        owner_client.post(
            f"/audits/{audit.public_id}/",
            {"rating-reading-papers": "4"},
            headers=HX,
        ),
        owner_client.put(f"/audits/{audit.public_id}/"),  # 405
        owner_client.post(f"/audits/{audit.public_id}/", {"rating-reading-papers": "9"}),  # 400
        owner_client.post(
            f"/audits/{audit.public_id}/",
            "note-reading-papers=" + "x" * 70_000,
            content_type="application/x-www-form-urlencoded",
        ),  # 400, too big
        Client(enforce_csrf_checks=True).post("/account/login/", {}),  # 403
        owner_client.post(
            f"/audits/{audit.public_id}/",
            "note-reading-papers=" + "x" * (1024 * 1024 + 1),
            content_type="application/x-www-form-urlencoded",
        ),  # 413, refused before it is read
    ]
    assert [r.status_code for r in responses] == [200, 405, 400, 400, 403, 413]
    for response in responses:
        assert_protective_headers(response)


@pytest.mark.django_db
def test_the_bad_host_page_sends_them_too() -> None:
    response = Client().get("/", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert_protective_headers(response)


# --- Cookies --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_httponly_and_lax(anon_client: Client) -> None:
    csrf = anon_client.get("/account/login/").cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["samesite"] == "Lax"

    response = anon_client.post("/audits/new/", {"track": "interpretability"})
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"


@pytest.mark.django_db
def test_logging_in_sets_an_httponly_lax_session_cookie(owner: User) -> None:
    client = Client()
    response = client.post(
        "/account/login/", {"username": "owner", "password": "correct horse battery staple 42"}
    )
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"


# --- Templates ------------------------------------------------------------------------------

# A <script> element with anything but whitespace (or a template comment) between its tags.
INLINE_SCRIPT = re.compile(r"<script\b[^>]*>(?!\s*</script>)", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=""", re.IGNORECASE)
HANDLER_ATTRIBUTE = re.compile(r"""\son[a-z]+\s*=""", re.IGNORECASE)
HX_ON = re.compile(r"""\s(?:data-)?hx-on""", re.IGNORECASE)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def assert_no_inline_code(html: str, where: str) -> None:
    for name, pattern in [
        ("inline <script> body", INLINE_SCRIPT),
        ("<style> element", STYLE_ELEMENT),
        ('style="" attribute', STYLE_ATTRIBUTE),
        ("on*= event handler", HANDLER_ATTRIBUTE),
        ("hx-on attribute", HX_ON),
        ("javascript: URL", JS_URL),
    ]:
        found = pattern.search(html)
        assert found is None, f"{name} in {where}: …{html[found.start() : found.end() + 60]}…"


def test_there_are_templates_to_scan() -> None:
    assert len(TEMPLATES) >= 10
    assert BASE_DIR / "templates" / "base.html" in TEMPLATES


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(BASE_DIR)))
def test_templates_hold_nothing_the_csp_would_block(template: Path) -> None:
    assert_no_inline_code(template.read_text(), where=str(template.relative_to(BASE_DIR)))


@pytest.mark.parametrize(
    "snippet",
    [
        "<script>alert(1)</script>",
        '<script type="module">\nimport x from "y";</script>',
        '<p style="color: red">',
        "<p STYLE='x'>",
        '<button onclick="go()">',
        "<body onload=go()>",
        '<div hx-on:click="go()">',
        '<div hx-on::after-request="x">',
        '<div data-hx-on-click="x">',
        '<a href="javascript:go()">',
        "<style>p { color: red }</style>",
    ],
)
def test_the_scanner_catches_inline_code(snippet: str) -> None:
    with pytest.raises(AssertionError):
        assert_no_inline_code(snippet, where="snippet")


@pytest.mark.parametrize(
    "snippet",
    [
        '<script src="/static/htmx.min.js" defer></script>',
        '<link rel="stylesheet" href="/static/css/site.css">',
        '<p class="one">Online, on=time</p>',
        '<input name="note" data-once="1">',
    ],
)
def test_the_scanner_allows_external_code(snippet: str) -> None:
    assert_no_inline_code(snippet, where="snippet")


# --- Production settings --------------------------------------------------------------------


def production_env(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "SECURE_SSL_REDIRECT",
            "SECURE_HSTS_SECONDS",
            "BEHIND_TLS_PROXY",
            "DJANGO_ALLOW_ASYNC_UNSAFE",  # set for Playwright in this process, not for children
        }
    }
    env.update(
        DJANGO_ENV="production",
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="skillmap.example",
        DATA_DIR=str(tmp_path),
    )
    return env


def test_production_has_no_deploy_warnings(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_settings_are_https_only(tmp_path: Path) -> None:
    names = [
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_SAMESITE",
        "DEBUG",
    ]
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["SECURE_HSTS_SECONDS"] >= SIX_MONTHS
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SESSION_COOKIE_SAMESITE"] == values["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert values["DEBUG"] is False
