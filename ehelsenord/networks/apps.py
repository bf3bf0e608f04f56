from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    name = "ehelsenord.networks"
    verbose_name = _("Buddy networks")
