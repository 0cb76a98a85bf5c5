"""Who hears of a new post (in-site notifications, then e-mail), and marking them read.
Whether and how often to e-mail is each member's choice in `studygroups.notifications`."""

from django.db import transaction
from django.utils import timezone

from studygroups.groups.models import Membership

from .models import Follow, Notification, Post


def notify(post: Post, *, parent: Post | None, mentioned: list) -> list[Notification]:
    """One notification per recipient per post: a reply beats a mention beats a follow.
    Only active members who may see the post are notified."""
    author_id = post.author_id
    wanted: dict[int, str] = {}
    if parent is not None and parent.author_id and parent.author_id != author_id:
        wanted[parent.author_id] = Notification.Kind.REPLY
    for user in mentioned:
        if user.pk != author_id:
            wanted.setdefault(user.pk, Notification.Kind.MENTION)
    for user_id in (
        Follow.objects.filter(discussion=post.discussion, following=True)
        .exclude(user_id=author_id)
        .values_list("user_id", flat=True)
    ):
        wanted.setdefault(user_id, Notification.Kind.FOLLOWED)
    if not wanted:
        return []
    memberships = {
        m.user_id: m
        for m in Membership.objects.active().filter(
            group_id=post.discussion.group_id, user_id__in=wanted
        )
    }
    root = post if parent is None else Post.objects.select_related("question").get(pk=post.root_id)
    gated = root.question_id is not None and root.question.answer_before_seeing
    answered: set[int] = set()
    if gated:
        answered = set(
            Post.objects.filter(
                discussion=post.discussion, question_id=root.question_id, deleted_at__isnull=True
            ).values_list("author_id", flat=True)
        )
    notifications = [
        Notification(recipient_id=user_id, kind=kind, post=post)
        for user_id, kind in wanted.items()
        if user_id in memberships
        and (not gated or user_id in answered or memberships[user_id].can_facilitate)
    ]
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)
    from .emails import send_immediate_emails

    # robust: a mail failure is logged and never undoes or breaks the post.
    transaction.on_commit(lambda: send_immediate_emails(post_id=post.pk), robust=True)
    return notifications


@transaction.atomic
def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one notification (or all, when no id) as read. Returns how many changed."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())
