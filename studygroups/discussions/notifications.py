"""Who hears of a new post (in-site notifications, then e-mail), and marking them read.
Whether and how often to e-mail is each member's choice in `studygroups.notifications`."""

from django.db import connections, router, transaction
from django.utils import timezone

from studygroups.groups.models import Membership

from .models import Follow, Notification, Post

# The notifications of a new post, written by ONE statement inside the post's
# transaction: the discussion's followers (`_FOLLOWERS_SQL`) and, when there are any,
# the recipients named in Python (`_NAMED_SQL`: the parent's author and those
# mentioned, each with its kind, which beats "followed"), each an active member of the
# group and never the author. `{gate}` keeps, for an answer to a question that asks for
# one's own answer first, those who answered it and those who facilitate.
_NAMED_SQL = """
SELECT m.user_id, CASE m.user_id {kinds} END, %s, %s FROM {membership} m
WHERE m.group_id = %s AND m.state = %s AND m.user_id <> %s AND m.user_id IN ({named}){gate}
UNION ALL
"""

_FOLLOWERS_SQL = """
SELECT m.user_id, %s, %s, %s FROM {follow} f
JOIN {membership} m ON m.group_id = %s AND m.user_id = f.user_id
WHERE f.discussion_id = %s AND f.following AND m.state = %s AND m.user_id <> %s{not_named}{gate}
ON CONFLICT DO NOTHING
"""

_GATE_SQL = """
    AND (m.role IN (%s, %s) OR m.user_id IN (
        SELECT p.author_id FROM {post} p
        WHERE p.discussion_id = %s AND p.question_id = %s AND p.deleted_at IS NULL
    ))"""


def notify(post: Post, *, parent: Post | None, mentioned: list) -> int:
    """One notification per recipient per post: a reply beats a mention beats a follow.
    Only active members who may see the post are notified. Returns how many were
    written.

    One statement whatever the number of followers: it runs while the post's
    transaction holds SQLite's write lock, and reading the followers and their
    memberships into Python, then writing a row each, held it 4.7 ms per post in a
    discussion 50 members follow (`tests/discussions/measure_posting.py`), half of the
    lock's time, while other members' posts wait for it."""
    author_id = post.author_id
    named: dict[int, str] = {}
    if parent is not None and parent.author_id and parent.author_id != author_id:
        named[parent.author_id] = Notification.Kind.REPLY.value
    for user in mentioned:
        if user.pk != author_id:
            named.setdefault(user.pk, Notification.Kind.MENTION.value)
    discussion = post.discussion
    root = post if parent is None else Post.objects.select_related("question").get(pk=post.root_id)
    using = router.db_for_write(Notification)
    connection = connections[using]
    qn = connection.ops.quote_name
    gate, gate_params = "", []
    if root.question_id is not None and root.question.answer_before_seeing:
        gate = _GATE_SQL.format(post=qn(Post._meta.db_table))
        roles = [Membership.Role.ORGANIZER.value, Membership.Role.FACILITATOR.value]
        gate_params = [*roles, discussion.pk, root.question_id]
    membership = qn(Membership._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    active, group_id = Membership.State.ACTIVE.value, discussion.group_id
    marks = ", ".join(["%s"] * len(named))
    statement = f"INSERT INTO {qn(Notification._meta.db_table)}"  # noqa: S608 - names from _meta
    statement += " (recipient_id, kind, post_id, created_at)"
    params: list = []
    if named:
        kinds = " ".join("WHEN %s THEN %s" for _ in named)
        statement += _NAMED_SQL.format(kinds=kinds, membership=membership, named=marks, gate=gate)
        params += [value for pair in named.items() for value in pair]
        params += [post.pk, now, group_id, active, author_id, *named, *gate_params]
    statement += _FOLLOWERS_SQL.format(
        follow=qn(Follow._meta.db_table),
        membership=membership,
        not_named=f" AND m.user_id NOT IN ({marks})" if named else "",
        gate=gate,
    )
    params += [Notification.Kind.FOLLOWED.value, post.pk, now, group_id, discussion.pk]
    params += [active, author_id, *named, *gate_params]
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        written = cursor.rowcount
    if written:
        from .emails import send_immediate_emails

        # robust: a mail failure is logged and never undoes or breaks the post.
        transaction.on_commit(lambda: send_immediate_emails(post_id=post.pk), robust=True)
    return written


@transaction.atomic
def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one notification (or all, when no id) as read. Returns how many changed."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())
