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
    """One query: each post with its outlet's path and the paths of the units it features."""
    posts = MediaPost.objects.all()
    if as_of is not None:
        posts = posts.filter(published_on__lte=as_of)
    rows = list(posts.values_list("pk", "outlet__unit__path", "units__path"))
    featured: dict[int, set[int]] = defaultdict(set)
    published: dict[int, set[int]] = defaultdict(set)
    for unit in units:
        for post, outlet_path, unit_path in rows:
            if unit_path and unit_path.startswith(unit.path):
                featured[unit.pk].add(post)
            if outlet_path.startswith(unit.path):
                published[unit.pk].add(post)
    return {
        u.pk: {"media_posts": len(featured[u.pk]), "media_outlet_posts": len(published[u.pk])}
        for u in units
    }


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
