"""The admin as a work queue: the index shows what waits, with counts and the oldest wait, each linking to its list
filtered to it and sorted oldest first with the date the wait started."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from registry import services
from registry.models import Certificate, Company
from tests import factories
from tests.conftest import client_for


def queues(response) -> dict[str, dict]:
    return {str(queue["label"]): queue for queue in response.context["queues"]}


@pytest.fixture
def waiting_companies(db):
    now = timezone.now()
    older = factories.make_company(name="Older Pending", status=Company.Status.PENDING)
    newer = factories.make_company(name="Newer Pending", status=Company.Status.PENDING)
    Company.objects.filter(pk=older.pk).update(created_at=now - timedelta(days=9))
    Company.objects.filter(pk=newer.pk).update(created_at=now - timedelta(days=2))
    factories.make_company(name="Already Verified")
    return older, newer


def test_the_index_shows_each_queue_with_its_count_and_oldest_wait(official, waiting_companies):
    older, _newer = waiting_companies
    response = client_for(official).get(reverse("admin:index"))
    assert response.status_code == 200
    shown = queues(response)
    companies = shown["Companies waiting for verification"]
    assert companies["count"] == 2
    assert companies["oldest"] == Company.objects.get(pk=older.pk).created_at
    assert companies["url"] == reverse("admin:registry_company_changelist") + "?status__exact=pending"
    assert shown["Applications waiting for a decision"]["count"] == 0
    assert shown["Participations in standards waiting for verification"]["count"] == 0
    text = response.content.decode()
    assert "Waiting for you" in text and "Nothing waits." in text


def test_the_queue_lists_oldest_first_with_the_date_it_started_waiting(official, waiting_companies):
    older, newer = waiting_companies
    response = client_for(official).get(reverse("admin:registry_company_changelist"), {"status__exact": "pending"})
    names = [company.name for company in response.context["cl"].result_list]
    assert names == ["Older Pending", "Newer Pending"]
    assert "waiting_since" in response.context["cl"].list_display
    assert (timezone.now() - timedelta(days=9)).date().isoformat() in response.content.decode()

    unfiltered = client_for(official).get(reverse("admin:registry_company_changelist"))
    assert "waiting_since" not in unfiltered.context["cl"].list_display


def test_a_supplier_never_sees_the_queue(supplier_x, waiting_companies):
    response = client_for(supplier_x).get(reverse("admin:index"))
    assert response.status_code == 302


def test_a_changed_certificate_waits_until_an_official_checks_it(official, company_x, supplier_x):
    certificate = factories.make_certificate(company_x)
    assert certificate.checked_at is None
    last_change = certificate.updated_at
    client = client_for(official)
    assert queues(client.get(reverse("admin:index")))["Certificates not yet checked"]["count"] == 1
    company_page = client_for(supplier_x).get(reverse("registry:my_home"))
    assert "Not yet checked" in company_page.content.decode()

    client.post(reverse("admin:registry_certificate_changelist") + "?checked=no", {
        "action": "mark_checked", "_selected_action": [certificate.pk], "index": 0,
    })
    certificate.refresh_from_db()
    assert certificate.checked_by == official and certificate.checked_at is not None
    assert queues(client.get(reverse("admin:index")))["Certificates not yet checked"]["count"] == 0
    assert certificate.updated_at == last_change  # the check is not a change by the company

    services.certificate_save(by=supplier_x, company=company_x, certificate=certificate, data={"issuer": "TÜV"})
    certificate.refresh_from_db()
    assert certificate.checked_at is None  # what the company changed, no official has seen yet


def test_verifying_a_company_checks_its_certificates(official, supplier_x):
    company = supplier_x.company
    Company.objects.filter(pk=company.pk).update(status=Company.Status.PENDING)
    today = timezone.localdate()
    certificate = services.certificate_save(
        by=supplier_x, company=company,
        data={"cert_type": Certificate.Type.choices[0][0], "number": "V-1", "issuer": "CQC",
              "valid_from": today, "valid_until": today + timedelta(days=300)},
    )
    services.company_verify(company=Company.objects.get(pk=company.pk), by=official, locality_confirmed=True)
    certificate.refresh_from_db()
    assert certificate.checked_by == official
