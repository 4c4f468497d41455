from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# What the officials group may see of the fund in the admin (decisions are taken on the grant application).
OFFICIAL_PERMISSIONS = ["view_researchproject", "view_projecttarget", "view_progressreport", "view_reportmeasurement"]


def grant_officials(sender, **kwargs):
    """Give the officials group the fund's view permissions after every migrate (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    from registry.models import OFFICIALS_GROUP

    group, _created = Group.objects.get_or_create(name=OFFICIALS_GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="research", codename__in=OFFICIAL_PERMISSIONS)
    )


class ResearchConfig(AppConfig):
    """The municipal R&D fund's projects (the policy's first suggestion): grants through the one application
    workflow, each project's figure targets from the registry's figure definitions, and its progress reports."""

    name = "research"
    verbose_name = _("R&D fund")

    def ready(self):
        # The fund builds on the registry, the workflow and the scoreboard and plugs into each; none imports it.
        from policy import scoreboard
        from procurement import programme_kinds
        from registry.sections import register_my_section

        from .rd_fund import RdFundKind
        from .scoreboard import rd_project_figures
        from .views import my_section

        programme_kinds.register(RdFundKind())
        register_my_section(my_section)
        scoreboard.register(rd_project_figures)
        post_migrate.connect(grant_officials, sender=self, dispatch_uid="research.grant_officials")
