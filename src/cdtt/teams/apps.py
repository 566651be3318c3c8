from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "cdtt.teams"
    label = "teams"
