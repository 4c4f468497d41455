"""Synthetic city data for the benchmark: companies, products with figures, anchor firms and purchases.

The same data on every run (fixed seeds). Rows go in with bulk inserts (PostgreSQL COPY, SQLite executemany
in one transaction), written after the app's own models: every concrete column of each model gets either the
generated value or the default the model declares, so a field another branch adds with a default needs no
change here. Values the app derives on save (size class, locality suggested, meets city target) are derived
with the app's own functions. A model field the generator cannot fill stops it with a sentence.

Afterwards, if the app has a command that rebuilds derived tables (`rebuild_lcr_rollups`, or any other
`rebuild_*` command of the project's apps), it is run, as an official would after a bulk load.
"""

import math
import random
import time
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

SCALES = {
    # companies, products, anchors, purchases
    "tiny": dict(companies=300, products=900, anchors=12, purchases=3_000),
    "small": dict(companies=2_000, products=6_000, anchors=60, purchases=50_000),
    "city": dict(companies=20_000, products=60_000, anchors=300, purchases=1_000_000),
    "national": dict(companies=20_000, products=60_000, anchors=300, purchases=10_000_000),
}
SEED = 20261202
YEARS = 5  # purchases over the five years ending with the current one
# The share of the largest anchor firm in all purchases (the "buyer with 75,000 purchases" at city scale).
LARGEST_ANCHOR_SHARE = 0.075

# Pieces of Chinese company names: "苏州" + 2-character brand + industry word + "有限公司".
_BRAND = "华宇恒泰新锐博晶科创能源盛达鑫源瑞丰中航天合汇通远景星辰明德金石清源立信正泰东方鸿运"
_INDUSTRY = [("固态电池", "Solid-State Battery"), ("新能源材料", "New Energy Materials"), ("电解质", "Electrolyte"),
             ("锂电科技", "Lithium Technology"), ("储能", "Energy Storage"), ("智能装备", "Intelligent Equipment"),
             ("碳材料", "Carbon Materials"), ("精密机械", "Precision Machinery"), ("检测技术", "Testing Technology"),
             ("循环科技", "Recycling Technology")]
_PINYIN = ["Hua", "Yu", "Heng", "Tai", "Xin", "Rui", "Bo", "Jing", "Ke", "Chuang", "Neng", "Yuan", "Sheng", "Da",
           "Xin", "Yuan", "Rui", "Feng", "Zhong", "Hang", "Tian", "He", "Hui", "Tong", "Yuan", "Jing", "Xing", "Chen",
           "Ming", "De", "Jin", "Shi", "Qing", "Yuan", "Li", "Xin", "Zheng", "Tai", "Dong", "Fang", "Hong", "Yun"]
_DESCRIPTIONS = [
    "专注于硫化物固态电解质的研发与量产 solid electrolyte powders for all-solid-state cells",
    "高镍正极与富锂锰基正极材料供应商 cathode materials supplier",
    "干法电极设备与等静压设备制造 dry electrode and isostatic press equipment",
    "固态电芯与电池包的设计与制造 solid-state cells and battery packs",
    "复合铜箔、复合铝箔集流体 composite current collectors",
    "碳纳米管与石墨烯导电剂 carbon nanotube and graphene conductive agents",
    "电池检测认证服务 battery testing and certification services",
    "退役动力电池回收利用 battery recycling",
]
_OTHER_CITIES = ["110108", "310115", "440300", "330106", "420111", "510107", "320100", "320200"]
_CERT_TYPES = ["iso9001", "iatf16949", "iso14001", "un38_3", "iec62619", "high_tech", "specialised_sme"]


@dataclass
class Generated:
    companies: int = 0
    products: int = 0
    figures: int = 0
    purchases: int = 0
    seconds: float = 0.0
    largest_anchor_uscc: str = ""
    rebuilt: tuple = ()


# The columns each table had when the generator was written. A column added since gets its model default (or the
# database's); the run says so, because a value the app derives on save (a search text, a year) would then be
# missing unless a rebuild_* command fills it, and the directory's and the LCR's checks against their floors
# would show it.
KNOWN_COLUMNS = {
    "registry.Company": {"address", "contact_email", "contact_name", "contact_phone", "created_at", "description",
                         "district_id", "employees", "is_anchor", "locality_confirmed", "locality_suggested", "name",
                         "name_en", "organisation_type", "revenue_cny", "size_class", "status", "status_reason",
                         "updated_at", "uscc", "verified_at", "verified_by_id", "verified_until", "website"},
    "registry.Product": {"annual_capacity", "application", "capacity_unit", "category_id", "company_id",
                         "created_at", "description", "made_in_city", "meets_target", "name", "stage", "updated_at"},
    "registry.ProductFigure": {"figure", "product_id", "value"},
    "registry.Certificate": {"cert_type", "company_id", "created_at", "document", "issuer", "number", "updated_at",
                             "valid_from", "valid_until"},
    "procurement.Purchase": {"amount", "buyer_id", "category_id", "created_at", "created_by_id", "description",
                             "import_batch_id", "invoice_number", "product_id", "purchased_on", "quantity", "source",
                             "supplier_id", "supplier_identifier", "supplier_is_local", "supplier_name",
                             "supplier_was_verified", "unit", "updated_at"},
}


def new_columns() -> dict:
    """Columns of the generated tables that did not exist when the generator was written: {model: [attname]}."""
    from django.apps import apps

    found = {}
    for label, known in KNOWN_COLUMNS.items():
        model = apps.get_model(label)
        added = sorted(f.attname for f in model._meta.concrete_fields if writable(f) and f.attname not in known
                       and not (label == "procurement.Purchase" and "year" in f.attname))  # derived, see below
        if added:
            found[label] = added
    return found


# -- Writing rows after the model ------------------------------------------------------------------------------


class Inserter:
    """Bulk inserts into a model's table: every concrete column, given or the model's default, in one go."""

    def __init__(self, model, now):
        from django.db import connection

        self.model = model
        self.connection = connection
        self.vendor = connection.vendor
        self.fields = [f for f in model._meta.concrete_fields if writable(f)]
        self.now = now

    def _constant(self, field, given: set):
        """The value the model itself would store for a field the generator does not set."""
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return field.get_db_prep_save(self.now, self.connection)
        if field.has_default() or field.null or field.blank:
            value = field.get_default()
            if value in (None, "") and field.null:
                return None
            return field.get_db_prep_save(value, self.connection)
        raise SystemExit(
            f"The generator does not know how to fill {self.model._meta.label}.{field.name} (no default): "
            "teach bench/generate.py about it."
        )

    def columns(self, given: dict, derived=None):
        """(column names, a function row dict -> tuple) for rows that set the keys of `given`."""
        names, makers = [], []
        derived = derived or {}
        for field in self.fields:
            if field.attname not in given and field.attname not in derived and field.has_db_default():
                continue  # the database fills it
            names.append(field.column)
            if field.attname in given:
                makers.append(lambda row, key=field.attname: row[key])
            elif field.attname in derived:
                makers.append(derived[field.attname])
            else:
                value = self._constant(field, set(given))
                makers.append(lambda row, value=value: value)

        def make(row):
            return tuple(maker(row) for maker in makers)

        return names, make

    def insert(self, rows, sample: dict, derived=None, batch=50_000) -> int:
        """Insert an iterable of row dicts (keys: attnames, values ready for the database)."""
        names, make = self.columns(sample, derived)
        table = self.model._meta.db_table
        raw = self.connection.connection
        count = 0
        if self.vendor == "postgresql":
            quoted = ", ".join(f'"{name}"' for name in names)
            with raw.cursor() as cursor, cursor.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(make(row))
                    count += 1
            return count
        placeholders = ", ".join("?" for _ in names)
        quoted = ", ".join(f'"{name}"' for name in names)
        statement = f'INSERT INTO "{table}" ({quoted}) VALUES ({placeholders})'
        buffer = []
        cursor = raw.cursor()
        for row in rows:
            buffer.append(make(row))
            if len(buffer) >= batch:
                cursor.executemany(statement, buffer)
                count += len(buffer)
                buffer = []
        if buffer:
            cursor.executemany(statement, buffer)
            count += len(buffer)
        return count


def writable(field) -> bool:
    """A column the generator writes: not the auto id, not computed by the database (GeneratedField), not one the
    database fills itself (db_default) unless the generator is given a value for it."""
    if field.primary_key and field.name == "id":
        return False
    if getattr(field, "generated", False):
        return False
    return True


def _ids(model, **filters):
    return list(model.objects.filter(**filters).order_by("pk").values_list("pk", flat=True))


# -- The data set ----------------------------------------------------------------------------------------------


def _uscc(rng, division: str) -> str:
    from registry.identifiers import ALPHABET, with_check_digit

    return with_check_digit("91" + division + "".join(rng.choice(ALPHABET) for _ in range(9)))


def _lognormal_amount(rng) -> str:
    # Median about 60,000 CNY, a long tail to tens of millions: purchase amounts are log-normal.
    value = math.exp(rng.gauss(11.0, 1.6))
    value = min(max(value, 1.0), 5e10)
    return f"{value:.2f}"


def generate(scale: str, *, log=print) -> Generated:
    """Fill the (migrated, empty) bench database with the scale's data set."""
    from django.db import connection, transaction
    from django.utils import timezone

    from calculators.city_targets import meets_city_target
    from calculators.enterprise_size import enterprise_size_class
    from procurement.models import Purchase
    from registry.figures import FIGURES, figures_for_category
    from registry.identifiers import suggests_local
    from registry.models import Category, Certificate, Company, District, Product, ProductFigure

    sizes = SCALES[scale]
    for label, added in new_columns().items():
        log(f"  note: {label} has columns the generator does not set: {', '.join(added)} (model or database default)")
    rng = random.Random(SEED)
    started = time.perf_counter()
    now = timezone.now()
    today = timezone.localdate()
    result = Generated()

    districts = list(District.objects.order_by("code").values_list("pk", "code"))
    categories = list(Category.objects.select_related("parent").order_by("pk"))
    children = {c.parent_id for c in categories if c.parent_id}
    leaves = [c for c in categories if c.pk not in children]
    cells = [c for c in leaves if c.parent is not None and c.parent.slug == "cells-and-packs"]

    # Companies: ~60 % published (verified, not expired), the rest pending, rejected, suspended or lapsed.
    company_rows = []
    used_usccs = set()
    for n in range(sizes["companies"]):
        local = rng.random() < 0.6
        district = rng.choice(districts) if local else None
        division = district[1] if district else rng.choice(_OTHER_CITIES)
        uscc = _uscc(rng, division)
        while uscc in used_usccs:
            uscc = _uscc(rng, division)
        used_usccs.add(uscc)
        brand = rng.randrange(len(_BRAND) - 1)
        industry_zh, industry_en = rng.choice(_INDUSTRY)
        employees = int(min(20_000, math.exp(rng.gauss(4.2, 1.4)))) + 1
        revenue = Decimal(int(min(5e10, math.exp(rng.gauss(17.5, 2.0))))).quantize(Decimal("0.01"))
        roll = rng.random()
        if roll < 0.60:
            status, until = "verified", today + timedelta(days=rng.randint(30, 360))
        elif roll < 0.66:
            status, until = "verified", today - timedelta(days=rng.randint(1, 200))  # lapsed: not published
        elif roll < 0.90:
            status, until = "pending", None
        elif roll < 0.96:
            status, until = "rejected", None
        else:
            status, until = "suspended", None
        verified = status == "verified"
        company_rows.append({
            "uscc": uscc,
            "name": f"{'苏州' if local else '外地'}{_BRAND[brand:brand + 2]}{industry_zh}有限公司{n:05d}",
            "name_en": f"{'Suzhou' if local else 'Outside'} {_PINYIN[brand]}{_PINYIN[brand + 1].lower()} "
                       f"{industry_en} Co., Ltd. {n:05d}",
            "organisation_type": "company",
            "description": rng.choice(_DESCRIPTIONS),
            "district_id": district[0] if district else None,
            "employees": employees,
            "revenue_cny": str(revenue),
            "size_class": enterprise_size_class(employees, revenue),
            "status": status,
            "verified_at": connection.ops.adapt_datetimefield_value(now - timedelta(days=rng.randint(1, 300)))
            if verified else None,
            "verified_until": until.isoformat() if until else None,
            "is_anchor": False,
            "locality_suggested": suggests_local(uscc),
            "locality_confirmed": (True if local else False) if verified else None,
        })
    # Anchor firms: large, verified and mostly local buyers.
    anchor_rows = rng.sample(range(len(company_rows)), sizes["anchors"])
    # The largest buyer (the first anchor) is a local firm, so that its purchases can back a subsidy application.
    first_local = next(i for i in anchor_rows if company_rows[i]["district_id"] is not None)
    anchor_rows.remove(first_local)
    anchor_rows.insert(0, first_local)
    for index in anchor_rows:
        row = company_rows[index]
        row.update(is_anchor=True, status="verified", employees=max(row["employees"], 1500),
                   revenue_cny=str(max(Decimal(row["revenue_cny"]), Decimal("500000000.00"))),
                   verified_at=connection.ops.adapt_datetimefield_value(now - timedelta(days=30)),
                   verified_until=(today + timedelta(days=300)).isoformat())
        row["size_class"] = enterprise_size_class(row["employees"], Decimal(row["revenue_cny"]))
        row["locality_confirmed"] = row["district_id"] is not None
    with transaction.atomic():
        result.companies = Inserter(Company, now).insert(company_rows, company_rows[0])
    log(f"  {result.companies:,} companies ({time.perf_counter() - started:.1f} s)")

    company_ids = _ids(Company)
    by_uscc = dict(Company.objects.values_list("uscc", "pk"))
    info = {by_uscc[row["uscc"]]: row for row in company_rows}

    # Categories listed by each company and its products (about three per company), with their figures.
    through = Company.categories.through
    link_rows, product_rows = [], []
    product_per_company = max(1, sizes["products"] // sizes["companies"])
    for pk in company_ids:
        listed = rng.sample(leaves, rng.randint(1, 3))
        for category in listed:
            link_rows.append({"company_id": pk, "category_id": category.pk})
        for k in range(product_per_company):
            category = listed[k % len(listed)]
            application = ""
            if category.parent is not None and category.parent.slug == "cells-and-packs":
                application = rng.choice(["grid_storage", "drone", "robot", "vehicle"])
            product_rows.append({
                "company_id": pk, "category_id": category.pk, "application": application,
                "name": f"{category.name_zh or category.name} {category.name} {rng.choice('ABCDEFGHJK')}-"
                        f"{rng.randint(100, 999)}",
                "description": "", "stage": rng.choice(["rd", "pilot", "mass", "mass"]),
                "annual_capacity": str(rng.randint(1, 5000)), "capacity_unit": "t",
                "made_in_city": info[pk]["district_id"] is not None,
                "meets_target": False,
            })
    product_figures = []
    by_pk = {c.pk: c for c in categories}
    for row in product_rows:
        category = by_pk[row["category_id"]]
        values = {}
        for key in figures_for_category(category):
            values[key] = _figure_value(rng, key, FIGURES[key])
        row["meets_target"] = meets_city_target(category.slug, row["application"], values)
        product_figures.append(values)
    with transaction.atomic():
        Inserter(through, now).insert(link_rows, link_rows[0])
        result.products = Inserter(Product, now).insert(product_rows, product_rows[0])
        product_ids = _ids(Product)
        figure_rows = (
            {"product_id": pk, "figure": key, "value": value}
            for pk, values in zip(product_ids, product_figures, strict=True)
            for key, value in values.items()
        )
        result.figures = Inserter(ProductFigure, now).insert(
            figure_rows, {"product_id": 0, "figure": "", "value": 0.0}
        )
        certificate_rows = []
        for pk in company_ids:
            for cert_type in rng.sample(_CERT_TYPES, rng.choice([0, 1, 1, 2, 3])):
                start = today - timedelta(days=rng.randint(30, 900))
                end = start + timedelta(days=rng.choice([200, 700, 1100]))
                certificate_rows.append({
                    "company_id": pk, "cert_type": cert_type, "number": f"C{pk}-{cert_type}",
                    "issuer": "CQC", "valid_from": start.isoformat(), "valid_until": end.isoformat(),
                })
        Inserter(Certificate, now).insert(certificate_rows, certificate_rows[0])
    log(f"  {result.products:,} products, {result.figures:,} figures ({time.perf_counter() - started:.1f} s)")

    result.purchases = _purchases(rng, sizes, company_ids, info, anchor_rows, company_rows, by_uscc, leaves, cells,
                                  today, now, Purchase)
    log(f"  {result.purchases:,} purchases ({time.perf_counter() - started:.1f} s)")
    result.largest_anchor_uscc = company_rows[anchor_rows[0]]["uscc"]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # the planner's statistics, as after any bulk load
    result.rebuilt = rebuild_derived_tables(log)
    result.seconds = time.perf_counter() - started
    return result


def _figure_value(rng, key, figure):
    if key == "ionic_conductivity":
        return 10 ** rng.uniform(-4.5, -1.6)  # 3e-5 to 2.5e-2 S/cm: some above the city's 1e-2 target
    if key == "area_specific_resistance":
        return rng.uniform(2, 60)
    if key in {"coulombic_efficiency", "round_trip_efficiency", "weight_reduction"}:
        return round(rng.uniform(80 if key != "weight_reduction" else 10, 99.9), 2)
    if key == "capacity_decay_per_cycle":
        return round(rng.uniform(0.01, 0.2), 3)
    if key == "cycle_life":
        return float(rng.randint(1000, 20000))
    if key == "min_operating_temp":
        return float(rng.randint(-40, 0))
    if key == "max_operating_temp":
        return float(rng.randint(45, 85))
    low = figure.minimum or 0
    high = figure.maximum if figure.maximum is not None else 1000
    return round(rng.uniform(low, min(high, 1200)), 1)


def _purchases(rng, sizes, company_ids, info, anchor_rows, company_rows, by_uscc, leaves, cells, today, now,
               Purchase) -> int:
    """Purchases over five years, the local share rising by year, amounts log-normal, a fifth from outside."""
    from django.db import connection, transaction

    anchors = [by_uscc[company_rows[i]["uscc"]] for i in anchor_rows]
    # The largest anchor takes LARGEST_ANCHOR_SHARE; the others share the rest on a Zipf-like curve.
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(anchors) - 1)]
    scale = (1 - LARGEST_ANCHOR_SHARE) / sum(weights)
    cumulative, total = [], 0.0
    for weight in [LARGEST_ANCHOR_SHARE] + [w * scale for w in weights]:
        total += weight
        cumulative.append(total)
    published = [pk for pk in company_ids if info[pk]["status"] == "verified" and info[pk]["verified_until"]
                 and info[pk]["verified_until"] >= today.isoformat()]
    local_suppliers = [pk for pk in published if info[pk]["locality_confirmed"]]
    local_set = set(local_suppliers)
    other_suppliers = [pk for pk in company_ids if pk not in local_set]
    first_year = today.year - YEARS + 1
    # More purchases in later years, and a larger share of them local (30 % rising to about 62 %).
    year_weights = [1.0 + 0.15 * k for k in range(YEARS)]
    year_cumulative, running = [], 0.0
    for weight in year_weights:
        running += weight / sum(year_weights)
        year_cumulative.append(running)
    import bisect

    def rows():
        for n in range(sizes["purchases"]):
            buyer = anchors[min(bisect.bisect_left(cumulative, rng.random() * total), len(anchors) - 1)]
            k = min(bisect.bisect_left(year_cumulative, rng.random()), YEARS - 1)
            year = first_year + k
            last_day = today if year == today.year else date(year, 12, 31)
            day = date(year, 1, 1) + timedelta(days=rng.randrange((last_day - date(year, 1, 1)).days + 1))
            roll = rng.random()
            if roll < 0.2:
                # A fifth of the purchases come from suppliers outside the registry.
                outside = rng.randrange(5000)
                supplier_id, identifier = None, f"OUT{outside:06d}"
                name, is_local, verified = f"外部供应商 Outside supplier {outside}", False, False
            else:
                local_share = (0.30 + 0.08 * k) / 0.8
                pool = local_suppliers if rng.random() < local_share else other_suppliers
                supplier_id = rng.choice(pool)
                while supplier_id == buyer:  # a company cannot buy from itself
                    supplier_id = rng.choice(pool)
                row = info[supplier_id]
                identifier, name = row["uscc"], row["name"]
                verified = row["status"] == "verified" and (row["verified_until"] or "") >= day.isoformat()
                is_local = bool(row["locality_confirmed"]) and verified
            if buyer == anchors[0] and rng.random() < 0.6:
                category = rng.choice(cells)  # the largest anchor makes cells: its subsidy basis is large
            else:
                category = rng.choice(leaves)
            yield {
                "buyer_id": buyer, "supplier_id": supplier_id, "supplier_identifier": identifier,
                "supplier_name": name, "supplier_is_local": is_local, "supplier_was_verified": verified,
                "purchased_on": day.isoformat(), "category_id": category.pk, "product_id": None,
                "description": "", "quantity": None, "unit": "", "amount": _lognormal_amount(rng),
                "invoice_number": f"INV{n:09d}", "source": "import" if n % 3 else "form",
                "import_batch_id": None, "created_by_id": None,
            }

    derived = {}
    fields = {f.attname for f in Purchase._meta.concrete_fields}
    # A year stored on the purchase (issue 9 asks for one so SQLite never calls a function per row): whatever it
    # is called, it is the purchase date's year.
    for attname in fields:
        if "year" in attname and attname not in {"purchased_on"}:
            derived[attname] = lambda row: int(row["purchased_on"][:4])
    sample = next(iter([{
        "buyer_id": 0, "supplier_id": None, "supplier_identifier": "", "supplier_name": "", "supplier_is_local": False,
        "supplier_was_verified": False, "purchased_on": "2025-01-01", "category_id": 0, "product_id": None,
        "description": "", "quantity": None, "unit": "", "amount": "1", "invoice_number": "", "source": "",
        "import_batch_id": None, "created_by_id": None,
    }]))
    with transaction.atomic():
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -200000")
        return Inserter(Purchase, now).insert(rows(), sample, derived)


def rebuild_derived_tables(log=print) -> tuple:
    """Run the app's rebuild commands (rollups, search indexes) that exist, as after any bulk load."""
    from django.core.management import call_command, get_commands

    commands = get_commands()
    project_apps = {"registry", "procurement", "alliance", "calculators"}
    found = sorted(name for name, app in commands.items() if name.startswith("rebuild_")
                   and app.split(".")[-1] in project_apps)
    for name in found:
        started = time.perf_counter()
        call_command(name, verbosity=0)
        log(f"  ran {name} ({time.perf_counter() - started:.1f} s)")
    return tuple(found)


def vacuum_dead_rows(log=print) -> None:
    """PostgreSQL: VACUUM (ANALYZE) every table holding dead rows (the purchases a run imported and deleted, the
    rollup cells rebuilt, the applications rolled back), as autovacuum would where it runs (the default; this
    machine's server has it off). Without it a kept database grows with every run, and the next run's floors and
    pages read the dead rows too."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return  # SQLite keeps no dead rows: a deleted row's page goes back to the file's free list
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_stat_user_tables WHERE n_dead_tup > 0 ORDER BY relname")
        tables = [name for (name,) in cursor.fetchall()]
        started = time.perf_counter()
        for table in tables:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")
    if tables:
        log(f"  vacuumed {len(tables)} tables with dead rows ({time.perf_counter() - started:.1f} s)")
