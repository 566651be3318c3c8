from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "cdtt.geo"
    label = "geo"
