"""Who may do what with purchases and applications: small predicates shared by views, API, admin and commands."""

from django.utils.translation import gettext as _

from registry.permissions import is_company_member, is_official


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
