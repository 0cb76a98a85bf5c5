from .models import Notification


def notifications(request):
    """`unread_notification_count` for the navigation.

    Lazy: the query runs only when a template shows the count (the full page's nav),
    never for htmx fragments that do not.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notification_count": 0}

    def count() -> int:
        return Notification.objects.filter(recipient=user, read_at__isnull=True).count()

    return {"unread_notification_count": count}
