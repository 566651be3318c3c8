from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "cdtt.media"
    label = "media"
