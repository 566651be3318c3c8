from django.apps import AppConfig


class OffersConfig(AppConfig):
    name = "cdtt.offers"
    label = "offers"
