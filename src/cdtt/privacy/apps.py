from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Personal data protection: data subjects' requests, retention, the access log page and the
    privacy notice."""

    name = "cdtt.privacy"
    label = "privacy"
