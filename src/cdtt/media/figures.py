"""Figures of the media log, as of a date (a month's figure is the difference of two month
ends): the posts that feature a unit or a unit below it, and the posts published by the outlets
located in it; what the press page and the reports read through cdtt.figures."""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

from cdtt.figures.catalogue import Figure, Value, declare
from cdtt.geo.models import AdminUnit
from cdtt.media.models import MediaPost

MODULE = "media"


def _counts(units: Sequence[AdminUnit], as_of: dt.date | None) -> dict[int, dict[str, Value]]:
    links = MediaPost.units.through.objects.all()
    if as_of is not None:
        links = links.filter(mediapost__published_on__lte=as_of)
    pairs = list(links.values_list("mediapost_id", "adminunit__path"))
    seen: dict[int, set[int]] = defaultdict(set)
    for unit in units:
        for post, path in pairs:
            if path.startswith(unit.path):
                seen[unit.pk].add(post)
    posts = MediaPost.objects.all()
    if as_of is not None:
        posts = posts.filter(published_on__lte=as_of)
    outlets = list(posts.values_list("outlet__unit__path", flat=True))
    out: dict[int, dict[str, Value]] = {}
    for unit in units:
        out[unit.pk] = {
            "media_posts": len(seen[unit.pk]),
            "media_outlet_posts": sum(1 for path in outlets if path.startswith(unit.path)),
        }
    return out


declare(
    module=MODULE,
    figures=[
        Figure("media_posts", _("Tin bài về hoạt động của Tổ CNSCĐ trên địa bàn"), _("tin bài")),
        Figure(
            "media_outlet_posts", _("Tin bài của các cơ quan báo chí trên địa bàn"), _("tin bài")
        ),
    ],
    compute=_counts,
)
