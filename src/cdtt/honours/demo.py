"""Honours as demo data: this year's round on Digital Transformation Day with a few nominations
at different steps of the chain (one carried through every step), and the Department of Home
Affairs that appraises them. Idempotent: a second run finds the round and does nothing."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from cdtt.geo.models import AdminUnit
from cdtt.honours import services
from cdtt.honours.models import Round
from cdtt.organizations.models import Organization
from cdtt.organizations.services import organization_create
from cdtt.teams.models import Membership, Team

TITLE = "Khen thưởng chuyên đề Ngày Chuyển đổi số"


def home_affairs_ensure(province: AdminUnit) -> Organization:
    found = Organization.objects.filter(kind="agency", name="Sở Nội vụ").first()
    return found or organization_create(
        actor=None, name="Sở Nội vụ", kind="agency", unit=province, short_name="SNV"
    )


def honours_demo_ensure(
    *, actor, province: AdminUnit, commune: AdminUnit, officers: dict, today: dt.date
) -> str:
    """``officers``: the demo's users by step (commune, district, department, chairman)."""
    if Round.objects.filter(year=today.year, title=TITLE).exists():
        return "the round exists"
    home_affairs = home_affairs_ensure(province)
    day = today + dt.timedelta(days=10)
    round_ = services.round_open(
        actor=actor,
        year=today.year,
        kind="provincial",
        title=TITLE,
        criteria="Tổ hướng dẫn nhiều hộ dân sử dụng dịch vụ công trực tuyến; thành viên hoàn "
        "thành khóa tập huấn; có mô hình, cách làm hay.",
        home_affairs=home_affairs,
        unit=province,
        quota_collectives=10,
        quota_individuals=20,
        commune_deadline=day,
        district_deadline=day + dt.timedelta(days=5),
        department_deadline=day + dt.timedelta(days=10),
        home_affairs_deadline=day + dt.timedelta(days=15),
        chairman_deadline=day + dt.timedelta(days=20),
    )
    teams = list(
        Team.objects.filter(Q(commune=commune), dissolved_on__isnull=True).order_by("pk")[:3]
    )
    filed = 0
    for team in teams:
        services.nomination_file(
            actor=officers["commune"],
            round=round_,
            subject_kind="team",
            subject_id=team.pk,
            today=today,
            citation=f"{team.name} hướng dẫn người dân cài đặt và sử dụng ứng dụng định danh "
            "điện tử, thanh toán không dùng tiền mặt.",
        )
        filed += 1
    leader = Membership.objects.filter(team__in=teams, role="leader", left_on__isnull=True).first()
    if leader is not None:
        services.nomination_file(
            actor=officers["commune"],
            round=round_,
            subject_kind="person",
            subject_id=leader.person_id,
            today=today,
            citation="Tổ trưởng tiêu biểu, trực tiếp hướng dẫn hơn 200 hộ dân.",
        )
        filed += 1
    _advance(round_, officers, today)
    return f"round {round_.year} with {filed} nominations"


def _advance(round_: Round, officers: dict, today: dt.date) -> None:
    """The first nomination approved up to the appraisal of Home Affairs (whose officers the
    Department adds); the second approved by the commune."""
    first, *rest = list(round_.nominations.order_by("pk"))
    for step in first.steps[:-1]:
        first.refresh_from_db()
        if officers.get(step) is not None:
            services.nomination_review(
                actor=officers[step], nomination=first, action="approve", today=today
            )
    if rest:
        services.nomination_review(
            actor=officers["commune"], nomination=rest[0], action="approve", today=today
        )
