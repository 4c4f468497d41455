"""Figure 4: a local procurement subsidy application over (up to) 10,000 eligible purchases.

Through the app's own workflow services (procurement.local_procurement and procurement.applications, what the
pages, the API and the admin call): list the eligible purchases, compute the amount (the preview), submit (create
the draft with its claims, then submit), approve as an official. Each repetition runs in a transaction that is
rolled back, so the same purchases serve every repetition and a kept database stays unclaimed.
Floor: one hand-written SQL statement listing the eligible purchases and one summing them.
"""

import time

from . import measure


class _Rollback(Exception):
    pass


def _floor_statements(vendor: str, buyer_id: int, programme, category_ids: list[int]) -> list[tuple[str, list]]:
    from procurement.models import ApplicationClaim, Purchase

    p = "?" if vendor == "sqlite" else "%s"
    start, end = (programme.period_start, programme.period_end)
    if vendor == "sqlite":
        start, end = start.isoformat(), end.isoformat()
    where = (f"buyer_id = {p} AND supplier_was_verified = TRUE AND supplier_is_local = TRUE "
             f"AND purchased_on BETWEEN {p} AND {p} AND category_id IN ({', '.join(p for _ in category_ids)}) "
             f"AND NOT EXISTS (SELECT 1 FROM {ApplicationClaim._meta.db_table} c WHERE c.purchase_id = u.id "
             f"AND c.live = TRUE)")
    args = [buyer_id, start, end, *category_ids]
    table = Purchase._meta.db_table
    return [
        (f"SELECT u.id, u.amount FROM {table} u WHERE {where} ORDER BY u.purchased_on DESC, u.id DESC", args),
        (f"SELECT SUM(u.amount), COUNT(*) FROM {table} u WHERE {where}", args),
    ]


def run(db, *, applicant, official, user, repeats: int, limit: int = 10_000, log=print) -> dict:
    from django.db import transaction

    from procurement.applications import (
        application_approve,
        application_create_draft,
        application_submit,
        open_programmes,
    )
    from procurement.local_procurement import application_preview, eligible_purchases
    from procurement.models import SubsidyProgramme

    from .database import dbapi_connect

    programme = next(p for p in open_programmes() if p.kind == SubsidyProgramme.Kind.LOCAL_PROCUREMENT)
    eligible = eligible_purchases(applicant, programme)
    ids = [purchase.pk for purchase in eligible[:limit]]
    log(f"  application: {len(eligible):,} eligible purchases of the largest anchor firm, claiming {len(ids):,}")
    steps = {"list eligible": [], "compute (preview)": [], "submit (draft + claims + submit)": [], "approve": []}
    outcome = {}
    for _ in range(repeats):
        try:
            with transaction.atomic():
                started = time.perf_counter()
                eligible_purchases(applicant, programme)
                steps["list eligible"].append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                preview = application_preview(applicant=applicant, programme=programme, purchase_ids=ids)
                steps["compute (preview)"].append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                application = application_create_draft(by=user, programme=programme, basis={"purchases": ids})
                application = application_submit(by=user, application=application)
                steps["submit (draft + claims + submit)"].append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                application = application_approve(by=official, application=application)
                steps["approve"].append((time.perf_counter() - started) * 1000)
                outcome = {"status": str(application.status), "amount": str(preview["amount"]),
                           "eligible_total": str(preview["eligible_total"])}
                raise _Rollback
        except _Rollback:
            pass
    category_ids = programme.eligible_category.descendant_ids() if programme.eligible_category_id else []
    statements = _floor_statements(db.vendor, applicant.pk, programme, category_ids)
    connection = dbapi_connect(db)

    def floor():
        for sql, args in statements:
            cursor = connection.cursor()
            cursor.execute(sql, args)
            cursor.fetchall()
            cursor.close()

    try:
        floor_ms = measure.repeat(floor, repeats)
    finally:
        connection.close()
    total_ms = [sum(values) for values in zip(*steps.values(), strict=True)]
    return {
        "eligible": len(eligible), "claimed": len(ids), "outcome": outcome,
        "steps": {name: measure.summary(values) for name, values in steps.items()},
        "app": measure.summary(total_ms), "floor": measure.summary(floor_ms),
    }
