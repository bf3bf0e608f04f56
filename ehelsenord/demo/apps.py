from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "ehelsenord.demo"
    label = "demo"
