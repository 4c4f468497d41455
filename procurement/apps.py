from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = _("Procurement and subsidies")

    def ready(self):
        # The programme kinds whose bases live in this app; other apps register theirs the same way.
        from . import programme_kinds
        from .energy_quota import EnergyQuotaKind
        from .local_procurement import LocalProcurementKind
        from .rd_matching import RdMatchingKind

        for kind in (LocalProcurementKind(), RdMatchingKind(), EnergyQuotaKind()):
            programme_kinds.register(kind)
        # A company moving into another size class moves its purchases in the size classes' LCR cells.
        from . import rollups

        rollups.connect()
