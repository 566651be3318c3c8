from django.apps import AppConfig


class PracticesConfig(AppConfig):
    name = "cdtt.practices"
    label = "practices"

    def ready(self) -> None:
        from cdtt.practices.evidence import register

        register()
