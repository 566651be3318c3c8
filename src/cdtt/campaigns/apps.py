from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "cdtt.campaigns"
    label = "campaigns"

    def ready(self):
        from cdtt.campaigns import rollups
        from cdtt.campaigns.models import Visit
        from cdtt.core.rollups import checker_register
        from cdtt.teams.services import visit_check_register

        def rebuild() -> str:
            return f"campaign days: {rollups.campaign_days_rebuild()} rows"

        checker_register("campaign_days", check=rollups.campaign_days_check, rebuild=rebuild)
        visit_check_register(lambda team: Visit.objects.filter(team=team).exists())

        from cdtt.campaigns import evidence

        evidence.register()
