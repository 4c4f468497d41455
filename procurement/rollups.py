"""The LCR rollup cells: written in the transaction of every purchase write, rebuilt and verified by officials.

A cell is (buyer, category, year, supplier locality snapshot) with the sum of the amounts in fen and the
number of purchases; the city's cells (LcrCityRollup) are the same without the buyer, for the city-wide
figures; the size classes' cells (LcrSizeRollup) are the city's cells of registered suppliers split by the
supplier's current size class, for the figures by supplier size. A company moving into another size class moves
its purchases' sums from one class's cells to the other's, in the transaction that saves it
(`supplier_size_changed`).

The locality is the snapshot on the purchase, so a supplier changing its status never touches a cell; creating,
correcting or deleting a purchase does, and each of those calls `rollups_apply` with the change it made, inside its
own transaction.

Changes are added in the database, never read and written back from Python: one
`INSERT ... ON CONFLICT (cell) DO UPDATE SET amount_fen = amount_fen + excluded.amount_fen` per cell
(SQLite ≥ 3.24 and PostgreSQL), so two writers touching the same cell both count. Cells are written in
key order, so two transactions that touch the same cells lock them in the same order and never deadlock.
"""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, connections, transaction
from django.db.models import BigIntegerField, Count, F, Sum
from django.db.models.functions import Cast, Round

from registry.models import Company

from .models import LcrCityRollup, LcrRollup, LcrSizeRollup, Purchase

# (buyer id, category id, year, supplier is local)
CellKey = tuple[int, int, int, bool]
BUYER_CELL = ("buyer_id", "category_id", "year", "supplier_is_local")
CITY_CELL = ("category_id", "year", "supplier_is_local")
# (category id, year, supplier is local, the supplier's size class): registered suppliers only.
SIZE_CELL = ("category_id", "year", "supplier_is_local", "supplier_size_class")


def amount_in_fen(amount) -> int:
    """A CNY amount as whole fen (amounts are stored with two places; anything finer is rounded half-up)."""
    return int((Decimal(amount) * 100).to_integral_value(rounding=ROUND_HALF_UP))


def fen_as_cny(fen) -> Decimal:
    """Whole fen back to CNY with two places."""
    return Decimal(int(fen or 0)).scaleb(-2)


def cell_of(purchase: Purchase) -> CellKey:
    """The cell a purchase counts in, from its saved values."""
    return (purchase.buyer_id, purchase.category_id, purchase.purchased_on.year, bool(purchase.supplier_is_local))


class RollupChange:
    """What a write does to the cells: per cell, fen and purchases to add (negative to take away)."""

    def __init__(self):
        self.cells: dict[CellKey, list[int]] = defaultdict(lambda: [0, 0])
        self.supplier_cells: dict[CellKey, list[int]] = defaultdict(lambda: [0, 0])

    def count(self, *, buyer_id: int, supplier_id: int | None, category_id: int, year: int, local: bool,
              fen: int, purchases: int = 1) -> "RollupChange":
        """Count `purchases` purchases of `fen` in total (negative to take them away) in their cells."""
        _accumulate(self.cells, (buyer_id, category_id, year, bool(local)), fen, purchases)
        if supplier_id is not None:
            _accumulate(self.supplier_cells, (supplier_id, category_id, year, bool(local)), fen, purchases)
        return self

    def add(self, purchase: Purchase) -> "RollupChange":
        buyer_id, category_id, year, local = cell_of(purchase)
        return self.count(buyer_id=buyer_id, supplier_id=purchase.supplier_id, category_id=category_id, year=year,
                          local=local, fen=amount_in_fen(purchase.amount))

    def remove(self, purchase: Purchase) -> "RollupChange":
        buyer_id, category_id, year, local = cell_of(purchase)
        return self.count(buyer_id=buyer_id, supplier_id=purchase.supplier_id, category_id=category_id, year=year,
                          local=local, fen=-amount_in_fen(purchase.amount), purchases=-1)

    def rows(self) -> list[tuple]:
        """The non-zero changes in key order (the order cells are locked in)."""
        return _rows(self.cells)

    def city_rows(self) -> list[tuple]:
        """The same changes summed over the buyers, for the city's cells, in key order."""
        return _rows(_regrouped(self.cells, _city_key))

    def size_rows(self, size_of: dict[int, str]) -> list[tuple]:
        """The changes to the size classes' cells, given each supplier's size class, in key order."""
        return _rows(_regrouped(
            self.supplier_cells, lambda supplier, category, year, local: (category, year, local, size_of[supplier])))


def _city_key(buyer, category, year, local) -> tuple:
    return (category, year, local)


def _accumulate(cells: dict, key: tuple, fen: int, purchases: int) -> None:
    cell = cells[key]
    cell[0] += fen
    cell[1] += purchases


def _regrouped(cells: dict, key_of) -> dict[tuple, list[int]]:
    """The cells added up under `key_of(*key)`: the buyers' into the city's, the suppliers' into their classes'."""
    grouped: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for key, (fen, count) in cells.items():
        _accumulate(grouped, key_of(*key), fen, count)
    return grouped


def _rows(cells: dict) -> list[tuple]:
    """The non-zero cells as (*key, fen, purchases), in key order (the order cells are locked in)."""
    return [(*key, fen, count) for key, (fen, count) in sorted(cells.items()) if fen or count]


def _fen_and_count() -> dict:
    """The purchases' sum in whole fen and their number, as the database computes them (no per-row Python)."""
    return {"fen": Sum(Cast(Round(F("amount") * 100), BigIntegerField())), "count": Count("pk")}


def _upsert_sql(model, key_columns) -> str:
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join((*key_columns, "amount_fen", "purchase_count"))
    return (
        f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * (len(key_columns) + 2))}) "
        f"ON CONFLICT ({', '.join(key_columns)}) DO UPDATE SET "
        f"amount_fen = {table}.amount_fen + excluded.amount_fen, "
        f"purchase_count = {table}.purchase_count + excluded.purchase_count"
    )


def rollups_apply(change: RollupChange) -> int:
    """Add a write's change to the buyers', the city's and the size classes' cells; must run in the transaction of
    the write.

    The buyers' cells first, then the city's, then the size classes', each in key order: every writer takes its row
    locks in one order.
    """
    rows = change.rows()
    if not rows:
        return 0
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("rollups_apply must run in the transaction of the purchase write")
    with connection.cursor() as cursor:
        cursor.executemany(_upsert_sql(LcrRollup, BUYER_CELL), rows)
        cursor.executemany(_upsert_sql(LcrCityRollup, CITY_CELL), change.city_rows())
        if change.supplier_cells:
            size_rows = change.size_rows(_size_classes(cursor, {key[0] for key in change.supplier_cells}))
            cursor.executemany(_upsert_sql(LcrSizeRollup, SIZE_CELL), size_rows)
    return len(rows)


def _size_classes(cursor, supplier_ids) -> dict[int, str]:
    """{supplier id: size class}, read as this transaction's cells will count them.

    On PostgreSQL the rows are held in SHARE mode until the write commits: a company saved meanwhile with a new
    size class (which locks its row to update it) waits, then moves these purchases with the others; a company
    being saved makes this write wait and read its new class. Writers of purchases do not wait for each other.
    """
    ids = sorted(supplier_ids)
    table = connection.ops.quote_name(Company._meta.db_table)
    if connection.vendor == "postgresql":
        cursor.execute(f"SELECT id, size_class FROM {table} WHERE id = ANY(%s) ORDER BY id FOR SHARE", [ids])
        return dict(cursor.fetchall())
    return dict(Company.objects.filter(pk__in=ids).values_list("pk", "size_class"))


# --- a company moving into another size class


def supplier_size_before_save(sender, instance, raw=False, using="default", **kwargs):
    """pre_save of Company: note the size class the database holds (locked until the save commits: Company.save
    is always one transaction)."""
    if raw or instance._state.adding or instance.pk is None:
        return
    rows = Company.objects.using(using).filter(pk=instance.pk).select_for_update(no_key=True)
    instance._size_class_stored = rows.values_list("size_class", flat=True).first()


def supplier_size_changed(sender, instance, created=False, raw=False, using="default", **kwargs):
    """post_save of Company: move its purchases' sums to its new size class's cells, in the save's transaction."""
    before = instance.__dict__.pop("_size_class_stored", None)
    if created or raw or before is None or before == instance.size_class:
        return
    sums = (
        Purchase.objects.using(using).filter(supplier_id=instance.pk).order_by()
        .values_list("category_id", "purchased_year", "supplier_is_local")
        .annotate(**_fen_and_count())
    )
    rows = []
    for category, year, local, fen, count in sums:
        rows.append((category, year, bool(local), before, -int(fen), -count))
        rows.append((category, year, bool(local), instance.size_class, int(fen), count))
    if not rows:
        return
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.executemany(_upsert_sql(LcrSizeRollup, SIZE_CELL), sorted(rows))


def connect() -> None:
    from django.db.models.signals import post_save, pre_save

    pre_save.connect(supplier_size_before_save, sender=Company, dispatch_uid="procurement.rollups.size_before")
    post_save.connect(supplier_size_changed, sender=Company, dispatch_uid="procurement.rollups.size_changed")


def rollups_record_created(purchases) -> int:
    """Count newly saved purchases in their cells."""
    change = RollupChange()
    for purchase in purchases:
        change.add(purchase)
    return rollups_apply(change)


# --- the truth the cells must equal: the aggregate over the raw purchases


def cells_from_purchases(queryset=None) -> dict[CellKey, tuple[int, int]]:
    """{cell: (fen, purchases)} computed from the purchases themselves (one GROUP BY, no per-row function)."""
    queryset = Purchase.objects.all() if queryset is None else queryset
    rows = (
        queryset.order_by()
        .values_list("buyer_id", "category_id", "purchased_year", "supplier_is_local")
        .annotate(**_fen_and_count())
    )
    return {(b, c, y, bool(local)): (int(fen), count) for b, c, y, local, fen, count in rows}


def size_cells_from_purchases() -> dict[tuple, tuple[int, int]]:
    """{(category, year, local, size class): (fen, purchases)} of registered suppliers' purchases, each supplier at
    its current size class, from the purchases."""
    rows = (
        Purchase.objects.filter(supplier__isnull=False).order_by()
        .values_list("category_id", "purchased_year", "supplier_is_local", "supplier__size_class")
        .annotate(**_fen_and_count())
    )
    return {(c, y, bool(local), size): (int(fen), count) for c, y, local, size, fen, count in rows}


def size_cells_stored() -> dict[tuple, tuple[int, int]]:
    """{(category, year, local, size class): (fen, purchases)} as the size classes' rollup table holds them."""
    rows = LcrSizeRollup.objects.exclude(amount_fen=0, purchase_count=0).values_list(
        "category_id", "year", "supplier_is_local", "supplier_size_class", "amount_fen", "purchase_count"
    )
    return {(c, y, bool(local), size): (fen, count) for c, y, local, size, fen, count in rows}


def cells_stored() -> dict[CellKey, tuple[int, int]]:
    """{cell: (fen, purchases)} as the buyers' rollup table holds them, empty cells left out."""
    rows = LcrRollup.objects.exclude(amount_fen=0, purchase_count=0).values_list(
        "buyer_id", "category_id", "year", "supplier_is_local", "amount_fen", "purchase_count"
    )
    return {(b, c, y, bool(local)): (fen, count) for b, c, y, local, fen, count in rows}


def city_cells_stored() -> dict[tuple, tuple[int, int]]:
    """{(category, year, local): (fen, purchases)} as the city's rollup table holds them, empty cells left out."""
    rows = LcrCityRollup.objects.exclude(amount_fen=0, purchase_count=0).values_list(
        "category_id", "year", "supplier_is_local", "amount_fen", "purchase_count"
    )
    return {(c, y, bool(local)): (fen, count) for c, y, local, fen, count in rows}


def city_cells_of(cells: dict) -> dict[tuple, tuple[int, int]]:
    """Buyers' cells summed over the buyers."""
    city = _regrouped(cells, _city_key)
    return {key: (fen, count) for key, (fen, count) in city.items() if fen or count}


def _compare(table: str, stored: dict, truth: dict) -> list[dict]:
    return [
        {"table": table, "cell": key, "stored": stored.get(key, (0, 0)), "purchases": truth.get(key, (0, 0))}
        for key in sorted(set(stored) | set(truth))
        if stored.get(key, (0, 0)) != truth.get(key, (0, 0))
    ]


def rollups_differences() -> list[dict]:
    """Every cell, of the buyers' table ("buyer"), the city's ("city") and the size classes' ("size"), that
    disagrees with the purchases.

    Empty when the three tables equal the aggregate over the purchases; in key order.
    """
    truth = cells_from_purchases()
    return (_compare("buyer", cells_stored(), truth) + _compare("city", city_cells_stored(), city_cells_of(truth))
            + _compare("size", size_cells_stored(), size_cells_from_purchases()))


def purchases_with_wrong_year() -> int:
    """Purchases whose stored year is not the year of their date (a bulk write that skipped save())."""
    return Purchase.objects.exclude(purchased_year=F("purchased_on__year")).count()


@transaction.atomic
def rollups_rebuild() -> int:
    """Recompute every cell of the three tables from the purchases; returns the number of buyers' cells written.

    On PostgreSQL the purchases are locked against writes (SHARE mode; reads go on) while the cells are
    rebuilt, so no purchase saved meanwhile is left out.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {connection.ops.quote_name(Purchase._meta.db_table)} IN SHARE MODE")
            for model in (LcrRollup, LcrCityRollup, LcrSizeRollup):
                cursor.execute(f"LOCK TABLE {connection.ops.quote_name(model._meta.db_table)} IN EXCLUSIVE MODE")
    LcrRollup.objects.all().delete()
    LcrCityRollup.objects.all().delete()
    LcrSizeRollup.objects.all().delete()
    truth = cells_from_purchases()
    LcrRollup.objects.bulk_create([
        LcrRollup(buyer_id=b, category_id=c, year=y, supplier_is_local=local, amount_fen=fen, purchase_count=count)
        for (b, c, y, local), (fen, count) in sorted(truth.items())
    ], batch_size=1000)
    LcrCityRollup.objects.bulk_create([
        LcrCityRollup(category_id=c, year=y, supplier_is_local=local, amount_fen=fen, purchase_count=count)
        for (c, y, local), (fen, count) in sorted(city_cells_of(truth).items())
    ], batch_size=1000)
    LcrSizeRollup.objects.bulk_create([
        LcrSizeRollup(category_id=c, year=y, supplier_is_local=local, supplier_size_class=size, amount_fen=fen,
                      purchase_count=count)
        for (c, y, local, size), (fen, count) in sorted(size_cells_from_purchases().items())
    ], batch_size=1000)
    return len(truth)
