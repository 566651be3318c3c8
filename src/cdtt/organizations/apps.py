from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "cdtt.organizations"
    label = "organizations"
