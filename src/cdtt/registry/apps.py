from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "cdtt.registry"
    label = "registry"
