"""Scoped reads of reports: an officer sees the reports of the units in their subtree;
``access_report`` is the only way to fetch one (outside the subtree: 404, like a missing one)."""

from django.db.models import QuerySet
from django.http import Http404

from cdtt.core import roles
from cdtt.core.access import scope_path
from cdtt.reports.models import Report

# Who reads the reports of their subtree, and who drafts, issues and logs their sending.
READ = roles.OFFICERS
WRITE = {roles.Role.PROVINCE_ADMIN, roles.Role.DISTRICT_OFFICER, roles.Role.COMMUNE_OFFICER}


def reports_for(user) -> QuerySet[Report]:
    path = scope_path(user)
    if path is None or not roles.has_role(user, READ):
        return Report.objects.none()
    return Report.objects.filter(unit__path__startswith=path).select_related(
        "unit", "issued_by", "created_by", "letterhead"
    )


def access_report(user, pk: int) -> Report:
    report = reports_for(user).filter(pk=pk).first()
    if report is None:
        raise Http404("report")
    return report


def can_write(user) -> bool:
    return roles.has_role(user, WRITE)
