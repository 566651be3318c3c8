"""Public pages (no login): what the program is, find your team, the five digital skills.

Only what a team chose to publish is shown: its name, villages, leader, and its contact number
when ``publish_contact`` is set. Nothing else about members leaves the platform here.
"""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render

from cdtt.core.access import public
from cdtt.geo.models import AdminUnit, Level
from cdtt.geo.selectors import unit_by_code
from cdtt.lib.text import fold
from cdtt.teams.models import MemberRole, Membership, Team

RESULTS = 30


def _skills():
    from cdtt.skills.models import ChecklistItem, Skill

    return Skill.objects.filter(active=True).prefetch_related(
        Prefetch("checklist", queryset=ChecklistItem.objects.filter(active=True))
    )


@public
def home(request):
    return render(request, "portal/home.html", {"skills": _skills()})


def _search(q: str):
    key = fold(q)
    if len(key) < 2:
        return []
    return list(
        AdminUnit.objects.filter(
            level__in=[Level.COMMUNE, Level.VILLAGE], valid_to__isnull=True, name_key__contains=key
        )
        .select_related("parent", "parent__parent")
        .order_by("level", "name_key")[:RESULTS]
    )


@public
def find(request):
    q = request.GET.get("q", "")
    commune = None
    villages = []
    code = request.GET.get("commune", "")
    if code:
        commune = unit_by_code(code, units=AdminUnit.objects.filter(level=Level.COMMUNE))
        if commune is not None:
            villages = commune.children.filter(valid_to__isnull=True).order_by("name_key")
    results = _search(q) if q else []
    template = "portal/_results.html" if request.headers.get("HX-Request") else "portal/find.html"
    return render(
        request, template, {"q": q, "results": results, "commune": commune, "villages": villages}
    )


@public
def place(request, code: str):
    unit = unit_by_code(
        code, units=AdminUnit.objects.filter(level__in=[Level.COMMUNE, Level.VILLAGE])
    )
    if unit is None:
        raise Http404
    leaders = Prefetch(
        "memberships",
        to_attr="leaders",
        queryset=Membership.objects.filter(
            left_on__isnull=True, role=MemberRole.LEADER
        ).select_related("person"),
    )
    teams = Team.objects.filter(dissolved_on__isnull=True).prefetch_related(leaders)
    if unit.level == Level.VILLAGE:
        village_teams = teams.filter(villages=unit, level="village")
        commune_teams = teams.filter(unit_id=unit.parent_id, level="commune")
        commune = unit.parent
    else:
        village_teams = teams.none()
        commune_teams = teams.filter(unit=unit)
        commune = unit
    return render(
        request,
        "portal/place.html",
        {
            "unit": unit,
            "commune": commune,
            "village_teams": list(village_teams),
            "commune_teams": list(commune_teams),
            "villages": commune.children.filter(valid_to__isnull=True).order_by("name_key"),
        },
    )


@public
def skills(request):
    return render(request, "portal/skills.html", {"skills": _skills()})
