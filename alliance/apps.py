from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AllianceConfig(AppConfig):
    name = "alliance"
    verbose_name = _("Industry alliance")

    def ready(self):
        # The alliance builds on the registry and the subsidy workflow and plugs into both; neither imports it.
        from registry.sections import register_category_links, register_company_section, register_my_section

        from . import standards_reward  # noqa: F401  (registers the standards reward with the workflow)
        from .views import collaborations, matchmaking, standards

        register_company_section(collaborations.company_section)
        register_my_section(collaborations.my_section)
        register_company_section(standards.company_section)
        register_my_section(standards.my_section)
        register_my_section(matchmaking.notices_section)
        register_my_section(matchmaking.my_section)
        register_category_links(matchmaking.chain_map_links)
