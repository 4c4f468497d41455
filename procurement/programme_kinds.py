"""The programme kinds the one application workflow serves, each bringing its basis and its amount rule.

The workflow (`procurement.applications`) knows no kind: it asks this registry what an application rests on,
what it is worth and whether it still holds. The app that owns a kind's basis registers it from its
`AppConfig.ready()` — the local procurement subsidy, the R&D matching fund and the energy quota from
`procurement`, the standards reward from `alliance` — the way Django's admin site learns about models it never
imports.
"""

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db.models import Sum
from django.utils.translation import gettext as _

from .models import SubsidyApplication

# The statuses whose amounts count against a programme's yearly cap.
GRANTED_STATUSES = (SubsidyApplication.Status.APPROVED, SubsidyApplication.Status.PAID)


@dataclass(frozen=True)
class Award:
    """What an application is worth: money (with the sum a rate applied to), or a quota in its unit — never both."""

    amount: Decimal | None = None
    eligible_total: Decimal | None = None
    quota_granted: Decimal | None = None
    quota_unit: str = ""

    def fields(self) -> dict:
        return {"amount": self.amount, "eligible_total": self.eligible_total,
                "quota_granted": self.quota_granted, "quota_unit": self.quota_unit}


def already_granted(applicant, programme, year: int, *, exclude=None) -> Decimal:
    """What the applicant was granted that year under any version of the programme (for the yearly cap)."""
    granted = SubsidyApplication.objects.filter(
        applicant=applicant, programme__code=programme.code, status__in=GRANTED_STATUSES, decided_at__year=year
    )
    if exclude is not None and exclude.pk:
        granted = granted.exclude(pk=exclude.pk)
    return granted.aggregate(total=Sum("amount"))["total"] or Decimal("0")


class BasisForm(forms.Form):
    """A kind's form for its basis on the applicant's pages; it knows the applicant (to offer its own records)."""

    def __init__(self, *args, company=None, **kwargs):
        self.company = company
        super().__init__(*args, **kwargs)


class ProgrammeKind:
    """One kind of programme: its basis (what an application rests on) and its amount rule (a calculator).

    Subclasses set `kind` (a `SubsidyProgramme.Kind` value) and implement the methods that raise
    NotImplementedError. `set_basis`, `check` and `award` run inside the workflow's transaction with the
    application row locked.
    """

    kind: str = ""
    # What the applicant provides, in a few words ("claimed purchases", "a national major project", ...).
    basis_label: str = ""
    # Programme fields the amount rule reads; a programme version of this kind must fill them.
    required_parameters: tuple[str, ...] = ()
    # How the applicant gives the basis on the site and through the API: the two clean to the same dict.
    form_class = None
    serializer_class = None
    # A money award counts against the programme's caps; a quota does not.
    pays_money = True
    # The local procurement subsidy's basis is a list of the applicant's purchases, shown as a table.
    claims_purchases = False

    def can_apply(self, user, programme) -> tuple[bool, str]:
        """The kind's own conditions on the applicant, beyond being a verified local company."""
        return True, ""

    def set_basis(self, application, basis: dict, *, by) -> None:
        """Store (or replace) the application's basis from cleaned data; raise ValidationError naming the field."""
        raise NotImplementedError

    def has_basis(self, application) -> bool:
        raise NotImplementedError

    def check(self, application) -> None:
        """Raise ValidationError when the stored basis no longer makes the application eligible."""
        raise NotImplementedError

    def award(self, application, *, year: int) -> Award:
        """The award computed from the stored basis and the programme's parameters."""
        raise NotImplementedError

    def release(self, application) -> None:
        """Free the basis when the application is rejected, so that it can be claimed again."""
        raise NotImplementedError

    def initial(self, application) -> dict:
        """The basis as form data, to change a draft or returned application."""
        return {}

    def describe(self, application) -> list[tuple[str, str]]:
        """The basis as (label, value) lines for the applicant's page and the official's."""
        return []

    def api_basis(self, application) -> dict:
        """The basis as the API shows it."""
        return {}

    def rule_text(self, programme) -> str:
        """The amount rule of a programme version in one sentence, with its own parameters and caps."""
        return self.caps_text(programme)

    @staticmethod
    def caps_text(programme) -> str:
        from registry.templatetags.platform_format import cny

        parts = []
        if programme.cap_per_application is not None:
            parts.append(_("At most %(cap)s per application.") % {"cap": cny(programme.cap_per_application)})
        if programme.cap_per_applicant_year is not None:
            parts.append(_("At most %(cap)s per company per year.") % {"cap": cny(programme.cap_per_applicant_year)})
        return " ".join(parts)

    def check_programme(self, programme) -> dict:
        """Errors by field when a programme version of this kind lacks a parameter its amount rule needs."""
        return {
            name: _("A programme of this kind needs this value.")
            for name in self.required_parameters if getattr(programme, name) in (None, "")
        }


def rate_text(rate) -> str:
    """0.05 → "5 %": a programme's rate as people read it."""
    return f"{(Decimal(rate) * 100).normalize():f} %"


_KINDS: dict[str, ProgrammeKind] = {}


def register(kind: ProgrammeKind) -> ProgrammeKind:
    """Make a kind known to the workflow (called from the owning app's ready())."""
    if not kind.kind:
        raise ImproperlyConfigured(f"{type(kind).__name__} names no kind")
    _KINDS[kind.kind] = kind
    return kind


def all_kinds() -> list[ProgrammeKind]:
    return list(_KINDS.values())


def registered(kind: str) -> bool:
    return kind in _KINDS


def kind_of(programme) -> ProgrammeKind:
    """The kind of a programme version; a programme whose kind no app registered cannot be applied for."""
    try:
        return _KINDS[programme.kind]
    except KeyError:
        raise ValidationError(
            _("%(programme)s is not applied for on this site.") % {"programme": programme}, code="unknown_kind"
        ) from None
