"""The officials' admin for applications and programmes: actions through the services, reasons, versions."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from procurement import applications as workflow
from procurement.models import SubsidyApplication, SubsidyProgramme
from registry.templatetags.platform_format import cny
from tests import factories
from tests.conftest import client_for

Status = SubsidyApplication.Status
CHANGELIST = reverse("admin:procurement_subsidyapplication_changelist")


@pytest.fixture
def programme(db):
    return factories.make_programme()


def submitted(user, programme, supplier, amount="1000.00"):
    purchase = factories.make_purchase(user.company, supplier, amount=Decimal(amount))
    application = workflow.application_create_draft(by=user, programme=programme, basis={"purchases": [purchase.pk]})
    return workflow.application_submit(by=user, application=application)


def act(client, action, applications, **extra):
    data = {"action": action, "_selected_action": [a.pk for a in applications], **extra}
    return client.post(CHANGELIST, data, follow=True)


def test_the_list_filters_and_searches(official, supplier_x, company_y, programme):
    application = submitted(supplier_x, programme, company_y)
    client = client_for(official)
    link = f"/{application.pk}/change/"
    page = client.get(CHANGELIST, {"status__exact": "submitted"})
    assert page.status_code == 200
    assert link in page.content.decode()
    assert link not in client.get(CHANGELIST, {"status__exact": "approved"}).content.decode()
    found = client.get(CHANGELIST, {"q": supplier_x.company.uscc.lower()})
    assert f"/{application.pk}/change/" in found.content.decode()
    year = client.get(CHANGELIST, {"year": str(timezone.now().year)})
    assert f"/{application.pk}/change/" in year.content.decode()


def test_the_change_page_shows_claims_events_and_documents_read_only(official, supplier_x, company_y, programme):
    application = submitted(supplier_x, programme, company_y)
    application = workflow.application_return(by=official, application=application, reason="Attach invoices")
    workflow.application_document_add(by=supplier_x, application=application, title="Invoices",
                                      upload=factories.document_upload("pdf"))
    page = client_for(official).get(reverse("admin:procurement_subsidyapplication_change", args=[application.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Claimed purchases" in html and "INV-" in html
    assert "Application events" in html and "submitted" in html
    document = application.documents.get()
    assert reverse("procurement:application_document", args=[document.pk]) in html
    assert 'name="status"' not in html and 'name="amount"' not in html
    # Money as people read it, claims by their purchase, never "ApplicationClaim object (n)".
    claim = application.claims.select_related("purchase").first()
    assert cny(claim.amount) in html and claim.purchase.invoice_number in html
    assert cny(application.eligible_total) in html
    assert "ApplicationClaim object" not in html


def test_approve_action_approves_and_reports(official, supplier_x, company_y, programme):
    application = submitted(supplier_x, programme, company_y)
    page = act(client_for(official), "approve_applications", [application])
    assert "1 application approved." in page.content.decode()
    application.refresh_from_db()
    assert application.status == Status.APPROVED and application.decided_by == official
    assert application.amount == Decimal("50.00")


def test_approving_an_already_approved_application_is_reported_not_repeated(official, supplier_x, company_y,
                                                                              programme):
    application = submitted(supplier_x, programme, company_y)
    client = client_for(official)
    act(client, "approve_applications", [application])
    page = act(client, "approve_applications", [application])
    assert "already approved" in page.content.decode()
    assert application.events.filter(to_status="approved").count() == 1


def test_reject_asks_for_a_reason_first(official, supplier_x, company_y, programme):
    application = submitted(supplier_x, programme, company_y)
    client = client_for(official)
    step = act(client, "reject_applications", [application])
    assert "Reason" in step.content.decode()
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    empty = act(client, "reject_applications", [application], apply="Reject", reason="  ")
    assert "There is a problem" in empty.content.decode() and "Give the reason." in empty.content.decode()
    done = act(client, "reject_applications", [application], apply="Reject", reason="Invoices do not match")
    assert "1 application rejected." in done.content.decode()
    application.refresh_from_db()
    assert application.status == Status.REJECTED and application.status_reason == "Invoices do not match"
    assert not application.claims.filter(live=True).exists()


def test_return_with_reason(official, supplier_x, company_y, programme):
    application = submitted(supplier_x, programme, company_y)
    done = act(client_for(official), "return_applications", [application], apply="Return", reason="Add a contract")
    assert "1 application returned." in done.content.decode()
    application.refresh_from_db()
    assert application.status == Status.RETURNED


def test_mark_paid_asks_for_reference_and_date(official, supplier_x, company_y, programme):
    application = workflow.application_approve(by=official, application=submitted(supplier_x, programme, company_y))
    client = client_for(official)
    bad = act(client, "mark_paid", [application], apply="Mark paid", payment_reference="", paid_on="31/02/2026")
    html = bad.content.decode()
    assert "Enter the payment reference." in html and "Enter a date as YYYY-MM-DD." in html
    today = timezone.localdate().isoformat()
    done = act(client, "mark_paid", [application], apply="Mark paid", payment_reference="TR-9", paid_on=today)
    assert "1 application marked paid." in done.content.decode()
    application.refresh_from_db()
    assert (application.status, application.payment_reference) == (Status.PAID, "TR-9")


def test_an_official_of_the_applicant_company_is_refused_by_the_action(supplier_x, company_y, programme):
    insider = factories.make_official()
    insider.company = supplier_x.company
    insider.save()
    application = submitted(supplier_x, programme, company_y)
    page = act(client_for(insider), "approve_applications", [application])
    assert "your own company" in page.content.decode()
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_officials_without_approve_permission_do_not_see_the_actions(supplier_x, company_y, programme):
    from django.contrib.auth.models import Permission

    viewer = factories.make_user(None, is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_subsidyapplication"))
    submitted(supplier_x, programme, company_y)
    html = client_for(viewer).get(CHANGELIST).content.decode()
    assert "approve_applications" not in html


def test_company_users_cannot_open_the_admin(supplier_x):
    response = client_for(supplier_x).get(CHANGELIST)
    assert response.status_code == 302 and "/login/" in response["Location"]


# --- programmes ---------------------------------------------------------------------------------------------

def test_create_next_version_copies_the_programme(official, programme):
    response = client_for(official).post(
        reverse("admin:procurement_subsidyprogramme_changelist"),
        {"action": "create_next_version", "_selected_action": [programme.pk]}, follow=True,
    )
    assert "Created" in response.content.decode()
    copy = SubsidyProgramme.objects.get(code=programme.code, version=2)
    assert copy.rate == programme.rate and copy.eligible_category == programme.eligible_category


def test_a_programme_with_applications_keeps_its_policy(official, supplier_x, company_y, programme):
    client = client_for(official)
    url = reverse("admin:procurement_subsidyprogramme_change", args=[programme.pk])
    assert 'name="rate"' in client.get(url).content.decode()
    submitted(supplier_x, programme, company_y)
    html = client.get(url).content.decode()
    assert 'name="rate"' not in html and 'name="period_start"' not in html
    assert 'name="active_until"' in html  # closing the version stays possible
    client.post(url, {"name": programme.name, "active_from": "2025-01-01", "active_until": "", "rate": "0.5"})
    programme.refresh_from_db()
    assert programme.rate == Decimal("0.0500")


def test_purchases_and_imports_are_read_only_for_officials(official, supplier_x, company_y):
    purchase = factories.make_purchase(supplier_x.company, company_y)
    client = client_for(official)
    assert client.get(reverse("admin:procurement_purchase_changelist")).status_code == 200
    page = client.get(reverse("admin:procurement_purchase_change", args=[purchase.pk])).content.decode()
    assert 'name="amount"' not in page
    assert client.get(reverse("admin:procurement_importbatch_changelist")).status_code == 200
    assert client.get(reverse("admin:procurement_purchase_add")).status_code == 403
