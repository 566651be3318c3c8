from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cdtt.accounts"
    label = "accounts"
