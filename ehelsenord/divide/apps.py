from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DivideConfig(AppConfig):
    name = "ehelsenord.divide"
    label = "divide"
    verbose_name = _("The divide")
