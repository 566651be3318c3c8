from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "cdtt.audit"
    label = "audit"
