"""The local procurement subsidy's part in the workflow: its basis (claimed purchases) and its amount rule.

S = rate × V_total over the eligible purchases (the policy's "Subsidies and rewards" rules): bought from a supplier that
was verified and local when the purchase was recorded, in the programme's category, inside its period, and not
claimed by another live application. A purchase is claimed at most once, live: the partial unique index
`claim_one_live_per_purchase` settles races that the eligibility check alone cannot.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from calculators.subsidies import subsidy_amount
from registry.models import Company

from . import programme_kinds
from .models import ApplicationClaim, Purchase, SubsidyApplication, SubsidyProgramme

already_granted = programme_kinds.already_granted


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

    def check(self, purchases) -> Eligibility:
        purchases = list(purchases)
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


def purchase_eligibility(applicant: Company, programme: SubsidyProgramme, *, application=None) -> Eligibility:
    """All the applicant's purchases, eligible or not (with the reason); the application's own claims count as free."""
    purchases = Purchase.objects.filter(buyer=applicant).select_related("category").order_by("-purchased_on", "-pk")
    return _Rules(applicant, programme, application).check(purchases)


def eligible_purchases(applicant: Company, programme: SubsidyProgramme, *, application=None) -> list[Purchase]:
    """The applicant's purchases it may claim under the programme now."""
    return purchase_eligibility(applicant, programme, application=application).eligible


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
        if pk not in ids:
            ids.append(pk)
    return ids


def not_yours(pk) -> str:
    """The one answer for an id that does not exist and for another company's purchase: nothing about it leaks."""
    return _("There is no purchase %(n)s of your company.") % {"n": pk}


def _own_purchases(applicant: Company, ids, *, lock=False) -> dict:
    # Only the applicant's purchases are read: another company's row (its invoice, its amount) never reaches a
    # message, and its existence is not told apart from an id that does not exist.
    purchases = Purchase.objects.filter(pk__in=ids, buyer=applicant).select_related("category")
    if lock:
        # Claiming and deleting or correcting a purchase take turns (procurement.services locks the same rows).
        purchases = purchases.select_for_update(of=("self",))
    return {p.pk: p for p in purchases}


def application_preview(*, applicant: Company, programme: SubsidyProgramme, purchase_ids, application=None) -> dict:
    """What the application would be worth with these purchases: nothing is saved, the client's figures unused."""
    ids = clean_ids(purchase_ids)
    purchases = _own_purchases(applicant, ids)
    eligibility = _Rules(applicant, programme, application).check(purchases.values())
    problems = {pk: not_yours(pk) for pk in ids if pk not in purchases}
    problems.update({p.pk: why for p, why in eligibility.ineligible})
    total, amount = compute_amount(
        applicant, programme, [p.amount for p in eligibility.eligible], application=application
    )
    return {"eligible_total": total, "amount": amount, "purchase_count": len(eligibility.eligible),
            "problems": problems}


def _claim(application: SubsidyApplication, purchase: Purchase) -> None:
    try:
        # A savepoint: the unique index may refuse the row, and the outer transaction must stay usable.
        with transaction.atomic():
            ApplicationClaim.objects.create(application=application, purchase=purchase, amount=purchase.amount)
    except IntegrityError:
        if not Purchase.objects.filter(pk=purchase.pk).exists():
            # Deleted by its buyer since it was read: the foreign key refused the claim.
            raise ValidationError(not_yours(purchase.pk), code="missing") from None
        raise ValidationError(
            _("Purchase %(n)s is already claimed by another application.") % {"n": purchase.pk}, code="claimed"
        ) from None


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
        purchases = _own_purchases(application.applicant, ids, lock=True)
        errors = [not_yours(pk) for pk in ids if pk not in purchases]
        eligibility = _Rules(application.applicant, application.programme, application).check(purchases.values())
        for purchase, why in eligibility.ineligible:
            if purchase.pk in eligibility.claimed_elsewhere:
                errors.append(_("Purchase %(n)s is already claimed by another application.") % {"n": purchase.pk})
            else:
                errors.append(_("Purchase %(n)s (%(invoice)s): %(why)s") % {
                    "n": purchase.pk, "invoice": purchase.invoice_number, "why": why,
                })
        if errors:
            raise ValidationError({"purchases": errors})
        live = set(application.claims.filter(live=True).values_list("purchase_id", flat=True))
        # Purchases taken out are freed, not deleted: the claim rows are part of the application's record.
        application.claims.filter(live=True).exclude(purchase_id__in=ids).update(live=False)
        for pk in ids:
            if pk not in live:
                _claim(application, purchases[pk])
        # The foreign keys are checked only at commit (deferred), where a purchase deleted meanwhile would be an
        # IntegrityError, a 500: the rows locked above make that wait, and this says so in a sentence if not.
        gone = set(ids) - set(Purchase.objects.filter(pk__in=ids).values_list("pk", flat=True))
        if gone:
            raise ValidationError({"purchases": [not_yours(pk) for pk in ids if pk in gone]})

    def _live_claims(self, application):
        return list(application.claims.filter(live=True).select_related("purchase"))

    def has_basis(self, application):
        return application.claims.filter(live=True).exists()

    def check(self, application):
        claims = self._live_claims(application)
        # The claimed purchases' rows are locked, as a correction or deletion locks them (procurement.services):
        # a submission and a change of one of its purchases take turns, so neither acts on a stale state.
        list(Purchase.objects.select_for_update().filter(pk__in=[c.purchase_id for c in claims]).values_list(
            "pk", flat=True))
        if not claims:
            raise ValidationError(
                {"purchases": _("Choose at least one eligible purchase before submitting.")}, code="no_purchases"
            )
        eligibility = _Rules(application.applicant, application.programme, application).check(
            [claim.purchase for claim in claims]
        )
        if eligibility.ineligible:
            raise ValidationError({"purchases": [
                _("Purchase %(n)s is no longer eligible: %(why)s") % {"n": purchase.pk, "why": why}
                for purchase, why in eligibility.ineligible
            ]}, code="ineligible")

    def award(self, application, *, year):
        # Each live claim takes its purchase's stored amount again: a corrected draft purchase counts as corrected.
        claims = self._live_claims(application)
        for claim in claims:
            if claim.amount != claim.purchase.amount:
                claim.amount = claim.purchase.amount
                claim.save(update_fields=["amount"])
        total, amount = compute_amount(
            application.applicant, application.programme, [c.amount for c in claims],
            application=application, year=year,
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
        return {"purchases": sorted(c.purchase_id for c in application.claims.all() if c.live)}
