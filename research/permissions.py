"""Who sees and does what with the fund's projects: small predicates shared by pages, API, templates and admin.

The public sees granted projects' public facts (targets, the measured path, the lead's products); the lead's and the
partners' users see their projects in every status (a partner learns it is named before the decision); only the
lead's users read the reports' notes and evidence; officials see everything.
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from registry.permissions import is_company_member, is_official

from .models import GRANTED, ResearchProject


def visible_projects(user, queryset=None):
    """Granted projects for everyone; a company's users also see, in any status, those it leads or is a partner of;
    officials all."""
    queryset = ResearchProject.objects.all() if queryset is None else queryset
    if is_official(user):
        return queryset
    granted = Q(application__status__in=GRANTED)
    if user and user.is_authenticated and user.company_id:
        # A subquery rather than a join on partners, so that a project is listed once and stays countable.
        partnered = ResearchProject.partners.through.objects.filter(company_id=user.company_id).values(
            "researchproject_id")
        return queryset.filter(granted | Q(lead_id=user.company_id) | Q(pk__in=partnered))
    return queryset.filter(granted)


def can_see_reports(user, project: ResearchProject) -> bool:
    """The reports' notes and evidence files go to the lead organisation's users and officials only."""
    return is_company_member(user, project.lead) or is_official(user)


def can_file_report(user, project: ResearchProject) -> tuple[bool, str]:
    """The lead organisation's users report progress on a granted project."""
    if not is_company_member(user, project.lead):
        return False, _("Only the lead organisation’s users file progress reports on its projects.")
    if project.application.status not in GRANTED:
        return False, _("Progress is reported once the grant is approved; this project is %(status)s.") % {
            "status": project.application.get_status_display().lower()}
    return True, ""
