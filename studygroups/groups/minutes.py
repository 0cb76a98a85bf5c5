"""Minutes of a session that cite the text.

How a facilitator cites (also explained on the form):

- `¶ 14` is paragraph 14 of the first of the session's readings that has a paragraph 14
  (numbers as the reader and the printed packet show them; a reading of a range only
  counts its own paragraphs).
- `¶ 14 of [On Liberty]` (or `¶ 14 de [...]`, as Spanish writes it) is paragraph 14 of
  the reading whose title starts with or contains the words in brackets.
- A passage in quotation marks (“…” or "…"), of at least three words, links to the
  first paragraph of the session's readings that contains it word for word (case and
  spacing aside).

Anything that does not resolve stays plain text. Citations are stored by paragraph anchor
(`MinutesCitation`) and drawn with the paragraph's current number, so a corrected text
that shifts the numbers keeps every citation on its paragraph.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from studygroups.core.markdown import render_markdown
from studygroups.library.models import Block, Section
from studygroups.library.reading import (
    anchors_current,
    assigned_range,
    document_parts,
    paragraph_numbers,
)
from studygroups.notifications.models import Kind

from . import emails
from .activity import activity_record
from .models import GroupActivity, Membership, MinutesCitation, Session, SessionMinutes
from .readings import ReadingItem, session_prefetches, session_readings

logger = logging.getLogger(__name__)

MIN_QUOTE_WORDS = 3
CITATION_RE = re.compile(
    r"¶\s?(?P<number>\d{1,5})(?:\s+(?:of|de)\s+\[(?P<title>[^\]\n]{1,200})\])?"
    r"|“(?P<curly>[^”\n]{3,600})”"
    r"|\"(?P<straight>[^\"\n]{3,600})\""
)


@dataclass(frozen=True)
class Paragraph:
    document_id: int
    document_slug: str
    anchor: str
    number: int
    text: str


@dataclass(frozen=True)
class Resolved:
    position: int
    paragraph: Paragraph
    quote: str


def _normal(text: str) -> str:
    return " ".join(text.casefold().split())


def reading_paragraphs(items: list[ReadingItem]) -> list[tuple[ReadingItem, list[Paragraph]]]:
    """Each reading with a library document and its numbered paragraphs (only those of its
    range, when it assigns one). Two queries for all readings."""
    documents = {item.document_id for item in items if item.document_id}
    blocks: dict[int, list[Block]] = {pk: [] for pk in documents}
    for block in Block.objects.filter(document_id__in=documents).order_by("order"):
        blocks[block.document_id].append(block)
    sections: dict[int, list[Section]] = {pk: [] for pk in documents}
    for section in Section.objects.filter(document_id__in=documents).order_by("order"):
        sections[section.document_id].append(section)
    # A range whose end was merged into another paragraph follows it (library aliases).
    current = anchors_current(
        (item.document_id, a) for item in items for a in (item.start_anchor, item.end_anchor)
    )
    out = []
    for item in items:
        if not item.document_id:
            continue
        parts = document_parts(
            None, blocks=blocks[item.document_id], sections=sections[item.document_id]
        )
        moved = {
            anchor: now
            for (document_id, anchor), now in current.items()
            if document_id == item.document_id and now and now != anchor
        }
        chosen = assigned_range(parts, item.start_anchor, item.end_anchor, moved)
        paragraphs = [
            Paragraph(item.document_id, item.document_slug, n.anchor, n.number, n.block.text)
            for part in parts
            for n in part.numbered()
            if not chosen or n.anchor in chosen.anchors
        ]
        out.append((item, paragraphs))
    return out


def resolve_citations(body: str, readings) -> tuple[list[Resolved], int]:
    """The citations of `body` that resolve against `readings` (from `reading_paragraphs`),
    and how many did not."""
    resolved, missed = [], 0
    for position, match in enumerate(CITATION_RE.finditer(body)):
        found = None
        quote = ""
        if match["number"]:
            number, title = int(match["number"]), _normal(match["title"] or "")
            for item, paragraphs in readings:
                if title and title not in _normal(item.title):
                    continue
                found = next((p for p in paragraphs if p.number == number), None)
                if found:
                    break
        else:
            quote = match["curly"] or match["straight"]
            if len(quote.split()) >= MIN_QUOTE_WORDS:
                wanted = _normal(quote)
                found = next(
                    (p for _item, ps in readings for p in ps if wanted in _normal(p.text)), None
                )
            else:
                continue
        if found:
            resolved.append(Resolved(position, found, quote))
        else:
            missed += 1
    return resolved, missed


def _paragraph_url(group_slug: str, document_slug: str, anchor: str) -> str:
    return reverse("discussions:paragraph", args=[group_slug, document_slug, anchor])


def minutes_html(minutes: SessionMinutes, *, group_slug: str, numbers: dict) -> str:
    """The minutes as sanitized HTML, each stored citation a link to its paragraph with
    the paragraph's current number. `minutes.citations` should be prefetched with their
    documents; `numbers` from `paragraph_numbers` over them."""
    cited = {c.position: c for c in minutes.citations.all()}

    def link(position: int, match: re.Match) -> str:
        citation = cited.get(position)
        if citation is None:
            return match.group(0)
        url = _paragraph_url(group_slug, citation.document.slug, citation.anchor)
        if match["number"]:
            number = numbers.get((citation.document_id, citation.anchor))
            shown = number or "?"
            if match["title"]:
                label = _("¶ %(number)s of %(title)s") % {
                    "number": shown,
                    "title": citation.document.title,
                }
            else:
                label = f"¶ {shown}"
        else:
            label = match.group(0)
        label = label.replace("[", "(").replace("]", ")")
        return f"[{label}]({url})"

    pieces, last = [], 0
    for position, match in enumerate(CITATION_RE.finditer(minutes.body)):
        pieces += [minutes.body[last : match.start()], link(position, match)]
        last = match.end()
    pieces.append(minutes.body[last:])
    return render_markdown("".join(pieces))


def citation_numbers(minutes_list) -> dict:
    """Current paragraph numbers of the minutes' citations (one query for all)."""
    return paragraph_numbers(
        (c.document_id, c.anchor) for m in minutes_list for c in m.citations.all()
    )


def _notify_minutes(session: Session) -> None:
    memberships = (
        Membership.objects.active()
        .filter(group=session.group)
        .select_related("user", "user__notification_preferences")
    )
    emails.send_about_session(
        session,
        users=[m.user for m in memberships],
        kind=Kind.CHANGES,
        subject=lambda: (
            _("%(group)s: minutes of %(session)s")
            % {"group": session.group.name, "session": session.title}
        ),
        template="minutes",
        url=emails.absolute(session.get_absolute_url() + "#minutes"),
    )


@transaction.atomic
def minutes_write(*, session: Session, author, body: str) -> tuple[SessionMinutes, int]:
    """Write or rewrite a held (or past) session's minutes. Returns the minutes and how many
    citations did not resolve. Members are told the first time (activity and e-mail)."""
    session = Session.objects.select_for_update().select_related("group").get(pk=session.pk)
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("Write the minutes before saving them."))
    if session.state == Session.State.CANCELLED:
        raise ValidationError(_("A cancelled session has no minutes."))
    if session.starts_at > timezone.now():
        raise ValidationError(_("Minutes can be written once the session has started."))
    minutes = SessionMinutes.objects.filter(session=session).first()
    first_time = minutes is None
    minutes = minutes or SessionMinutes(session=session)
    minutes.body, minutes.written_by = body, author
    minutes.full_clean()
    minutes.save()
    prefetch_related_objects([session], *session_prefetches())
    readings = reading_paragraphs(session_readings(session))
    resolved, missed = resolve_citations(body, readings)
    MinutesCitation.objects.filter(minutes=minutes).delete()
    MinutesCitation.objects.bulk_create(
        MinutesCitation(
            minutes=minutes,
            position=r.position,
            document_id=r.paragraph.document_id,
            anchor=r.paragraph.anchor,
            quote=r.quote[:2000],
        )
        for r in resolved
    )
    if first_time:
        activity_record(
            session.group,
            GroupActivity.Kind.MINUTES,
            session,
            text="minutes",
            session=session.title,
        )
        transaction.on_commit(lambda: _notify_minutes(session))
    return minutes, missed
