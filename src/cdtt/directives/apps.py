from django.apps import AppConfig


class DirectivesConfig(AppConfig):
    name = "cdtt.directives"
    verbose_name = "Chỉ đạo, nhiệm vụ"
