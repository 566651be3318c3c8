from django.apps import AppConfig


class MovementsConfig(AppConfig):
    name = "cdtt.movements"
    label = "movements"
