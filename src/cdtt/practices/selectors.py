"""Reads of models and good practices: what an officer may see and review, the public library
(approved models only, no login), the results the platform measures for a model's places."""

import datetime as dt
from collections.abc import Sequence

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cdtt.core import roles
from cdtt.core.access import scope_path
from cdtt.figures.catalogue import figures_for
from cdtt.geo.models import AdminUnit
from cdtt.lib.numbers import vn_int, vn_share
from cdtt.lib.text import fold
from cdtt.practices.models import Attachment, Initiative, Place, Status

# Who proposes a model: the province, districts, communes, team leaders and organisations.
PROPOSE = {
    roles.Role.PROVINCE_ADMIN,
    roles.Role.AGENCY_OFFICER,
    roles.Role.DISTRICT_OFFICER,
    roles.Role.COMMUNE_OFFICER,
    roles.Role.TEAM_LEADER,
}
# The Department (Sở) approves, returns or rejects, and evaluates.
REVIEW = {roles.Role.PROVINCE_ADMIN}
READ = roles.OFFICERS | {roles.Role.TEAM_LEADER}

# What the platform measures for a model's places (cdtt.figures).
MEASURED = ("households", "covered", "visits", "members_trained")


def initiatives_for(user) -> QuerySet[Initiative]:
    """Models an officer sees: those placed in their subtree, and those they proposed."""
    path = scope_path(user)
    if path is None or not roles.has_role(user, READ):
        return Initiative.objects.none()
    return Initiative.objects.filter(Q(path__startswith=path) | Q(created_by=user))


def access_initiative(user, pk: int) -> Initiative:
    """The model an officer may see (the only way pages fetch one); 404 otherwise."""
    found = initiatives_for(user).select_related("unit", "organization").filter(pk=pk).first()
    if found is None:
        raise Http404("initiative")
    return found


def can_review(user, initiative: Initiative | None = None) -> bool:
    if not roles.has_role(user, REVIEW):
        return False
    path = scope_path(user)
    return path is not None and (initiative is None or initiative.path.startswith(path))


def can_edit(user, initiative: Initiative) -> bool:
    """The proposer may change and add files to a model until it is approved or rejected."""
    return (
        initiative.created_by_id == getattr(user, "pk", None)
        and initiative.status in (Status.PROPOSED, Status.RETURNED)
    ) or can_review(user, initiative)


def with_counts(qs: QuerySet[Initiative]) -> QuerySet[Initiative]:
    return qs.select_related("unit").annotate(
        n_replications=Count(
            "replications", filter=~Q(replications__status=Status.REJECTED), distinct=True
        )
    )


def places_prefetch() -> Prefetch:
    return Prefetch("places", queryset=Place.objects.select_related("unit", "commune"))


def filtered(qs: QuerySet[Initiative], *, q="", skill="", unit=None, year="", status=""):
    """The filters the lists and the API share: folded search, skill, unit (subtree), year."""
    if q:
        qs = qs.filter(search_key__contains=fold(q))
    if skill:
        qs = qs.filter(skills__code=skill)
    if unit is not None:
        qs = qs.filter(places__unit__path__startswith=unit.path)
    if year and str(year).isdigit():
        qs = qs.filter(started_on__year=int(year))
    if status:
        qs = qs.filter(status=status)
    return qs.distinct()


# --- the public library ------------------------------------------------------------------------


def library() -> QuerySet[Initiative]:
    """Approved models: what anyone sees without logging in."""
    return with_counts(Initiative.objects.filter(status=Status.APPROVED))


def public_initiative(pk: int) -> Initiative:
    """An approved model of the library; 404 for any other."""
    found = library().filter(pk=pk).first()
    if found is None:
        raise Http404("initiative")
    return found


def public_latest(limit: int = 5) -> list[Initiative]:
    """The newest approved models (title, ``get_absolute_url()``, summary, ``approved_on``)."""
    return list(
        Initiative.objects.filter(status=Status.APPROVED).order_by("-approved_on", "-pk")[:limit]
    )


def public_attachment(pk: int) -> Attachment:
    found = Attachment.objects.filter(pk=pk, initiative__status=Status.APPROVED).first()
    if found is None:
        raise Http404("attachment")
    return found


def library_years() -> list[int]:
    dates = Initiative.objects.filter(status=Status.APPROVED).dates("started_on", "year")
    return sorted({d.year for d in dates}, reverse=True)


def districts() -> QuerySet[AdminUnit]:
    """Districts and communes where approved models run: the library's place filter."""
    ids = Place.objects.filter(initiative__status=Status.APPROVED)
    return AdminUnit.objects.filter(
        Q(pk__in=ids.values("district_id")) | Q(pk__in=ids.values("commune_id"))
    ).order_by("path")


def map_features(qs: QuerySet[Initiative]) -> list[dict]:
    """A point per place of each model (the place's coordinates, else its commune's)."""
    features = []
    places = Place.objects.filter(initiative__in=qs.values("pk")).select_related(
        "unit", "commune", "initiative"
    )
    for place in places:
        spot = place.unit if place.unit.lat is not None else place.commune
        if spot is None or spot.lat is None or spot.lon is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [spot.lon, spot.lat]},
                "properties": {
                    "name": place.initiative.title,
                    "code": place.unit.full_name,
                    "url": place.initiative.get_absolute_url(),
                    "rate": None,
                },
            }
        )
    return features


# --- measured results --------------------------------------------------------------------------


def _summed(units: Sequence[AdminUnit], as_of: dt.date | None) -> dict[str, int]:
    values = figures_for(units, as_of=as_of, codes=MEASURED) if units else {}
    return {code: sum((v.get(code) or 0) for v in values.values()) for code in MEASURED}


def _rate(row: dict[str, int]) -> float | None:
    return row["covered"] / row["households"] if row["households"] else None


def measured(initiative: Initiative, start: dt.date, end: dt.date | None = None) -> dict:
    """What the platform measures for the model's places: coverage as of the start and the end
    (None: now), the visits and the members trained between them."""
    units = [p.unit for p in initiative.places.select_related("unit")]
    before = _summed(units, start)
    after = _summed(units, end if end and end < timezone.localdate() else None)
    return {
        "start": start.isoformat(),
        "end": (end or timezone.localdate()).isoformat(),
        "households": after["households"],
        "coverage_start": _rate(before),
        "coverage_end": _rate(after),
        "covered_start": before["covered"],
        "covered_end": after["covered"],
        "visits": after["visits"] - before["visits"],
        "members_trained": after["members_trained"] - before["members_trained"],
    }


def measured_shown(m: dict) -> dict:
    """The measures as the pages show them: counts "1.234", shares "58,3%", dates dd/mm/yyyy."""

    def day(iso: str) -> str:
        return dt.date.fromisoformat(iso).strftime("%d/%m/%Y")

    return {
        "start": day(m["start"]),
        "end": day(m["end"]),
        "households": vn_int(m["households"]),
        "coverage_start": vn_share(m["coverage_start"]),
        "coverage_end": vn_share(m["coverage_end"]),
        "covered_start": vn_int(m["covered_start"]),
        "covered_end": vn_int(m["covered_end"]),
        "visits": vn_int(m["visits"]),
        "members_trained": vn_int(m["members_trained"]),
    }
