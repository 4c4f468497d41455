from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemonstrationConfig(AppConfig):
    """Demonstration projects in the policy's three scenarios (grid-side storage, low-altitude drones, humanoid
    robots) and their measurements against the scenario targets."""

    name = "demonstration"
    verbose_name = _("Demonstration scenarios")
