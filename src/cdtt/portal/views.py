"""Public pages (no login): what the program is, find your team, the five digital skills.

Only what a team chose to publish is shown: its name, villages, leader, and its contact number
when ``publish_contact`` is set. Nothing else about members leaves the platform here.
"""

from django.http import Http404
from django.shortcuts import render

from cdtt.core.access import public
from cdtt.portal import selectors


@public
def home(request):
    return render(request, "portal/home.html", {"skills": selectors.public_skills()})


@public
def find(request):
    q = request.GET.get("q", "")
    commune = None
    villages = []
    code = request.GET.get("commune", "")
    if code:
        commune = selectors.commune_by_code(code)
        if commune is not None:
            villages = selectors.villages_of(commune)
    results = selectors.place_search(q) if q else []
    template = "portal/_results.html" if request.headers.get("HX-Request") else "portal/find.html"
    return render(
        request, template, {"q": q, "results": results, "commune": commune, "villages": villages}
    )


@public
def place(request, code: str):
    unit = selectors.place_by_code(code)
    if unit is None:
        raise Http404
    found = selectors.place_teams(unit)
    return render(
        request,
        "portal/place.html",
        {
            "unit": unit,
            "commune": found.commune,
            "village_teams": found.village_teams,
            "commune_teams": found.commune_teams,
            "villages": selectors.villages_of(found.commune),
        },
    )


@public
def skills(request):
    return render(request, "portal/skills.html", {"skills": selectors.public_skills()})
