from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "cdtt.site"
    label = "site"
