from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "cdtt.teams"
    label = "teams"

    def ready(self) -> None:
        from cdtt.core import roles
        from cdtt.geo.models import Level
        from cdtt.geo.picker import picker_kind_register
        from cdtt.organizations.staff import staff_register
        from cdtt.teams import selectors

        # A team sits in a commune or a village.
        picker_kind_register(
            "team", levels=[Level.COMMUNE, Level.VILLAGE], roles=roles.MANAGE_UNITS
        )
        # The organisation pages show the staff each organisation sends to the teams.
        staff_register(count=selectors.organizations_staff_counted, of=selectors.organization_staff)
