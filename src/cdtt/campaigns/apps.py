from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "cdtt.campaigns"
    label = "campaigns"
