"""Who may do what with purchases and applications: small predicates shared by views, API, admin and commands."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from registry.permissions import is_company_member, is_official

from . import programme_kinds
from .models import SubsidyApplication, SubsidyProgramme

APPROVE_PERMISSION = "procurement.approve_subsidyapplication"
# While the applicant may still change the purchases and documents.
EDITABLE_STATUSES = frozenset({SubsidyApplication.Status.DRAFT, SubsidyApplication.Status.RETURNED})


def can_record_purchases(user) -> tuple[bool, str]:
    """Purchases are recorded by the users of an anchor firm, for their own company."""
    if not (user and user.is_authenticated and user.company_id):
        return False, _("Log in as a user of an anchor firm to record purchases.")
    if not user.company.is_anchor:
        return False, _("Only anchor firms record purchases.")
    return True, ""


def can_view_buyer_figures(user, buyer) -> bool:
    """One buyer's purchases and LCR are for that buyer's users and officials only."""
    return is_company_member(user, buyer) or is_official(user)


# Application statuses under which a claimed purchase is frozen: the official decides (or has decided, or paid)
# on these exact figures. A draft or returned application is the applicant's own to change, a rejected one
# has released its claims.
FROZEN_APPLICATION_STATUSES = ("submitted", "approved", "paid")


def can_change_purchase(user, purchase) -> tuple[bool, str]:
    """The buyer's own users correct or delete a purchase, unless a submitted, approved or paid application claims it.

    A purchase under a decided or pending application is frozen: corrections go through the application
    being returned.
    """
    if not is_company_member(user, purchase.buyer):
        return False, _("Only the buyer's own users can change its purchases.")
    claim = (
        purchase.claims.filter(live=True, application__status__in=FROZEN_APPLICATION_STATUSES)
        .select_related("application")
        .first()
    )
    if claim is not None:
        return False, _(
            "This purchase is claimed in subsidy application #%(number)s (%(status)s). Corrections go through "
            "the application being returned for changes."
        ) % {"number": claim.application_id, "status": claim.application.get_status_display()}
    return True, ""


# --- subsidy applications ---------------------------------------------------------------------------------

def programme_is_open(programme: SubsidyProgramme, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return programme.active_from <= today and (programme.active_until is None or today <= programme.active_until)


def can_apply(user, programme: SubsidyProgramme) -> tuple[bool, str]:
    """A verified local company's users apply, to a programme open today, meeting its kind's own conditions."""
    if not (user and user.is_authenticated and user.company_id):
        return False, _("Log in as a user of a company to apply for a subsidy.")
    company = user.company
    if not company.is_published:
        return False, _("Only verified companies can apply; your company is not verified at the moment.")
    if not company.is_local:
        return False, _("Only local companies can apply; your company is not confirmed as local.")
    if not programme_is_open(programme):
        return False, _("%(programme)s is not open for applications today.") % {"programme": programme}
    if not programme_kinds.registered(programme.kind):
        return False, _("%(programme)s is not applied for on this site.") % {"programme": programme}
    return programme_kinds.kind_of(programme).can_apply(user, programme)


def can_edit_application(user, application: SubsidyApplication) -> tuple[bool, str]:
    """The applicant's own users change its purchases and documents, while it is a draft or returned."""
    if not is_company_member(user, application.applicant):
        return False, _("Only the applicant company's users can change its application.")
    if application.status not in EDITABLE_STATUSES:
        return False, _("The application is %(status)s; it can be changed only as a draft or when returned.") % {
            "status": application.get_status_display().lower()
        }
    return True, ""


def can_approve(user, application: SubsidyApplication) -> tuple[bool, str]:
    """Officials with the approve permission decide; nobody decides an application of their own company."""
    if not is_official(user) or not user.has_perm(APPROVE_PERMISSION):
        return False, _("Only officials with the approve permission decide applications.")
    if user.company_id is not None and user.company_id == application.applicant_id:
        return False, _("You cannot decide an application of your own company.")
    return True, ""


def can_view_application(user, application: SubsidyApplication) -> bool:
    """An application, its documents and summary are for the applicant's users and officials."""
    return is_company_member(user, application.applicant) or is_official(user)
