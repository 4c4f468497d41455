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
