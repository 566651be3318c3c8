"""Figures of models and good practices: models approved and running in a unit's places, and
replications of models (models started from another one) there, as of a date."""

import datetime as dt
from collections.abc import Sequence

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from cdtt.figures.catalogue import Figure, Value, declare
from cdtt.figures.grouping import end_of_day, grouped
from cdtt.geo.models import AdminUnit
from cdtt.practices.models import Place, Status

MODULE = "practices"
MODELS = _("mô hình")


def _approved(as_of: dt.date | None):
    places = Place.objects.filter(initiative__status=Status.APPROVED)
    if as_of is not None:
        places = places.filter(
            initiative__approved_on__lte=as_of, initiative__reviewed_at__lt=end_of_day(as_of)
        )
    return places


def _counts(units: Sequence[AdminUnit], as_of: dt.date | None) -> dict[int, dict[str, Value]]:
    places = _approved(as_of)
    day = as_of
    running = Q(initiative__ended_on__isnull=True)
    if day is not None:
        running = Q(initiative__started_on__lte=day) & (
            Q(initiative__ended_on__isnull=True) | Q(initiative__ended_on__gt=day)
        )
    aggregates = {
        "practices_approved": Count("initiative_id", distinct=True),
        "practices_running": Count("initiative_id", filter=running, distinct=True),
        "practices_replications": Count(
            "initiative_id", filter=Q(initiative__replicated_from__isnull=False), distinct=True
        ),
    }
    return grouped(places, units, aggregates)


declare(
    module=MODULE,
    figures=[
        Figure("practices_approved", _("Mô hình chuyển đổi số được duyệt"), MODELS),
        Figure("practices_running", _("Mô hình chuyển đổi số đang triển khai"), MODELS),
        Figure("practices_replications", _("Mô hình được nhân rộng từ mô hình khác"), MODELS),
    ],
    compute=_counts,
)
