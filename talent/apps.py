from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalentConfig(AppConfig):
    """The talent plan: training bases, internships and placements, graduates and their retention, overseas
    specialists and scholarships, kept to the personal data the plan's figures need."""

    name = "talent"
    verbose_name = _("Talent plan")

    def ready(self):
        # The talent plan plugs into the registry's /my/ and the policy scoreboard; neither imports it.
        from policy.scoreboard import register
        from registry.sections import register_my_section

        from . import views
        from .scoreboard import talent_figures

        register_my_section(views.my_section)
        register(talent_figures)
