"""The applicant's pages: list, create with the computed amount, documents, submit, detail and summary."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from procurement import applications as workflow
from procurement.models import SubsidyApplication
from registry.models import Company
from tests import factories
from tests.conftest import client_for

Status = SubsidyApplication.Status


@pytest.fixture
def programme(db):
    return factories.make_programme()


@pytest.fixture
def purchases(supplier_x, company_y):
    return [
        factories.make_purchase(supplier_x.company, company_y, amount=Decimal(a), invoice_number=f"CELL-{i}")
        for i, a in enumerate(["1000.00", "0.30"])
    ]


def create_url(programme):
    return reverse("procurement:application_create") + f"?programme={programme.pk}"


def test_the_create_page_lists_eligible_purchases_and_says_why_others_are_not(supplier_x, company_y, programme,
                                                                           purchases):
    factories.make_purchase(supplier_x.company, None, invoice_number="OUTSIDE-1")
    html = client_for(supplier_x).get(create_url(programme)).content.decode()
    eligible, _, others = html.partition("Purchases that cannot be claimed")
    assert "CELL-0" in eligible and "CELL-1" in eligible and "OUTSIDE-1" not in eligible
    assert "OUTSIDE-1" in others and "not verified when the purchase was recorded" in others


def test_recalculate_shows_the_server_amount_and_saves_nothing(supplier_x, programme, purchases):
    response = client_for(supplier_x).post(create_url(programme), {
        "programme": programme.pk, "purchases": [p.pk for p in purchases], "amount": "999999", "recalculate": "1",
    })
    html = response.content.decode()
    assert response.status_code == 200
    assert "¥50.02" in html  # 0.05 × 1000.30 = 50.015 → 50.02
    assert not SubsidyApplication.objects.exists()


def test_saving_a_draft_then_submitting(supplier_x, programme, purchases):
    client = client_for(supplier_x)
    response = client.post(create_url(programme), {
        "programme": programme.pk, "purchases": [purchases[0].pk], "amount": "1", "save": "1",
    })
    application = SubsidyApplication.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "procurement:application_detail", args=[application.pk])
    assert application.amount == Decimal("50.00")  # the posted "amount" is ignored
    client.post(reverse("procurement:application_submit", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    detail = client.get(reverse("procurement:application_detail", args=[application.pk])).content.decode()
    assert "tag-submitted" in detail and "Draft → Submitted" in detail and "¥50.00" in detail


def test_choosing_nothing_shows_the_error_summary(supplier_x, programme, purchases):
    response = client_for(supplier_x).post(create_url(programme), {"programme": programme.pk, "save": "1"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html and 'href="#id_purchases"' in html and 'id="id_purchases"' in html
    assert "Choose at least one eligible purchase." in html


def test_an_ineligible_purchase_posted_anyway_is_refused(supplier_x, anchor_company, company_y, programme):
    theirs = factories.make_purchase(anchor_company, company_y)
    response = client_for(supplier_x).post(create_url(programme), {
        "programme": programme.pk, "purchases": [theirs.pk], "save": "1",
    })
    assert response.status_code == 400
    assert "cannot be claimed" in response.content.decode()
    assert not SubsidyApplication.objects.exists()


def test_a_company_that_may_not_apply_is_told_why(programme):
    pending = factories.make_user(factories.make_company(status=Company.Status.PENDING))
    html = client_for(pending).get(create_url(programme)).content.decode()
    assert "not verified" in html and 'name="save"' not in html


def test_the_preview_endpoint_computes_on_the_server(supplier_x, programme, purchases):
    response = client_for(supplier_x).post(reverse("procurement:application_preview"), {
        "programme": programme.pk, "purchases": [p.pk for p in purchases], "amount": "1",
    })
    assert json.loads(response.content) == {
        "eligible_total": "1000.30", "amount": "50.02", "purchase_count": 2, "problems": {},
    }


def test_the_list_shows_status_tags(supplier_x, programme, purchases):
    workflow.application_create_draft(by=supplier_x, programme=programme, basis={"purchases": [purchases[0].pk]})
    html = client_for(supplier_x).get(reverse("procurement:application_list")).content.decode()
    assert "tag-draft" in html and "¥50.00" in html


def test_other_companies_cannot_see_an_application(supplier_x, supplier_y, programme, purchases):
    application = workflow.application_create_draft(by=supplier_x, programme=programme,
                                                    basis={"purchases": [purchases[0].pk]})
    client = client_for(supplier_y)
    for name in ("application_detail", "application_summary", "application_summary_csv"):
        assert client.get(reverse(f"procurement:{name}", args=[application.pk])).status_code == 404
    assert client.post(reverse("procurement:application_submit", args=[application.pk])).status_code == 404


def test_documents_are_attached_and_served_only_to_the_company_and_officials(supplier_x, supplier_y, official,
                                                                            programme, purchases):
    application = workflow.application_create_draft(by=supplier_x, programme=programme,
                                                    basis={"purchases": [purchases[0].pk]})
    client = client_for(supplier_x)
    url = reverse("procurement:application_document_add", args=[application.pk])
    bad = client.post(url, {"title": "Invoices", "document": factories.document_upload("pdf", content=b"MZ")})
    assert bad.status_code == 400 and "There is a problem" in bad.content.decode()
    client.post(url, {"title": "Invoices", "document": factories.document_upload("pdf")})
    document = application.documents.get()
    link = reverse("procurement:application_document", args=[document.pk])
    assert link in client.get(reverse("procurement:application_detail", args=[application.pk])).content.decode()
    assert client.get(link).status_code == 200
    assert client_for(official).get(link).status_code == 200
    assert client_for(supplier_y).get(link).status_code == 404


def test_the_summary_prints_and_downloads(supplier_x, programme, purchases):
    application = workflow.application_create_draft(by=supplier_x, programme=programme,
                                                    basis={"purchases": [p.pk for p in purchases]})
    client = client_for(supplier_x)
    html = client.get(reverse("procurement:application_summary", args=[application.pk])).content.decode()
    assert "CELL-0" in html and "¥50.02" in html
    response = client.get(reverse("procurement:application_summary_csv", args=[application.pk]))
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert "Amount (CNY),50.02" in text and "CELL-1" in text


def test_a_returned_application_can_be_changed_and_resubmitted(supplier_x, official, programme, purchases):
    application = workflow.application_submit(by=supplier_x, application=workflow.application_create_draft(
        by=supplier_x, programme=programme, basis={"purchases": [purchases[0].pk]}))
    workflow.application_return(by=official, application=application, reason="Add the small invoice")
    client = client_for(supplier_x)
    detail = client.get(reverse("procurement:application_detail", args=[application.pk])).content.decode()
    assert "Add the small invoice" in detail
    client.post(reverse("procurement:application_edit", args=[application.pk]), {
        "purchases": [p.pk for p in purchases], "save": "1",
    })
    client.post(reverse("procurement:application_submit", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and application.amount == Decimal("50.02")
