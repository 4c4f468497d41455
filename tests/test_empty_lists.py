"""Empty lists say so in words a person understands, instead of showing a bare table or a zero."""

import pytest

from tests.conftest import client_for


@pytest.mark.django_db
def test_directory_with_no_match_says_how_to_widen_the_search(client, company_x):
    html = client.get("/directory/", {"q": "no-such-company-anywhere"}).content.decode()
    assert "No published company matches these filters" in html
    assert "0 companies" in html


@pytest.mark.django_db
def test_anchor_firm_without_purchases_is_told_none_are_recorded(anchor_user):
    html = client_for(anchor_user).get("/my/purchases/").content.decode()
    assert "No purchases are recorded yet." in html


@pytest.mark.django_db
def test_dashboard_without_purchases_shows_no_ratio_and_says_why(client):
    response = client.get("/dashboard/")
    assert response.status_code == 200
    assert "No purchases recorded for this selection." in response.content.decode()
