from django.apps import AppConfig


class MunicipalitiesConfig(AppConfig):
    name = "ehelsenord.municipalities"
    label = "municipalities"
