"""Demo data of enterprise offers: two telecom enterprises' offers for team members, one of
them claimed by the demo member."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from cdtt.geo.models import AdminUnit
from cdtt.lib.text import fold
from cdtt.offers import services
from cdtt.offers.models import Offer
from cdtt.organizations.models import Organization


def _enterprise(name: str, province: AdminUnit) -> Organization:
    org = Organization.objects.filter(unit=province, name_key=fold(name)).first()
    return org or Organization.objects.create(
        name=name, name_key=fold(name), kind="enterprise", unit=province
    )


def offers_demo_ensure(*, actor, province: AdminUnit, member_user) -> str:
    if Offer.objects.exists():
        return "already built"
    today = timezone.localdate()
    viettel = _enterprise("Viettel Thanh Hóa", province)
    vnpt = _enterprise("VNPT Thanh Hóa", province)
    data = services.offer_publish(
        actor=actor,
        organization=viettel,
        title="Gói data 4G 30GB/tháng cho thành viên Tổ CNSCĐ",
        valid_from=today - dt.timedelta(days=5),
        valid_to=today + dt.timedelta(days=85),
        quantity=500,
        price=Decimal("50000"),
        conditions="Mỗi thành viên một thuê bao; xuất trình mã tại cửa hàng Viettel.",
    )
    services.offer_publish(
        actor=actor,
        organization=vnpt,
        title="Giảm giá điện thoại thông minh",
        valid_from=today,
        valid_to=today + dt.timedelta(days=60),
        quantity=100,
        discount_percent=20,
    )
    if member_user is not None:
        services.offer_claim(actor=member_user, offer=data)
    return "2 offers"
