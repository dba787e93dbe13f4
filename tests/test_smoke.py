import pytest


@pytest.mark.django_db
def test_home_lists_every_track(anon_client):
    response = anon_client.get("/")
    assert response.status_code == 200
    assert "Alignment and AI Safety" in response.content.decode()
