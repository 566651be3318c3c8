"""Figures of youth emulation movements: team members taking part in a movement running on the
day (people sent by a branch of a running movement, serving in a team under the unit)."""

import datetime as dt
from collections.abc import Sequence

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cdtt.figures.catalogue import Figure, Value, declare
from cdtt.figures.grouping import grouped
from cdtt.geo.models import AdminUnit
from cdtt.movements.models import Movement
from cdtt.organizations.selectors import organization_tree
from cdtt.teams.figures import MEMBER_FIELD, memberships_at

MODULE = "movements"


def _counts(units: Sequence[AdminUnit], as_of: dt.date | None) -> dict[int, dict[str, Value]]:
    day = as_of or timezone.localdate()
    running = Movement.objects.filter(starts_on__lte=day, ends_on__gte=day).prefetch_related(
        "branches"
    )
    orgs: set[int] = set()
    for movement in running:
        for branch in movement.branches.all():
            orgs.update(organization_tree(branch))
    if not orgs:
        return {}
    taking_part = memberships_at(as_of).filter(person__organization_id__in=orgs)
    return grouped(
        taking_part,
        units,
        {"movement_participants": Count("person_id", distinct=True)},
        MEMBER_FIELD,
    )


declare(
    module=MODULE,
    figures=[
        Figure("movement_participants", _("Đoàn viên tham gia phong trào thi đua"), _("người"))
    ],
    compute=_counts,
)
