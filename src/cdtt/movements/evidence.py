"""What youth emulation movements tell about a person or an organisation (a branch): points and
rank in each movement overlapping the period (honours nominations read this)."""

from collections.abc import Sequence

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from cdtt.core.evidence import (
    Evidence,
    Period,
    Subject,
    provider_register,
    provider_unregister,
)
from cdtt.movements.models import Movement
from cdtt.movements.selectors import ranking


def _movements(period: Period):
    rule = Q()
    if period.end is not None:
        rule &= Q(starts_on__lte=period.end)
    if period.start is not None:
        rule &= Q(ends_on__gte=period.start)
    return Movement.objects.filter(rule).prefetch_related("branches", "criteria")


def provide(subjects: Sequence[Subject], period: Period) -> dict[Subject, list[Evidence]]:
    out: dict[Subject, list[Evidence]] = {}
    for movement in _movements(period):
        members, branches = ranking(movement)
        url = reverse("movements:detail", args=[movement.pk])
        rows = {("person", r.pk): (r, len(members)) for r in members}
        rows.update({("organization", r.pk): (r, len(branches)) for r in branches})
        for subject in subjects:
            found = rows.get((subject.kind, subject.pk))
            if found is None:
                continue
            row, total = found
            out.setdefault(subject, []).extend(
                [
                    Evidence(
                        "movement_points",
                        _("Điểm thi đua: %(m)s") % {"m": movement.title},
                        row.points,
                        _("điểm"),
                        url,
                    ),
                    Evidence(
                        "movement_rank",
                        _("Xếp hạng: %(m)s") % {"m": movement.title},
                        f"{row.rank}/{total}",
                        "",
                        url,
                    ),
                ]
            )
    return out


def register() -> None:
    provider_unregister("movements")  # ready() may run twice (tests)
    provider_register("movements", kinds=("person", "organization"), provide=provide)
