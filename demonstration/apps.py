from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# What the officials group may do here: create and edit projects, correct measurements, set the references.
OFFICIAL_PERMISSIONS = [
    "view_demonstrationproject", "add_demonstrationproject", "change_demonstrationproject",
    "view_measurement", "add_measurement", "change_measurement",
    "view_scenarioreference", "add_scenarioreference", "change_scenarioreference",
]


def grant_officials(sender, **kwargs):
    """Give the officials group this app's permissions after every migrate (idempotent; the registry creates the
    group and knows nothing of this app)."""
    from django.contrib.auth.models import Group, Permission

    from registry.models import OFFICIALS_GROUP

    group, _created = Group.objects.get_or_create(name=OFFICIALS_GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="demonstration", codename__in=OFFICIAL_PERMISSIONS)
    )


class DemonstrationConfig(AppConfig):
    """Demonstration projects in the policy's three scenarios (grid-side storage, low-altitude drones, humanoid
    robots) and their measurements against the scenario targets."""

    name = "demonstration"
    verbose_name = _("Demonstration scenarios")

    def ready(self):
        # Builds on the registry and the scoreboard and plugs into both; neither imports it.
        from policy.scoreboard import register
        from registry.sections import register_company_section, register_my_section

        from .scoreboard import demonstration_figures
        from .views import company_section, my_section

        register_company_section(company_section)
        register_my_section(my_section)
        register(demonstration_figures)
        post_migrate.connect(grant_officials, sender=self, dispatch_uid="demonstration.grant_officials")
