from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "cdtt.organizations"
    label = "organizations"

    def ready(self) -> None:
        from cdtt.core import roles
        from cdtt.core.roles import Role
        from cdtt.geo.models import Level
        from cdtt.geo.picker import picker_kind_register

        # An organisation sits in the province, a district or a commune.
        picker_kind_register(
            "org",
            levels=[Level.PROVINCE, Level.DISTRICT, Level.COMMUNE],
            roles=roles.MANAGE_UNITS | {Role.AGENCY_OFFICER},
        )
