"""Answers about one post that other apps' views send back too (moderation): the post
redrawn for htmx with its paragraph's margin count, or a message and a redirect.
Also the member's last visit, which decides what is marked new."""

from datetime import UTC, datetime

from django.contrib import messages
from django.db import connection
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from studygroups.library.reading import paragraph_numbers

from . import posting, selectors
from .models import Post, ReadState


def seen_at(request, discussion, *, update: bool):
    """The time posts are "new" after: the member's visit before this one.

    A visit (`update`) records itself and keeps the previous time in the session, so the
    requests that continue it (another page of threads, a sort or filter, a paragraph's
    threads, the answer after posting) mark the same posts new as the page did.

    A visit writes only when it changes something: when no post came after the previous
    visit, recording this one would mark exactly the same posts new next time (those
    written after it, which all come after the previous visit too), so the read state is
    left as it is and the session, already holding that time, is not written either. A
    visit that finds nothing new thus costs one read (`_state`) and no write."""
    if discussion is None or not request.user.is_authenticated:
        return None
    key = f"discussion-seen-before-{discussion.pk}"
    if update:
        state = _state(request.user, discussion)
        if state is None:  # a first visit
            previous = posting.discussion_mark_seen(user=request.user, discussion=discussion)
        else:
            previous = state[0]
            if state[1]:  # posts came after the last visit: this one is recorded
                posting.discussion_seen_now(user=request.user, discussion=discussion)
        stored = previous.isoformat() if previous else ""
        if request.session.get(key) != stored:
            request.session[key] = stored
        return previous
    if key in request.session:
        stored = request.session[key]
        try:
            return datetime.fromisoformat(stored) if stored else None
        except ValueError:
            pass
    state = ReadState.objects.filter(user=request.user, discussion=discussion).first()
    return state.last_seen_at if state else None


# Whether a post came after the visit, as the newest post's time (one step down the
# index `post_discussion_created`): as EXISTS (... created_at > last_seen_at), compared
# with the row's column, PostgreSQL read every post of the discussion (1.2 ms at 5,000).
_STATE_SQL = """
SELECT r.last_seen_at, COALESCE(
    (SELECT MAX(p.created_at) FROM {post} p WHERE p.discussion_id = %s) > r.last_seen_at, FALSE
)
FROM {read_state} r WHERE r.user_id = %s AND r.discussion_id = %s
"""


def _state(user, discussion) -> tuple[datetime, bool] | None:
    """The viewer's last visit and whether any post was written after it, in one query
    (the index `post_discussion_created`); None before their first visit."""
    sql = _STATE_SQL.format(post=Post._meta.db_table, read_state=ReadState._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, [discussion.pk, user.pk, discussion.pk])
        row = cursor.fetchone()
    if row is None:
        return None
    last_seen = row[0]
    if isinstance(last_seen, str):  # SQLite: the text Django wrote, in UTC
        last_seen = parse_datetime(last_seen)
    if timezone.is_naive(last_seen):
        last_seen = timezone.make_aware(last_seen, UTC)
    return last_seen, bool(row[1])


def with_margin_count(request, response, post):
    """Add the paragraph's margin count, updated, to an htmx response about a post on a
    paragraph (swapped out of band), so the reader's count follows without a reload."""
    if not post.anchor or response.status_code != 200:
        return response
    discussion = post.discussion
    number = paragraph_numbers([(discussion.document_id, post.anchor)]).get(
        (discussion.document_id, post.anchor)
    )
    if number is None:  # the paragraph is gone from a corrected text
        return response
    since = seen_at(request, discussion, update=False)
    entry = selectors.margin_count(request.user, post, number=number, seen_at=since)
    context = {"entry": entry, "group": discussion.group, "document": discussion.document}
    count = render(request, "discussions/_para_count.html", context | {"oob": True})
    response.content += count.content
    return response


def post_response(request, post, *, message: str, margin: bool = True):
    """The answer to an action on one post: the post itself, redrawn (htmx, with the
    paragraph's margin count), else `message` and a redirect to where the post is."""
    if request.htmx:
        context = selectors.post_card(request.user, post).as_context()
        response = render(request, "discussions/post_detail.html#post", context)
        return with_margin_count(request, response, post) if margin else response
    messages.success(request, message)
    return redirect(selectors.post_url(post))
