"""Who may do what in the alliance: small predicates, one place, many callers (views, API, admin, templates)."""

from django.utils.translation import gettext as _

from registry.models import Company
from registry.permissions import is_company_member, is_official

# --- collaborations ----------------------------------------------------------------------------------------

# Company.size_class values that make a company an SME (computed by the registry from employees and revenue).
SME_SIZE_CLASSES = (Company.SizeClass.MEDIUM_, Company.SizeClass.SMALL_, Company.SizeClass.MICRO_)
# What the public sees of a collaboration: that it exists (or existed) and of which model; proposals and
# terminated ones stay between the two parties.
PUBLIC_COLLABORATION_STATUSES = ("active", "completed")


def is_sme(company: Company) -> bool:
    return not company.is_anchor and company.size_class in SME_SIZE_CLASSES


def can_collaborate(company: Company) -> bool:
    """Collaborations are between an anchor firm and an SME: a company must be one of the two."""
    return company.is_anchor or is_sme(company)


def is_collaboration_party(user, collaboration) -> bool:
    return bool(
        user and user.is_authenticated and user.company_id
        and user.company_id in (collaboration.anchor_id, collaboration.sme_id)
    )


def can_view_collaboration(user, collaboration) -> bool:
    """Everything of a collaboration (terms, milestones, deliveries) is for the two parties and officials."""
    return is_collaboration_party(user, collaboration) or is_official(user)


def can_propose_collaboration(user) -> tuple[bool, str]:
    """A verified anchor firm's or SME's users propose, on their own company's behalf."""
    if not (user and user.is_authenticated and user.company_id):
        return False, _("Log in as a user of an anchor firm or an SME to propose a collaboration.")
    company = user.company
    if not company.is_published:
        return False, _("Only verified companies can propose collaborations; your company is not verified.")
    if not can_collaborate(company):
        return False, _("Collaborations are between an anchor firm and an SME; your company is neither.")
    return True, ""


def can_confirm_collaboration(user, collaboration) -> tuple[bool, str]:
    """The party that did NOT propose confirms: a proposal counts only once the other side agrees."""
    if collaboration.status != "proposed":
        return False, _("Only a proposed collaboration can be confirmed.")
    if not is_collaboration_party(user, collaboration):
        return False, _("Only the users of the two companies can act on this collaboration.")
    if user.company_id == collaboration.proposed_by_company_id:
        return False, _("Your company proposed this collaboration: the other party confirms it.")
    return True, ""


def can_terminate_collaboration(user, collaboration) -> tuple[bool, str]:
    """Either party ends a proposal (declines or withdraws it) or an active collaboration, giving a reason."""
    if collaboration.status not in ("proposed", "active"):
        return False, _("This collaboration has already ended.")
    if not is_collaboration_party(user, collaboration):
        return False, _("Only the users of the two companies can act on this collaboration.")
    return True, ""


def can_complete_collaboration(user, collaboration) -> tuple[bool, str]:
    """Either party marks an active collaboration as completed."""
    if collaboration.status != "active":
        return False, _("Only an active collaboration can be completed.")
    if not is_collaboration_party(user, collaboration):
        return False, _("Only the users of the two companies can act on this collaboration.")
    return True, ""


def can_add_milestone(user, collaboration) -> tuple[bool, str]:
    """Either party adds milestones, once the collaboration is active (confirmed) and until it ends."""
    if collaboration.status != "active":
        return False, _("Milestones are added while the collaboration is active.")
    if not is_collaboration_party(user, collaboration):
        return False, _("Only the users of the two companies can act on this collaboration.")
    return True, ""


def can_complete_milestone(user, milestone) -> tuple[bool, str]:
    """Either party records a milestone as done, once, while the collaboration is active."""
    if milestone.done_on is not None:
        return False, _("This milestone is already done.")
    return can_add_milestone(user, milestone.collaboration)


def company_is_party(company: Company, collaboration) -> bool:
    return company.pk in (collaboration.anchor_id, collaboration.sme_id)



# --- members and standards -----------------------------------------------------------------------------------

ADMIT_PERMISSION = "alliance.add_membership"
CHANGE_MEMBERSHIP_PERMISSION = "alliance.change_membership"
VERIFY_PARTICIPATION_PERMISSION = "alliance.verify_standardparticipation"


def can_manage_members(user, *, admit: bool = False) -> tuple[bool, str]:
    """Officials with the membership permissions admit members, change their tier and end memberships."""
    needed = ADMIT_PERMISSION if admit else CHANGE_MEMBERSHIP_PERMISSION
    if not is_official(user) or not user.has_perm(needed):
        return False, _("Only officials with the membership permissions admit members and change memberships.")
    return True, ""


def can_record_participation(user) -> tuple[bool, str]:
    """A company's users record its part in a standard, for their own company only."""
    if not (user and user.is_authenticated and user.company_id):
        return False, _("Log in as a user of a company to record a standard participation.")
    return True, ""


def can_view_participation(user, participation) -> bool:
    """A verified participation is public; a pending or rejected one is for its company and officials."""
    return (
        participation.status == "verified"
        or is_company_member(user, participation.company)
        or is_official(user)
    )


def can_view_participation_evidence(user, participation) -> bool:
    """The evidence is a private document: the company that recorded it and officials, nobody else."""
    return is_company_member(user, participation.company) or is_official(user)


def can_verify_participation(user, participation) -> tuple[bool, str]:
    """Officials with the verify permission decide; nobody decides a participation of their own company."""
    if not is_official(user) or not user.has_perm(VERIFY_PARTICIPATION_PERMISSION):
        return False, _("Only officials with the verify permission decide standard participations.")
    if user.company_id is not None and user.company_id == participation.company_id:
        return False, _("You cannot decide a participation of your own company.")
    return True, ""


def visible_participations(user, queryset):
    """Verified participations for everyone; a company's users also see its own; officials see all."""
    from django.db.models import Q

    if is_official(user):
        return queryset
    condition = Q(status="verified")
    if user and user.is_authenticated and user.company_id:
        condition |= Q(company_id=user.company_id)
    return queryset.filter(condition)


# --- matchmaking: sourcing requests and offers -----------------------------------------------------------------


def is_alliance_member(company) -> bool:
    """An organisation with an active membership of the alliance."""
    if company is None:
        return False
    from .models import Membership

    return Membership.objects.filter(organisation=company, status=Membership.Status.ACTIVE).exists()


def _company_user(user) -> bool:
    return bool(user and user.is_authenticated and user.company_id)


def owns_sourcing_request(user, sourcing_request) -> bool:
    """The anchor firm's own users."""
    return _company_user(user) and user.company_id == sourcing_request.anchor_id


def can_post_sourcing_request(user) -> tuple[bool, str]:
    """A verified anchor firm's users post sourcing requests, on their own company's behalf."""
    if not _company_user(user):
        return False, _("Log in as a user of an anchor firm to post a sourcing request.")
    company = user.company
    if not company.is_anchor:
        return False, _("Only anchor firms post sourcing requests.")
    if not company.is_published:
        return False, _("Only verified anchor firms post sourcing requests; your company is not verified.")
    return True, ""


def can_view_sourcing_request(user, sourcing_request) -> bool:
    """Public requests are public; members-only ones are for alliance members, the anchor firm and officials.

    A supplier that already answered keeps seeing the request (and its own offer) whatever happens after.
    """
    if sourcing_request.visibility == "public" or is_official(user) or owns_sourcing_request(user, sourcing_request):
        return True
    if not _company_user(user):
        return False
    if sourcing_request.offers.filter(supplier_id=user.company_id).exists():
        return True
    return is_alliance_member(user.company)


def visible_sourcing_requests(user, queryset):
    """The requests a user may see in a list (the same rule as can_view_sourcing_request)."""
    from django.db.models import Q

    if is_official(user):
        return queryset
    condition = Q(visibility="public")
    if _company_user(user):
        condition |= Q(anchor_id=user.company_id) | Q(offers__supplier_id=user.company_id)
        if is_alliance_member(user.company):
            condition |= Q(visibility="members")
        # offers__ joins can repeat a request: keep each once.
        return queryset.filter(pk__in=queryset.filter(condition).values("pk"))
    return queryset.filter(condition)


def can_see_matches(user, sourcing_request) -> bool:
    """The ranked suppliers are the anchor firm's tool (and officials'); nobody else sees who else fits."""
    return owns_sourcing_request(user, sourcing_request) or is_official(user)


def can_withdraw_sourcing_request(user, sourcing_request) -> tuple[bool, str]:
    """The anchor firm withdraws a request while it is open or shortlisted, with a reason."""
    if not owns_sourcing_request(user, sourcing_request):
        return False, _("Only the anchor firm’s users can withdraw its sourcing request.")
    if not sourcing_request.is_live:
        return False, _("This sourcing request is already closed.")
    return True, ""


def can_offer(user, sourcing_request) -> tuple[bool, str]:
    """A verified SME with a product in the request's category (or below it), local when the request says so,
    answers once while the request is open or shortlisted and before its deadline."""
    if not _company_user(user):
        return False, _("Log in as a user of a verified supplier to answer with an offer.")
    company = user.company
    if company.pk == sourcing_request.anchor_id:
        return False, _("Your company posted this request.")
    if not sourcing_request.is_live:
        return False, _("This sourcing request no longer takes offers.")
    if not company.is_published:
        return False, _("Only verified suppliers answer sourcing requests; your company is not verified.")
    if not is_sme(company):
        return False, _("An accepted offer becomes a collaboration between an anchor firm and an SME; your company "
                        "is not an SME.")
    if sourcing_request.local_only and not company.is_local:
        return False, _("This request is for local suppliers only.")
    if not can_view_sourcing_request(user, sourcing_request):
        return False, _("This request is for alliance members only.")
    from registry.models import Product

    in_category = sourcing_request.category.descendant_ids()
    if not Product.objects.filter(company=company, category_id__in=in_category).exists():
        return False, _("Your company has no product in the requested category: add one under “My company” first.")
    if sourcing_request.offers.filter(supplier=company).exclude(status="declined").exists():
        return False, _("Your company has already answered this request.")
    return True, ""


def can_view_offer(user, offer) -> bool:
    """The supplier that made it, the anchor firm it was made to, officials."""
    return (
        is_official(user)
        or (_company_user(user) and user.company_id in (offer.supplier_id, offer.request.anchor_id))
    )


def _anchor_decides(user, offer, statuses, refusal) -> tuple[bool, str]:
    if not owns_sourcing_request(user, offer.request):
        return False, _("Only the anchor firm’s users decide on offers to its request.")
    if not offer.request.is_live:
        return False, _("This sourcing request is closed.")
    if offer.status not in statuses:
        return False, refusal
    return True, ""


def can_shortlist_offer(user, offer) -> tuple[bool, str]:
    """The anchor firm shortlists a submitted offer while its request is live."""
    return _anchor_decides(user, offer, ("submitted",), _("Only a submitted offer can be shortlisted."))


def can_decline_offer(user, offer) -> tuple[bool, str]:
    """The anchor firm declines a submitted or shortlisted offer, giving the supplier a reason."""
    return _anchor_decides(user, offer, ("submitted", "shortlisted"), _("This offer is already decided."))


def can_accept_offer(user, offer) -> tuple[bool, str]:
    """The anchor firm accepts a submitted or shortlisted offer: it becomes a proposed supply agreement."""
    allowed, reason = _anchor_decides(user, offer, ("submitted", "shortlisted"), _("This offer is already decided."))
    if allowed:
        allowed, reason = can_propose_collaboration(user)
    return allowed, reason


def can_read_notice(user, notice) -> bool:
    return _company_user(user) and user.company_id == notice.company_id
