"""The media log's counted criterion for youth movements: posts a member logged in the period
(registered with the movements' counter registry when the app is ready)."""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from cdtt.media.models import MediaPost
from cdtt.movements.counters import Entry, counter_register


def _users(people) -> dict[int, int]:
    return {p.user_id: p.pk for p in people if p.user_id}


def _posts_count(people, start, end) -> dict[int, int]:
    users = _users(people)
    rows = (
        MediaPost.objects.filter(
            created_by_id__in=users, published_on__gte=start, published_on__lte=end
        )
        .values("created_by_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {users[r["created_by_id"]]: r["n"] for r in rows}


def _posts_entries(person, start, end) -> list[Entry]:
    if not person.user_id:
        return []
    rows = MediaPost.objects.filter(
        created_by_id=person.user_id, published_on__gte=start, published_on__lte=end
    ).order_by("published_on", "pk")
    return [Entry(p.published_on, p.title) for p in rows]


def register() -> None:
    counter_register(
        "posts_logged", label=_("Tin bài đã ghi nhận"), count=_posts_count, entries=_posts_entries
    )
