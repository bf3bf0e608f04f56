from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ehelsenord.accounts"
    label = "accounts"
