from django.apps import AppConfig


class RolloutConfig(AppConfig):
    name = "ehelsenord.rollout"
    label = "rollout"
