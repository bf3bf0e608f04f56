from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "ehelsenord.api"
    label = "api"
