"""Figure 2: the local content ratio through the HTTP server, against the raw GROUP BY and an analyst's pandas.

Each question is asked of the running app (the LCR API, the dashboard as anonymous, anchor firm and official,
the home page), of the purchases table directly (the floor: the GROUP BYs that answer the same question, through
the DB-API), and of pandas reading the purchases exported as CSV (the peer: read the file, compute the answer).
The API's answers are compared with the floor's.
"""

import csv
import json
import time
from decimal import Decimal
from pathlib import Path

from . import measure

# A page's floor is the GROUP BYs behind each of its parts; each part is timed once and the parts' times added.
COMPOSED = {
    "dashboard_anonymous": ("trend", "city_year", "by_category", "by_district"),
    "dashboard_anchor": ("trend", "city_year", "by_category", "by_district", "buyer_trend", "buyer_year"),
    "dashboard_official": ("trend", "city_year", "by_category", "by_district", "by_buyer"),
    "home": ("city_year",),
}
PARTS = ("city_year", "year_category", "year_size", "trend", "by_buyer", "by_category", "by_district",
         "buyer_trend", "buyer_year")
# The size class of the question by supplier size (small enterprises' share of the city's purchases).
SIZE = "small"


class LcrFloor:
    """The raw GROUP BYs over the purchases table."""

    def __init__(self, vendor: str):
        from procurement.models import Purchase
        from registry.models import Category, Company

        self.vendor = vendor
        self.p = "?" if vendor == "sqlite" else "%s"
        self.purchase = Purchase._meta.db_table
        self.company = Company._meta.db_table
        self.category = Category._meta.db_table
        self.year_expr = ("CAST(strftime('%Y', purchased_on) AS INTEGER)" if vendor == "sqlite"
                          else "EXTRACT(YEAR FROM purchased_on)::int")

    def _sums(self, alias="") -> str:
        a = f"{alias}." if alias else ""
        return (f"SUM(CASE WHEN {a}supplier_is_local THEN {a}amount ELSE 0 END), SUM({a}amount), COUNT(*)")

    def _year(self, year: int, alias="") -> tuple[str, list]:
        a = f"{alias}." if alias else ""
        return f"{a}purchased_on BETWEEN {self.p} AND {self.p}", [f"{year}-01-01", f"{year}-12-31"]

    def statements(self, question: str, year: int, buyer_id: int | None = None) -> list[tuple[str, list]]:
        p = self.p
        if question == "city_year":
            where, args = self._year(year)
            return [(f"SELECT {self._sums()} FROM {self.purchase} WHERE {where}", args)]
        if question == "year_category":
            where, args = self._year(year)
            return [(
                f"SELECT {self._sums()} FROM {self.purchase} WHERE {where} AND category_id IN "
                f"(SELECT id FROM {self.category} WHERE slug = {p} OR parent_id IN "
                f"(SELECT id FROM {self.category} WHERE slug = {p}))",
                args + ["cells-and-packs", "cells-and-packs"],
            )]
        if question == "year_size":
            where, args = self._year(year, "u")
            return [(
                f"SELECT {self._sums('u')} FROM {self.purchase} u JOIN {self.company} s ON s.id = u.supplier_id "
                f"WHERE {where} AND s.size_class = {p}", args + [SIZE],
            )]
        if question == "trend":
            return [(f"SELECT {self.year_expr} AS y, {self._sums()} FROM {self.purchase} GROUP BY y ORDER BY y", [])]
        if question == "by_buyer":
            where, args = self._year(year, "u")
            return [(
                f"SELECT u.buyer_id, {self._sums('u')} FROM {self.purchase} u JOIN {self.company} b "
                f"ON b.id = u.buyer_id WHERE b.is_anchor = TRUE AND {where} GROUP BY u.buyer_id", args
            )]
        if question == "by_category":
            where, args = self._year(year, "u")
            return [(
                f"SELECT COALESCE(k.parent_id, k.id) AS top, {self._sums('u')} FROM {self.purchase} u "
                f"JOIN {self.category} k ON k.id = u.category_id WHERE {where} GROUP BY top", args
            )]
        if question == "by_district":
            where, args = self._year(year, "u")
            return [(
                f"SELECT b.district_id, {self._sums('u')} FROM {self.purchase} u JOIN {self.company} b "
                f"ON b.id = u.buyer_id WHERE {where} GROUP BY b.district_id", args
            )]
        if question == "buyer_trend":
            return [(f"SELECT {self.year_expr} AS y, {self._sums()} FROM {self.purchase} WHERE buyer_id = {p} "
                     f"GROUP BY y ORDER BY y", [buyer_id])]
        if question == "buyer_year":
            where, args = self._year(year)
            return [(f"SELECT {self._sums()} FROM {self.purchase} WHERE buyer_id = {p} AND {where}",
                     [buyer_id] + args)]
        if question in COMPOSED:
            return [s for part in COMPOSED[question] for s in self.statements(part, year, buyer_id)]
        raise ValueError(question)

    def answer(self, connection, question: str, year: int, buyer_id=None) -> list:
        rows = []
        for sql, args in self.statements(question, year, buyer_id):
            cursor = connection.cursor()
            cursor.execute(sql, args)
            rows.append(cursor.fetchall())
            cursor.close()
        return rows


# -- The analyst's peer ----------------------------------------------------------------------------------------


def export_csv(connection, floor: LcrFloor, folder: Path) -> dict:
    """The purchases (and the two small tables an analyst joins) as CSV files; returns their paths and the time."""
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    paths = {}
    for name, sql in (
        ("purchases", f"SELECT buyer_id, supplier_id, purchased_on, category_id, amount, supplier_is_local "
                      f"FROM {floor.purchase}"),
        ("companies", f"SELECT id, is_anchor, district_id, size_class FROM {floor.company}"),
        ("categories", f"SELECT id, parent_id, slug FROM {floor.category}"),
    ):
        path = folder / f"{name}.csv"
        cursor = connection.cursor()
        cursor.execute(sql)
        with path.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([column[0] for column in cursor.description])
            while batch := cursor.fetchmany(50_000):
                writer.writerows(batch)
        cursor.close()
        paths[name] = path
    return {"paths": paths, "seconds": time.perf_counter() - started,
            "bytes": sum(path.stat().st_size for path in paths.values())}


def pandas_answer(paths: dict, question: str, year: int, buyer_id=None):
    """What an analyst computes from the exported CSV: read it, filter, group, divide."""
    import pandas as pd

    purchases = pd.read_csv(paths["purchases"], dtype={"amount": "float64"})
    purchases["year"] = purchases["purchased_on"].str.slice(0, 4).astype(int)
    purchases["local"] = purchases["supplier_is_local"].astype(str).str.lower().isin({"true", "1", "t"})
    purchases["local_amount"] = purchases["amount"].where(purchases["local"], 0.0)

    def sums(frame):
        return frame[["local_amount", "amount"]].sum().to_dict() | {"count": len(frame)}

    def grouped(frame, key):
        return frame.groupby(key)[["local_amount", "amount"]].sum()

    in_year = purchases[purchases["year"] == year]
    if question in ("city_year", "home"):
        return sums(in_year)
    categories = pd.read_csv(paths["categories"])
    if question == "year_category":
        top = categories.loc[categories["slug"] == "cells-and-packs", "id"].iloc[0]
        ids = set(categories.loc[(categories["id"] == top) | (categories["parent_id"] == top), "id"])
        return sums(in_year[in_year["category_id"].isin(ids)])
    if question == "trend":
        return grouped(purchases, "year")
    companies = pd.read_csv(paths["companies"])
    companies["anchor"] = companies["is_anchor"].astype(str).str.lower().isin({"true", "1", "t"})
    if question == "year_size":
        sized = set(companies.loc[companies["size_class"] == SIZE, "id"])
        return sums(in_year[in_year["supplier_id"].isin(sized)])
    if question == "by_buyer":
        anchors = set(companies.loc[companies["anchor"], "id"])
        return grouped(in_year[in_year["buyer_id"].isin(anchors)], "buyer_id")
    if question.startswith("dashboard"):
        top = categories.set_index("id")["parent_id"].fillna(categories.set_index("id").index.to_series())
        with_top = in_year.assign(top=in_year["category_id"].map(top))
        district = companies.set_index("id")["district_id"]
        answer = {
            "trend": grouped(purchases, "year"),
            "city": sums(in_year),
            "categories": grouped(with_top, "top"),
            "districts": grouped(in_year.assign(district=in_year["buyer_id"].map(district)), "district"),
        }
        if question == "dashboard_official":
            anchors = set(companies.loc[companies["anchor"], "id"])
            answer["buyers"] = grouped(in_year[in_year["buyer_id"].isin(anchors)], "buyer_id")
        if question == "dashboard_anchor":
            own = purchases[purchases["buyer_id"] == buyer_id]
            answer["own_trend"] = grouped(own, "year")
            answer["own_year"] = sums(own[own["year"] == year])
        return answer
    raise ValueError(question)


# -- The questions ---------------------------------------------------------------------------------------------


def questions(year: int) -> list[dict]:
    """(key, label, path, who) of each LCR question; `who` is the session the page is asked with."""
    return [
        {"key": "city_year", "label": f"LCR API, city {year}", "path": f"/api/v1/lcr/?year={year}",
         "who": "anonymous", "target_ms": 50},
        {"key": "year_category", "label": f"LCR API, {year} + cells-and-packs",
         "path": f"/api/v1/lcr/?year={year}&category=cells-and-packs", "who": "anonymous", "target_ms": 50},
        {"key": "year_size", "label": f"LCR API, {year} + {SIZE} suppliers",
         "path": f"/api/v1/lcr/?year={year}&size={SIZE}", "who": "anonymous", "target_ms": 50},
        {"key": "trend", "label": "LCR API, trend", "path": "/api/v1/lcr/trend/", "who": "anonymous",
         "target_ms": 50},
        {"key": "by_buyer", "label": f"LCR API, per-anchor table {year}", "path": f"/api/v1/lcr/by-buyer/?year={year}",
         "who": "official", "target_ms": 50},
        {"key": "dashboard_anonymous", "label": "dashboard, anonymous", "path": f"/dashboard/?year={year}",
         "who": "anonymous", "target_ms": 150},
        {"key": "dashboard_anchor", "label": "dashboard, anchor firm", "path": f"/dashboard/?year={year}",
         "who": "anchor", "target_ms": 150},
        {"key": "dashboard_official", "label": "dashboard, official", "path": f"/dashboard/?year={year}",
         "who": "official", "target_ms": 150},
        # The issue groups the home page with the dashboard ("LCR answers, the dashboard and the home page").
        {"key": "home", "label": "home page", "path": "/", "who": "anonymous", "target_ms": 150},
    ]


def _close(a, b) -> bool:
    a, b = Decimal(str(a or 0)), Decimal(str(b or 0))
    return abs(a - b) <= max(Decimal("0.05"), abs(b) * Decimal("1e-9"))


def check_answers(site, cookies: dict, connection, floor: LcrFloor, year: int) -> list[str]:
    """The LCR API's sums against the floor's; a list of sentences for each difference."""
    problems = []
    for key, path in (("city_year", f"/api/v1/lcr/?year={year}"),
                      ("year_category", f"/api/v1/lcr/?year={year}&category=cells-and-packs"),
                      ("year_size", f"/api/v1/lcr/?year={year}&size={SIZE}")):
        fetched = site.fetch(path, keep_body=True)
        if fetched.status != 200:
            problems.append(f"{path}: status {fetched.status}")
            continue
        data = json.loads(fetched.body)
        local, total, count = floor.answer(connection, key, year)[0][0]
        if not (_close(data["local_amount"], local) and _close(data["total_amount"], total)
                and data["purchase_count"] == count):
            problems.append(f"{path}: app {data['local_amount']}/{data['total_amount']}/{data['purchase_count']}, "
                            f"floor {local}/{total}/{count}")
    fetched = site.fetch("/api/v1/lcr/trend/", keep_body=True)
    series = {row["year"]: row for row in json.loads(fetched.body)["series"]} if fetched.status == 200 else {}
    for y, _local, total, count in floor.answer(connection, "trend", year)[0]:
        row = series.get(int(y))
        if row is None or not (_close(row["total_amount"], total) and row["purchase_count"] == count):
            problems.append(f"/api/v1/lcr/trend/ {y}: app {row and row['total_amount']}, floor {total}")
    fetched = site.fetch(f"/api/v1/lcr/by-buyer/?year={year}", cookie=cookies["official"], keep_body=True)
    if fetched.status == 200:
        app = {row["id"]: row for row in json.loads(fetched.body)["results"]}
        rows = floor.answer(connection, "by_buyer", year)[0]
        wrong = [pk for pk, local, total, count in rows
                 if pk not in app or not _close(app[pk]["total_amount"], total)]
        if wrong or len(rows) != len(app):
            problems.append(f"/api/v1/lcr/by-buyer/: {len(app)} rows in the app, {len(rows)} in the floor, "
                            f"{len(wrong)} differ")
    else:
        problems.append(f"/api/v1/lcr/by-buyer/: status {fetched.status}")
    return problems


def run(site, db, cookies: dict, *, year: int, anchor_id: int, repeats: int, work: Path, workers: int = 1,
        log=print) -> dict:
    from .database import dbapi_connect

    floor = LcrFloor(db.vendor)
    connection = dbapi_connect(db)
    try:
        problems = check_answers(site, cookies, connection, floor, year)
        for problem in problems:
            log(f"  !! LCR MISMATCH {problem}")
        log("  LCR: exporting the purchases as CSV for the pandas peer")
        exported = export_csv(connection, floor, work / "lcr-csv")
        # Each GROUP BY once per repetition; a question's floor adds up its parts, repetition by repetition.
        part_ms = {part: measure.repeat(lambda part=part: floor.answer(connection, part, year, anchor_id), repeats)
                   for part in PARTS}
        results = []
        for question in questions(year):
            cookie = cookies.get(question["who"], "")
            statuses = set()

            def app(question=question, cookie=cookie, statuses=statuses):
                statuses.add(site.fetch(question["path"], cookie=cookie).status)

            # Twice as many warm-up calls as gunicorn has workers: each connection goes to whichever worker takes
            # it, and a worker's first answer of a page (its templates compiled) is not what a running server does.
            app_ms = measure.repeat(app, repeats, warmup=2 * workers)
            parts = COMPOSED.get(question["key"], (question["key"],))
            floor_ms = [sum(samples) for samples in zip(*(part_ms[part] for part in parts), strict=False)]
            peer_ms = measure.repeat(
                lambda q=question: pandas_answer(exported["paths"], q["key"], year, anchor_id),
                max(1, min(3, repeats // 2)), warmup=0,
            )
            row = {**question, "app": measure.summary(app_ms), "statuses": sorted(statuses),
                   "floor": measure.summary(floor_ms), "peer": measure.summary(peer_ms)}
            log(f"  {question['label']:34} app {row['app']['median_ms']:9.1f} ms   floor "
                f"{row['floor']['median_ms']:8.1f} ms   pandas {row['peer']['median_ms']:8.1f} ms")
            results.append(row)
    finally:
        connection.close()
    return {"questions": results, "mismatches": problems,
            "csv_export": {"seconds": round(exported["seconds"], 2), "megabytes": round(exported["bytes"] / 1e6, 1)}}
