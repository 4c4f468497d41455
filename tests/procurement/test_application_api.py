"""The applications API: open programmes, the caller's applications, drafts and submission; no approval."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from procurement import applications as workflow
from procurement.models import SubsidyApplication
from tests import factories

Status = SubsidyApplication.Status


@pytest.fixture
def programme(db):
    return factories.make_programme()


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_programmes_lists_only_open_versions(db, programme):
    from datetime import date

    factories.make_programme(code="closed", active_until=date(2025, 6, 30))
    body = api().get("/api/v1/programmes/").json()
    codes = {row["code"] for row in body["results"]}
    # The five seeded programmes (every kind) and the open test version; the closed version is not listed.
    assert codes == {
        "local-procurement", "rd-matching", "standards-reward", "energy-quota", "rd-fund", "test-procurement"
    }
    row = next(r for r in body["results"] if r["code"] == "test-procurement")
    assert row["rate"] == "0.0500" and row["eligible_category"] == "cells-and-packs"


def test_create_a_draft_ignoring_any_amount_sent(supplier_x, company_y, programme):
    purchases = [factories.make_purchase(supplier_x.company, company_y, amount=Decimal("0.10")) for _ in range(3)]
    response = api(supplier_x).post("/api/v1/applications/", {
        "programme": programme.pk, "purchases": [p.pk for p in purchases], "amount": "1000000.00",
    }, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["amount"] == "0.02"  # 0.05 × 0.30 = 0.015 → 0.02
    assert body["claimed_purchases"] == sorted(p.pk for p in purchases)


def test_submit_through_the_api(supplier_x, company_y, programme):
    purchase = factories.make_purchase(supplier_x.company, company_y, amount=Decimal("200.00"))
    created = api(supplier_x).post("/api/v1/applications/", {"programme": programme.pk, "purchases": [purchase.pk]},
                                   format="json").json()
    response = api(supplier_x).post(f"/api/v1/applications/{created['id']}/submit/")
    assert response.status_code == 200
    assert response.json()["status"] == "submitted" and response.json()["amount"] == "10.00"
    again = api(supplier_x).post(f"/api/v1/applications/{created['id']}/submit/")
    assert again.status_code == 400 and "already submitted" in str(again.json())


def test_a_claimed_purchase_is_a_400_naming_it(supplier_x, company_y, programme):
    purchase = factories.make_purchase(supplier_x.company, company_y)
    workflow.application_create_draft(by=supplier_x, programme=programme, basis={"purchases": [purchase.pk]})
    response = api(supplier_x).post("/api/v1/applications/", {"programme": programme.pk,
                                                               "purchases": [purchase.pk]}, format="json")
    assert response.status_code == 400
    assert f"Purchase {purchase.pk} is already claimed by another application" in str(response.json()["purchases"])


def test_a_company_that_may_not_apply_gets_403(programme):
    outside = factories.make_user(factories.make_company(local=False))
    response = api(outside).post("/api/v1/applications/", {"programme": programme.pk, "purchases": [1]},
                                 format="json")
    assert response.status_code == 403 and "local" in response.json()["detail"]


def test_the_list_holds_only_the_callers_company(supplier_x, supplier_y, company_y, programme):
    workflow.application_create_draft(
        by=supplier_x, programme=programme,
        basis={"purchases": [factories.make_purchase(supplier_x.company, company_y).pk]},
    )
    assert api(supplier_x).get("/api/v1/applications/").json()["count"] == 1
    assert api(supplier_y).get("/api/v1/applications/").json()["count"] == 0
    assert api().get("/api/v1/applications/").status_code in (401, 403)


def test_there_is_no_approval_in_the_api(supplier_x, official, company_y, programme):
    application = workflow.application_submit(by=supplier_x, application=workflow.application_create_draft(
        by=supplier_x, programme=programme,
        basis={"purchases": [factories.make_purchase(supplier_x.company, company_y).pk]},
    ))
    assert api(official).post(f"/api/v1/applications/{application.pk}/approve/").status_code == 404
    assert api(supplier_x).patch(f"/api/v1/applications/{application.pk}/", {"status": "approved"},
                                 format="json").status_code == 405
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
