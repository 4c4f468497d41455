"""Every list, HTML and API, refuses a query parameter it does not know with a 400 naming it.

A misspelt filter (`min_ionic_conductivty`) would otherwise return the unfiltered list as if it had worked.
Pagination, format and language parameters are allowed everywhere.
"""

import pytest

from registry.filtersets import CompanyFilterSet, UnknownParameters, refuse_unknown_parameters
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

HTML_LISTS = [
    (None, "/directory/"),
    (None, "/alliance/members/"),
    (None, "/alliance/standards/"),
    (None, "/alliance/collaborations/"),
    ("anchor", "/my/purchases/"),
    ("anchor", "/my/collaborations/"),
    ("anchor", "/my/applications/"),
]
API_LISTS = [
    (None, "/api/v1/companies/"),
    (None, "/api/v1/products/"),
    (None, "/api/v1/categories/"),
    (None, "/api/v1/alliance/members/"),
    (None, "/api/v1/standards/"),
    (None, "/api/v1/programmes/"),
    ("anchor", "/api/v1/purchases/"),
    ("anchor", "/api/v1/collaborations/"),
    ("anchor", "/api/v1/applications/"),
]


def _client(who, anchor_user):
    return client_for(anchor_user if who == "anchor" else None)


@pytest.mark.parametrize(("who", "url"), HTML_LISTS)
def test_html_list_refuses_an_unknown_parameter_naming_it(who, url, anchor_user):
    client = _client(who, anchor_user)
    assert client.get(url, {"page": "1"}).status_code == 200
    response = client.get(url, {"min_ionic_conductivty": "0.01", "page": "1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "min_ionic_conductivty" in html
    assert "site.css" in html  # the styled page, not a bare 400


@pytest.mark.parametrize(("who", "url"), API_LISTS)
def test_api_list_refuses_an_unknown_parameter_naming_it(who, url, anchor_user):
    client = _client(who, anchor_user)
    assert client.get(url, {"page": "1", "page_size": "5", "format": "json"}).status_code == 200
    response = client.get(url, {"min_ionic_conductivty": "0.01", "colour": "red"})
    assert response.status_code == 400
    assert set(response.json()) == {"min_ionic_conductivty", "colour"}


def test_participations_list_refuses_an_unknown_parameter():
    standard = factories.make_standard()
    url = f"/api/v1/standards/{standard.pk}/participations/"
    assert client_for(None).get(url).status_code == 200
    assert client_for(None).get(url, {"role": "lead"}).json() == {"role": ["Unknown query parameter."]}


def test_the_misspelt_figure_filter_no_longer_returns_the_whole_directory():
    factories.make_product(factories.make_company(), figures={"ionic_conductivity": "0.001"})
    response = client_for(None).get("/api/v1/companies/", {"min_ionic_conductivty": "0.01"})
    assert response.status_code == 400
    response = client_for(None).get("/api/v1/companies/", {"min_ionic_conductivity": "0.01"})
    assert response.status_code == 200 and response.json()["count"] == 0


def test_refuse_unknown_parameters_names_every_unknown_one_and_allows_the_list_parameters():
    from django.http import QueryDict

    refuse_unknown_parameters(QueryDict("q=x&page=2&page_size=5&format=json&language=en&sort=name"), CompanyFilterSet)
    with pytest.raises(UnknownParameters) as caught:
        refuse_unknown_parameters(QueryDict("q=x&zz=1&aa=2"), CompanyFilterSet)
    assert caught.value.names == ["aa", "zz"]
    assert "“aa”" in caught.value.message and "“zz”" in caught.value.message
