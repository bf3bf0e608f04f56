from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "ehelsenord.dashboards"
    label = "dashboards"
