from django.apps import AppConfig


class PracticesConfig(AppConfig):
    name = "cdtt.practices"
    label = "practices"
