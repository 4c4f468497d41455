from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalentConfig(AppConfig):
    """The talent plan: training bases, internships and placements, graduates and their retention, overseas
    specialists and scholarships, kept to the personal data the plan's figures need."""

    name = "talent"
    verbose_name = _("Talent plan")
