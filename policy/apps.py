from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    """One scoreboard of every quantified target of the policy, measured from the records of the other apps."""

    name = "policy"
    verbose_name = _("Policy scoreboard")

    def ready(self):
        # The figures of the apps that were there before the scoreboard; the newer apps register their own.
        from .providers import register_all

        register_all()
