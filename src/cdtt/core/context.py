"""The header's count of unread notifications, on every page."""

from django.utils.functional import SimpleLazyObject

from cdtt.core.notifications import unread_count


def notifications(request):
    """The header's count of unread notifications, counted only if a page shows it."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    return {"notifications_unread": SimpleLazyObject(lambda: unread_count(user))}
