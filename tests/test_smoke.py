"""The site answers: the home page renders with the headline figures."""

from tests import factories


def test_home_page_counts_verified_local_suppliers(client, db):
    factories.make_company(local=True)
    factories.make_company(local=False)
    factories.make_company(status="pending")
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["verified_local_suppliers"] == 1
    assert response.context["verified_suppliers"] == 2
