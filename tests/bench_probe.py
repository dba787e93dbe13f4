"""Inside Django, on the benchmark's own database and settings: the bench user's audit pages and
the SQL each page costs. scripts/bench.py runs `probe()` through `manage.py shell` and reads the
JSON it prints; production never loads this module.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits import plans
from audits.models import Audit


def probe(username: str, pages: str) -> None:
    """`pages`: JSON, [{"name", "path", "signed_in", "data"}]. A path may name {form} or
    {results}; `data`, when set, is posted as an htmx save instead of a GET."""
    user = get_user_model().objects.get(username=username)
    mine = Audit.objects.filter(owner=user).order_by("-created_at")
    in_progress = mine.filter(completed_at__isnull=True).first()
    completed = mine.filter(completed_at__isnull=False).first()
    assert in_progress is not None and completed is not None, "synthesize makes one of each"
    anonymous = Client(HTTP_HOST="127.0.0.1")
    signed_in = Client(HTTP_HOST="127.0.0.1")
    signed_in.force_login(user)

    def landing(url: str) -> str:
        """Where `url` leads once its redirects are followed: an audit's own page sends a
        completed audit's owner on to its results."""
        chain = signed_in.get(url, follow=True).redirect_chain
        return str(chain[-1][0]) if chain else url

    step = plans.step_ids(completed.plan or {})
    assert step, "synthesize plans six weeks for every completed audit"
    urls = {
        "form": landing(in_progress.get_absolute_url()),
        "results": landing(completed.get_absolute_url()),
        "tick": reverse("audits:tick", args=[completed.public_id, min(step)]),
    }
    queries: dict[str, list[str]] = {}
    for page in json.loads(pages):
        client = signed_in if page["signed_in"] else anonymous
        url = page["path"].format(**urls)
        for _ in range(2):  # the first request in a process builds the map: count a warm one
            with CaptureQueriesContext(connection) as captured:
                response: Any = (
                    # Encoded as a browser encodes this site's forms.
                    client.post(
                        url,
                        urlencode(page["data"]),
                        content_type="application/x-www-form-urlencoded",
                        headers={"HX-Request": "true"},
                    )
                    if page["data"]
                    else client.get(url)
                )
        assert response.status_code == 200, f"{page['name']}: {url}: {response.status_code}"
        queries[page["name"]] = [q["sql"][:300] for q in captured.captured_queries]
    ids = {"in_progress": str(in_progress.public_id), "completed": str(completed.public_id)}
    print(json.dumps({"ids": ids, "urls": urls, "sql": queries}))
