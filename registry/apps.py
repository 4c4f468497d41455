from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# What the officials group may do in the admin, by app label and codename.
OFFICIAL_PERMISSIONS = {
    "registry": [
        "view_company", "change_company", "verify_company",
        "view_product", "view_productfigure", "view_certificate",
        "view_category", "add_category", "change_category",
        "view_district", "add_district", "change_district",
        "view_joinrequest", "change_joinrequest", "view_user",
        "view_productionbase", "view_landrequest", "change_landrequest",
    ],
    "procurement": [
        "view_subsidyapplication", "change_subsidyapplication", "approve_subsidyapplication",
        "view_subsidyprogramme", "add_subsidyprogramme", "change_subsidyprogramme",
        "view_purchase", "view_importbatch",
    ],
    "alliance": [
        "view_membership", "add_membership", "change_membership",
        "view_standard", "add_standard", "change_standard",
        "view_standardparticipation", "change_standardparticipation", "verify_standardparticipation",
        "view_collaboration", "view_milestone", "view_standardrewardclaim",
    ],
    "talent": [
        "view_trainingbase", "change_trainingbase", "view_trainingyear", "change_trainingyear",
        "view_overseasspecialist", "change_overseasspecialist",
        "view_scholarship", "change_scholarship", "view_scholarshiprecipient", "change_scholarshiprecipient",
    ],
}


def ensure_officials_group(sender, **kwargs):
    """Create the officials group with its permissions after every migrate (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    from .models import OFFICIALS_GROUP

    group, _created = Group.objects.get_or_create(name=OFFICIALS_GROUP)
    for app_label, codenames in OFFICIAL_PERMISSIONS.items():
        permissions = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        group.permissions.add(*permissions)


def ensure_cache_table(sender, **kwargs):
    """Create the database cache's table after every migrate (idempotent; nothing to do when Redis is the cache)."""
    from django.core.management import call_command

    call_command("createcachetable", database=kwargs.get("using", "default"), verbosity=0)


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Supplier registry")

    def ready(self):
        from . import (
            directory_cache,
            language,  # noqa: F401  (connects the login receiver that adopts the browser's language)
        )
        from .sections import register_my_section
        from .views import production_bases

        register_my_section(production_bases.my_section)
        # Every write to what the directory shows raises its version (the API's cached pages: directory_cache).
        directory_cache.connect()

        # No sender: other apps' permissions (procurement's) exist only after their own post_migrate step.
        post_migrate.connect(ensure_officials_group, dispatch_uid="registry.ensure_officials_group")
        # The shared cache (throttles) lives in the database unless REDIS_URL is set: `migrate` makes its table.
        post_migrate.connect(ensure_cache_table, sender=self, dispatch_uid="registry.ensure_cache_table")
