"""Time the directory, its API, exports, the chain map and the LCR figures over a large registry.

Builds a throwaway test database (SQLite by default, PostgreSQL when DATABASE_URL is set) with
N companies (default 5,000, `--companies`) and purchases (default 100,000, `--purchases`), then
requests each page several times through Django's test client and prints the median and worst time
and the number of SQL queries of each.
"""

import argparse
import os
import random
import statistics
import time
from datetime import timedelta
from decimal import Decimal


def build_registry(n_companies: int, seed: int = 7) -> None:
    from django.utils import timezone

    from calculators.city_targets import meets_city_target
    from registry.figures import FIGURES, figures_for_category
    from registry.identifiers import ALPHABET, with_check_digit
    from registry.models import Category, Certificate, Company, District, Product, ProductFigure

    rng = random.Random(seed)
    districts = list(District.objects.all())
    leaves = [c for c in Category.objects.select_related("parent") if not c.children.exists()]
    now = timezone.now()
    today = timezone.localdate()
    companies = []
    for i in range(n_companies):
        local = rng.random() < 0.7
        district = rng.choice(districts) if local else None
        division = district.code if district else "440300"
        body = "91" + division + "".join(rng.choice(ALPHABET) for _ in range(9))
        companies.append(
            Company(
                uscc=with_check_digit(body), name=f"Bench company {i}", description="solid-state materials",
                employees=rng.randint(5, 5000), revenue_cny=Decimal(rng.randint(1, 2_000_000_000)),
                size_class="micro", status="verified", verified_at=now, verified_until=today + timedelta(days=200),
                locality_confirmed=local, district=district,
            )
        )
    for c in companies:  # bulk_create skips save(): derive size class as save() would
        from calculators.enterprise_size import enterprise_size_class

        c.size_class = enterprise_size_class(c.employees, c.revenue_cny)
    Company.objects.bulk_create(companies, batch_size=1000, ignore_conflicts=True)
    companies = list(Company.objects.all())
    through = Company.categories.through
    links, products = [], []
    for company in companies:
        for cat in rng.sample(leaves, 2):
            links.append(through(company_id=company.pk, category_id=cat.pk))
            products.append(Product(company=company, category=cat, name=f"{cat.slug} grade {rng.randint(1, 99)}",
                                    stage=rng.choice(["rd", "pilot", "mass"])))
    through.objects.bulk_create(links, batch_size=2000, ignore_conflicts=True)
    Product.objects.bulk_create(products, batch_size=2000)
    figures = []
    for product in Product.objects.select_related("category__parent"):
        values = {}
        for key in figures_for_category(product.category):
            figure = FIGURES[key]
            low = figure.minimum if figure.minimum is not None else 0
            high = figure.maximum if figure.maximum is not None else 1000
            values[key] = rng.uniform(low, min(high, low + 1000)) if key != "ionic_conductivity" else rng.uniform(
                1e-4, 3e-2)
            figures.append(ProductFigure(product=product, figure=key, value=values[key]))
        if meets_city_target(product.category.slug, product.application, values):
            product.meets_target = True
            product.save(update_fields=["meets_target"])
    ProductFigure.objects.bulk_create(figures, batch_size=5000)
    Certificate.objects.bulk_create(
        [Certificate(company=c, cert_type="iso9001", number=f"B{c.pk}", issuer="CQC",
                     valid_from=today - timedelta(days=10), valid_until=today + timedelta(days=300))
         for c in companies[::3]],
        batch_size=2000,
    )


def build_purchases(n_purchases: int, seed: int = 11) -> None:
    """Purchases by 20 anchor firms over three years, about 45 % of the amount from local suppliers."""
    from datetime import date

    from procurement.models import Purchase
    from registry.models import Category, Company

    rng = random.Random(seed)
    companies = list(Company.objects.order_by("pk"))
    anchors = companies[:20]
    Company.objects.filter(pk__in=[a.pk for a in anchors]).update(is_anchor=True)
    leaves = [c for c in Category.objects.all() if not c.children.exists()]
    rows = []
    for n in range(n_purchases):
        supplier = rng.choice(companies)
        rows.append(Purchase(
            buyer=rng.choice(anchors), supplier=supplier, supplier_identifier=supplier.uscc,
            supplier_name=supplier.name, supplier_is_local=bool(supplier.locality_confirmed),
            supplier_was_verified=True, purchased_on=date(rng.choice((2024, 2025, 2026)), rng.randint(1, 12), 15),
            category=rng.choice(leaves), amount=Decimal(rng.randint(100, 10_000_000)) / 100,
            invoice_number=f"B-{n}", source="import",
        ))
    Purchase.objects.bulk_create(rows, batch_size=5000)


def measure(client, url: str, repeat: int) -> tuple[float, float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    queries = 0
    status = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
            times.append((time.perf_counter() - start) * 1000)
        queries = len(ctx.captured_queries)
        status = response.status_code
    return statistics.median(times), max(times), queries, status


PAGES = [
    ("directory, no filter", "/directory/"),
    ("directory, search", "/directory/?q=grade+4"),
    ("directory, category+local+size", "/directory/?category=solid-electrolytes&local=true&size=small&size=medium"),
    ("directory, product-level combo", "/directory/?stage=mass&meets_target=true&min_ionic_conductivity=0.01"),
    ("directory, page 20", "/directory/?page=20"),
    ("company page", "/directory/{company}/"),
    ("API companies, combo", "/api/v1/companies/?category=cells-and-packs&certificate=iso9001&local=true"),
    ("API products, threshold", "/api/v1/products/?min_ionic_conductivity=0.01"),
    ("chain map", "/chain/"),
    ("export CSV, all", "/directory/export.csv"),
    ("export xlsx, local", "/directory/export.xlsx?local=true"),
    ("printable directory", "/directory/print/"),
    ("API LCR, city 2025", "/api/v1/lcr/?year=2025"),
    ("API LCR, category+district", "/api/v1/lcr/?year=2025&category=cells-and-packs&district=320583"),
    ("API LCR trend, city", "/api/v1/lcr/trend/"),
    ("dashboard, 2025", "/dashboard/?year=2025"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--companies", type=int, default=5000)
    parser.add_argument("--purchases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        start = time.perf_counter()
        build_registry(args.companies)
        build_purchases(args.purchases)
        print(
            f"built {args.companies:,} companies and {args.purchases:,} purchases in "
            f"{time.perf_counter() - start:.1f} s on {connection.vendor}"
        )
        from registry.models import Company

        company = Company.objects.order_by("pk").first().pk
        client = Client()
        print(f"{'page':38} {'median ms':>10} {'worst ms':>10} {'queries':>8} {'status':>7}")
        for label, url in PAGES:
            median, worst, queries, status = measure(client, url.format(company=company), args.repeat)
            print(f"{label:38} {median:10.1f} {worst:10.1f} {queries:8d} {status:7d}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
