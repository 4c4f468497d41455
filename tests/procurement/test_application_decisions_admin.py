"""Deciding an application from its own admin page (decide/<approve|reject|return|pay>/), and the changelist's
kind and "amount or quota" columns for every programme kind."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from procurement import applications as workflow
from procurement.models import ApplicationEvent, SubsidyApplication, SubsidyProgramme
from tests import factories
from tests.conftest import client_for

Status = SubsidyApplication.Status
CHANGELIST = reverse("admin:procurement_subsidyapplication_changelist")


def change_url(application):
    return reverse("admin:procurement_subsidyapplication_change", args=[application.pk])


def decide_url(application, decision):
    return reverse("admin:procurement_subsidyapplication_decide", args=[application.pk, decision])


def rd_submitted(user, investment="1000000.00", number="2025YFB2400100"):
    programme = SubsidyProgramme.objects.get(code="rd-matching", version=1)
    basis = {"major_project": {
        "name": "Pilot line", "national_programme": "National Key R&D Programme", "project_number": number,
        "started_on": date(2025, 7, 1), "ends_on": date(2027, 6, 30), "total_investment": Decimal(investment),
    }}
    application = workflow.application_create_draft(by=user, programme=programme, basis=basis)
    return workflow.application_submit(by=user, application=application)


def energy_submitted(user, standard="1000.000", unit="kWh", base="Wujiang cell base"):
    programme = SubsidyProgramme.objects.get(code="energy-quota", version=1)
    basis = {"energy_quota": {"base_name": base, "base_address": "1 Jiangxing Road", "quota_year": 2026,
                              "standard_quota": Decimal(standard), "unit": unit}}
    application = workflow.application_create_draft(by=user, programme=programme, basis=basis)
    return workflow.application_submit(by=user, application=application)


def insider_of(company):
    insider = factories.make_official()
    insider.company = company
    insider.save()
    return insider


def decision_links(html, application):
    return {name for name in ("approve", "reject", "return", "pay") if decide_url(application, name) in html}


# --- the change page's buttons -------------------------------------------------------------------------------

def test_a_submitted_application_offers_approve_reject_and_return(official, supplier_x):
    application = rd_submitted(supplier_x)
    page = client_for(official).get(change_url(application))
    html = page.content.decode()
    assert page.status_code == 200
    assert decision_links(html, application) == {"approve", "reject", "return"}
    for label in ("Approve", "Reject", "Return for changes"):
        assert f">{label}</a>" in html
    assert "Mark paid" not in html
    # The basis is shown to the official.
    assert "2025YFB2400100" in html and "¥1,000,000.00" in html


def test_an_approved_application_offers_only_mark_paid(official, supplier_x):
    application = workflow.application_approve(by=official, application=rd_submitted(supplier_x))
    html = client_for(official).get(change_url(application)).content.decode()
    assert decision_links(html, application) == {"pay"}
    assert ">Mark paid</a>" in html


def test_a_draft_offers_no_decision(official, supplier_x):
    programme = SubsidyProgramme.objects.get(code="energy-quota", version=1)
    application = workflow.application_create_draft(by=supplier_x, programme=programme, basis={"energy_quota": {
        "base_name": "Base", "base_address": "Road 1", "quota_year": 2026, "standard_quota": Decimal("5"),
        "unit": "tce"}})
    html = client_for(official).get(change_url(application)).content.decode()
    assert decision_links(html, application) == set()


# --- approve -------------------------------------------------------------------------------------------------

def test_approve_asks_for_a_confirmation_then_approves(official, supplier_x):
    application = rd_submitted(supplier_x, investment="1000000.00")
    client = client_for(official)
    confirm = client.get(decide_url(application, "approve"))
    html = confirm.content.decode()
    assert confirm.status_code == 200
    assert f"Approve application #{application.pk}" in html
    assert 'name="apply"' in html and "¥150,000.00" in html
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED  # looking changes nothing

    done = client.post(decide_url(application, "approve"), {"apply": "Approve"}, follow=True)
    assert f"Application #{application.pk} approved." in done.content.decode()
    application.refresh_from_db()
    assert application.status == Status.APPROVED
    assert application.decided_by == official and application.amount == Decimal("150000.00")
    event = ApplicationEvent.objects.get(application=application, to_status="approved")
    assert event.by == official and event.from_status == "submitted"


def test_approving_twice_from_the_page_is_reported_and_not_repeated(official, supplier_x):
    application = rd_submitted(supplier_x)
    client = client_for(official)
    client.post(decide_url(application, "approve"), {"apply": "Approve"})
    again = client.post(decide_url(application, "approve"), {"apply": "Approve"}, follow=True)
    assert "already approved" in again.content.decode()
    assert ApplicationEvent.objects.filter(application=application, to_status="approved").count() == 1


# --- reject and return ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("reason", ["", "   \n  "])
def test_reject_without_a_reason_shows_the_form_again(official, supplier_x, reason):
    application = rd_submitted(supplier_x)
    page = client_for(official).post(decide_url(application, "reject"), {"apply": "Reject", "reason": reason})
    html = page.content.decode()
    assert page.status_code == 200
    assert "There is a problem" in html and "Give the reason." in html
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and application.status_reason == ""
    assert not ApplicationEvent.objects.filter(application=application, to_status="rejected").exists()


def test_reject_with_a_reason_rejects_and_frees_the_project(official, supplier_x):
    application = rd_submitted(supplier_x, number="2025YFB2400999")
    client = client_for(official)
    assert "Reason" in client.get(decide_url(application, "reject")).content.decode()
    done = client.post(decide_url(application, "reject"), {"apply": "Reject", "reason": "  Agreement unsigned "},
                       follow=True)
    assert f"Application #{application.pk} rejected." in done.content.decode()
    application.refresh_from_db()
    assert application.status == Status.REJECTED and application.status_reason == "Agreement unsigned"
    assert application.decided_by == official
    # The project can be applied for again.
    assert rd_submitted(supplier_x, number="2025YFB2400999").status == Status.SUBMITTED


def test_return_needs_a_reason_and_then_returns(official, supplier_x):
    application = energy_submitted(supplier_x)
    client = client_for(official)
    empty = client.post(decide_url(application, "return"), {"apply": "Return for changes", "reason": ""})
    assert "Give the reason." in empty.content.decode()
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    client.post(decide_url(application, "return"), {"apply": "Return for changes", "reason": "Attach the approval"})
    application.refresh_from_db()
    assert application.status == Status.RETURNED and application.status_reason == "Attach the approval"


# --- pay -----------------------------------------------------------------------------------------------------

def test_pay_needs_a_reference_and_a_date_not_in_the_future(official, supplier_x):
    application = workflow.application_approve(by=official, application=rd_submitted(supplier_x))
    client = client_for(official)
    url = decide_url(application, "pay")
    assert 'name="payment_reference"' in client.get(url).content.decode()

    missing = client.post(url, {"apply": "Mark paid", "payment_reference": " ", "paid_on": ""}).content.decode()
    assert "Enter the payment reference." in missing and "Enter the date of payment." in missing
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    future = client.post(url, {"apply": "Mark paid", "payment_reference": "TR-1", "paid_on": tomorrow})
    assert "The date of payment cannot be in the future." in future.content.decode()
    application.refresh_from_db()
    assert application.status == Status.APPROVED and application.payment_reference == ""

    today = timezone.localdate()
    done = client.post(url, {"apply": "Mark paid", "payment_reference": "TR-1", "paid_on": today.isoformat()},
                       follow=True)
    assert f"Application #{application.pk} marked paid." in done.content.decode()
    application.refresh_from_db()
    assert (application.status, application.payment_reference, application.paid_on) == (Status.PAID, "TR-1", today)
    assert application.amount == Decimal("150000.00")


def test_a_submitted_application_cannot_be_marked_paid_through_the_url(official, supplier_x):
    application = rd_submitted(supplier_x)
    page = client_for(official).post(
        decide_url(application, "pay"),
        {"apply": "Mark paid", "payment_reference": "TR-2", "paid_on": timezone.localdate().isoformat()}, follow=True,
    )
    assert "cannot be paid" in page.content.decode()
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_an_unknown_decision_is_not_found(official, supplier_x):
    application = rd_submitted(supplier_x)
    assert client_for(official).get(decide_url(application, "delete")).status_code == 404


# --- who may decide ------------------------------------------------------------------------------------------

def test_staff_without_the_approve_permission_get_403(supplier_x):
    viewer = factories.make_user(None, is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_subsidyapplication"))
    application = rd_submitted(supplier_x)
    client = client_for(viewer)
    html = client.get(change_url(application)).content.decode()
    assert decision_links(html, application) == set()
    for decision in ("approve", "reject", "return", "pay"):
        assert client.get(decide_url(application, decision)).status_code == 403
    assert client.post(decide_url(application, "approve"), {"apply": "Approve"}).status_code == 403
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_a_company_user_cannot_reach_the_decide_url(supplier_x, supplier_y):
    application = rd_submitted(supplier_x)
    for user in (supplier_x, supplier_y):
        response = client_for(user).post(decide_url(application, "approve"), {"apply": "Approve"})
        assert response.status_code in (302, 403)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_an_official_of_the_applicant_company_sees_no_buttons_and_is_refused(supplier_x):
    insider = insider_of(supplier_x.company)
    application = rd_submitted(supplier_x)
    client = client_for(insider)
    html = client.get(change_url(application)).content.decode()
    assert decision_links(html, application) == set()
    assert "You cannot decide an application of your own company." in html
    page = client.post(decide_url(application, "approve"), {"apply": "Approve"}, follow=True)
    assert "your own company" in page.content.decode()
    client.post(decide_url(application, "reject"), {"apply": "Reject", "reason": "No"})
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and application.decided_by is None
    assert not ApplicationEvent.objects.filter(application=application, by=insider).exists()


# --- the changelist ------------------------------------------------------------------------------------------

def test_the_changelist_shows_the_kind_and_a_quota_in_its_unit(official, supplier_x, supplier_y):
    quota = energy_submitted(supplier_x, standard="1000.000", unit="kWh")
    money = rd_submitted(supplier_y, investment="1000000.00")
    page = client_for(official).get(CHANGELIST)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Energy quota uplift" in html and "R&amp;D matching fund" in html
    assert "1,100 kWh" in html
    assert "¥150,000.00" in html
    row = html[html.index(f"/{quota.pk}/change/"):]
    row = row[:row.index("</tr>")]
    assert "1,100 kWh" in row and "¥" not in row
    assert f"/{money.pk}/change/" in html


def test_a_tce_quota_is_shown_in_tce(official, supplier_x):
    application = energy_submitted(supplier_x, standard="12.500", unit="tce")
    html = client_for(official).get(CHANGELIST).content.decode()
    row = html[html.index(f"/{application.pk}/change/"):]
    row = row[:row.index("</tr>")]
    assert "13.75 tce" in row and "¥" not in row


def test_the_kind_filter_lists_only_that_kind(official, supplier_x, supplier_y):
    quota = energy_submitted(supplier_x)
    money = rd_submitted(supplier_y)
    client = client_for(official)
    energy = client.get(CHANGELIST, {"programme__kind": "energy_quota"}).content.decode()
    assert f"/{quota.pk}/change/" in energy and f"/{money.pk}/change/" not in energy
    rd = client.get(CHANGELIST, {"programme__kind": "rd_matching"}).content.decode()
    assert f"/{money.pk}/change/" in rd and f"/{quota.pk}/change/" not in rd


def test_the_change_page_of_a_quota_shows_no_money(official, supplier_x):
    application = energy_submitted(supplier_x)
    html = client_for(official).get(change_url(application)).content.decode()
    assert "1,100 kWh" in html and "Wujiang cell base" in html
    assert "¥" not in html
