"""The local procurement subsidy's part in the workflow: its basis (claimed purchases) and its amount rule.

S = rate × V_total over the eligible purchases (the policy's "Subsidies and rewards" rules): bought from a supplier that
was verified and local when the purchase was recorded, in the programme's category, inside its period, and not
claimed by another live application. A purchase is claimed at most once, live: the partial unique index
`claim_one_live_per_purchase` settles races that the eligibility check alone cannot.

Everything here works on sets of purchases, not one purchase at a time, so an application over 10,000 purchases
costs a handful of statements: the eligibility rules are one filter (`_Rules.eligible`) the database applies, only
the purchases that fail it are read to say why, and the claims are written by one INSERT ... SELECT from the
purchases' stored amounts.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import BigIntegerField, Exists, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Cast, Coalesce, Round
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from calculators.subsidies import subsidy_amount
from registry.models import Company

from . import programme_kinds
from .models import ApplicationClaim, Purchase, SubsidyApplication, SubsidyProgramme
from .rollups import amount_in_fen, fen_as_cny

already_granted = programme_kinds.already_granted

# An amount as whole fen, computed by the database (as procurement.rollups sums them): adding up thousands of
# amounts stays exact on both databases and costs no Decimal per row in Python.
_FEN = Cast(Round(F("amount") * 100), BigIntegerField())


@dataclass
class Eligibility:
    """The applicant's purchases split into those it may claim under a programme and the others, each with why."""

    eligible: list = field(default_factory=list)
    ineligible: list = field(default_factory=list)  # (purchase, reason)
    claimed_elsewhere: set = field(default_factory=set)  # ids of purchases live in another application

    @property
    def eligible_ids(self) -> set[int]:
        return {purchase.pk for purchase in self.eligible}


class _Rules:
    """The programme's facts fetched once, so that checking many purchases costs no query per purchase."""

    def __init__(self, applicant: Company, programme: SubsidyProgramme, application=None):
        self.applicant = applicant
        self.programme = programme
        self.category_ids = (
            set(programme.eligible_category.descendant_ids()) if programme.eligible_category_id else None
        )
        claims = ApplicationClaim.objects.filter(live=True)
        if application is not None and application.pk:
            claims = claims.exclude(application=application)
        self.claims = claims

    def eligible(self) -> Q:
        """The rules of `reason` as one filter on purchases, for the database to apply to any number of them."""
        programme = self.programme
        rule = Q(
            buyer=self.applicant, supplier_was_verified=True, supplier_is_local=True,
            purchased_on__gte=programme.period_start, purchased_on__lte=programme.period_end,
        )
        if self.category_ids is not None:
            rule &= Q(category_id__in=sorted(self.category_ids))
        return rule & ~Exists(self.claims.filter(purchase=OuterRef("pk")))

    def reason(self, purchase: Purchase, claimed_ids: set[int]) -> str:
        """Why the purchase cannot be claimed, or "" when it can."""
        programme = self.programme
        if purchase.buyer_id != self.applicant.pk:
            return _("It is not a purchase of your company.")
        if not purchase.supplier_was_verified:
            return _("The supplier was not verified when the purchase was recorded.")
        if not purchase.supplier_is_local:
            return _("The supplier was not local when the purchase was recorded.")
        if self.category_ids is not None and purchase.category_id not in self.category_ids:
            return _("Its category is outside %(category)s.") % {"category": programme.eligible_category}
        if not (programme.period_start <= purchase.purchased_on <= programme.period_end):
            return _("It was bought outside the programme period (%(start)s to %(end)s).") % {
                "start": programme.period_start.isoformat(), "end": programme.period_end.isoformat(),
            }
        if purchase.pk in claimed_ids:
            return _("It is already claimed by another application.")
        return ""

    def check(self, purchases, *, claimed=None) -> Eligibility:
        """Each purchase given eligible or not, with why; `claimed`: the ids claimed elsewhere, if already read."""
        purchases = list(purchases)
        if claimed is None:
            claimed = set(
                self.claims.filter(purchase__in=[p.pk for p in purchases]).values_list("purchase_id", flat=True)
            )
        result = Eligibility(claimed_elsewhere=claimed)
        for purchase in purchases:
            why = self.reason(purchase, claimed)
            if why:
                result.ineligible.append((purchase, why))
            else:
                result.eligible.append(purchase)
        return result

    def split(self, ids: list[int]) -> "_Split":
        """The ids given, told apart by the database: eligible (with their stored amounts), ineligible (read, to
        say why) and not the applicant's at all. Only the purchases that fail the rules are read whole."""
        fen = {}
        for chunk in _chunks(ids):
            eligible = Purchase.objects.order_by().filter(pk__in=chunk).filter(self.eligible())
            fen.update(eligible.annotate(fen=_FEN).values_list("pk", "fen"))
        rest = [pk for pk in ids if pk not in fen]
        own = _own_purchases(self.applicant, rest) if rest else {}
        eligibility = self.check(own.values())
        for purchase in eligibility.eligible:  # freed between the two reads: eligible after all
            fen[purchase.pk] = amount_in_fen(purchase.amount)
        return _Split(fen=fen, ineligible=eligibility.ineligible,
                      claimed_elsewhere=eligibility.claimed_elsewhere, missing=[pk for pk in rest if pk not in own])


@dataclass
class _Split:
    fen: dict  # {purchase id: stored amount in whole fen} of the eligible ones
    ineligible: list  # (purchase, reason)
    claimed_elsewhere: set
    missing: list  # ids that are no purchase of the applicant


# Ids per statement: far under SQLite's 32,766 bound variables and small enough for any driver.
_CHUNK = 5000


def _chunks(ids):
    ids = list(ids)
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def purchase_eligibility(applicant: Company, programme: SubsidyProgramme, *, application=None) -> Eligibility:
    """All the applicant's purchases, eligible or not (with the reason); the application's own claims count as free."""
    purchases = Purchase.objects.filter(buyer=applicant).select_related("category").order_by("-purchased_on", "-pk")
    rules = _Rules(applicant, programme, application)
    claimed = set(rules.claims.filter(purchase__buyer=applicant).values_list("purchase_id", flat=True))
    return rules.check(purchases, claimed=claimed)


def eligible_purchases(applicant: Company, programme: SubsidyProgramme, *, application=None) -> list[Purchase]:
    """The applicant's purchases it may claim under the programme now, newest first (one query)."""
    rules = _Rules(applicant, programme, application)
    return list(
        Purchase.objects.filter(rules.eligible()).select_related("category").order_by("-purchased_on", "-pk")
    )


def compute_amount(applicant: Company, programme: SubsidyProgramme, amounts, *, application=None, year=None):
    """(V_total, S) from stored purchase amounts: S = rate × V_total, rounded once, within the caps."""
    amounts = [Decimal(a) for a in amounts]
    year = year or timezone.localdate().year
    amount = subsidy_amount(
        amounts,
        rate=programme.rate,
        cap=programme.cap_per_applicant_year,
        cap_per_application=programme.cap_per_application,
        already_granted=already_granted(applicant, programme, year, exclude=application),
    )
    return sum(amounts, Decimal("0")), amount


# Ids are 64-bit integers; a larger number overflows the database driver instead of matching nothing.
_MAX_ID = 2**63 - 1


def clean_ids(purchase_ids) -> list[int]:
    ids = []
    for value in purchase_ids or ():
        try:
            pk = int(str(value).strip()) if not isinstance(value, bool) else None
        except (TypeError, ValueError):
            pk = None
        if pk is None or not 1 <= pk <= _MAX_ID:
            raise ValidationError(
                _("“%(value)s” is not a purchase number.") % {"value": str(value)[:30]}
            ) from None
        ids.append(pk)
    return list(dict.fromkeys(ids))  # each id once, in the order given


def not_yours(pk) -> str:
    """The one answer for an id that does not exist and for another company's purchase: nothing about it leaks."""
    return _("There is no purchase %(n)s of your company.") % {"n": pk}


def _own_purchases(applicant: Company, ids) -> dict:
    # Only the applicant's purchases are read: another company's row (its invoice, its amount) never reaches a
    # message, and its existence is not told apart from an id that does not exist.
    found = {}
    for chunk in _chunks(ids):
        purchases = Purchase.objects.filter(pk__in=chunk, buyer=applicant).select_related("category")
        found.update((purchase.pk, purchase) for purchase in purchases)
    return found


def _lock_purchases(purchases) -> None:
    """Lock the rows of a queryset of purchases: claiming and deleting or correcting a purchase take turns
    (procurement.services locks the same rows). Only the ids are read; SQLite, one writer at a time, needs none."""
    list(purchases.order_by("pk").select_for_update().values_list("pk", flat=True))


def application_preview(*, applicant: Company, programme: SubsidyProgramme, purchase_ids, application=None) -> dict:
    """What the application would be worth with these purchases: nothing is saved, the client's figures unused."""
    ids = clean_ids(purchase_ids)
    split = _Rules(applicant, programme, application).split(ids)
    problems = {pk: not_yours(pk) for pk in split.missing}
    problems.update({p.pk: why for p, why in split.ineligible})
    total, amount = compute_amount(
        applicant, programme, [fen_as_cny(sum(split.fen.values()))], application=application
    )
    return {"eligible_total": total, "amount": amount, "purchase_count": len(split.fen),
            "problems": problems}


def _claim(application: SubsidyApplication, purchase_ids: list[int]) -> None:
    """Claim the purchases for the application: one INSERT ... SELECT per chunk of ids, each claim taking its
    purchase's stored amount. The partial unique index refuses a purchase live in another application; that is
    turned into a sentence naming the purchases, and the outer transaction stays usable (a savepoint)."""
    table = connection.ops.quote_name(ApplicationClaim._meta.db_table)
    purchases = connection.ops.quote_name(Purchase._meta.db_table)
    now = timezone.now()
    written = 0
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for chunk in _chunks(purchase_ids):
                cursor.execute(
                    f"INSERT INTO {table} (application_id, purchase_id, live, amount, created_at) "
                    f"SELECT %s, id, %s, amount, %s FROM {purchases} "
                    f"WHERE buyer_id = %s AND id IN ({', '.join(['%s'] * len(chunk))})",
                    [application.pk, True, now, application.applicant_id, *chunk],
                )
                written += cursor.rowcount
    except IntegrityError:
        taken = set()
        for chunk in _chunks(purchase_ids):
            taken.update(ApplicationClaim.objects.filter(live=True, purchase__in=chunk)
                         .exclude(application=application).values_list("purchase_id", flat=True))
        if not taken:
            raise
        raise ValidationError({"purchases": [
            _("Purchase %(n)s is already claimed by another application.") % {"n": pk}
            for pk in purchase_ids if pk in taken
        ]}, code="claimed") from None
    if written != len(purchase_ids):
        # Deleted by its buyer since it was read (or never the applicant's): no row to claim.
        there = set()
        for chunk in _chunks(purchase_ids):
            there.update(Purchase.objects.filter(pk__in=chunk, buyer_id=application.applicant_id)
                         .values_list("pk", flat=True))
        raise ValidationError({"purchases": [not_yours(pk) for pk in purchase_ids if pk not in there]},
                              code="missing")


class PurchasesSerializer(serializers.Serializer):
    """The local procurement subsidy's basis in the API: the ids of the purchases claimed."""

    purchases = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), allow_empty=False,
        help_text=gettext_lazy("Ids of the purchases to claim."),
    )


class LocalProcurementKind(programme_kinds.ProgrammeKind):
    """5 % of eligible local purchases of locally made cells and packs."""

    kind = SubsidyProgramme.Kind.LOCAL_PROCUREMENT
    basis_label = gettext_lazy("Claimed purchases")
    required_parameters = ("rate",)
    serializer_class = PurchasesSerializer
    claims_purchases = True

    def rule_text(self, programme):
        text = _("%(rate)s of the amount of eligible purchases: from verified local suppliers, in %(category)s, "
                 "bought from %(start)s to %(end)s.") % {
            "rate": programme_kinds.rate_text(programme.rate),
            "category": programme.eligible_category or _("any category"),
            "start": programme.period_start.isoformat(), "end": programme.period_end.isoformat(),
        }
        return f"{text} {self.caps_text(programme)}".strip()

    def set_basis(self, application, basis, *, by):
        ids = clean_ids(basis.get("purchases"))
        if not ids:
            raise ValidationError({"purchases": _("Choose at least one eligible purchase.")}, code="no_purchases")
        for chunk in _chunks(ids):
            _lock_purchases(Purchase.objects.filter(pk__in=chunk, buyer=application.applicant))
        split = _Rules(application.applicant, application.programme, application).split(ids)
        errors = [not_yours(pk) for pk in split.missing]
        for purchase, why in split.ineligible:
            if purchase.pk in split.claimed_elsewhere:
                errors.append(_("Purchase %(n)s is already claimed by another application.") % {"n": purchase.pk})
            else:
                errors.append(_("Purchase %(n)s (%(invoice)s): %(why)s") % {
                    "n": purchase.pk, "invoice": purchase.invoice_number, "why": why,
                })
        if errors:
            raise ValidationError({"purchases": errors})
        live = set(application.claims.filter(live=True).values_list("purchase_id", flat=True))
        # Purchases taken out are freed, not deleted: the claim rows are part of the application's record.
        chosen = set(ids)
        taken_out = [pk for pk in live if pk not in chosen]
        for chunk in _chunks(taken_out):
            application.claims.filter(live=True, purchase_id__in=chunk).update(live=False)
        new = [pk for pk in ids if pk not in live]
        if new:
            _claim(application, new)

    def _live_claims(self, application):
        return application.claims.filter(live=True)

    def has_basis(self, application):
        return application.claims.filter(live=True).exists()

    def check(self, application):
        claimed = self._live_claims(application).values("purchase_id")
        # The claimed purchases' rows are locked, as a correction or deletion locks them (procurement.services):
        # a submission and a change of one of its purchases take turns, so neither acts on a stale state.
        _lock_purchases(Purchase.objects.filter(pk__in=claimed))
        if not self.has_basis(application):
            raise ValidationError(
                {"purchases": _("Choose at least one eligible purchase before submitting.")}, code="no_purchases"
            )
        # Only the claimed purchases that fail the rules are read, to say why.
        rules = _Rules(application.applicant, application.programme, application)
        failing = Purchase.objects.filter(pk__in=claimed).exclude(rules.eligible()).select_related("category")
        eligibility = rules.check(failing.order_by("pk"))
        if eligibility.ineligible:
            raise ValidationError({"purchases": [
                _("Purchase %(n)s is no longer eligible: %(why)s") % {"n": purchase.pk, "why": why}
                for purchase, why in eligibility.ineligible
            ]}, code="ineligible")

    def award(self, application, *, year):
        # Each live claim takes its purchase's stored amount again: a corrected draft purchase counts as corrected.
        # One UPDATE, touching only the claims whose purchase changed since.
        claims = self._live_claims(application)
        claims.exclude(amount=F("purchase__amount")).update(
            amount=Subquery(Purchase.objects.filter(pk=OuterRef("purchase_id")).values("amount")[:1])
        )
        # V_total is summed by the database in whole fen (exact), then S = rate × V_total rounded once as ever.
        total_fen = claims.aggregate(fen=Coalesce(Sum(_FEN), 0, output_field=BigIntegerField()))["fen"]
        total, amount = compute_amount(
            application.applicant, application.programme, [fen_as_cny(total_fen)], application=application, year=year,
        )
        return programme_kinds.Award(amount=amount, eligible_total=total)

    def release(self, application):
        application.claims.filter(live=True).update(live=False)

    def initial(self, application):
        return {"purchases": list(application.claims.filter(live=True).values_list("purchase_id", flat=True))}

    def describe(self, application):
        count = application.claims.filter(live=True).count()
        return [(_("Claimed purchases"), str(count))]

    def api_basis(self, application):
        return {"purchases": sorted(application.claims.filter(live=True).values_list("purchase_id", flat=True))}
