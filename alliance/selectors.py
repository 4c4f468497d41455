"""Reads of collaborations: who sees which, what waits for a company, a supply agreement's deliveries and the
buyer's local content before and after it, and the city's counts.

The arithmetic lives in calculators (agreements, local_content); these functions fetch and hand over.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calculators.agreements import delivered_by_agreement_year, percent_of, window_before, window_since
from calculators.local_content import local_content_ratio
from procurement.models import Purchase
from procurement.selectors import lcr_totals
from registry.models import Category, Company
from registry.permissions import is_official

from .models import Collaboration
from .permissions import PUBLIC_COLLABORATION_STATUSES

NO_PURCHASES = _("No purchases")


def _base() -> QuerySet:
    return Collaboration.objects.select_related("anchor", "sme", "standard", "proposed_by_company")


def public_collaborations(queryset: QuerySet | None = None) -> QuerySet:
    """Collaborations the public may know of: active and completed ones (the fact, the parties and the model)."""
    queryset = _base() if queryset is None else queryset
    return queryset.filter(status__in=PUBLIC_COLLABORATION_STATUSES)


def visible_collaborations(user, queryset: QuerySet | None = None) -> QuerySet:
    """Officials see every collaboration; a company's users the public ones plus all of their own company's."""
    queryset = _base() if queryset is None else queryset
    if is_official(user):
        return queryset
    condition = Q(status__in=PUBLIC_COLLABORATION_STATUSES)
    if user and user.is_authenticated and user.company_id:
        condition |= Q(anchor_id=user.company_id) | Q(sme_id=user.company_id)
    return queryset.filter(condition)


def company_collaborations(company: Company) -> QuerySet:
    """All collaborations in which the company is a party, whatever their status."""
    return _base().filter(Q(anchor=company) | Q(sme=company))


def awaiting_confirmation(company: Company) -> QuerySet:
    """Proposals made to the company by the other party: they wait for one of its users to confirm."""
    return company_collaborations(company).filter(status=Collaboration.Status.PROPOSED).exclude(
        proposed_by_company=company
    )


def status_changes(collaboration: Collaboration) -> list[dict]:
    """The collaboration's status changes, oldest first: when, from, to, by whom, the reason given."""
    records = collaboration.history.select_related("history_user").order_by("history_date", "history_id")
    changes, previous = [], None
    labels = dict(Collaboration.Status.choices)
    for record in records:
        if record.status != previous:
            changes.append({
                "at": record.history_date,
                "from_status": previous,
                "from_label": labels.get(previous, "") if previous else "",
                "to_status": record.status,
                "to_label": labels.get(record.status, record.status),
                "by": record.history_user,
                "reason": record.status_reason if record.status in ("terminated", "completed") else "",
            })
        previous = record.status
    return changes


# --- supply agreements: deliveries and local content ----------------------------------------------------


def agreement_purchases(collaboration: Collaboration, start: date | None = None, end: date | None = None) -> QuerySet:
    """The anchor's purchases from the SME that count as deliveries: inside the period (and categories, with
    everything below them, when the agreement names any)."""
    queryset = Purchase.objects.filter(buyer_id=collaboration.anchor_id, supplier_id=collaboration.sme_id).filter(
        purchased_on__gte=start or collaboration.started_on
    )
    last = end or collaboration.ends_on
    if last is not None:
        queryset = queryset.filter(purchased_on__lte=last)
    categories = list(collaboration.categories.all())
    if categories:
        ids = set()
        for category in categories:
            ids.update(category.descendant_ids())
        queryset = queryset.filter(category_id__in=ids)
    return queryset.order_by("purchased_on", "pk")


def agreement_deliveries(collaboration: Collaboration) -> list[dict]:
    """Delivered value against the committed value, per agreement year (see calculators.agreements)."""
    if collaboration.model != Collaboration.Model.SUPPLY or collaboration.ends_on is None:
        return []
    rows = agreement_purchases(collaboration).values_list("purchased_on", "amount")
    return delivered_by_agreement_year(
        collaboration.started_on, collaboration.ends_on, collaboration.committed_value_per_year or 0, rows
    )


def _slice_figures(buyer_id: int, supplier_id: int, window: tuple[date, date] | None) -> dict:
    if window is None:
        return {"start": None, "end": None, "purchase_count": 0, "lcr_percent": None, "supplier_share_percent": None,
                "total_amount": 0, "local_amount": 0, "supplier_amount": 0, "message": NO_PURCHASES}
    start, end = window
    purchases = Purchase.objects.filter(buyer_id=buyer_id, purchased_on__gte=start, purchased_on__lte=end)
    totals = lcr_totals(purchases)
    supplier = lcr_totals(purchases.filter(supplier_id=supplier_id))
    return {
        "start": start,
        "end": end,
        "purchase_count": totals["purchase_count"],
        "total_amount": totals["total_amount"],
        "local_amount": totals["local_amount"],
        "supplier_amount": supplier["total_amount"],
        "lcr_percent": local_content_ratio(totals["local_amount"], totals["total_amount"]),
        "supplier_share_percent": percent_of(supplier["total_amount"], totals["total_amount"]),
        "message": NO_PURCHASES if totals["purchase_count"] == 0 else "",
    }


def agreement_local_content(collaboration: Collaboration, today: date | None = None) -> dict:
    """The buyer's LCR and the share of its spend that went to the SME, in the 12 months before the agreement
    began and from its start to its end or today (whichever is earlier). All of the buyer's purchases count,
    not only the agreement's categories: the question is how the buyer's whole local content moved."""
    today = today or timezone.localdate()
    return {
        "before": _slice_figures(
            collaboration.anchor_id, collaboration.sme_id, window_before(collaboration.started_on)
        ),
        "since": _slice_figures(
            collaboration.anchor_id, collaboration.sme_id,
            window_since(collaboration.started_on, collaboration.ends_on, today),
        ),
    }


# --- the city's overview --------------------------------------------------------------------------------


def counts_by_model(queryset: QuerySet) -> list[dict]:
    counts = dict(queryset.order_by().values_list("model").annotate(n=Count("pk")))
    return [{"key": value, "label": label, "count": counts.get(value, 0)} for value, label in
            Collaboration.Model.choices]


def counts_by_year(queryset: QuerySet) -> list[dict]:
    """Per year of the start date, every year from the first to the last (a year without any shows 0)."""
    counts = dict(
        queryset.order_by().annotate(year=ExtractYear("started_on")).values_list("year").annotate(n=Count("pk"))
    )
    if not counts:
        return []
    return [{"key": year, "label": str(year), "count": counts.get(year, 0)}
            for year in range(min(counts), max(counts) + 1)]


def counts_by_category(queryset: QuerySet) -> list[dict]:
    """Per top-level category of the taxonomy: collaborations whose SME is listed in it or below it.

    An SME listed in two top-level categories counts in both, so the rows may add up to more than the total.
    """
    tops = list(Category.objects.filter(parent__isnull=True).order_by("position", "name"))
    through = Company.categories.through.objects
    rows = []
    for top in tops:
        smes = through.filter(category_id__in=top.descendant_ids()).values("company_id")
        rows.append({"key": top.slug, "label": top.display_name,
                     "count": queryset.filter(sme_id__in=smes).order_by().count()})
    return rows


# --- matchmaking: suggested suppliers, gaps, open requests -------------------------------------------------------

# How many suggested suppliers a request's page and the API show.
MATCHES_SHOWN = 20


@dataclass
class SupplierMatch:
    """A verified supplier that fits a sourcing request: its score, the product that fits best, and why."""

    company: Company
    score: "object"
    product: object | None
    reasons: list[str]
    rank: int = 0


def matching_filter_data(sourcing_request) -> dict:
    """The directory's filter parameters for a request: its category, every threshold, local when asked.

    The suggestions are the directory's own result for these parameters (registry.filtersets.CompanyFilterSet):
    the thresholds apply to the same product, the category includes its subcategories.
    """
    data = {"category": sourcing_request.category.slug}
    for requirement in sourcing_request.requirements.all():
        data[requirement.parameter] = repr(float(requirement.value))
    if sourcing_request.local_only:
        data["local"] = "true"
    return data


def _meets(value, requirement) -> bool:
    if value is None:
        return False
    return value >= requirement.value if requirement.bound == "min" else value <= requirement.value


def _percent(value) -> str:
    from registry.templatetags.platform_format import percent2

    return percent2(value * 100)


def _figure_reasons(product, requirements, margins) -> list[str]:
    reasons = []
    for requirement, margin in zip(requirements, margins, strict=True):
        figure = requirement.definition
        value = product.figure_values.get(requirement.figure)
        values = {"label": figure.label, "value": figure.display(value), "product": product.name,
                  "threshold": requirement.display_value}
        if margin is None:
            reasons.append(_("%(label)s of “%(product)s”: %(value)s, meeting the threshold of %(threshold)s.")
                           % values)
        elif requirement.bound == "min":
            reasons.append(_("%(label)s of “%(product)s”: %(value)s, %(margin)s above the minimum of %(threshold)s.")
                           % {**values, "margin": _percent(margin)})
        else:
            reasons.append(_("%(label)s of “%(product)s”: %(value)s, %(margin)s below the maximum of %(threshold)s.")
                           % {**values, "margin": _percent(margin)})
    return reasons


def suggested_suppliers(sourcing_request, *, limit: int = MATCHES_SHOWN, today: date | None = None):
    """The verified SMEs that fit the request, best first, at most `limit`, each with its reasons.

    One filtered queryset (the directory's CompanyFilterSet for matching_filter_data) and a fixed number of
    prefetch queries whatever the number of candidates; the score is calculators.matching.match_score.
    """
    from django.db.models import Prefetch

    from calculators.matching import figure_margin, match_score
    from registry.filtersets import CompanyFilterSet
    from registry.models import Certificate, Product, ProductFigure

    from .permissions import SME_SIZE_CLASSES

    today = today or timezone.localdate()
    requirements = list(sourcing_request.requirements.all())
    candidates = (
        Company.objects.published(today).filter(is_anchor=False, size_class__in=SME_SIZE_CLASSES)
        .exclude(pk=sourcing_request.anchor_id)
    )
    filterset = CompanyFilterSet(matching_filter_data(sourcing_request), queryset=candidates)
    if not filterset.is_valid():  # a threshold the directory no longer accepts: nothing fits, nothing breaks
        return []
    in_category = sourcing_request.category.descendant_ids()
    required = list(sourcing_request.required_certificates)
    products = (
        Product.objects.filter(category_id__in=in_category)
        .prefetch_related(Prefetch("figures", queryset=ProductFigure.objects.order_by("figure")))
        .order_by("name", "pk")
    )
    companies = list(filterset.qs.prefetch_related(
        Prefetch("products", queryset=products, to_attr="fitting_products"),
        Prefetch("certificates", queryset=Certificate.objects.valid(today).filter(cert_type__in=required),
                 to_attr="held_certificates"),
    ))
    partners = set(
        Collaboration.objects.filter(
            anchor_id=sourcing_request.anchor_id, sme_id__in=[c.pk for c in companies],
            status__in=PUBLIC_COLLABORATION_STATUSES,
        ).values_list("sme_id", flat=True)
    )
    labels = dict(Certificate.Type.choices)
    unit_label = dict(Product.CapacityUnit.choices).get(sourcing_request.quantity_unit, sourcing_request.quantity_unit)
    matches = []
    for company in companies:
        fitting = [p for p in company.fitting_products
                   if all(_meets(p.figure_values.get(r.figure), r) for r in requirements)]
        held = sorted({c.cert_type for c in company.held_certificates})
        best = None
        for product in fitting or [None]:
            margins = [figure_margin(product.figure_values[r.figure], r.value, r.bound) for r in requirements] \
                if product is not None else []
            capacity = None
            if product is not None and product.annual_capacity is not None \
                    and product.capacity_unit == sourcing_request.quantity_unit:
                capacity = product.annual_capacity
            score = match_score(
                margins=margins, capacity=capacity, quantity=sourcing_request.quantity,
                certificates_held=len(held), certificates_required=len(required),
                is_local=company.is_local, has_collaboration=company.pk in partners,
            )
            if best is None or score.total > best[0].total:
                best = (score, product, margins, capacity)
        score, product, margins, capacity = best
        reasons = []
        if product is not None:
            if requirements:
                reasons += _figure_reasons(product, requirements, margins)
            else:
                reasons.append(_("Offers “%(product)s” in %(category)s.")
                               % {"product": product.name, "category": product.category.display_name})
        else:
            reasons.append(_("Lists %(category)s among its categories but has no product in it yet.")
                           % {"category": sourcing_request.category.display_name})
        quantity = {"quantity": f"{sourcing_request.quantity.normalize():f}", "unit": unit_label}
        if capacity is None:
            reasons.append(_("No yearly capacity stated in %(unit)s: capacity adds nothing to the score.")
                           % quantity)
        elif capacity >= sourcing_request.quantity:
            reasons.append(_("Capacity of %(capacity)s %(unit)s covers the %(quantity)s %(unit)s requested.")
                           % {**quantity, "capacity": f"{capacity.normalize():f}"})
        else:
            reasons.append(_("Capacity of %(capacity)s %(unit)s covers %(share)s of the %(quantity)s %(unit)s "
                             "requested.") % {**quantity, "capacity": f"{capacity.normalize():f}",
                                              "share": _percent(capacity / sourcing_request.quantity)})
        if required:
            missing = [str(labels.get(t, t)) for t in required if t not in held]
            if missing:
                reasons.append(_("Holds %(held)d of the %(required)d required certificates; lacks %(missing)s.")
                               % {"held": len(required) - len(missing), "required": len(required),
                                  "missing": ", ".join(missing)})
            else:
                reasons.append(_("Holds every required certificate, valid today."))
        reasons.append(_("A verified local supplier.") if company.is_local
                       else _("Not confirmed as local: outside the city."))
        if company.pk in partners:
            reasons.append(_("Already works with your company in an active or completed collaboration."))
        matches.append(SupplierMatch(company=company, score=score, product=product, reasons=reasons))
    # The queryset came sorted by name: a stable sort keeps that order among equal scores.
    matches.sort(key=lambda match: match.score.total, reverse=True)
    matches = matches[:limit]
    for rank, match in enumerate(matches, start=1):
        match.rank = rank
    return matches


@dataclass(frozen=True)
class SourcingGap:
    """A category of an anchor firm's non-local spend over the last twelve months, with the local supply in it."""

    category: Category
    amount: object
    local_suppliers: int


def sourcing_gaps(anchor: Company, *, today: date | None = None, limit: int = 5) -> list[SourcingGap]:
    """The anchor firm's largest non-local spend by category over the twelve months to today (purchases dated
    after the same day a year ago, up to today), with the verified local suppliers the chain map counts there."""
    from django.db.models import Sum

    from calculators.agreements import add_years
    from registry.selectors import chain_map_rows

    today = today or timezone.localdate()
    rows = list(
        Purchase.objects.filter(buyer=anchor, supplier_is_local=False, purchased_on__gt=add_years(today, -1),
                                purchased_on__lte=today)
        .values("category").annotate(total=Sum("amount")).order_by("-total", "category")[:limit]
    )
    if not rows:
        return []
    counts = {row.category.pk: (row.category, row.count) for row in chain_map_rows(today)}
    return [
        SourcingGap(category=counts[row["category"]][0], amount=row["total"],
                    local_suppliers=counts[row["category"]][1])
        for row in rows if row["category"] in counts
    ]


def live_sourcing_requests(today: date | None = None) -> QuerySet:
    """Requests still taking offers: open or shortlisted, with the deadline today or later."""
    from .models import SourcingRequest

    today = today or timezone.localdate()
    return SourcingRequest.objects.filter(status__in=SourcingRequest.LIVE_STATUSES, deadline__gte=today)


def open_requests_by_category(user, today: date | None = None) -> dict[int, int]:
    """category id -> the number of live requests in it the user may see (the chain map's links)."""
    from .permissions import visible_sourcing_requests

    rows = (
        visible_sourcing_requests(user, live_sourcing_requests(today)).order_by()
        .values("category").annotate(n=Count("pk"))
    )
    return {row["category"]: row["n"] for row in rows}


def requests_to_answer(company: Company, user, today: date | None = None, limit: int = 5) -> list:
    """Live requests a supplier could answer: in a category it has products in (or above them), visible to it,
    local-only ones only for a local company, not its own and not already answered."""
    from registry.models import Product

    from .permissions import visible_sourcing_requests

    product_categories = set(Product.objects.filter(company=company).values_list("category_id", flat=True))
    if not product_categories:
        return []
    parents = dict(Category.objects.values_list("pk", "parent_id"))
    wanted = set()
    for pk in product_categories:  # a request for a parent category fits a product below it
        while pk is not None:
            wanted.add(pk)
            pk = parents.get(pk)
    queryset = visible_sourcing_requests(user, live_sourcing_requests(today)).filter(category_id__in=wanted).exclude(
        anchor=company
    ).exclude(offers__supplier=company, offers__status__in=("submitted", "shortlisted", "accepted"))
    if not company.is_local:
        queryset = queryset.filter(local_only=False)
    return list(queryset.select_related("anchor", "category").order_by("deadline", "pk")[:limit])
