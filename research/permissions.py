"""Who sees and does what with the fund's projects: small predicates shared by pages, API, templates and admin.

The public sees granted projects' public facts (targets, the measured path, the lead's products); the lead's own
users see their projects in every status, with the reports' notes and evidence; officials see everything.
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from registry.permissions import is_company_member, is_official

from .models import GRANTED, ResearchProject


def visible_projects(user, queryset=None):
    """Granted projects for everyone; a company's users also see their own in any status; officials all."""
    queryset = ResearchProject.objects.all() if queryset is None else queryset
    if is_official(user):
        return queryset
    granted = Q(application__status__in=GRANTED)
    if user and user.is_authenticated and user.company_id:
        return queryset.filter(granted | Q(lead_id=user.company_id))
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
