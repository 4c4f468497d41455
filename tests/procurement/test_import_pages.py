"""The import page: upload, the batch page with its result or report, the report downloads, and the API.

Tests run tasks at enqueue time (tests/conftest.py), so a page sees its import finished; the queued and failed
states, and the task itself, are in test_import_tasks.py.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from procurement.models import ImportBatch, Purchase
from tests.conftest import client_for
from tests.procurement.test_imports import csv_bytes, good_rows, xlsx_bytes


def upload(data, name="purchases.csv"):
    return SimpleUploadedFile(name, data, content_type="text/csv")


@pytest.mark.django_db
def test_upload_page_offers_the_form_and_the_template(anchor_user):
    page = client_for(anchor_user).get(reverse("procurement:purchase_import"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'type="file"' in html and ".csv,.xlsx" in html
    assert reverse("procurement:purchase_import_template") in html
    template = client_for(anchor_user).get(reverse("procurement:purchase_import_template"))
    assert template.content.decode("utf-8-sig").splitlines()[0].startswith("supplier_identifier,purchased_on")


@pytest.mark.django_db
def test_good_file_upload_shows_what_was_created(anchor_user, company_x):
    client = client_for(anchor_user)
    response = client.post(reverse("procurement:purchase_import"), {"file": upload(csv_bytes(good_rows(company_x)))})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("procurement:import_batch", args=[batch.pk])
    page = client.get(response["Location"]).content.decode()
    assert "3 purchases created" in page and "0 rows were already recorded" in page
    again = client.post(reverse("procurement:purchase_import"), {"file": upload(csv_bytes(good_rows(company_x)))},
                        follow=True)
    assert "3 rows were already recorded" in again.content.decode()
    assert Purchase.objects.count() == 3
    status = client.get(reverse("procurement:import_status", args=[batch.pk])).json()
    assert status["status"] == "done" and status["processed"] == status["total"] == 3 and not status["running"]


@pytest.mark.django_db
def test_bad_file_shows_the_report_and_offers_it_as_csv_and_json(anchor_user, company_x):
    rows = good_rows(company_x) + [[company_x.uscc, "", "2026-13-40", "solid-state-cells", "10", "X-1"]]
    client = client_for(anchor_user)
    page = client.post(reverse("procurement:purchase_import"), {"file": upload(csv_bytes(rows))}, follow=True)
    html = page.content.decode()
    assert "Nothing was imported" in html and "2026-13-40" in html and "<td>5</td>" in html
    assert not Purchase.objects.exists()
    batch = ImportBatch.objects.get()
    report_url = reverse("procurement:import_report", args=[batch.pk])
    assert f"{report_url}?format=csv" in html and f"{report_url}?format=json" in html
    csv_report = client.get(report_url, {"format": "csv"})
    assert csv_report["Content-Type"].startswith("text/csv") and "attachment" in csv_report["Content-Disposition"]
    lines = csv_report.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Row,Column,Problem,Value given,Kind of problem" and lines[1].startswith("5,purchased_on,")
    json_report = json.loads(client.get(report_url, {"format": "json"}).content)
    assert json_report["errors"][0]["row"] == 5 and json_report["errors"][0]["value"] == "2026-13-40"


@pytest.mark.django_db
def test_wrong_file_type_is_refused_on_the_form(anchor_user):
    page = client_for(anchor_user).post(reverse("procurement:purchase_import"), {"file": upload(b"x", "p.pdf")})
    assert page.status_code == 200 and "Choose a CSV or .xlsx file" in page.content.decode()
    assert not ImportBatch.objects.exists()


@pytest.mark.django_db
def test_a_running_import_page_polls_and_refreshes(anchor_user):
    batch = ImportBatch.objects.create(buyer=anchor_user.company, uploaded_by=anchor_user, file_name="big.csv",
                                       total_rows=100000, processed_rows=25000)
    html = client_for(anchor_user).get(reverse("procurement:import_batch", args=[batch.pk])).content.decode()
    assert '<progress id="import-progress" max="100000" value="25000"' in html
    assert 'http-equiv="refresh"' in html and reverse("procurement:import_status", args=[batch.pk]) in html
    assert "js/import-progress.js" in html and "<strong>Importing</strong>" in html


@pytest.mark.django_db
def test_others_cannot_see_a_batch_or_import(anchor_user, supplier_x, company_x):
    batch = ImportBatch.objects.create(buyer=anchor_user.company, file_name="p.csv")
    assert client_for(supplier_x).get(reverse("procurement:import_batch", args=[batch.pk])).status_code == 404
    assert client_for(supplier_x).get(reverse("procurement:import_report", args=[batch.pk])).status_code == 404
    assert client_for(supplier_x).get(reverse("procurement:purchase_import")).status_code == 403
    assert client_for(None).get(reverse("procurement:purchase_import")).status_code == 302


@pytest.mark.django_db
def test_api_imports_a_good_file(anchor_user, company_x):
    url = reverse("purchase-import")
    response = client_for(anchor_user).post(url, {"file": upload(csv_bytes(good_rows(company_x)))})
    assert response.status_code == 201
    body = response.json()
    assert body["created"] == 3 and body["already_recorded"] == 0
    assert ImportBatch.objects.get(pk=body["batch"]).status == "done"
    again = client_for(anchor_user).post(url, {"file": upload(csv_bytes(good_rows(company_x)))}).json()
    assert again["created"] == 0 and again["already_recorded"] == 3


@pytest.mark.django_db
def test_api_reports_bad_rows_and_saves_nothing(anchor_user, company_x):
    rows = good_rows(company_x) + [[company_x.uscc, "", "2026-03-01", "nonsense", "-1", "X-1"]]
    response = client_for(anchor_user).post(
        reverse("purchase-import"), {"file": upload(xlsx_bytes(rows), "p.xlsx")}
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [(5, "category"), (5, "amount")] or \
        sorted((e["row"], e["column"]) for e in errors) == [(5, "amount"), (5, "category")]
    assert not Purchase.objects.exists()


@pytest.mark.django_db
def test_api_refuses_non_anchor_users_and_missing_files(supplier_x, anchor_user):
    assert client_for(supplier_x).post(reverse("purchase-import"), {"file": upload(b"x")}).status_code == 403
    missing = client_for(anchor_user).post(reverse("purchase-import"), {})
    assert missing.status_code == 400 and missing.json()["errors"][0]["column"] == "file"
