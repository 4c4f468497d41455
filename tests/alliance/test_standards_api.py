"""The alliance API: members and standards (public reads, shared filters, 400 naming a bad parameter) and the
participations of a standard (who sees which), with the permission matrix of every endpoint."""

import pytest
from django.test import Client

from alliance.filtersets import MembershipFilterSet, StandardFilterSet
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "supplier_x", "supplier_y", "anchor_user", "official"]


@pytest.fixture
def clients(supplier_x, supplier_y, anchor_user, official):
    return {
        "anonymous": Client(),
        "supplier_x": client_for(supplier_x),
        "supplier_y": client_for(supplier_y),
        "anchor_user": client_for(anchor_user),
        "official": client_for(official),
    }


@pytest.fixture
def iec():
    return factories.make_standard(code="IEC 62660-9", body="IEC", status="published")


@pytest.fixture
def participations(iec, company_x, company_y):
    return {
        "pending_x": factories.make_participation(company_x, iec, role="lead", status="pending", note="WG3"),
        "rejected_x": factories.make_participation(company_x, iec, role="participant", status="rejected",
                                                   status_reason="Unsigned."),
        "verified_y": factories.make_participation(company_y, iec, role="participant", status="verified",
                                                   note="Drafted clause 5"),
    }


SEES = {
    "anonymous": {"verified_y"},
    "supplier_x": {"pending_x", "rejected_x", "verified_y"},
    "supplier_y": {"verified_y"},
    "anchor_user": {"verified_y"},
    "official": {"pending_x", "rejected_x", "verified_y"},
}


@pytest.mark.parametrize("role", ROLES)
def test_participations_of_a_standard_by_role(clients, role, iec, participations):
    response = clients[role].get(f"/api/v1/standards/{iec.pk}/participations/")
    assert response.status_code == 200
    body = response.json()
    by_id = {row["id"]: row for row in body["results"]}
    expected = {participations[name].pk for name in SEES[role]}
    assert set(by_id) == expected
    assert body["count"] == len(expected)
    verified = by_id[participations["verified_y"].pk]
    # Note, reason and evidence of company Y's record reach only company Y and officials.
    private_to_y = role in ("supplier_y", "official")
    assert (verified["note"] == "Drafted clause 5") is private_to_y
    assert (verified["evidence_url"] is not None) is private_to_y
    if role == "supplier_x":
        own = by_id[participations["rejected_x"].pk]
        assert own["status_reason"] == "Unsigned."
        assert own["evidence_url"].endswith(f"/alliance/participations/{own['id']}/evidence/")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_nothing_is_written_through_the_standards_api(clients, role, method, iec):
    for url in ("/api/v1/standards/", f"/api/v1/standards/{iec.pk}/", f"/api/v1/standards/{iec.pk}/participations/",
                "/api/v1/alliance/members/"):
        response = getattr(clients[role], method)(url, {}, content_type="application/json")
        assert response.status_code in (401, 403, 405), (url, response.status_code)
        if role != "anonymous":
            assert response.status_code == 405


@pytest.mark.parametrize("role", ROLES)
def test_standards_and_members_are_public(clients, role, iec, company_x):
    factories.make_membership(company_x, tier="council")
    assert clients[role].get("/api/v1/standards/").json()["count"] == 1
    assert clients[role].get(f"/api/v1/standards/{iec.pk}/").status_code == 200
    members = clients[role].get("/api/v1/alliance/members/").json()
    assert [row["organisation"]["name"] for row in members["results"]] == ["Company X Materials"]
    assert members["results"][0]["organisation"]["url"].endswith(f"/api/v1/companies/{company_x.pk}/")


def test_standard_counts_are_verified_only(client, iec, participations):
    row = client.get(f"/api/v1/standards/{iec.pk}/").json()
    assert (row["lead_count"], row["participant_count"], row["is_international"]) == (0, 1, True)


@pytest.mark.parametrize("url", [
    "/api/v1/standards/999999/", "/api/v1/standards/99999999999999999999999/",
    "/api/v1/standards/999999/participations/", "/api/v1/standards/99999999999999999999999/participations/",
    "/api/v1/standards/abc/", "/api/v1/alliance/members/99999999999999999999999/",
])
def test_unknown_standards_are_404(client, db, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url,parameter", [
    ("/api/v1/standards/?body=ANSI", "body"),
    ("/api/v1/standards/?level=planetary", "level"),
    ("/api/v1/standards/?status=%00", "status"),
    ("/api/v1/standards/?q=" + "x" * 201, "q"),
    ("/api/v1/standards/?q=a%00b", "q"),
    ("/api/v1/standards/?page=0", "page"),
    ("/api/v1/alliance/members/?tier=king", "tier"),
    ("/api/v1/alliance/members/?district=%00", "district"),
    ("/api/v1/alliance/members/?category=" + "x" * 300, "category"),
    ("/api/v1/alliance/members/?page_size=-1", "page_size"),
])
def test_a_bad_parameter_is_a_400_naming_it(client, db, url, parameter):
    response = client.get(url)
    assert response.status_code == 400
    assert parameter in response.json()


def test_standards_filters_and_the_html_list_agree(client, iec):
    factories.make_standard(code="GB/T 36276-2025", body="national", status="published")
    factories.make_standard(code="T/CIAPS 0012", body="group", status="proposed")
    factories.make_standard(code="ISO 12405-4", body="ISO", status="in_development")
    import re

    for query in ("", "body=IEC", "level=international", "status=published", "q=36276", "level=group&status=proposed"):
        api = client.get(f"/api/v1/standards/?{query}").json()
        html = client.get(f"/alliance/standards/?{query}").content.decode()
        assert {row["id"] for row in api["results"]} == {int(x) for x in re.findall(r'data-standard="(\d+)"', html)}
    assert [row["code"] for row in client.get("/api/v1/standards/?level=international").json()["results"]] == [
        "IEC 62660-9", "ISO 12405-4"
    ]


def test_the_filters_are_in_the_schema(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    standards = {p["name"] for p in schema["paths"]["/api/v1/standards/"]["get"]["parameters"]}
    assert set(StandardFilterSet.base_filters) | {"page", "page_size"} <= standards
    members = {p["name"] for p in schema["paths"]["/api/v1/alliance/members/"]["get"]["parameters"]}
    assert set(MembershipFilterSet.base_filters) | {"page", "page_size"} <= members
    assert "/api/v1/standards/{standard_id}/participations/" in schema["paths"]
