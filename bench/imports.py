"""Time the purchase file import on a 100,000-row CSV: `python -m bench.imports [--rows N]`.

Builds a throwaway test database (SQLite by default, PostgreSQL when DATABASE_URL is set) with an anchor
firm and 200 suppliers, writes the CSV to a temporary folder, imports it once (everything created) and
again (everything already recorded), and prints rows per second for each.
"""

import argparse
import os
import random
import tempfile
import time
from pathlib import Path


def write_file(path: Path, rows: int, suppliers: list[str], seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as handle:
        handle.write("supplier_identifier,supplier_name,purchased_on,category,amount,invoice_number,description\n")
        for n in range(rows):
            if n % 5 == 0:
                supplier, name = f"OUTSIDE-{n % 97}", f"Outside supplier {n % 97}"
            else:
                supplier, name = rng.choice(suppliers), ""
            amount = f"{rng.randint(1, 9_999_999):,}.{rng.randint(0, 99):02d}"
            day = f"2025/{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}" if n % 2 else f"2025-03-{n % 28 + 1:02d}"
            handle.write(f'{supplier},{name},{day},solid-state-cells,"{amount}",INV-{n:07d},bench row {n}\n')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        from procurement.imports import purchase_import
        from tests import factories

        anchor = factories.make_company(name="Bench anchor", anchor=True)
        user = factories.make_user(anchor, username="bench_importer")
        suppliers = [factories.make_company(local=i % 3 != 0).uscc for i in range(200)]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "purchases.csv"
            write_file(path, args.rows, suppliers)
            print(f"{args.rows:,} rows, {path.stat().st_size / 1e6:.1f} MB, on {connection.vendor}")
            for label in ("first import", "re-import"):
                start = time.perf_counter()
                with path.open("rb") as handle:
                    batch = purchase_import(by=user, buyer=anchor, file=handle, filename=path.name)
                seconds = time.perf_counter() - start
                print(f"{label:13} {batch.status:7} created {batch.created_count:,} already {batch.duplicate_count:,}"
                      f"  {seconds:6.1f} s  {args.rows / seconds:9,.0f} rows/s")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
