"""The LCR rollup cells equal the aggregate over the raw purchases after every kind of write, and the officials'
commands rebuild them and name the cells that differ."""

import io
import threading
from datetime import date
from decimal import Decimal
from functools import partial

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from procurement.imports import import_report_rows, purchase_import
from procurement.models import LcrCityRollup, LcrRollup, LcrSizeRollup, Purchase
from procurement.rollups import (
    cells_from_purchases,
    cells_stored,
    city_cells_of,
    city_cells_stored,
    rollups_differences,
    rollups_rebuild,
    size_cells_from_purchases,
    size_cells_stored,
)
from procurement.selectors import LcrSlice, lcr_figures, lcr_purchases, lcr_totals
from procurement.services import purchase_delete, purchase_record, purchase_update
from registry.models import Category, Company
from tests import factories
from tests.conftest import client_for

HEADER = "supplier_identifier,supplier_name,purchased_on,category,amount,invoice_number\n"


def csv_file(rows) -> io.BytesIO:
    return io.BytesIO((HEADER + "".join(",".join(map(str, row)) + "\n" for row in rows)).encode())


def import_rows(user, rows, name="purchases.csv"):
    return purchase_import(by=user, buyer=user.company, file=csv_file(rows), filename=name)


def row(supplier, invoice, **overrides):
    data = {
        "supplier_identifier": supplier.uscc if hasattr(supplier, "uscc") else supplier,
        "supplier_name": "" if hasattr(supplier, "uscc") else "Elsewhere GmbH",
        "purchased_on": "2025-03-01", "category": "solid-state-cells", "amount": "1000.50",
        "invoice_number": invoice,
    }
    data.update(overrides)
    return data


def assert_rollups_equal_purchases():
    assert rollups_differences() == []
    truth = cells_from_purchases()
    assert cells_stored() == truth
    assert city_cells_stored() == city_cells_of(truth)
    assert size_cells_stored() == size_cells_from_purchases()


@pytest.mark.django_db
def test_form_and_service_create_count_in_their_cell(anchor_user, company_x):
    purchase = purchase_record(by=anchor_user, buyer=anchor_user.company, row=row(company_x, "A-1"), source="form")
    cell = LcrRollup.objects.get()
    assert (cell.buyer_id, cell.category_id, cell.year, cell.supplier_is_local) == (
        anchor_user.company_id, purchase.category_id, 2025, True
    )
    assert (cell.amount_fen, cell.purchase_count) == (100050, 1)
    assert purchase.purchased_year == 2025
    assert_rollups_equal_purchases()


@pytest.mark.django_db
def test_web_form_api_create_patch_and_delete_keep_the_cells_exact(anchor_user, company_x):
    client = client_for(anchor_user)
    response = client.post("/my/purchases/new/", {
        "supplier_identifier": company_x.uscc, "purchased_on": "2025-03-01", "category": "solid-state-cells",
        "amount": "250.00", "invoice_number": "F-1",
    })
    assert response.status_code in (302, 303), response.content[:500]
    assert_rollups_equal_purchases()
    response = client.post("/api/v1/purchases/", row("VAT-DE-1", "API-1", amount="99.99"),
                           content_type="application/json")
    assert response.status_code == 201, response.content
    assert_rollups_equal_purchases()
    created = response.json()["id"]
    # A correction that moves the purchase to another year and category: it leaves one cell, enters another.
    response = client.patch(f"/api/v1/purchases/{created}/", {"purchased_on": "2024-12-31", "category": "graphene"},
                            content_type="application/json")
    assert response.status_code == 200, response.content
    assert_rollups_equal_purchases()
    assert lcr_figures(LcrSlice(year=2024))["total_amount"] == Decimal("99.99")
    response = client.delete(f"/api/v1/purchases/{created}/")
    assert response.status_code == 204
    assert_rollups_equal_purchases()
    assert lcr_figures(LcrSlice(year=2024))["lcr_percent"] is None


@pytest.mark.django_db
def test_a_correction_to_an_outside_supplier_moves_the_amount_out_of_the_local_cell(anchor_user, company_x):
    purchase = purchase_record(by=anchor_user, buyer=anchor_user.company, row=row(company_x, "A-1"), source="form")
    purchase_update(by=anchor_user, purchase=purchase, row=row("VAT-DE-1", "A-1", amount="20.00"))
    assert_rollups_equal_purchases()
    figures = lcr_figures(LcrSlice(buyer=anchor_user.company))
    assert (figures["local_amount"], figures["total_amount"], figures["lcr_percent"]) == (
        Decimal("0"), Decimal("20.00"), Decimal("0.00")
    )
    purchase_delete(by=anchor_user, purchase=purchase)
    assert_rollups_equal_purchases()
    assert lcr_figures()["purchase_count"] == 0


@pytest.mark.django_db
def test_a_supplier_losing_its_status_changes_no_cell(anchor_user, company_x):
    purchase_record(by=anchor_user, buyer=anchor_user.company, row=row(company_x, "A-1"), source="form")
    before = cells_stored()
    company_x.locality_confirmed = False
    company_x.save()
    assert cells_stored() == before
    assert_rollups_equal_purchases()


@pytest.mark.django_db
def test_an_import_counts_every_row_once_and_a_refused_file_counts_nothing(anchor_user, company_x):
    rows = [[company_x.uscc, "", f"2025-0{m}-01", "solid-state-cells", f"{m}00.25", f"IMP-{m}"] for m in range(1, 6)]
    rows.append(["VAT-DE-9", "Elsewhere GmbH", "2024-05-05", "graphene", "1000.00", "DE-9"])
    batch = import_rows(anchor_user, rows)
    assert batch.created_count == 6
    assert_rollups_equal_purchases()
    again = import_rows(anchor_user, rows)  # every row already recorded: nothing new, nothing counted twice
    assert (again.created_count, again.duplicate_count) == (0, 6)
    refused = import_rows(anchor_user, [[company_x.uscc, "", "2025-01-01", "solid-state-cells", "5", "NEW-1"],
                                        [company_x.uscc, "", "2025-01-01", "no-such-category", "5", "NEW-2"]])
    assert refused.created_count == 0
    assert_rollups_equal_purchases()
    assert lcr_figures()["purchase_count"] == 6


@pytest.mark.django_db
def test_the_size_class_slice_is_read_from_its_cells_at_the_suppliers_current_size(
        anchor_user, anchor_company, company_x, django_assert_num_queries):
    from calculators.enterprise_size import LARGE

    other = factories.make_company(name="Other supplier")
    for supplier, invoice, amount, day in ((company_x, "S-1", "10.00", "2025-03-01"),
                                           (company_x, "S-2", "2.50", "2024-05-01"),
                                           (other, "S-3", "7.00", "2025-03-01"),
                                           ("VAT-DE-1", "S-4", "100.00", "2025-03-01")):  # outside the registry
        purchase_record(by=anchor_user, buyer=anchor_company, source="form",
                        row=row(supplier, invoice, amount=amount, purchased_on=day))
    assert_rollups_equal_purchases()
    size = company_x.size_class
    assert other.size_class == size  # both from the factory's figures
    with django_assert_num_queries(1):  # one sum over a handful of cells, no purchase read
        figures = lcr_totals(LcrSlice(size_class=size))
    assert figures == lcr_totals(lcr_purchases(LcrSlice(size_class=size)))
    assert figures["purchase_count"] == 3 and figures["total_amount"] == Decimal("19.50")  # not the outside one
    year = lcr_totals(LcrSlice(size_class=size, year=2024))
    assert year["purchase_count"] == 1 and year["total_amount"] == Decimal("2.50")

    # Company X grows into a large enterprise: its purchases move to that class in the save's transaction.
    company_x.employees, company_x.revenue_cny = 5000, Decimal("900000000")
    company_x.save()
    assert company_x.size_class == LARGE
    assert_rollups_equal_purchases()
    assert lcr_totals(LcrSlice(size_class=size))["total_amount"] == Decimal("7.00")
    assert lcr_totals(LcrSlice(size_class=LARGE))["total_amount"] == Decimal("12.50")
    company_x.save()  # saved again in the same class: nothing moves
    assert_rollups_equal_purchases()

    # With a buyer or a district, the slice is summed over that buyer's purchases: the same answer.
    for narrowed in (LcrSlice(size_class=LARGE, buyer=anchor_company),
                     LcrSlice(size_class=LARGE, district=anchor_company.district)):
        assert lcr_totals(narrowed) == lcr_totals(lcr_purchases(narrowed))
        assert lcr_totals(narrowed)["total_amount"] == Decimal("12.50")


@pytest.mark.django_db
def test_a_size_class_change_through_the_registry_service_moves_the_purchases(anchor_user, anchor_company, company_x,
                                                                             supplier_x):
    from registry import services

    purchase_record(by=anchor_user, buyer=anchor_company, source="form", row=row(company_x, "S-1", amount="40.00"))
    before = company_x.size_class
    services.company_update(by=supplier_x, company=company_x,
                            data={"employees": 2000, "revenue_cny": Decimal("800000000")})
    company_x.refresh_from_db()
    assert company_x.size_class != before
    assert_rollups_equal_purchases()
    assert lcr_totals(LcrSlice(size_class=company_x.size_class))["total_amount"] == Decimal("40.00")


@pytest.mark.django_db
def test_verify_names_the_differing_cell_and_rebuild_repairs_it(anchor_company, company_x):
    factories.make_purchase(anchor_company, company_x, amount=Decimal("10.00"), purchased_on=date(2025, 2, 1))
    factories.make_purchase(anchor_company, None, amount=Decimal("5.00"), purchased_on=date(2023, 2, 1))
    out = io.StringIO()
    call_command("verify_lcr_rollups", stdout=out)
    assert "equal" in out.getvalue()

    LcrRollup.objects.filter(year=2025).update(amount_fen=1)
    LcrCityRollup.objects.filter(year=2023).delete()
    LcrSizeRollup.objects.filter(year=2025).update(purchase_count=4)
    err = io.StringIO()
    with pytest.raises(CommandError, match="3 cells"):
        call_command("verify_lcr_rollups", stderr=err)
    report = err.getvalue()
    buyer = f"buyer {anchor_company.uscc} ({anchor_company.name})"
    assert f"{buyer}, category solid-state-cells, year 2025, local" in report
    assert "rollup 0.01 CNY in 1 purchases, purchases 10.00 CNY in 1" in report
    assert "city, category solid-state-cells, year 2023, not local: rollup 0.00 CNY in 0 purchases" in report
    assert (f"{company_x.size_class} suppliers, category solid-state-cells, year 2025, local: "
            "rollup 10.00 CNY in 4 purchases, purchases 10.00 CNY in 1") in report

    out = io.StringIO()
    call_command("rebuild_lcr_rollups", stdout=out)
    assert "2 cells" in out.getvalue()
    assert_rollups_equal_purchases()
    call_command("verify_lcr_rollups", stdout=io.StringIO())


@pytest.mark.django_db
def test_verify_notices_purchases_written_around_the_rollups(anchor_company, company_x):
    factories.make_purchase(anchor_company, company_x)
    Purchase.objects.update(amount=Decimal("2.00"))  # a write that bypassed the services
    with pytest.raises(CommandError):
        call_command("verify_lcr_rollups", stderr=io.StringIO())
    rollups_rebuild()
    assert_rollups_equal_purchases()


# --- random sequences of writes: after each step the cells equal the purchases

SUPPLIERS = ("local", "outside")
step = st.one_of(
    st.tuples(st.just("create"), st.sampled_from(SUPPLIERS), st.integers(2022, 2026),
              st.sampled_from(["solid-state-cells", "graphene", "sulfide-electrolyte"]),
              st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2)),
    st.tuples(st.just("correct"), st.integers(0, 50), st.sampled_from(SUPPLIERS), st.integers(2022, 2026),
              st.sampled_from(["solid-state-cells", "graphene"]),
              st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999.99"), places=2)),
    st.tuples(st.just("delete"), st.integers(0, 50)),
    st.tuples(st.just("import"), st.lists(
        st.tuples(st.sampled_from(SUPPLIERS), st.integers(2022, 2026),
                  st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999999.99"), places=2)),
        min_size=1, max_size=6,
    ), st.booleans()),
    # The supplier's figures change, and with them (maybe) its size class.
    st.tuples(st.just("resize"), st.sampled_from([5, 50, 500, 5000])),
)


@hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=8))
def test_any_sequence_of_writes_keeps_the_cells_equal_to_the_purchases(anchor_user, company_x, steps):
    Purchase.objects.all().delete()  # hypothesis runs every example inside the same test transaction
    LcrRollup.objects.all().delete()
    LcrCityRollup.objects.all().delete()
    LcrSizeRollup.objects.all().delete()
    company_x.refresh_from_db()
    buyer = anchor_user.company
    counter = iter(range(10**6))

    def supplier_row(kind, year, category, amount):
        supplier = company_x if kind == "local" else "VAT-DE-1"
        return row(supplier, f"S-{next(counter)}", purchased_on=f"{year}-06-30", category=category,
                   amount=str(amount))

    for action, *args in steps:
        existing = list(Purchase.objects.order_by("pk"))
        if action == "create":
            purchase_record(by=anchor_user, buyer=buyer, row=supplier_row(*args), source="api")
        elif action == "correct" and existing:
            target = existing[args[0] % len(existing)]
            fresh = supplier_row(*args[1:])
            fresh["invoice_number"] = target.invoice_number
            purchase_update(by=anchor_user, purchase=target, row=fresh)
        elif action == "delete" and existing:
            purchase_delete(by=anchor_user, purchase=existing[args[0] % len(existing)])
        elif action == "import":
            lines, spoil = args
            rows = [[company_x.uscc if kind == "local" else "VAT-DE-2", "" if kind == "local" else "Outside AG",
                     f"{year}-01-15", "solid-state-cells", amount, f"I-{next(counter)}"]
                    for kind, year, amount in lines]
            if spoil:  # a bad row: the whole file is refused and counts nowhere
                rows.append([company_x.uscc, "", "2025-01-01", "solid-state-cells", "-1", f"I-{next(counter)}"])
            import_rows(anchor_user, rows)
        elif action == "resize":
            company_x.employees, company_x.revenue_cny = args[0], Decimal(args[0]) * 500_000
            company_x.save()
        assert_rollups_equal_purchases()
    city = lcr_figures()
    raw = lcr_totals(Purchase.objects.all())
    assert (city["local_amount"], city["total_amount"], city["purchase_count"]) == (
        raw["local_amount"], raw["total_amount"], raw["purchase_count"]
    )


# --- concurrent imports on PostgreSQL: both files counted, no lost update


def at_once(*calls) -> list:
    """Run each call in a thread of its own, all let go together; their results in finishing order (an error in
    any thread fails the test)."""
    barrier = threading.Barrier(len(calls))
    outcomes, failures = [], []

    def run(call):
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=30)
            outcomes.append(call())
        except Exception as error:  # reported below, in the main thread
            failures.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures
    return outcomes


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite takes one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_two_imports_at_once_for_the_same_buyer_both_count(reference_data):
    buyer = factories.make_company(anchor=True)
    user = factories.make_user(company=buyer)
    supplier = factories.make_company()
    outcomes = at_once(*(
        partial(import_rows, user, [
            [supplier.uscc, "", f"2025-0{1 + n % 9}-01", "solid-state-cells", f"{n + 1}.01", f"{prefix}-{n}"]
            for n in range(300)
        ], name=f"{prefix}.csv")
        for prefix in ("A", "B")
    ))
    assert sorted(batch.created_count for batch in outcomes) == [300, 300]
    assert_rollups_equal_purchases()
    assert lcr_figures(LcrSlice(buyer=buyer))["purchase_count"] == 600


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite takes one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_two_buyers_importing_the_same_invoices_at_once_save_them_once(reference_data):
    # Both files pass their checks before either is saved; the purchases' unique index decides as they go in: the
    # second to save finds the first's invoices and is refused (another buyer's), nothing of it written.
    users = [factories.make_user(company=factories.make_company(anchor=True)) for _ in range(2)]
    supplier = factories.make_company()
    rows = [[supplier.uscc, "", "2025-03-01", "solid-state-cells", f"{n + 1}.01", f"SAME-{n}"] for n in range(300)]
    outcomes = at_once(*(partial(import_rows, user, rows, name=f"{user.pk}.csv") for user in users))
    done, refused = sorted(outcomes, key=lambda batch: batch.status != "done")
    assert (done.status, done.created_count, refused.status) == ("done", 300, "failed")
    assert "another buyer" in import_report_rows(refused)[0]["message"]
    assert Purchase.objects.count() == 300 and not Purchase.objects.filter(buyer=refused.buyer).exists()
    assert_rollups_equal_purchases()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite takes one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_an_import_saved_while_its_supplier_changes_size_class_is_counted_once(reference_data, monkeypatch):
    # The interleaving forced: the company's new size class is written, and before its purchases move to the new
    # class's cells an import of its purchases tries to save. The import must wait for the company's save (one
    # transaction, its row locked) rather than count its purchases in the new class only to see them moved again.
    from django.db.models.signals import post_save

    from procurement import rollups

    user = factories.make_user(company=factories.make_company(anchor=True))
    supplier = factories.make_company(employees=120, revenue_cny=Decimal("50000000.00"))  # small
    factories.make_purchase(user.company, supplier, invoice_number="BEFORE-1")
    written, imported = threading.Event(), threading.Event()

    def held_move(sender, instance, **kwargs):
        if instance.pk == supplier.pk:
            written.set()
            imported.wait(timeout=3)  # the import cannot finish while the row is locked: this times out
        rollups.supplier_size_changed(sender, instance, **kwargs)

    post_save.disconnect(dispatch_uid="procurement.rollups.size_changed", sender=Company)
    post_save.connect(held_move, sender=Company, dispatch_uid="test.held_move")
    try:
        def grow():
            company = Company.objects.get(pk=supplier.pk)
            company.employees = 1500  # medium
            company.save()  # no transaction of the caller's
            return company.size_class

        def import_meanwhile():
            assert written.wait(timeout=30)
            batch = import_rows(user, [[supplier.uscc, "", "2025-03-01", "solid-state-cells", "10.00", "DURING-1"]])
            imported.set()
            return batch

        outcomes = at_once(grow, import_meanwhile)
    finally:
        post_save.disconnect(dispatch_uid="test.held_move", sender=Company)
        rollups.connect()
    assert "medium" in outcomes and any(getattr(o, "created_count", None) == 1 for o in outcomes)
    assert rollups_differences() == []
    assert sorted(LcrSizeRollup.objects.filter(purchase_count__gt=0).values_list("supplier_size_class",
                                                                                 "purchase_count")) == [("medium", 2)]


@pytest.mark.django_db
def test_categories_below_a_top_level_one_are_summed_from_their_own_cells(anchor_company, company_x):
    cells = Category.objects.get(slug="solid-state-cells")
    factories.make_purchase(anchor_company, company_x, category=cells, amount=Decimal("3.00"))
    parent = cells.parent
    assert lcr_figures(LcrSlice(category=parent))["total_amount"] == Decimal("3.00")
    assert LcrRollup.objects.get().category_id == cells.pk
