"""The public /alliance/ page and the list of members: what the public reads, and the same set as the API."""

import re
from datetime import date

import pytest
from django.test import Client

from alliance.models import Collaboration
from registry.models import Company
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def alliance(company_x, company_y, anchor_company):
    university = factories.make_company(
        name="Suzhou Ionics University", organisation_type="university", uscc=factories.make_uscc(authority="12"),
        categories=[factories.category("sulfide-electrolyte")],
    )
    factories.make_membership(anchor_company, tier="council")
    factories.make_membership(company_x, tier="member")
    factories.make_membership(university, tier="member")
    factories.make_membership(company_y, status="ended")
    return {"university": university}


def test_the_index_lists_current_members_by_tier_with_links_where_published(client, alliance, company_x):
    Company.objects.filter(pk=company_x.pk).update(status=Company.Status.SUSPENDED)
    html = client.get("/alliance/").content.decode()
    council, members = html.split('id="tier-council"')[1].split('id="tier-member"')
    assert "Anchor Cells Ltd" in council and "Company X Materials" not in council
    assert "Company X Materials" in members and "Suzhou Ionics University" in members
    assert "Company Y Equipment" not in html.split('id="where"')[0]  # ended: not a current member
    assert f'href="/directory/{alliance["university"].pk}/"' in members
    assert f'href="/directory/{company_x.pk}/"' not in members  # suspended: no public page to link to


def test_the_index_counts_members_in_tables(client, alliance):
    html = client.get("/alliance/").content.decode()
    for table in ("members-by-category", "members-by-district", "members-by-type"):
        assert f'id="{table}"' in html
    by_type = html.split('id="members-by-type"')[1].split("</table>")[0]
    assert "University</th><td class=\"num\">1</td>" in by_type
    assert "Company</th><td class=\"num\">2</td>" in by_type


def test_the_index_counts_public_collaborations_by_model(client, anchor_company, company_x, company_y):
    common = {"anchor": anchor_company, "proposed_by_company": anchor_company, "started_on": date(2025, 1, 1),
              "title": "Joint work"}
    Collaboration.objects.create(sme=company_x, model="licensing", status="active", **common)
    Collaboration.objects.create(sme=company_y, model="licensing", status="completed", **common)
    Collaboration.objects.create(sme=company_y, model="licensing", status="proposed", **common)
    Collaboration.objects.create(sme=company_x, model="licensing", status="terminated", **common)
    html = client.get("/alliance/").content.decode()
    table = html.split('id="collaborations-by-model"')[1].split("</table>")[0]
    assert "Technology licensing and joint development</th><td class=\"num\">2</td>" in table
    assert 'href="/alliance/collaborations/"' in html


def test_the_index_lists_standards_with_verified_counts(client, company_x, company_y):
    iec = factories.make_standard(code="IEC 62660-9", body="IEC")
    factories.make_participation(company_x, iec, role="lead", status="verified")
    factories.make_participation(company_y, iec, role="lead", status="pending")
    html = client.get("/alliance/").content.decode()
    row = html.split(f'href="/alliance/standards/{iec.pk}/"')[1].split("</tr>")[0]
    assert "International" in row and "In development" in row
    assert '"num">1</td>' in row and '"num">0</td>' in row


def test_the_site_navigation_links_to_the_alliance(client, db):
    html = client.get("/").content.decode()
    nav = html.split('aria-label="Main"')[1].split("</nav>")[0]
    assert 'href="/alliance/"' in nav


def test_the_members_list_filters_like_the_api(client, alliance):
    for query in ("", "status=active", "tier=member", "organisation_type=university", "q=ionics",
                  "category=solid-electrolytes", "status=ended"):
        api = client.get(f"/api/v1/alliance/members/?{query}&page_size=200").json()
        html = client.get(f"/alliance/members/?{query}").content.decode()
        api_ids = {row["id"] for row in api["results"]}
        html_ids = {int(pk) for pk in re.findall(r'data-membership="(\d+)"', html)}
        assert html_ids == api_ids, query
        assert api["count"] == len(api_ids)


@pytest.mark.parametrize("query,field", [("tier=emperor", "tier"),
                                         ("q=" + "x" * 201, "q"), ("category=nope", "category")])
def test_a_bad_filter_is_named_on_the_page(client, alliance, query, field):
    response = client.get(f"/alliance/members/?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem with the filters" in html
    assert f'href="#id_{field}"' in html


def test_a_nul_in_a_filter_is_a_400_naming_it(client, alliance):
    # Refused before the page reads it (registry.middleware): a NUL is a 500 on PostgreSQL in any lookup.
    response = client.get("/alliance/members/?district=%00")
    assert response.status_code == 400 and "<code>district</code>" in response.content.decode()


def test_the_index_works_in_chinese(alliance):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert client.get("/alliance/").status_code == 200
