from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ehelsenord.core"
    label = "core"
