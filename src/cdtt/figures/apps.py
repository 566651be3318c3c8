from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class FiguresConfig(AppConfig):
    name = "cdtt.figures"
    label = "figures"

    def ready(self) -> None:
        # Each app's figures.py declares its figures; the mechanism never imports them by name.
        autodiscover_modules("figures")
