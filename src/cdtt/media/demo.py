"""The media log as demo data: the provincial newspaper and radio-TV and a few of their posts
about the teams. Idempotent: posts are keyed by outlet and link."""

from __future__ import annotations

import datetime as dt

from cdtt.geo.models import AdminUnit
from cdtt.media.models import MediaPost
from cdtt.media.services import post_log
from cdtt.organizations.models import Organization
from cdtt.organizations.services import organization_create
from cdtt.teams.models import Team

OUTLETS = [
    ("Báo Thanh Hóa", "BTH", "https://baothanhhoa.vn"),
    ("Đài Phát thanh và Truyền hình Thanh Hóa", "TTV", "https://truyenhinhthanhhoa.vn"),
]
POSTS = [
    (
        0,
        "article",
        "Tổ công nghệ số cộng đồng đến từng ngõ, gõ từng nhà",
        "to-cong-nghe-so-cong-dong",
    ),
    (1, "tv", "Phóng sự: đưa dịch vụ công trực tuyến về thôn bản", "phong-su-dich-vu-cong"),
    (
        1,
        "radio",
        "Hướng dẫn thanh toán không dùng tiền mặt cho bà con",
        "thanh-toan-khong-tien-mat",
    ),
    (0, "social", "Những người trẻ giúp người cao tuổi dùng điện thoại thông minh", "nguoi-tre"),
]


def outlet_ensure(province: AdminUnit, name: str, short: str) -> Organization:
    found = Organization.objects.filter(kind="media", name=name).first()
    return found or organization_create(
        actor=None, name=name, kind="media", unit=province, short_name=short
    )


def media_demo_ensure(*, actor, province: AdminUnit, commune: AdminUnit, today: dt.date) -> str:
    outlets = [outlet_ensure(province, name, short) for name, short, _site in OUTLETS]
    teams = list(Team.objects.filter(commune=commune, dissolved_on__isnull=True)[:2])
    made = 0
    for i, (outlet, kind, title, slug) in enumerate(POSTS):
        link = f"{OUTLETS[outlet][2]}/{slug}"
        if MediaPost.objects.filter(outlet=outlets[outlet], link=link).exists():
            continue
        post_log(
            actor=actor,
            outlet=outlets[outlet],
            title=title,
            published_on=today - dt.timedelta(days=7 * i + 1),
            kind=kind,
            link=link,
            units=[commune],
            teams=teams,
            skills=["public_services", "payment"][: 1 + i % 2],
        )
        made += 1
    return f"{len(outlets)} outlets, {made} new posts"
