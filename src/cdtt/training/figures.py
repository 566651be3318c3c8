"""Figures of training: members trained, from completions (not a typed date).

A member counts as trained under a unit as of a day when they serve in a team under it on that
day (teams.figures.memberships_at) and hold a completion dated by then, not revoked by then.
A member is a person: someone serving in two teams under the unit counts once.
"""

import datetime as dt
from collections.abc import Sequence

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from cdtt.figures.catalogue import Figure, Value, declare
from cdtt.figures.grouping import end_of_day, grouped
from cdtt.geo.models import AdminUnit
from cdtt.teams.figures import MEMBER_FIELD, memberships_at
from cdtt.training.models import Completion

MODULE = "training"


def completions_at(as_of: dt.date | None):
    if as_of is None:
        return Completion.objects.filter(revoked_at__isnull=True)
    return Completion.objects.filter(completed_on__lte=as_of).filter(
        Q(revoked_at__isnull=True) | Q(revoked_at__gte=end_of_day(as_of))
    )


def _counts(units: Sequence[AdminUnit], as_of: dt.date | None) -> dict[int, dict[str, Value]]:
    trained = memberships_at(as_of).filter(person__in=completions_at(as_of).values("person_id"))
    return grouped(
        trained, units, {"members_trained": Count("person_id", distinct=True)}, MEMBER_FIELD
    )


declare(
    module=MODULE,
    figures=[Figure("members_trained", _("Thành viên đã được tập huấn"), _("người"))],
    compute=_counts,
)
