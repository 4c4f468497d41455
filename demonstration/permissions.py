"""Who may do what with demonstration projects: one place, called by views, the API, templates and the admin."""

from django.utils.translation import gettext as _

from registry.permissions import is_official


def can_record_measurement(user, project) -> tuple[bool, str]:
    """Only the users of the project's operating company record its measurements (officials correct them in the
    admin)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False, _("Log in as a user of the operating company.")
    if project.operator_id is None or user.company_id != project.operator_id:
        return False, _("Only the operating company’s users record this project’s measurements.")
    if not project.accepts_measurements:
        return False, _("The project is still planned: there is nothing running to measure yet.")
    return True, ""


def can_edit_project(user) -> bool:
    """Officials create and edit projects (in the admin)."""
    return is_official(user)
