"""JSON API of the registry app (mounted under /api/v1/): coverage and households.

A unit outside the caller's scope answers exactly like a missing one (404).
"""

import datetime as dt

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from cdtt.core.errors import BadRequest, NotFound, Refused, error_responses
from cdtt.core.roles import sees_personal
from cdtt.geo.access import access_unit
from cdtt.registry.models import LEVEL_FIELDS
from cdtt.registry.selectors import (
    active_skill_codes,
    coverage_children,
    coverage_of,
    current_residents,
    households_page,
)

router = Router(tags=["registry"])

PAGE_SIZE = 50


class UnitRef(Schema):
    code: str
    name: str
    level: str


class ChildCoverage(UnitRef):
    households: int
    covered: int
    rate: float


class CoverageOut(Schema):
    unit: UnitRef
    households: int
    covered: int
    rate: float
    residents: int
    proficient: int
    children: list[ChildCoverage]


class ResidentOut(Schema):
    id: int
    full_name: str
    birth_date: dt.date | None
    birth_year: int
    levels: dict[str, int]


class HouseholdOut(Schema):
    id: int
    commune_code: str
    code: str
    village: str
    village_code: str
    address: str
    covered: bool
    residents: list[ResidentOut]


class HouseholdPage(Schema):
    count: int
    # False when a search matched more households than were counted: ``count`` is then how
    # many were found (at most 1,000), a lower bound ("more than 1,000").
    count_exact: bool
    page: int
    page_size: int
    items: list[HouseholdOut]


def _unit(request, code: str):
    try:
        return access_unit(request.user, code)
    except Http404:
        raise NotFound(_("Không tìm thấy đơn vị.")) from None


def _rate(households: int, covered: int) -> float:
    """Covered households ÷ households, a fraction between 0 and 1."""
    return round(covered / households, 4) if households else 0.0


@router.get(
    "/coverage/{unit_code}",
    response={200: CoverageOut, **error_responses(404)},
    summary="Coverage of a unit",
)
def coverage(request, unit_code: str):
    """Households, covered households and their rate (a fraction 0–1) for the unit, and for each child."""
    unit = _unit(request, unit_code)
    total = coverage_of(unit)
    return {
        "unit": {"code": unit.code, "name": unit.full_name, "level": unit.level},
        "households": total.households,
        "covered": total.covered,
        "rate": _rate(total.households, total.covered),
        "residents": total.residents,
        "proficient": total.proficient,
        "children": [
            {
                "code": child.code,
                "name": child.full_name,
                "level": child.level,
                "households": c.households,
                "covered": c.covered,
                "rate": _rate(c.households, c.covered),
            }
            for child, c in coverage_children(unit)
        ],
    }


class HouseholdFilter(Schema):
    unit: str | None = None
    covered: bool | None = None
    missing_skill: str = ""
    q: str = ""  # a household code, part of an address or of a resident's name (any accents)
    page: int = 1
    page_size: int = PAGE_SIZE


@router.get(
    "/households",
    response={200: HouseholdPage, **error_responses(400, 403, 404, 422)},
    summary="Households of a unit",
)
def households(request, filters: Query[HouseholdFilter]):
    """Households below ``unit`` (default: the caller's whole scope), with their current residents and
    each resident's level (0 none, 1 basic, 2 proficient) in every active skill; paged. Refused
    (403) to a role that needs figures only: it reads ``/coverage`` and ``/figures`` instead.
    ``count`` is exact (``count_exact``) except for a search (``q``) that matches a large
    share of the place: then the pages list the first households found (1,000 at most), in
    the list's order, and ``count`` is how many those are."""
    if not sees_personal(request.user):
        raise Refused(_("Vai trò của bạn chỉ xem số liệu tổng hợp, không xem dữ liệu cá nhân."))
    if filters.page < 1 or not 1 <= filters.page_size <= 500:
        raise BadRequest(_("Trang hoặc cỡ trang không hợp lệ (cỡ trang từ 1 đến 500)."))
    unit = _unit(request, filters.unit) if filters.unit else None
    codes = active_skill_codes()
    if filters.missing_skill and filters.missing_skill not in codes:
        raise BadRequest(_("Không có kỹ năng mã “%(code)s”.") % {"code": filters.missing_skill})
    found = households_page(
        request.user,
        unit=unit,
        covered=filters.covered,
        missing_skill=filters.missing_skill,
        q=filters.q,
        page=filters.page,
        page_size=filters.page_size,
    )
    page = found.households
    loaded = current_residents(
        page, "full_name", "birth_date", "birth_year", *LEVEL_FIELDS.values()
    )
    residents = {
        pk: [
            {
                "id": r.pk,
                "full_name": r.full_name,
                "birth_date": r.birth_date,
                "birth_year": r.birth_year,
                "levels": {code: r.levels.get(code, 0) for code in codes},
            }
            for r in rows
        ]
        for pk, rows in loaded.items()
    }
    return {
        "count": found.count,
        "count_exact": found.exact,
        "page": filters.page,
        "page_size": filters.page_size,
        "items": [
            {
                "id": h.pk,
                "commune_code": h.commune.code,
                "code": h.code,
                "village": h.village.full_name,
                "village_code": h.village.code,
                "address": h.address,
                "covered": h.covered,
                "residents": residents[h.pk],
            }
            for h in page
        ],
    }
