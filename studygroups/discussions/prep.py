"""A session's preparation sheet for its facilitators, drawn from what the group has done
with the session's readings: who read them, the most discussed paragraphs, how the
series' questions were answered, threads nobody answered, and what is new since the
last session. It reads posts, so it lives with discussions (groups never import
discussions); the sessions pages link to it by URL name only."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Q, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from studygroups.groups import emails as group_emails
from studygroups.groups.models import (
    Membership,
    MinutesCitation,
    ReadingProgress,
    Session,
    SessionMinutes,
)
from studygroups.groups.readings import ReadingItem, session_prefetches, with_range_labels
from studygroups.groups.reminders import reminder_claim
from studygroups.groups.rules import series_shown_to_members
from studygroups.library.models import Block
from studygroups.library.reading import paragraph_numbers
from studygroups.notifications.language import recipient_language

from .models import Discussion, Post

logger = logging.getLogger(__name__)

TOP_PARAGRAPHS = 5
OPEN_THREADS = 10
NEW_POSTS = 10
QUOTE_CHARS = 220
PREP_KIND = "prep_sheet"
PREP_LEAD = dt.timedelta(hours=24)


@dataclass(frozen=True)
class ReadingRow:
    item: ReadingItem
    readers: list[str]  # names of members who marked it read (and show their progress)


@dataclass(frozen=True)
class Paragraph:
    document_title: str
    number: int | None
    quote: str
    posts: int
    url: str


@dataclass(frozen=True)
class QuestionRow:
    text: str
    answered_by: int  # members who posted an answer


@dataclass(frozen=True)
class PostLine:
    author: str
    excerpt: str
    document_title: str
    created_at: dt.datetime
    url: str


@dataclass
class PrepSheet:
    session: Session
    member_count: int
    readings: list[ReadingRow]
    paragraphs: list[Paragraph]
    questions: list[QuestionRow]
    open_threads: list[PostLine]
    since: dt.datetime | None  # the last session's start; None: the group's first session
    new_post_count: int
    new_posts: list[PostLine] = field(default_factory=list)

    @property
    def unanswered(self) -> list[QuestionRow]:
        return [q for q in self.questions if not q.answered_by]


def _excerpt(text: str, limit: int = QUOTE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _line(post: Post) -> PostLine:
    return PostLine(
        author=post.author_name,
        excerpt=_excerpt(post.body, 160),
        document_title=post.discussion.document.title,
        created_at=post.created_at,
        url=post.get_absolute_url(),
    )


def previous_session(session: Session) -> Session | None:
    return (
        Session.objects.filter(group_id=session.group_id, starts_at__lt=session.starts_at)
        .exclude(state=Session.State.CANCELLED)
        .order_by("-starts_at")
        .first()
    )


def prep_sheet(session: Session, *, show_units: bool = True) -> PrepSheet:
    """The sheet for a session (from `access_session` as a facilitator). A constant number
    of queries whatever the size of the group or its discussion."""
    from studygroups.groups.readings import session_readings

    group = session.group
    prefetch_related_objects([session], *session_prefetches())
    items = with_range_labels(session_readings(session, show_units=show_units))
    members = list(
        Membership.objects.active().filter(group=group).select_related("user").order_by("pk")
    )
    shown = {m.user_id: m.user.public_name for m in members if not m.hide_progress}
    readers: dict[str, list[str]] = {item.key: [] for item in items}
    for progress in ReadingProgress.objects.filter(session=session, user_id__in=shown).order_by(
        "created_at", "pk"
    ):
        readers.setdefault(progress.key, []).append(shown[progress.user_id])

    document_ids = {item.document_id for item in items if item.document_id}
    discussions = Discussion.objects.filter(group=group, document_id__in=document_ids)
    live = Post.objects.live().filter(discussion__in=discussions)

    top = list(
        live.exclude(anchor="")
        .values("discussion__document_id", "discussion__document__slug", "anchor")
        .annotate(n=Count("pk"))
        .order_by("-n", "anchor")[:TOP_PARAGRAPHS]
    )
    pairs = {(row["discussion__document_id"], row["anchor"]) for row in top}
    blocks = {}
    if pairs:
        condition = Q()
        for document_id, anchor in pairs:
            condition |= Q(document_id=document_id, anchor=anchor)
        blocks = {
            (b.document_id, b.anchor): b
            for b in Block.objects.filter(condition).select_related("document")
        }
    numbers = paragraph_numbers(pairs)
    paragraphs = []
    for row in top:
        key = (row["discussion__document_id"], row["anchor"])
        block = blocks.get(key)
        paragraphs.append(
            Paragraph(
                document_title=block.document.title if block else "",
                number=numbers.get(key),
                quote=_excerpt(block.text) if block else "",
                posts=row["n"],
                url=reverse(
                    "discussions:paragraph",
                    args=[group.slug, row["discussion__document__slug"], row["anchor"]],
                ),
            )
        )

    questions = [q for unit in session.units.all() for q in unit.questions.all()]
    questions = questions if show_units else []
    answered = dict(
        Post.objects.live()
        .filter(discussion__group=group, question_id__in=[q.pk for q in questions])
        .values_list("question_id")
        .annotate(n=Count("author_id", distinct=True))
    )
    question_rows = [QuestionRow(text=q.text, answered_by=answered.get(q.pk, 0)) for q in questions]

    related = live.select_related("author", "discussion__group", "discussion__document")
    open_threads = [
        _line(post)
        for post in related.filter(parent__isnull=True)
        .annotate(reply_count=Count("replies"))
        .filter(reply_count=0)
        .order_by("created_at", "pk")[:OPEN_THREADS]
    ]
    before = previous_session(session)
    since = before.starts_at if before else None
    recent = related if since is None else related.filter(created_at__gte=since)
    new_post_count = recent.count()
    new_posts = [_line(p) for p in recent.order_by("-created_at", "-pk")[:NEW_POSTS]]
    return PrepSheet(
        session=session,
        member_count=len(members),
        readings=[ReadingRow(item=item, readers=readers.get(item.key, [])) for item in items],
        paragraphs=paragraphs,
        questions=question_rows,
        open_threads=open_threads,
        since=since,
        new_post_count=new_post_count,
        new_posts=new_posts,
    )


def _prep_subject(user, session) -> str:
    with recipient_language(user, session.group):
        return _("%(group)s: preparation sheet for %(session)s") % {
            "group": session.group.name,
            "session": session.title,
        }


def prep_sheets_send(*, now: dt.datetime | None = None) -> int:
    """E-mail each facilitator the sheet of every session starting within a day. Each
    e-mail is claimed first (a unique `SentReminder` row of kind "prep_sheet"), so runs may
    overlap and repeat. Must not run inside a transaction. Returns how many were sent."""
    now = now or timezone.now()
    due = (
        Session.objects.filter(
            state=Session.State.SCHEDULED, starts_at__gt=now, starts_at__lte=now + PREP_LEAD
        )
        .select_related("group__curriculum")
        .order_by("starts_at")
    )
    sent = 0
    for session in due:
        facilitators = [
            m.user
            for m in Membership.objects.active()
            .filter(
                group=session.group,
                role__in=[Membership.Role.ORGANIZER, Membership.Role.FACILITATOR],
            )
            .exclude(user__in=session.reminders.filter(kind=PREP_KIND).values("user"))
            .select_related("user")
        ]
        if not facilitators:
            continue
        sheet = prep_sheet(session, show_units=series_shown_to_members(session.group))
        url = group_emails.absolute(
            reverse("discussions:session_prep", args=[session.group.slug, session.pk])
        )
        for user in facilitators:
            if not reminder_claim(session=session, user=user, kind=PREP_KIND):
                continue
            try:
                group_emails.send(
                    to=user.email,
                    user=user,
                    subject=_prep_subject(user, session),
                    template="prep_sheet",
                    context={
                        "sheet": sheet,
                        "session": session,
                        "group": session.group,
                        "url": url,
                    },
                    kind="reminders",
                )
            except Exception:
                session.reminders.filter(user=user, kind=PREP_KIND).delete()
                logger.exception("Prep sheet to %s for session %s failed", user.pk, session.pk)
                continue
            sent += 1
    return sent


@dataclass(frozen=True)
class CitedParagraph:
    number: int | None
    url: str


@dataclass(frozen=True)
class MinutesCiting:
    session_title: str
    starts_at: dt.datetime
    url: str
    paragraphs: list[CitedParagraph]


_CITED_SQL = """
SELECT 1 FROM {citation} c
JOIN {minutes} m ON m.id = c.minutes_id
JOIN {session} s ON s.id = m.session_id
WHERE c.document_id = %s AND s.group_id = %s
LIMIT 1
"""


def _cited(group, document) -> bool:
    """Whether any of the group's session minutes cite `document`, in one query."""
    sql = _CITED_SQL.format(
        citation=MinutesCitation._meta.db_table,
        minutes=SessionMinutes._meta.db_table,
        session=Session._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [document.pk, group.pk])
        return cursor.fetchone() is not None


def minutes_citing(group, document) -> list[MinutesCiting]:
    """The group's session minutes that cite paragraphs of `document`, newest first, with
    the paragraphs' current numbers (two queries). Most texts are cited by no minutes:
    one plain indexed query finds that first (building the ORM's join and ordering cost
    more CPU than every other query of the discussion page)."""
    if not _cited(group, document):
        return []
    citations = list(
        MinutesCitation.objects.filter(minutes__session__group=group, document=document)
        .select_related("minutes__session")
        .order_by("-minutes__session__starts_at", "minutes_id", "position")
    )
    numbers = paragraph_numbers((c.document_id, c.anchor) for c in citations)
    by_minutes: dict[int, MinutesCiting] = {}
    for c in citations:
        session = c.minutes.session
        entry = by_minutes.setdefault(
            c.minutes_id,
            MinutesCiting(
                session_title=session.title,
                starts_at=session.starts_at,
                url=reverse("groups:session", args=[group.slug, session.pk]) + "#minutes",
                paragraphs=[],
            ),
        )
        url = reverse("discussions:paragraph", args=[group.slug, document.slug, c.anchor])
        if all(p.url != url for p in entry.paragraphs):
            entry.paragraphs.append(
                CitedParagraph(number=numbers.get((c.document_id, c.anchor)), url=url)
            )
    return list(by_minutes.values())


def catch_up(session: Session, *, show_units: bool = True) -> dict:
    """The catch-up page of a session (from `access_session` as a member): its minutes,
    the sheet's highlights (most discussed paragraphs, questions still open, threads
    waiting for a reply) and the posts written since the session started. Members'
    reading progress is left out: it is for facilitators."""
    from studygroups.groups.selectors import session_minutes_html

    sheet = prep_sheet(session, show_units=show_units)
    document_ids = {row.item.document_id for row in sheet.readings if row.item.document_id}
    since = (
        Post.objects.live()
        .filter(
            discussion__group=session.group,
            discussion__document_id__in=document_ids,
            created_at__gte=session.starts_at,
        )
        .select_related("author", "discussion__group", "discussion__document")
    )
    return {
        "session": session,
        "group": session.group,
        "minutes_html": session_minutes_html(session),
        "sheet": sheet,
        "posts_since_count": since.count(),
        "posts_since": [_line(p) for p in since.order_by("-created_at", "-pk")[:NEW_POSTS]],
    }
