from django.apps import AppConfig


class MovementsConfig(AppConfig):
    name = "cdtt.movements"
    label = "movements"

    def ready(self) -> None:
        from cdtt.movements.evidence import register

        register()
