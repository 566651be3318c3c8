from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cdtt.core"
    label = "core"
