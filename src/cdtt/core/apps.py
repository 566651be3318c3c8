from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cdtt.core"
    label = "core"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # Each app declares its import kinds in its own imports module (cdtt.core.imports).
        autodiscover_modules("imports")
