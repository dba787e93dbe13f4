"""/healthz: what a load balancer polls. It says whether the app can reach its database."""

from __future__ import annotations

from unittest.mock import patch

import pytest
from django.db import OperationalError
from django.test import Client

from config import views

pytestmark = pytest.mark.django_db


def test_healthy(anon_client: Client) -> None:
    response = anon_client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_database_unreachable_is_503(anon_client: Client) -> None:
    with patch.object(
        views.connection, "cursor", side_effect=OperationalError("connection refused")
    ) as cursor:
        response = anon_client.get("/healthz")
    assert cursor.called
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable"}
    assert "no-cache" in response["Cache-Control"]
    # The real cursor is back once the patch is gone.
    assert anon_client.get("/healthz").status_code == 200


def test_only_get(anon_client: Client) -> None:
    assert anon_client.post("/healthz").status_code == 405
