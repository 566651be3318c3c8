"""Demo data of models and good practices: two approved models in the demo commune's villages
(one replicating the other, one evaluated) and a proposal waiting for the Department."""

import datetime as dt

from django.utils import timezone

from cdtt.geo.models import AdminUnit, Level
from cdtt.practices import services
from cdtt.practices.models import Initiative

MARKET = "Chợ 4.0: thanh toán không dùng tiền mặt ở chợ thôn"


def practices_demo_ensure(*, officer, reviewer, commune: AdminUnit) -> str:
    """Models proposed by the commune officer and reviewed by the Department (idempotent)."""
    if Initiative.objects.filter(title=MARKET).exists():
        return "already built"
    villages = list(
        AdminUnit.objects.filter(parent=commune, level=Level.VILLAGE).order_by("code")[:3]
    )
    if len(villages) < 3:
        return "not built (the demo commune has fewer than three villages)"
    today = timezone.localdate()

    def propose(title, summary, village, skills, **extra):
        return services.initiative_propose(
            actor=officer,
            title=title,
            summary=summary,
            description=(
                "Tổ CNSCĐ đến từng hộ kinh doanh, hướng dẫn mở tài khoản, in mã QR, "
                "và trực tại chợ mỗi sáng chủ nhật trong tháng đầu."
            ),
            units=[village],
            skills=skills,
            started_on=extra.pop("started_on", today - dt.timedelta(days=120)),
            leader_name=f"Tổ CNSCĐ {village.full_name}",
            **extra,
        )

    market = propose(MARKET, "Tiểu thương nhận tiền bằng mã QR.", villages[0], ["payment"])
    market = services.initiative_review(actor=reviewer, initiative=market, decision="approve")
    services.initiative_evaluate(
        actor=reviewer,
        initiative=market,
        period_start=market.started_on,
        period_end=today,
        reported="45 tiểu thương dùng mã QR, 60% giao dịch buổi sáng không dùng tiền mặt.",
        rating="good",
    )
    copy = propose(
        "Chợ 4.0 nhân rộng",
        "Nhân rộng mô hình chợ 4.0 sang thôn bên.",
        villages[1],
        ["payment", "shopping"],
        replicated_from=market,
        started_on=today - dt.timedelta(days=30),
    )
    services.initiative_review(actor=reviewer, initiative=copy, decision="approve")
    propose(
        "Thôn an toàn trên không gian mạng",
        "Mỗi tối thứ sáu, đoàn viên hướng dẫn người cao tuổi nhận biết cuộc gọi lừa đảo.",
        villages[2],
        ["safety"],
        started_on=today - dt.timedelta(days=7),
    )
    return "3 models (2 approved, 1 waiting for the Department)"
