from django.db import connection

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
        # Every page's navigation asks: the ORM took ~0.7 ms of CPU to build this COUNT,
        # which runs in microseconds on the (recipient, read_at) index.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM {Notification._meta.db_table} "  # noqa: S608
                "WHERE recipient_id = %s AND read_at IS NULL",
                [user.pk],
            )
            return cursor.fetchone()[0]

    return {"unread_notification_count": count}
