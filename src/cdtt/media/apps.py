from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "cdtt.media"
    label = "media"

    def ready(self) -> None:
        from cdtt.media.counters import register

        register()  # "posts logged", a criterion youth movements can count
