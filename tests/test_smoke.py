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


def test_home_page_shows_this_years_local_content_ratio_against_target(client, db, settings, anchor_company):
    from datetime import date

    local = factories.make_company(local=True)
    outside = factories.make_company(local=False)
    factories.make_purchase(buyer=anchor_company, supplier=local, amount="300.00", purchased_on=date.today())
    factories.make_purchase(buyer=anchor_company, supplier=outside, amount="700.00", purchased_on=date.today())
    settings.LCR_BASELINE_YEAR = date.today().year - 1
    html = client.get("/").content.decode()
    assert "30.00 %" in html
    assert "target 46.00 %" in html
