"""What the logs hold, through a real gunicorn started as `make run` starts it: every request,
but never a live bearer token (share, rate-me, unsubscribe and password-reset links), in the
access log's request line and Referer or in Django's own lines; and, in production with
several workers and no Redis, one line at start saying rate limits are counted per worker."""

from __future__ import annotations

import json
import re
import time
from dataclasses import replace
from pathlib import Path

from config.logs import redact
from tests.conftest import ALL_FOUR
from tests.servers import Browser, Server, app_server, fresh_database, manage

# Made in the app's own process: a completed audit of a user with an email address, a live
# share link, a live rate-me link, an unsubscribe token and a password-reset link.
MAKE_TOKENS = f"""
import json
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from audits.models import Audit, Rating, RatingRequest, ShareLink
from audits.reminders import unsubscribe_token
from skillmap.guide import current_guide
from skillmap.models import Skill, Track
user = User.objects.create_user("logged", "logged@example.com", "a-long-password-1")
audit = Audit.objects.create(owner=user, track=Track.objects.get(slug="research-scientist"))
for slug, value in {ALL_FOUR!r}.items():
    Rating.objects.create(audit=audit, skill=Skill.objects.get(slug=slug), value=value)
audit.complete(current_guide())
print(json.dumps({{
    "share": ShareLink.create_for(audit)[1],
    "rate": RatingRequest.create_for(audit, label="my manager")[1],
    "unsubscribe": unsubscribe_token(audit),
    "reset": urlsafe_base64_encode(force_bytes(user.pk)) + "/"
    + default_token_generator.make_token(user),
}}))
"""


def wait_for(server: Server, pattern: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not re.search(pattern, server.output()) and time.monotonic() < deadline:
        time.sleep(0.05)


def test_the_logs_never_hold_a_live_token(tmp_path: Path) -> None:
    with fresh_database(tmp_path, collect_static=True) as db:
        made = manage(db.env, "shell", "--no-imports", "--command", MAKE_TOKENS)
        tokens: dict[str, str] = json.loads(made.stdout.strip().splitlines()[-1])
        uid, reset_token = tokens["reset"].split("/")
        with app_server(tmp_path, workers=1, db=db) as server:
            visitor = Browser(server.base_url)
            share = f"/shared/{tokens['share']}/"
            rate = f"/rate/{tokens['rate']}/"
            assert visitor.get(share).status == 200
            assert visitor.get(rate).status == 200
            # The rate-me form posted back: the Referer carries the token (and the missing
            # CSRF token makes Django log a line naming the path).
            referer = {"Referer": server.base_url + rate}
            assert visitor.request("POST", rate, {"x": "1"}, referer).status == 403
            # The token without its trailing slash (a redirect), and percent-encoded.
            assert visitor.get(share.rstrip("/")).status == 301
            assert visitor.get(share.replace("/shared/", "/%73hared/")).status == 200
            assert visitor.get(f"/reminders/unsubscribe/{tokens['unsubscribe']}/").status == 200
            assert visitor.get(f"/account/reset/{uid}/{reset_token}/").status == 302
            # A path under /rate/ that is no token is logged as it is.
            assert visitor.get("/rate/thanks/").status == 200
            wait_for(server, r'"GET /rate/thanks/ HTTP/1\.1" 200')
            logs = server.output() + server.errors()

    for name, token in {**tokens, "reset": reset_token}.items():
        assert token not in logs, f"the {name} token is in the log"
    access = server.output()
    assert re.search(r'"GET /shared/\[redacted\]/ HTTP/1\.1" 200 \d+', access), access[-3000:]
    assert '"GET /rate/[redacted]/ HTTP/1.1" 200' in access
    assert '"POST /rate/[redacted]/ HTTP/1.1" 403 ' in access
    assert f'"{server.base_url}/rate/[redacted]/"' in access  # the Referer
    assert '"GET /shared/[redacted] HTTP/1.1" 301' in access
    assert '"GET [redacted] HTTP/1.1" 200' in access  # the encoded one, whole
    assert '"GET /reminders/unsubscribe/[redacted]/ HTTP/1.1" 200' in access
    assert f'"GET /account/reset/{uid}/[redacted]/ HTTP/1.1" 302' in access
    assert '"GET /rate/thanks/ HTTP/1.1" 200' in access
    # Django's own line for the refused POST is there, redacted.
    assert "Forbidden (CSRF token missing.): /rate/[redacted]/" in server.errors()


def test_redact_leaves_other_paths_alone() -> None:
    for line in [
        "GET /tracks/research-scientist/ HTTP/1.1",
        "GET /audits/3f1c0a52-0000-4000-8000-000000000000/share/ HTTP/1.1",
        "GET /rate/thanks/ HTTP/1.1",
        "GET /account/reset/done/ HTTP/1.1",
        "GET /account/reset/MQ/set-password/ HTTP/1.1",
        "GET /search?q=100%25 HTTP/1.1",
    ]:
        assert redact(line) == line
    assert redact("https://x.example/Rate/abc?next=/shared/def") == (
        "https://x.example/Rate/[redacted]?next=/shared/[redacted]"
    )


PER_WORKER = "Rate limits are counted per worker"


def test_production_says_once_at_start_that_rate_limits_are_per_worker(tmp_path: Path) -> None:
    production = {
        "DJANGO_ENV": "production",
        "SECURE_SSL_REDIRECT": "false",
        "RATE_LIMIT_ENABLED": "true",
    }
    seen = {}
    with fresh_database(tmp_path, collect_static=True) as db:
        for name, env, workers in [
            ("production, 3 workers", production, 3),
            ("production, 1 worker", production, 1),
            ("development, 3 workers", {"RATE_LIMIT_ENABLED": "true"}, 3),
            ("production, 3 workers, limits off", {**production, "RATE_LIMIT_ENABLED": "0"}, 3),
        ]:
            served = replace(db, env={**db.env, **env})
            with app_server(tmp_path, workers=workers, db=served) as server:
                # Every worker has served a request by now, or is up: the line is the master's.
                for _ in range(workers * 2):
                    assert Browser(server.base_url).get("/healthz").status == 200
                seen[name] = server.errors().count(PER_WORKER)
            if seen[name]:
                assert "with 3 workers and no REDIS_URL" in server.errors()
    assert seen == {
        "production, 3 workers": 1,
        "production, 1 worker": 0,
        "development, 3 workers": 0,
        "production, 3 workers, limits off": 0,
    }
