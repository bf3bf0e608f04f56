from django.apps import AppConfig


class SolutionsConfig(AppConfig):
    name = "ehelsenord.solutions"
    label = "solutions"
