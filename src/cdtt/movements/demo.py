"""Demo data of youth emulation movements: the Provincial Youth Union, a branch in the demo
commune that the demo member belongs to, and a movement running today whose counted criterion
moves with the demo member's visits."""

import datetime as dt

from django.utils import timezone

from cdtt.geo.models import AdminUnit
from cdtt.lib.text import fold
from cdtt.movements import services
from cdtt.movements.models import Movement
from cdtt.organizations.models import Organization
from cdtt.teams.models import Person

TITLE = "Tuổi trẻ Thanh Hóa chung tay chuyển đổi số cộng đồng"


def _org(name: str, unit: AdminUnit, parent=None) -> Organization:
    org = Organization.objects.filter(unit=unit, name_key=fold(name)).first()
    return org or Organization.objects.create(
        name=name, name_key=fold(name), kind="youth_union", unit=unit, parent=parent
    )


def movements_demo_ensure(
    *, actor, province: AdminUnit, commune: AdminUnit, member_user, today: dt.date | None = None
) -> str:
    """The movement runs from the demo campaign's first day (1 October of the last campaign
    period) for three months or up to today, so the demo member's visits count."""
    if Movement.objects.filter(title=TITLE).exists():
        return "already built"
    union = _org("Tỉnh đoàn Thanh Hóa", province)
    branch = _org(f"Đoàn {commune.full_name}", commune, union)
    if member_user is not None:
        # The demo member is sent to the team by the commune's Youth Union.
        Person.objects.filter(user=member_user).update(organization=branch)
    today = today or timezone.localdate()
    year = today.year if today >= dt.date(today.year, 10, 10) else today.year - 1
    starts = dt.date(year, 10, 1)
    services.movement_create(
        actor=actor,
        title=TITLE,
        organization=union,
        starts_on=starts,
        ends_on=max(today, starts + dt.timedelta(days=91)),
        branches=[branch],
        criteria=[
            services.CriterionIn("Hộ được đến hướng dẫn", 2, "households_visited"),
            services.CriterionIn("Người dân thành thạo 5 kỹ năng", 5, "residents_proficient"),
            services.CriterionIn("Hoàn thành khóa tập huấn", 10, "members_trained"),
            services.CriterionIn("Buổi ra quân hướng dẫn tại nhà văn hóa", 5),
        ],
    )
    return f"1 movement, branch {branch.name}"
