"""What models and good practices tell about a person, a team, a unit or an organisation: the
approved models it led or runs over a period (honours nominations read this through
``cdtt.core.evidence``)."""

from collections import defaultdict
from collections.abc import Sequence

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cdtt.core.evidence import (
    Evidence,
    Period,
    Subject,
    provider_register,
    provider_unregister,
)
from cdtt.geo.models import AdminUnit
from cdtt.practices.models import Initiative, Status

FIELDS = {"person": "leader_person_id", "team": "lead_team_id", "organization": "organization_id"}
LABELS = {
    "person": _("Mô hình chuyển đổi số chủ trì"),
    "team": _("Mô hình chuyển đổi số tổ chủ trì"),
    "organization": _("Mô hình chuyển đổi số đơn vị thực hiện"),
    "unit": _("Mô hình chuyển đổi số triển khai trên địa bàn"),
}


def _in_period(period: Period):
    rule = Q(status=Status.APPROVED)
    if period.end is not None:
        rule &= Q(started_on__lte=period.end)
    if period.start is not None:
        rule &= Q(ended_on__isnull=True) | Q(ended_on__gte=period.start)
    return Initiative.objects.filter(rule)


def _lines(kind: str, titles: list[str]) -> list[Evidence]:
    url = reverse("practices:library")
    return [
        Evidence(
            code="practices_models",
            label=LABELS[kind],
            value=len(titles),
            unit=str(_("mô hình")),
            url=url,
        ),
        Evidence(code="practices_titles", label=_("Tên các mô hình"), value="; ".join(titles)),
    ]


def provide(subjects: Sequence[Subject], period: Period) -> dict[Subject, list[Evidence]]:
    found: dict[Subject, list[str]] = defaultdict(list)
    models = _in_period(period)
    by_kind: dict[str, list[Subject]] = defaultdict(list)
    for subject in subjects:
        by_kind[subject.kind].append(subject)
    for kind, field in FIELDS.items():
        mine = {s.pk: s for s in by_kind.get(kind, [])}
        if mine:
            for pk, title in models.filter(**{f"{field}__in": mine}).values_list(field, "title"):
                found[mine[pk]].append(title)
    units = AdminUnit.objects.filter(pk__in=[s.pk for s in by_kind.get("unit", [])])
    for unit in units:
        titles = models.filter(places__unit__path__startswith=unit.path).distinct()
        found[Subject("unit", unit.pk)] = list(titles.values_list("title", flat=True))
    return {s: _lines(s.kind, titles) for s, titles in found.items() if titles}


def register() -> None:
    provider_unregister("practices")  # ready() may run twice (tests)
    provider_register(
        "practices", kinds=("person", "team", "unit", "organization"), provide=provide
    )
