"""Figures of enterprise offers: offers claimed and redeemed by the team members serving in a
unit, as of a date (the page of offers gives the same per enterprise and offer)."""

import datetime as dt
from collections.abc import Sequence

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from cdtt.figures.catalogue import Figure, Value, declare
from cdtt.figures.grouping import end_of_day, grouped
from cdtt.geo.models import AdminUnit
from cdtt.offers.models import Claim

MODULE = "offers"


def _counts(units: Sequence[AdminUnit], as_of: dt.date | None) -> dict[int, dict[str, Value]]:
    claims = Claim.objects.all()
    redeemed = Q(redeemed_at__isnull=False)
    if as_of is not None:
        claims = claims.filter(claimed_at__lt=end_of_day(as_of))
        redeemed = Q(redeemed_at__lt=end_of_day(as_of))
    return grouped(
        claims,
        units,
        {"offers_claimed": Count("pk"), "offers_redeemed": Count("pk", filter=redeemed)},
    )


declare(
    module=MODULE,
    figures=[
        Figure("offers_claimed", _("Lượt thành viên nhận ưu đãi của doanh nghiệp"), _("lượt")),
        Figure("offers_redeemed", _("Lượt ưu đãi đã sử dụng"), _("lượt")),
    ],
    compute=_counts,
)
