"""Figure 1: the directory (API and HTML page) under 8 concurrent clients, against one hand-written SQL per request.

The floor answers each query of the mix with ONE SQL statement written by hand over the registry's tables,
through the DB-API (psycopg or sqlite3), 8 threads: the ids of the same page in the same order. Before timing,
every query's ids from the API and from the HTML page are compared with the floor's; a mismatch is reported.
"""

import json
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from urllib.parse import unquote_plus, urlencode

from . import measure

PAGE_SIZE = 25

# About twenty questions people ask the directory: search in Chinese (one, two and more characters) and English,
# category trees (a parent and a leaf), district, locality, size, certificates, figure thresholds, combinations,
# another sort and a deep page.
QUERIES = [
    {},
    {"q": "锂"},
    {"q": "固态"},
    {"q": "固态电解"},
    {"q": "电解质有限公司"},
    {"q": "solid"},
    {"q": "graphene conductive"},
    {"category": "solid-electrolytes"},
    {"category": "sulfide-electrolyte"},
    {"category": "cells-and-packs", "local": "true"},
    {"district": "320583"},
    {"local": "true"},
    {"size": ["small", "medium"]},
    {"certificate": "iso9001", "local": "true"},
    {"min_ionic_conductivity": "0.01"},
    {"category": "sulfide-electrolyte", "stage": "mass", "min_ionic_conductivity": "0.01"},
    {"meets_target": "true", "local": "true"},
    {"min_cycle_life": "15000", "min_round_trip_efficiency": "95"},
    {"q": "电池", "category": "cells-and-packs", "district": "320571"},
    {"sort": "-employees", "local": "false"},
]


def query_mix(published: int) -> list[dict]:
    """The queries, and a deep page four fifths of the way through the published directory."""
    return QUERIES + [{"page": str(max(1, int(published * 0.8) // PAGE_SIZE))}]


def query_string(params: dict) -> str:
    return urlencode(params, doseq=True)


# -- The floor -------------------------------------------------------------------------------------------------


class Floor:
    """Hand-written SQL for a directory query: one statement, the page's company ids in the directory's order."""

    def __init__(self, vendor: str, today: date):
        from procurement.models import Purchase  # noqa: F401  (Django is set up; tables named by the models)
        from registry.models import Category, Certificate, Company, District, Product, ProductFigure

        self.vendor = vendor
        self.today = today.isoformat() if vendor == "sqlite" else today
        self.p = "?" if vendor == "sqlite" else "%s"
        self.t = {
            "company": Company._meta.db_table,
            "links": Company.categories.through._meta.db_table,
            "category": Category._meta.db_table,
            "district": District._meta.db_table,
            "product": Product._meta.db_table,
            "figure": ProductFigure._meta.db_table,
            "certificate": Certificate._meta.db_table,
        }

    def like(self, column: str) -> str:
        # Django's icontains: LIKE on SQLite (case-insensitive for ASCII), UPPER(..) LIKE UPPER(..) on PostgreSQL.
        if self.vendor == "sqlite":
            return f"{column} LIKE {self.p} ESCAPE '\\'"
        return f"UPPER({column}::text) LIKE UPPER({self.p})"

    @staticmethod
    def pattern(term: str) -> str:
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return f"%{escaped}%"

    def in_category_tree(self) -> str:
        """`IN (...)` the category given by slug and its children (the taxonomy is two levels deep): 2 params."""
        t, p = self.t, self.p
        return (f"IN (SELECT id FROM {t['category']} WHERE slug = {p} OR parent_id IN "
                f"(SELECT id FROM {t['category']} WHERE slug = {p}))")

    def sql(self, params: dict) -> tuple[str, list]:
        t, p = self.t, self.p
        where = ["c.status = 'verified'", f"c.verified_until >= {p}"]
        args: list = [self.today]
        for term in (params.get("q") or "").split():
            where.append(
                f"({self.like('c.name')} OR {self.like('c.name_en')} OR {self.like('c.description')} "
                f"OR UPPER(c.uscc) = UPPER({p}) OR EXISTS (SELECT 1 FROM {t['product']} p "
                f"WHERE p.company_id = c.id AND {self.like('p.name')}))"
            )
            args += [self.pattern(term)] * 3 + [term, self.pattern(term)]
        if params.get("category"):
            tree = self.in_category_tree()
            where.append(
                f"(EXISTS (SELECT 1 FROM {t['links']} l WHERE l.company_id = c.id AND l.category_id {tree}) "
                f"OR EXISTS (SELECT 1 FROM {t['product']} p WHERE p.company_id = c.id AND p.category_id {tree}))"
            )
            args += [params["category"]] * 4
        if params.get("district"):
            where.append(f"c.district_id = (SELECT id FROM {t['district']} WHERE code = {p})")
            args.append(params["district"])
        if params.get("local") == "true":
            where.append("c.locality_confirmed = TRUE")
        elif params.get("local") == "false":
            where.append("(c.locality_confirmed IS NULL OR c.locality_confirmed = FALSE)")
        if params.get("size"):
            sizes = params["size"] if isinstance(params["size"], list) else [params["size"]]
            where.append(f"c.size_class IN ({', '.join(p for _ in sizes)})")
            args += sizes
        if params.get("certificate"):
            where.append(
                f"EXISTS (SELECT 1 FROM {t['certificate']} z WHERE z.company_id = c.id AND z.cert_type = {p} "
                f"AND z.valid_from <= {p} AND z.valid_until >= {p})"
            )
            args += [params["certificate"], self.today, self.today]
        product = []
        product_args: list = []
        if params.get("stage"):
            product.append(f"p.stage = {p}")
            product_args.append(params["stage"])
        if params.get("meets_target") in ("true", "false"):
            product.append(f"p.meets_target = {'TRUE' if params['meets_target'] == 'true' else 'FALSE'}")
        for name, value in params.items():
            if name.startswith(("min_", "max_")):
                op = ">=" if name.startswith("min_") else "<="
                product.append(
                    f"EXISTS (SELECT 1 FROM {t['figure']} f WHERE f.product_id = p.id AND f.figure = {p} "
                    f"AND f.value {op} {p})"
                )
                product_args += [name[4:], float(value)]
        if product:
            where.append(
                f"EXISTS (SELECT 1 FROM {t['product']} p WHERE p.company_id = c.id AND {' AND '.join(product)})"
            )
            args += product_args
        order = "c.employees DESC, c.id" if params.get("sort") == "-employees" else "c.name, c.id"
        page = int(params.get("page", 1))
        sql = (f"SELECT c.id FROM {t['company']} c WHERE {' AND '.join(where)} ORDER BY {order} "
               f"LIMIT {PAGE_SIZE} OFFSET {(page - 1) * PAGE_SIZE}")
        return sql, args


def floor_ids(connection, floor: Floor, params: dict) -> list[int]:
    sql, args = floor.sql(params)
    cursor = connection.cursor()
    cursor.execute(sql, args)
    rows = cursor.fetchall()
    cursor.close()
    return [row[0] for row in rows]


def floor_load(db, floor: Floor, queries, *, clients: int, rounds: int) -> measure.LoadResult:
    from .database import dbapi_connect

    statements = [floor.sql(params) for params in queries]

    def make_worker():
        connection = dbapi_connect(db)

        def call(statement):
            cursor = connection.cursor()
            cursor.execute(*statement)
            cursor.fetchall()
            cursor.close()
            return 200

        return call, connection.close

    return measure.run_threads(measure._jobs(statements, rounds, 2), clients, make_worker)


# -- The app's answers -----------------------------------------------------------------------------------------

# Links to company pages, in the order of the results (a language prefix allowed); each company once.
_HTML_ID = re.compile(rb'href="(?:/[a-z-]+)?/directory/(\d+)/"')


def api_ids(fetched: measure.Fetched) -> list[int]:
    return [row["id"] for row in json.loads(fetched.body)["results"]] if fetched.status == 200 else []


def html_ids(fetched: measure.Fetched) -> list[int]:
    return list(dict.fromkeys(int(pk) for pk in _HTML_ID.findall(fetched.body)))


def fetch_all(site: measure.HttpSite, paths: list[str], clients: int) -> list[measure.Fetched]:
    """The paths' answers with their bodies, asked by `clients` threads (each with its own connection)."""
    local = threading.local()

    def fetch(path):
        if not hasattr(local, "site"):
            local.site = measure.HttpSite(site.host, site.port)
        return local.site.fetch(path, keep_body=True)

    with ThreadPoolExecutor(clients) as pool:
        return list(pool.map(fetch, paths))


def check_same_ids(site, db, floor: Floor, queries, clients: int = 8) -> tuple[list[dict], dict]:
    """Every query of the mix: the API's and the page's ids against the floor's: (mismatches, floor ms per query)."""
    from .database import dbapi_connect

    connection = dbapi_connect(db)
    expected, single_ms = [], []
    try:
        for params in queries:
            started = time.perf_counter()
            expected.append(floor_ids(connection, floor, params))
            single_ms.append(round((time.perf_counter() - started) * 1000, 1))
    finally:
        connection.close()
    answers = {
        "API": (api_ids, fetch_all(site, ["/api/v1/companies/?" + query_string(p) for p in queries], clients)),
        "HTML": (html_ids, fetch_all(site, ["/directory/?" + query_string(p) for p in queries], clients)),
    }
    mismatches = []
    for label, (ids_of, fetched) in answers.items():
        for params, want, answer in zip(queries, expected, fetched, strict=True):
            got = ids_of(answer)
            if answer.status != 200 or got != want:
                mismatches.append({
                    "query": unquote_plus(query_string(params)) or "(no filter)", "answer": label,
                    "status": answer.status, "app_ids": got[:10], "floor_ids": want[:10],
                    "app_count": len(got), "floor_count": len(want),
                })
    # Each query's floor alone (one client, first run): where the floor itself is slow.
    floor_alone = {unquote_plus(query_string(p)) or "(no filter)": ms for p, ms in zip(queries, single_ms, strict=True)}
    return mismatches, floor_alone


def without_cache(workers: int, log_path):
    """A second gunicorn serving the same database with the companies API's page cache turned off."""
    import os

    from .server import Server

    return Server({**os.environ, "DIRECTORY_CACHE_SECONDS": "0"}, workers, log_path)


def run(site: measure.HttpSite, db, floor: Floor, *, published: int, clients: int, rounds: int, log=print,
        workers: int = 3) -> dict:
    queries = query_mix(published)
    api_paths = ["/api/v1/companies/?" + query_string(params) for params in queries]
    html_paths = ["/directory/?" + query_string(params) for params in queries]
    log(f"  directory: checking the ids of {len(queries)} queries against the floor")
    mismatches, floor_alone = check_same_ids(site, db, floor, queries, clients)
    for mismatch in mismatches:
        log(f"  !! MISMATCH {mismatch['answer']} {mismatch['query']}: status {mismatch['status']}, "
            f"app {mismatch['app_count']} ids {mismatch['app_ids']}… floor {mismatch['floor_count']} ids "
            f"{mismatch['floor_ids']}…")
    # The companies API caches anonymous pages (registry.directory_cache) and the check above has just filled it:
    # a new directory version empties it, so the first round of the load below is answered from the database.
    from registry.directory_cache import directory_changed

    directory_changed()
    log(f"  directory: API load, {clients} clients × {len(queries)} queries × {rounds} rounds (its cache from empty)")
    api = measure.http_load(site.base, api_paths, clients=clients, rounds=rounds)
    log("  directory: API load without its cache (a second gunicorn, DIRECTORY_CACHE_SECONDS=0)")
    from .database import RESULTS_DIR

    with without_cache(workers, RESULTS_DIR / "gunicorn-without-cache.log") as cold_server:
        api_cold = measure.http_load(f"http://127.0.0.1:{cold_server.port}", api_paths, clients=clients,
                                     rounds=rounds)
    log(f"  directory: HTML load, {clients} clients × {len(queries)} queries × {rounds} rounds")
    html = measure.http_load(site.base, html_paths, clients=clients, rounds=rounds)
    log(f"  directory: floor, {clients} threads of hand-written SQL")
    floor_result = floor_load(db, floor, queries, clients=clients, rounds=rounds)
    return {"api": api.as_dict(), "api_cold": api_cold.as_dict(), "html": html.as_dict(),
            "floor": floor_result.as_dict(),
            "mismatches": mismatches, "floor_alone_ms": floor_alone,
            "queries": [unquote_plus(query_string(q)) or "(no filter)" for q in queries]}

