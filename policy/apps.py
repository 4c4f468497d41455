from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    """One scoreboard of every quantified target of the policy, measured from the records of the other apps."""

    name = "policy"
    verbose_name = _("Policy scoreboard")
