from django.apps import AppConfig


class HonoursConfig(AppConfig):
    name = "cdtt.honours"
    label = "honours"
