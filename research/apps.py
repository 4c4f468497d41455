from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResearchConfig(AppConfig):
    """The municipal R&D fund's projects (the policy's first suggestion): grants through the one application
    workflow, each project's figure targets from the registry's figure definitions, and its progress reports."""

    name = "research"
    verbose_name = _("R&D fund")
