"""What the plan of the move to the 2025 map counts per village: households, residents, teams
and visits. Registered with the geo floor, which knows none of these apps."""

from django.db.models import Count

from cdtt.campaigns.models import Visit
from cdtt.geo.remap import remap_counter_register
from cdtt.registry.models import VillageCoverage
from cdtt.teams.models import Team


def _coverage(column: str):
    def count(villages: list[int]) -> dict[int, int]:
        rows = VillageCoverage.objects.filter(village_id__in=villages)
        return dict(rows.values_list("village_id", column))

    return count


def _teams(villages: list[int]) -> dict[int, int]:
    """Teams serving each village (a commune's team counts at each village it serves)."""
    links = Team.villages.through.objects.filter(
        adminunit_id__in=villages, team__dissolved_on__isnull=True
    )
    return dict(
        links.values("adminunit_id").annotate(n=Count("team_id")).values_list("adminunit_id", "n")
    )


def _visits(villages: list[int]) -> dict[int, int]:
    rows = (
        Visit.objects.filter(village_id__in=villages).values("village_id").annotate(n=Count("pk"))
    )
    return dict(rows.values_list("village_id", "n"))


def register() -> None:
    remap_counter_register("households", _coverage("households"))
    remap_counter_register("residents", _coverage("residents"))
    remap_counter_register("teams", _teams)
    remap_counter_register("visits", _visits)
