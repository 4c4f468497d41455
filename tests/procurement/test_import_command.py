"""python manage.py import_purchases: progress, summary, and a refused file's report with a failing exit."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from procurement.models import Purchase
from tests.procurement.test_imports import csv_bytes, good_rows


def run(*args):
    out = StringIO()
    call_command("import_purchases", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_command_imports_with_progress_and_summary(tmp_path, anchor_company, company_x):
    path = tmp_path / "purchases.csv"
    path.write_bytes(csv_bytes(good_rows(company_x)))
    out = run(str(path), "--buyer", anchor_company.uscc)
    assert "100%" in out and "3/3 rows checked" in out
    assert "3 purchase(s) created, 0 row(s) already recorded" in out
    assert Purchase.objects.filter(created_by=None, buyer=anchor_company).count() == 3
    assert "0 purchase(s) created, 3 row(s) already recorded" in run(str(path), "--buyer", anchor_company.uscc)


@pytest.mark.django_db
def test_command_records_the_given_user_and_accepts_a_non_anchor_buyer(tmp_path, company_y, supplier_y, company_x):
    path = tmp_path / "purchases.csv"
    path.write_bytes(csv_bytes(good_rows(company_x)))
    run(str(path), "--buyer", company_y.uscc, "--user", supplier_y.username)
    assert set(Purchase.objects.values_list("created_by", flat=True)) == {supplier_y.pk}


@pytest.mark.django_db
def test_command_refuses_a_bad_file_with_the_report(tmp_path, anchor_company, company_x):
    path = tmp_path / "purchases.csv"
    bad = [company_x.uscc, "", "yesterday", "solid-state-cells", "1", "Z"]
    path.write_bytes(csv_bytes(good_rows(company_x) + [bad]))
    out = StringIO()
    with pytest.raises(CommandError, match="refused"):
        call_command("import_purchases", str(path), "--buyer", anchor_company.uscc, stdout=out)
    assert "row 5, column purchased_on" in out.getvalue() and "'yesterday'" in out.getvalue()
    assert not Purchase.objects.exists()


@pytest.mark.django_db
def test_command_refuses_unknown_buyer_and_wrong_file_type(tmp_path, anchor_company):
    path = tmp_path / "purchases.txt"
    path.write_bytes(b"hello")
    with pytest.raises(CommandError, match="No registered company"):
        run(str(path), "--buyer", "91320583MA00000000")
    with pytest.raises(CommandError):
        run(str(path), "--buyer", anchor_company.uscc)
