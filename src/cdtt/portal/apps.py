from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "cdtt.portal"
    label = "portal"
