"""The procurement demo: the anchor firms' purchases over several years, and subsidy applications in every state.

Drawn from `random.Random(2026)` over the registry demo's companies, so every run plans the same rows. The
city's local content ratio climbs from about 37 % the year before the baseline towards the target path
(about 43.5 % in the baseline year, 50 % the year after), some anchor firms above it and some below.
Purchases are keyed on their natural key (supplier identifier + invoice number) and only missing ones are
bulk-created, with one history entry each; applications go through the services of procurement/applications.py
(so their events and amounts are the real ones), for companies that have no application under the programme yet.
A second run adds nothing.
"""

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from registry.demo import _given_timestamps
from registry.identifiers import ALPHABET, with_check_digit
from registry.models import Category, Company, User

from .applications import (
    application_approve,
    application_create_draft,
    application_mark_paid,
    application_reject,
    application_return,
    application_submit,
)
from .local_procurement import eligible_purchases
from .models import ImportBatch, Purchase, SubsidyApplication, SubsidyProgramme
from .rollups import rollups_record_created
from .services import supplier_snapshot

SEED = 2026
HISTORY_REASON = "Demo data"
PROGRAMME_CODE = "local-procurement"
CELLS_AND_PACKS = "cells-and-packs"
CENT = Decimal("0.01")

# The city's LCR aimed at, by year relative to the baseline: below the 40 % start, then moving up the path.
CITY_LCR_BY_OFFSET = {-1: Decimal("0.37"), 0: Decimal("0.435"), 1: Decimal("0.50")}
# Each anchor firm's distance from the city figure (in points); shuffled over the firms, re-centred per year.
ANCHOR_OFFSETS = [-14, -10, -7, -4, -1, 2, 5, 8, 11, 14]
# Share of an anchor's local purchases bought from local cell and pack makers (what the subsidy covers).
CELLS_SHARE = 0.22
# How the purchases reached the platform: web form, API, file import.
SOURCES = [(Purchase.Source.FORM, 4), (Purchase.Source.API, 3), (Purchase.Source.IMPORT, 3)]

# Typical purchase amounts by top-level category: (median CNY, spread of the log-normal draw).
AMOUNT_PROFILES = {
    "solid-electrolytes": (380_000, 0.8),
    "cathode-materials": (650_000, 0.8),
    "anode-materials": (420_000, 0.8),
    "conductive-agents": (120_000, 0.7),
    "binders": (90_000, 0.7),
    "current-collectors": (260_000, 0.7),
    "production-equipment": (2_400_000, 0.7),
    "cells-and-packs": (1_300_000, 0.8),
    "testing-certification": (45_000, 0.6),
    "recycling": (150_000, 0.7),
}
DEFAULT_AMOUNT = (200_000, 0.8)

# Suppliers outside the city that are not registered on the platform: (name, division code, category slug).
UNREGISTERED_SUPPLIERS = [
    ("宁波容锂新材料有限公司", "330200", "high-nickel-cathode"),
    ("天津联拓电池材料有限公司", "120116", "lithium-metal-anode"),
    ("成都钛源科技有限公司", "510100", "oxide-electrolyte"),
    ("东莞精创自动化设备有限公司", "441900", "stacking-equipment"),
    ("厦门海睿新能源材料有限公司", "350200", "sulfide-electrolyte"),
    ("合肥国储电池有限公司", "340100", "solid-state-cells"),
    ("长沙中锂化工有限公司", "430100", "dry-process-binder"),
    ("赣州稀源锂业有限公司", "360700", "recycling"),
    ("青岛碳谷纳米科技有限公司", "370200", "carbon-nanotubes"),
    ("西安铂晶检测技术有限公司", "610100", "testing-certification"),
    ("重庆渝锋铜箔有限公司", "500000", "composite-copper"),
    ("武汉楚能智能装备有限公司", "420100", "formation-equipment"),
]

# Applications per applicant: the `anchor` login's company shows every state; the others a couple each.
# "returned-approved" is returned once, resubmitted and approved: a history with more than one event.
ANCHOR_LOGIN_STATES = ["draft", "submitted", "returned", "returned-approved", "rejected", "paid"]
OTHER_STATES = [["approved", "paid"], ["submitted", "rejected"], ["paid", "draft"], ["returned", "approved"]]
OTHER_APPLICANTS = 4
# Kept short: application_transition copies the reason into the history's change reason (100 characters).
RETURN_REASONS = [
    "Attach the delivery notes for the two largest invoices.",
    "Invoice amounts differ from the contract annex: please correct.",
]
REJECT_REASONS = [
    "Cells delivered to a plant outside the city: not eligible.",
    "Already funded under the 2025 technology upgrade grant.",
]


@dataclass
class ProcurementDemoResult:
    """What a run added, and how many rows there are now."""

    created: dict = field(default_factory=dict)
    totals: dict = field(default_factory=dict)


@dataclass
class _PlannedPurchase:
    buyer: Company
    supplier: Company | None
    identifier: str
    name: str
    category: Category
    product_id: int | None
    description: str
    purchased_on: date
    raw: float
    local: bool
    source: str
    amount: Decimal = Decimal("0")
    invoice_number: str = ""


def _years(today: date) -> list[int]:
    return list(range(settings.LCR_BASELINE_YEAR - 1, today.year + 1))


def _city_share(year: int) -> Decimal:
    offset = year - settings.LCR_BASELINE_YEAR
    if offset in CITY_LCR_BY_OFFSET:
        return CITY_LCR_BY_OFFSET[offset]
    if offset < -1:
        return Decimal("0.35")
    return min(Decimal("0.50") + Decimal("0.06") * (offset - 1), Decimal("0.68"))


def _unregistered(rng: random.Random, taken: set[str], categories: dict) -> list[tuple[str, str, Category]]:
    """(identifier, name, category) of outside suppliers not on the platform; valid USCCs nobody registered."""
    rows = []
    for name, division, slug in UNREGISTERED_SUPPLIERS:
        while True:
            code = with_check_digit("91" + division + "MA" + "".join(rng.choice(ALPHABET) for _ in range(7)))
            if code not in taken:
                taken.add(code)
                break
        rows.append((code, name, categories[slug]))
    return rows


class _SupplierPool:
    """Verified suppliers grouped as the plan draws them, with the categories and products they sell."""

    def __init__(self, rng: random.Random, categories: dict):
        self.rng = rng
        companies = list(
            Company.objects.published().prefetch_related("categories", "products__category").order_by("uscc")
        )
        cells = set(categories[CELLS_AND_PACKS].descendant_ids())
        parents = {c.parent_id for c in categories.values()}
        self.offers = {}  # company pk -> [(category, product or None)]
        for company in companies:
            # Purchases are booked on leaf categories: what the supplier makes, or the category it is listed in.
            offers = [(p.category, p) for p in company.products.all() if p.category_id not in parents]
            offers += [(c, None) for c in company.categories.all() if c.pk not in parents]
            self.offers[company.pk] = offers
        self.local = [c for c in companies if c.is_local and self.offers[c.pk]]
        self.outside = [c for c in companies if not c.is_local and self.offers[c.pk]]
        self.local_cells = [c for c in self.local if any(cat.pk in cells for cat, _ in self.offers[c.pk])]
        self.cells = cells

    def offer(self, company: Company, cells_only: bool = False):
        offers = self.offers[company.pk]
        if cells_only:
            offers = [o for o in offers if o[0].pk in self.cells]
        return self.rng.choice(offers)

    def pick(self, pool: list[Company], buyer: Company) -> Company:
        while True:
            company = self.rng.choice(pool)
            if company.pk != buyer.pk:
                return company


def _raw_amount(rng: random.Random, top: str) -> float:
    median, spread = AMOUNT_PROFILES.get(top, DEFAULT_AMOUNT)
    return min(max(median * math.exp(rng.gauss(0, spread)), 3_000.0), 40_000_000.0)


def plan_purchases(today: date, seed: int = SEED) -> list[_PlannedPurchase]:
    """Every demo purchase, with its amount scaled so each anchor and the city land on their planned LCR."""
    rng = random.Random(seed)
    categories = {c.slug: c for c in Category.objects.select_related("parent")}
    by_pk = {c.pk: c for c in categories.values()}
    tops = {c.pk: by_pk[c.parent_id].slug if c.parent_id else c.slug for c in categories.values()}
    pool = _SupplierPool(rng, categories)
    anchors = list(Company.objects.filter(is_anchor=True).published().order_by("uscc"))
    if not anchors or not pool.local or not pool.outside:
        return []
    taken = set(Company.objects.values_list("uscc", flat=True))
    unregistered = _unregistered(rng, taken, categories)
    offsets = ANCHOR_OFFSETS[:]
    rng.shuffle(offsets)
    anchor_offset = {a.pk: Decimal(offsets[i % len(offsets)]) / 100 for i, a in enumerate(anchors)}
    base_count = {a.pk: rng.randint(55, 90) for a in anchors}

    planned: list[_PlannedPurchase] = []
    for year in _years(today):
        start = date(year, 1, 1)
        end = min(date(year, 12, 31), today)
        days = (end - start).days + 1
        city = _city_share(year)
        groups = {}
        for anchor in anchors:
            share = anchor_offset[anchor.pk] + city + Decimal(rng.randint(-15, 15)) / 1000
            count = max(8, round(base_count[anchor.pk] * days / 365))
            rows = []
            for i in range(count):
                # The first two of each side make sure both sides exist; the rest follow the planned share.
                local = i < 2 or (i >= 4 and rng.random() < float(share))
                if local:
                    cells_only = bool(pool.local_cells) and rng.random() < CELLS_SHARE
                    supplier = pool.pick(pool.local_cells if cells_only else pool.local, anchor)
                    category, product = pool.offer(supplier, cells_only)
                elif rng.random() < 0.25:
                    identifier, name, category = rng.choice(unregistered)
                    supplier, product = None, None
                else:
                    supplier = pool.pick(pool.outside, anchor)
                    category, product = pool.offer(supplier)
                rows.append(_PlannedPurchase(
                    buyer=anchor, supplier=supplier,
                    identifier=supplier.uscc if supplier else identifier,
                    name=supplier.name if supplier else name,
                    category=category, product_id=product.pk if product else None,
                    description=product.name if product else category.name,
                    purchased_on=start + timedelta(days=rng.randrange(days)),
                    raw=_raw_amount(rng, tops[category.pk]), local=local,
                    source=rng.choices([s for s, _ in SOURCES], weights=[w for _, w in SOURCES])[0],
                ))
            groups[anchor.pk] = (share, rows)
        # Re-centre the anchors' shares on the city's figure, weighted by what each buys.
        volume = {pk: Decimal(sum(r.raw for r in rows)) for pk, (_, rows) in groups.items()}
        total = sum(volume.values())
        mean = sum(share * volume[pk] for pk, (share, _) in groups.items()) / total
        for pk, (share, rows) in groups.items():
            target = min(max(share - mean + city, Decimal("0.05")), Decimal("0.95"))
            local_raw = Decimal(sum(r.raw for r in rows if r.local))
            outside_raw = volume[pk] - local_raw
            factors = {True: target * volume[pk] / local_raw, False: (1 - target) * volume[pk] / outside_raw}
            for row in rows:
                row.amount = (Decimal(row.raw) * factors[row.local]).quantize(CENT, rounding=ROUND_HALF_UP)
            planned.extend(rows)

    # Invoice numbers run per supplier in date order, with gaps: the supplier's other customers in between.
    planned.sort(key=lambda r: (r.purchased_on, r.identifier, r.amount))
    counters: dict[str, int] = {}
    for row in planned:
        counters[row.identifier] = counters.get(row.identifier, rng.randint(1000, 9000)) + rng.randint(1, 40)
        row.invoice_number = f"{row.purchased_on.year}{counters[row.identifier]:08d}"
    return planned


def _stamp(rng: random.Random, day: date, now: datetime) -> datetime:
    """When the purchase was recorded: a few days after it was made, never in the future."""
    moment = timezone.make_aware(datetime.combine(day, time(9)) + timedelta(days=rng.randint(0, 12),
                                                                            minutes=rng.randint(0, 540)))
    return min(moment, now)


def _load_purchases(today: date, now: datetime) -> int:
    planned = plan_purchases(today)
    if not planned:
        return 0
    rng = random.Random(SEED + 1)
    existing = set(Purchase.objects.values_list("supplier_identifier", "invoice_number"))
    recorders = {}
    for user in User.objects.filter(company__is_anchor=True, is_active=True).order_by("pk"):
        recorders.setdefault(user.company_id, user)

    # One import file per anchor and year carries that year's imported rows.
    batches = {}
    wanted = {(r.buyer.pk, r.purchased_on.year) for r in planned if r.source == Purchase.Source.IMPORT}
    names = {f"demo-purchases-{year}.xlsx" for _, year in wanted}
    for batch in ImportBatch.objects.filter(file_name__in=names, buyer_id__in={pk for pk, _ in wanted}):
        batches[(batch.buyer_id, int(batch.file_name[15:19]))] = batch
    new_batches = []
    for pk, year in sorted(wanted - set(batches)):
        rows = [r for r in planned if r.source == Purchase.Source.IMPORT and (r.buyer.pk, r.purchased_on.year)
                == (pk, year)]
        stamp = _stamp(rng, max(r.purchased_on for r in rows), now)
        batch = ImportBatch(
            buyer_id=pk, uploaded_by=recorders.get(pk), file_name=f"demo-purchases-{year}.xlsx",
            status=ImportBatch.Status.DONE, total_rows=len(rows), processed_rows=len(rows), created_count=len(rows),
            created_at=stamp, finished_at=stamp,
        )
        batches[(pk, year)] = batch
        new_batches.append(batch)
    if new_batches:
        with _given_timestamps(ImportBatch):
            ImportBatch.objects.bulk_create(new_batches)
        if not new_batches[0].pk:  # backends that return no keys from bulk_create
            for batch in ImportBatch.objects.filter(file_name__in=names, buyer_id__in={pk for pk, _ in wanted}):
                batches[(batch.buyer_id, int(batch.file_name[15:19]))] = batch

    rows = []
    for row in planned:
        stamp = _stamp(rng, row.purchased_on, now)
        if (row.identifier, row.invoice_number) in existing:
            continue
        recorder = recorders.get(row.buyer.pk)
        purchase = Purchase(
            buyer=row.buyer, supplier=row.supplier, supplier_identifier=row.identifier, supplier_name=row.name,
            **supplier_snapshot(row.supplier), purchased_on=row.purchased_on, category=row.category,
            product_id=row.product_id, description=row.description[:300], amount=row.amount,
            invoice_number=row.invoice_number, source=row.source, purchased_year=row.purchased_on.year,
            import_batch=batches.get((row.buyer.pk, row.purchased_on.year))
            if row.source == Purchase.Source.IMPORT else None,
            created_by=recorder, created_at=stamp, updated_at=stamp,
        )
        purchase._history_user = recorder
        rows.append(purchase)
    if rows:
        with _given_timestamps(Purchase):
            with transaction.atomic():
                bulk_create_with_history(rows, Purchase, batch_size=500, default_change_reason=HISTORY_REASON)
                rollups_record_created(rows)
    return len(rows)


def _applicant_user(company: Company) -> User:
    """A user of the applicant company: its first one, or a demo user without a password (nobody logs in as it)."""
    user = company.users.filter(is_active=True).order_by("pk").first()
    if user is None:
        user = User(username=f"demo-buyer-{company.uscc[-6:].lower()}", company=company,
                    email=f"procurement-{company.uscc[-6:].lower()}@example.com")
        user.set_unusable_password()
        user.save()
    return user


def _apply(rng, *, user: User, official: User, programme, state: str, today: date, number: int) -> bool:
    """Walk one application to `state` through the services; False when too few purchases are left to claim."""
    free = sorted(eligible_purchases(user.company, programme), key=lambda p: p.invoice_number)
    if len(free) < 2:
        return False
    chosen = rng.sample(free, min(len(free), rng.randint(2, 4)))
    application = application_create_draft(by=user, programme=programme, basis={"purchases": [p.pk for p in chosen]})
    if state == "draft":
        return True
    application = application_submit(by=user, application=application)
    if state == "returned-approved":
        application = application_return(by=official, application=application, reason=RETURN_REASONS[0])
        application = application_submit(by=user, application=application)
        state = "approved"
    if state == "returned":
        application_return(by=official, application=application, reason=rng.choice(RETURN_REASONS))
    elif state == "rejected":
        application_reject(by=official, application=application, reason=rng.choice(REJECT_REASONS))
    elif state in ("approved", "paid"):
        application = application_approve(by=official, application=application)
        if state == "paid":
            application_mark_paid(
                by=official, application=application, payment_reference=f"SZCZ-{today.year}-{number:05d}",
                paid_on=today - timedelta(days=rng.randint(1, 20)),
            )
    return True


def _load_applications(today: date) -> int:
    programme = SubsidyProgramme.objects.filter(code=PROGRAMME_CODE, version=1).first()
    official = User.objects.filter(username="official", is_active=True).first()
    anchor_user = User.objects.filter(username="anchor").select_related("company").first()
    if programme is None or official is None or anchor_user is None or anchor_user.company_id is None:
        return 0
    rng = random.Random(SEED + 2)
    anchors = Company.objects.filter(is_anchor=True).published().exclude(pk=anchor_user.company_id)
    others = [c for c in anchors.order_by("uscc") if c.is_local][:OTHER_APPLICANTS]
    plans = [(anchor_user.company, ANCHOR_LOGIN_STATES)] + list(zip(others, OTHER_STATES, strict=False))
    done = set(
        SubsidyApplication.objects.filter(programme__code=PROGRAMME_CODE).values_list("applicant_id", flat=True)
    )
    created = 0
    for index, (company, states) in enumerate(plans):
        if company.pk in done:
            continue
        user = anchor_user if company.pk == anchor_user.company_id else _applicant_user(company)
        for state in states:
            created += _apply(rng, user=user, official=official, programme=programme, state=state, today=today,
                              number=index * 10 + created + 1)
    return created


@transaction.atomic
def load_procurement_demo(now: datetime | None = None) -> ProcurementDemoResult:
    """Create whatever of the procurement demo is missing (run after registry.demo.load_demo), and count."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    created = {"purchases": _load_purchases(today, now), "applications": _load_applications(today)}
    totals = {"purchases": Purchase.objects.count(), "applications": SubsidyApplication.objects.count()}
    return ProcurementDemoResult(created=created, totals=totals)


def load_app_demo() -> str:
    """The procurement demo, as `load_demo` composes it: what was added and the totals, in one line."""
    result = load_procurement_demo()
    return (
        f"Procurement demo: {result.created['purchases']} purchases and {result.created['applications']} "
        f"applications added (now {result.totals['purchases']} purchases, "
        f"{result.totals['applications']} applications)"
    )
