"""Who may do what in the registry: small predicates, one place, many callers (views, API, admin, templates)."""

from django.utils.translation import gettext as _

from .models import Certificate, Company


def is_official(user) -> bool:
    return bool(user and user.is_authenticated and user.is_official)


def is_company_member(user, company: Company) -> bool:
    return bool(user and user.is_authenticated and user.company_id and user.company_id == company.pk)


def can_edit_company(user, company: Company) -> tuple[bool, str]:
    """A company's own users edit its profile, products and certificates; nobody else does here."""
    if is_company_member(user, company):
        return True, ""
    return False, _("Only the company's own users can change its records.")


def can_view_company(user, company: Company) -> bool:
    """Published companies are public; others only to their own users and officials."""
    return company.is_published or is_company_member(user, company) or is_official(user)


def can_see_contacts(user, company: Company) -> bool:
    """Contact details are shown to logged-in anchor firms, the company itself, and officials."""
    if not (user and user.is_authenticated):
        return False
    return is_company_member(user, company) or is_official(user) or user.is_anchor_user


def can_view_company_documents(user, company: Company) -> bool:
    """Scanned documents (certificates) go only to the company that holds them and to officials."""
    return is_company_member(user, company) or is_official(user)


def can_view_certificate_document(user, certificate: Certificate) -> bool:
    return can_view_company_documents(user, certificate.company)


def visible_companies(user, queryset=None):
    """The companies a user may see in lists: the published directory, plus its own; officials see all."""
    queryset = Company.objects.all() if queryset is None else queryset
    if is_official(user):
        return queryset
    published = queryset.published()
    if user and user.is_authenticated and user.company_id:
        return (published | queryset.filter(pk=user.company_id)).distinct()
    return published
