"""Reads of collaborations: who sees which, what waits for a company, a supply agreement's deliveries and the
buyer's local content before and after it, and the city's counts.

The arithmetic lives in calculators (agreements, local_content); these functions fetch and hand over.
"""

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
