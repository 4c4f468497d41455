"""Figure 3: a purchases file through `manage.py import_purchases`, against COPY and django-import-export.

- The app: `import_purchases FILE --buyer USCC --user USERNAME` run in a child process of its own (Django set up
  first, then the command timed), its peak resident memory read from the kernel (getrusage of that process).
  The same is done with a file a fifth as long, to see whether memory grows with the file.
- The floor: the same rows, resolved to what the table stores, written by COPY (PostgreSQL) or executemany in one
  transaction (SQLite) into a scratch table of the purchases table's shape: its columns, check and unique
  constraints, indexes and foreign keys.
- The peer: django-import-export (bench/requirements.txt) importing the same file into the same model.

The purchases imported are deleted afterwards (and the app's rebuild commands run again), so a kept database
stays as generated.
"""

import json
import random
import re
import subprocess
import sys
import time
from pathlib import Path

from . import measure

ROOT = Path(__file__).resolve().parent.parent
HEADER = "supplier_identifier,supplier_name,purchased_on,category,amount,invoice_number,description\n"

_CHILD = r"""
import io, json, resource, sys, time


def high_water_kb():
    # VmHWM: this process's peak resident memory since exec. getrusage's ru_maxrss would include the parent's
    # before the exec on Linux (the bench process, a few hundred MB), hiding the command's own peak.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


import django
django.setup()
from django.core.management import call_command
base = high_water_kb()
output = io.StringIO()
started = time.perf_counter()
try:
    call_command("import_purchases", sys.argv[1], buyer=sys.argv[2], user=sys.argv[3], stdout=output)
except Exception:
    print(output.getvalue()[-3000:])
    raise
seconds = time.perf_counter() - started
print("BENCH" + json.dumps({"seconds": seconds, "base_kb": base, "peak_kb": high_water_kb()}))
"""


def write_file(path: Path, rows: int, suppliers: list[tuple[str, str]], leaves: list[str], tag: str, year: int,
               seed: int = 7) -> list[dict]:
    """A CSV the app's importer reads; returns the rows as dicts (for the floor)."""
    rng = random.Random(seed)
    records = []
    with path.open("w", encoding="utf-8") as handle:
        handle.write(HEADER)
        for n in range(rows):
            if n % 5 == 0:
                identifier, name = f"OUTSIDE{n % 997:04d}", f"Outside supplier {n % 997}"
            else:
                identifier, name = rng.choice(suppliers)
            day = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            amount = f"{rng.randint(100, 9_999_999)}.{rng.randint(0, 99):02d}"
            category = rng.choice(leaves)
            invoice = f"{tag}-{n:07d}"
            handle.write(f"{identifier},{name},{day},{category},{amount},{invoice},bench row {n}\n")
            records.append({"supplier_identifier": identifier, "supplier_name": name, "purchased_on": day,
                            "category": category, "amount": amount, "invoice_number": invoice,
                            "description": f"bench row {n}"})
    return records


def run_command(env: dict, path: Path, buyer_uscc: str, username: str) -> dict:
    """The import command in a child process: seconds inside the command, peak and starting RSS in MB."""
    process = subprocess.run([sys.executable, "-c", _CHILD, str(path), buyer_uscc, username], cwd=ROOT, env=env,
                             capture_output=True, text=True)
    out, err = process.stdout, process.stderr
    match = re.search(r"BENCH(\{.*\})", out)
    if process.returncode != 0 or not match:
        raise SystemExit(f"import_purchases failed ({process.returncode}):\n{out[-2000:]}\n{err[-3000:]}")
    data = json.loads(match.group(1))
    return {"seconds": data["seconds"], "peak_mb": data["peak_kb"] / 1024, "start_mb": data["base_kb"] / 1024}


# -- The floor -------------------------------------------------------------------------------------------------


def resolve_rows(records: list[dict], buyer_id: int, user_id: int, vendor: str) -> tuple[list[str], list[tuple]]:
    """The file's rows as the purchases table stores them (ids looked up, snapshots taken), before timing."""
    from django.db import connection
    from django.utils import timezone

    from procurement.models import Purchase
    from registry.models import Category, Company

    from .generate import writable

    today = timezone.localdate()
    suppliers = {
        uscc: (pk, bool(local), status == "verified" and until is not None and until >= today)
        for pk, uscc, local, status, until in Company.objects.values_list(
            "pk", "uscc", "locality_confirmed", "status", "verified_until")
    }
    categories = dict(Category.objects.values_list("slug", "pk"))
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    known = {"buyer_id", "supplier_id", "supplier_identifier", "supplier_name", "supplier_is_local",
             "supplier_was_verified", "purchased_on", "category_id", "product_id", "description", "quantity", "unit",
             "amount", "invoice_number", "source", "import_batch_id", "created_by_id", "created_at", "updated_at"}
    # Columns the database fills itself (db_default) are left to it, as in the generator.
    fields = [f for f in Purchase._meta.concrete_fields
              if writable(f) and not (f.has_db_default() and f.attname not in known)]
    names = [f.column for f in fields]
    rows = []
    for record in records:
        supplier = suppliers.get(record["supplier_identifier"])
        values = {
            "buyer_id": buyer_id, "supplier_id": supplier[0] if supplier else None,
            "supplier_identifier": record["supplier_identifier"], "supplier_name": record["supplier_name"],
            "supplier_is_local": bool(supplier and supplier[1] and supplier[2]),
            "supplier_was_verified": bool(supplier and supplier[2]),
            "purchased_on": record["purchased_on"], "category_id": categories[record["category"]],
            "product_id": None, "description": record["description"], "quantity": None, "unit": "",
            "amount": record["amount"], "invoice_number": record["invoice_number"], "source": "import",
            "import_batch_id": None, "created_by_id": user_id, "created_at": now, "updated_at": now,
        }
        row = []
        for field in fields:
            if field.attname in values:
                row.append(values[field.attname])
            elif "year" in field.attname:
                row.append(int(record["purchased_on"][:4]))
            else:
                row.append(field.get_db_prep_save(field.get_default(), connection))
        rows.append(tuple(row))
    return names, rows


def _scratch_table(connection, vendor: str, table: str, scratch: str) -> None:
    cursor = connection.cursor()
    if vendor == "postgresql":
        cursor.execute(f'DROP TABLE IF EXISTS "{scratch}"')
        cursor.execute(f'CREATE TABLE "{scratch}" (LIKE "{table}" INCLUDING ALL)')
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
            "AND contype = 'f'", [table]
        )
        for n, (_, definition) in enumerate(cursor.fetchall()):
            cursor.execute(f'ALTER TABLE "{scratch}" ADD CONSTRAINT "{scratch}_fk{n}" {definition}')
        return
    cursor.execute(f'DROP TABLE IF EXISTS "{scratch}"')
    create, = cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table]).fetchone()
    cursor.execute(create.replace(f'"{table}"', f'"{scratch}"', 1))
    for n, (sql,) in enumerate(cursor.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", [table]
    ).fetchall()):
        sql = re.sub(r'INDEX "[^"]+" ON "[^"]+"', f'INDEX "{scratch}_i{n}" ON "{scratch}"', sql, count=1)
        cursor.execute(sql)
    connection.commit()


def floor_insert(connection, vendor: str, scratch: str, names: list[str], rows: list[tuple]) -> float:
    quoted = ", ".join(f'"{name}"' for name in names)
    started = time.perf_counter()
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'TRUNCATE "{scratch}"')
        started = time.perf_counter()
        # Timed to the commit: the foreign keys are deferred, as Django makes them, so they are checked there.
        with connection.transaction(), connection.cursor() as cursor:
            with cursor.copy(f'COPY "{scratch}" ({quoted}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
        return time.perf_counter() - started
    connection.execute(f'DELETE FROM "{scratch}"')
    connection.commit()
    started = time.perf_counter()
    connection.execute("BEGIN")
    connection.executemany(f'INSERT INTO "{scratch}" ({quoted}) VALUES ({", ".join("?" for _ in names)})', rows)
    connection.commit()
    return time.perf_counter() - started


# -- The peer --------------------------------------------------------------------------------------------------


def peer_import(path: Path, buyer_id: int, user_id: int) -> tuple[float, int]:
    """django-import-export importing the file into the Purchase model (one transaction); (seconds, rows)."""
    import tablib
    from django.utils import timezone
    from import_export import fields, resources, widgets

    from procurement.models import Purchase
    from registry.models import Category, Company

    today = timezone.localdate()
    suppliers = {
        c.uscc: c for c in Company.objects.only("pk", "uscc", "locality_confirmed", "status", "verified_until")
    }

    class PurchaseResource(resources.ModelResource):
        category = fields.Field(attribute="category", column_name="category",
                                widget=widgets.ForeignKeyWidget(Category, field="slug"))

        class Meta:
            model = Purchase
            fields = ("supplier_identifier", "supplier_name", "purchased_on", "category", "amount",
                      "invoice_number", "description")
            import_id_fields = ("supplier_identifier", "invoice_number")
            use_transactions = True
            skip_unchanged = True

        def before_save_instance(self, instance, row, **kwargs):
            supplier = suppliers.get(instance.supplier_identifier)
            verified = bool(supplier and supplier.is_published and supplier.verified_until >= today)
            instance.buyer_id = buyer_id
            instance.created_by_id = user_id
            instance.source = "import"
            instance.supplier_id = supplier.pk if supplier else None
            instance.supplier_was_verified = verified
            instance.supplier_is_local = bool(verified and supplier.locality_confirmed)

    dataset = tablib.Dataset().load(path.read_text(encoding="utf-8"), format="csv")
    started = time.perf_counter()
    result = PurchaseResource().import_data(dataset, dry_run=False, raise_errors=True)
    seconds = time.perf_counter() - started
    if result.has_errors() or result.has_validation_errors():
        raise SystemExit("django-import-export refused the bench file")
    return seconds, len(dataset)


def cleanup(tags: list[str], log=print) -> None:
    """Delete what the runs imported (and their history and import batches); rebuild derived tables."""
    from django.db import transaction

    from procurement.models import ImportBatch, Purchase

    from .generate import rebuild_derived_tables

    with transaction.atomic():
        for tag in tags:
            purchases = Purchase.objects.filter(invoice_number__startswith=f"{tag}-")
            Purchase.history.filter(invoice_number__startswith=f"{tag}-").delete()
            purchases._raw_delete(purchases.db)
        ImportBatch.objects.filter(file_name__startswith="bench-").delete()
    rebuild_derived_tables(log)


def run(db, env: dict, *, rows: int, repeats: int, peer_rows: int, buyer, user, work: Path, log=print) -> dict:
    from django.utils import timezone

    from registry.models import Category, Company

    from .database import dbapi_connect

    work.mkdir(parents=True, exist_ok=True)
    # The buyer itself is left out: a company cannot buy from itself (the import refuses the file).
    suppliers = list(Company.objects.published().exclude(pk=buyer.pk).order_by("pk").values_list("uscc", "name")[:3000])
    suppliers = [(uscc, name.replace(",", " ")) for uscc, name in suppliers]
    children = set(Category.objects.filter(parent__isnull=False).values_list("parent_id", flat=True))
    leaves = sorted(c.slug for c in Category.objects.all() if c.pk not in children)
    year = timezone.localdate().year - 1
    stamp = f"B{int(time.time()) % 10**8}"
    tags, app_runs, floor_seconds, peer_runs = [], [], [], []

    # The floor's rows: the same file's rows, resolved once, before timing.
    records = write_file(work / "bench-floor.csv", rows, suppliers, leaves, f"{stamp}F", year)
    names, resolved = resolve_rows(records, buyer.pk, user.pk, db.vendor)
    connection = dbapi_connect(db)
    if db.vendor == "postgresql":
        connection.autocommit = True
    else:
        connection.isolation_level = None  # explicit BEGIN / COMMIT in floor_insert
    from procurement.models import Purchase

    scratch = "bench_scratch_purchase"
    try:
        _scratch_table(connection, db.vendor, Purchase._meta.db_table, scratch)
        for _ in range(repeats):
            floor_seconds.append(floor_insert(connection, db.vendor, scratch, names, resolved))
        log(f"  import floor: {rows / min(floor_seconds):,.0f} rows/s best")
        connection.cursor().execute(f'DROP TABLE "{scratch}"')
    finally:
        connection.close()
    try:
        for n in range(repeats):
            tag = f"{stamp}A{n}"
            tags.append(tag)
            path = work / f"bench-{tag}.csv"
            write_file(path, rows, suppliers, leaves, tag, year, seed=7 + n)
            result = run_command(env, path, buyer.uscc, user.username)
            log(f"  import_purchases {rows:,} rows: {result['seconds']:.1f} s, "
                f"{rows / result['seconds']:,.0f} rows/s, peak {result['peak_mb']:.0f} MB")
            app_runs.append(result)
        # A file a fifth as long: peak memory should not grow with the file (the issue asks for chunks).
        tag = f"{stamp}S"
        tags.append(tag)
        short_rows = max(1, rows // 5)
        path = work / f"bench-{tag}.csv"
        write_file(path, short_rows, suppliers, leaves, tag, year, seed=5)
        short = run_command(env, path, buyer.uscc, user.username)
        for n in range(max(1, min(2, repeats - 1))):
            tag = f"{stamp}P{n}"
            tags.append(tag)
            path = work / f"bench-{tag}.csv"
            write_file(path, peer_rows, suppliers, leaves, tag, year, seed=11 + n)
            seconds, count = peer_import(path, buyer.pk, user.pk)
            log(f"  django-import-export {count:,} rows: {seconds:.1f} s, {count / seconds:,.0f} rows/s")
            peer_runs.append(seconds)
    finally:
        cleanup(tags, log)
        for path in work.glob("bench-*.csv"):
            path.unlink()
    app_rates = [rows / r["seconds"] for r in app_runs]
    return {
        "rows": rows,
        "app": {**measure.summary([r["seconds"] * 1000 for r in app_runs]),
                "rows_per_second": round(sorted(app_rates)[len(app_rates) // 2]),
                "peak_mb": round(max(r["peak_mb"] for r in app_runs), 1),
                "start_mb": round(min(r["start_mb"] for r in app_runs), 1)},
        "short_file": {"rows": short_rows, "seconds": round(short["seconds"], 2),
                       "peak_mb": round(short["peak_mb"], 1), "start_mb": round(short["start_mb"], 1)},
        "floor": {**measure.summary([s * 1000 for s in floor_seconds]),
                  "rows_per_second": round(rows / sorted(floor_seconds)[len(floor_seconds) // 2]),
                  "how": "COPY" if db.vendor == "postgresql" else "executemany in one transaction"},
        "peer": {**measure.summary([s * 1000 for s in peer_runs]), "rows": peer_rows,
                 "rows_per_second": round(peer_rows / sorted(peer_runs)[len(peer_runs) // 2])},
    }
