"""Where a post sits in the text: the paragraph an anchor names, and a quotation found
again in it with enough context either side to survive corrections."""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from studygroups.library.models import Block, BlockAlias, Document
from studygroups.library.services import document_text_revision_record

from .models import CONTEXT_CHARS, QUOTE_MAX, Post


def block_for_anchor(document: Document, anchor: str) -> Block:
    """The paragraph `anchor` names, itself or through an alias (a merged paragraph's old
    anchor names the paragraph it joined)."""
    block = (
        Block.objects.filter(document=document, anchor=anchor)
        .exclude(kind=Block.Kind.HEADING)
        .first()
    )
    if block is None:
        target = (
            BlockAlias.objects.filter(document=document, anchor=anchor)
            .values_list("target_anchor", flat=True)
            .first()
        )
        if target:
            block = (
                Block.objects.filter(document=document, anchor=target)
                .exclude(kind=Block.Kind.HEADING)
                .first()
            )
    if block is None:
        raise ValidationError({"anchor": _("That paragraph is not part of this document.")})
    return block


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def locate_quote(block_text: str, quote: str, prefix_hint: str = "") -> tuple[str, str, str]:
    """Find `quote` in the paragraph; return (quote, prefix, suffix) with up to
    CONTEXT_CHARS of context either side, so it can be found again after a correction.
    When the quote occurs more than once, the occurrence preceded by `prefix_hint` wins."""
    text, quote = _squash(block_text), _squash(quote)
    if not quote:
        return "", "", ""
    if len(quote) > QUOTE_MAX:
        raise ValidationError(
            {
                "quote": _(
                    "A quotation can be at most %(limit)s characters; choose a shorter passage."
                )
                % {"limit": QUOTE_MAX}
            }
        )
    positions = [m.start() for m in re.finditer(re.escape(quote), text)]
    if not positions:
        raise ValidationError(
            {
                "quote": _(
                    "The quoted passage is not in that paragraph (it may have been corrected)."
                )
            }
        )
    hint = _squash(prefix_hint)[-CONTEXT_CHARS:]
    start = positions[0]
    if hint:
        for pos in positions:
            if text[:pos].rstrip().endswith(hint.rstrip()):
                start = pos
                break
    end = start + len(quote)
    return quote, text[max(0, start - CONTEXT_CHARS) : start], text[end : end + CONTEXT_CHARS]


# ------------------------------------------------------------ following a text change

FUZZY_MIN_QUOTE = 10  # shorter quotes are found exactly or not at all
FUZZY_SCORE = 75.0  # Indel similarity of the quote to its best passage: errors up to half
FUZZY_SCORE_ELSEWHERE = 85.0  # … and stricter away from the paragraph the text went to


def comparable(text: str) -> str:
    """`_squash`ed text with typographic quotes and dashes as ASCII: one character for
    one, so positions in it are positions in the squashed paragraph."""
    return _squash(text).translate(_QUOTES_ONE_FOR_ONE)


_QUOTES_ONE_FOR_ONE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2013": "-",
        "\u2014": "-",
    }
)


@dataclass(frozen=True)
class QuoteMatch:
    anchor: str
    start: int
    end: int
    exact: bool


def _context_score(text: str, start: int, end: int, prefix: str, suffix: str) -> float:
    score = 0.0
    if prefix:
        score += fuzz.ratio(comparable(prefix), text[max(0, start - len(prefix)) : start])
    if suffix:
        score += fuzz.ratio(comparable(suffix), text[end : end + len(suffix)])
    return score


def find_quote(
    paragraphs: Sequence[tuple[str, str]],
    quote: str,
    *,
    prefix: str = "",
    suffix: str = "",
    prefer: Sequence[str] = (),
) -> QuoteMatch | None:
    """Where `quote` is now among `paragraphs` (anchor, text), pure.

    Exact occurrences first (typographic quotes and whitespace aside), the paragraphs in
    `prefer` before the others, the best prefix/suffix context among several. Else a
    fuzzy match (rapidfuzz's best partial alignment) allowing errors up to about half the
    quote, stricter outside the preferred paragraphs. None when nothing is close enough."""
    wanted = comparable(quote)
    if not wanted:
        return None
    texts = {anchor: comparable(text) for anchor, text in paragraphs}
    order = [a for a in prefer if a in texts] + [a for a in texts if a not in set(prefer)]
    preferred = set(prefer)
    best: tuple[tuple, QuoteMatch] | None = None
    for rank, anchor in enumerate(order):
        text = texts[anchor]
        start = text.find(wanted)
        while start != -1:
            end = start + len(wanted)
            key = (anchor in preferred, _context_score(text, start, end, prefix, suffix), -rank)
            if best is None or key > best[0]:
                best = (key, QuoteMatch(anchor, start, end, exact=True))
            start = text.find(wanted, start + 1)
    if best is not None:
        return best[1]
    if len(wanted) < FUZZY_MIN_QUOTE:
        return None
    fuzzy: tuple[tuple, QuoteMatch] | None = None
    for rank, anchor in enumerate(order):
        text = texts[anchor]
        cutoff = FUZZY_SCORE if anchor in preferred else FUZZY_SCORE_ELSEWHERE
        found = fuzz.partial_ratio_alignment(wanted, text, score_cutoff=cutoff)
        if found is None or found.score < cutoff:
            continue
        start, end = found.dest_start, found.dest_end
        key = (
            round(found.score),
            anchor in preferred,
            _context_score(text, start, end, prefix, suffix),
            -rank,
        )
        if fuzzy is None or key > fuzzy[0]:
            fuzzy = (key, QuoteMatch(anchor, start, end, exact=False))
    return fuzzy[1] if fuzzy else None


def quote_position(block_text: str, quote: str, prefix: str = "") -> tuple[int | None, int | None]:
    """The text-position selector (start, end) of a quote located by `locate_quote`."""
    if not quote:
        return None, None
    found = find_quote([("", block_text)], quote, prefix=prefix, prefer=[""])
    return (found.start, found.end) if found and found.exact else (None, None)


@dataclass
class FollowReport:
    """What a text change did to a document's discussions."""

    kept: int = 0  # threads still on the paragraph they were on
    moved: int = 0  # threads that followed their text to another anchor (merge, split, alias)
    reattached: int = 0  # threads found again by their quote (elsewhere, or after detaching)
    detached: int = 0  # threads left without a passage
    posts_detached: int = 0  # posts in those threads, replies included

    def as_dict(self) -> dict[str, int]:
        return {
            "threads_kept": self.kept,
            "threads_moved": self.moved,
            "threads_reattached_by_quote": self.reattached,
            "threads_without_passage": self.detached,
            "posts_without_passage": self.posts_detached,
        }


@transaction.atomic
def posts_follow_text(*, document: Document, change) -> FollowReport:
    """Move every thread on `document` to the paragraph that now holds its passage, after
    `library.services.document_replace_text` returned `change`.

    A thread with a quote is re-located by the quote (see `find_quote`), starting with the
    paragraph its anchor went to; one without a quote follows its anchor (through merges);
    a thread whose passage is gone is detached, never deleted. Detached threads whose
    quote is back in the text are re-attached. Replies go where their thread goes. The
    report is stored on the change's `TextRevision`."""
    report = FollowReport()
    alignment = getattr(change, "alignment", None)
    if alignment is None or getattr(change, "revision", None) is None:
        return report
    paragraphs = list(
        Block.objects.filter(document=document)
        .exclude(kind=Block.Kind.HEADING)
        .order_by("order")
        .values_list("anchor", "text")
    )
    current = {anchor for anchor, _ in paragraphs}
    roots = list(
        Post.objects.filter(discussion__document=document, parent__isnull=True)
        .filter(~Q(anchor="") | Q(detached_at__isnull=False))
        .only(
            "pk",
            "path",
            "discussion_id",
            "anchor",
            "detached_anchor",
            "detached_at",
            "quote",
            "quote_prefix",
            "quote_suffix",
        )
    )
    now = timezone.now()
    for root in roots:
        was_detached = root.detached_at is not None
        old_anchor = root.detached_anchor if was_detached else root.anchor
        goes_to = None if was_detached else alignment.fate(old_anchor)
        prefer = [goes_to] if goes_to else []
        prefer += alignment.report.split.get(old_anchor, [])
        target: tuple[str, int | None, int | None] | None = None
        if root.quote:
            found = find_quote(
                paragraphs,
                root.quote,
                prefix=root.quote_prefix,
                suffix=root.quote_suffix,
                prefer=prefer,
            )
            if found is not None:
                target = (found.anchor, found.start, found.end)
        elif goes_to in current:
            target = (goes_to, None, None)
        thread = Post.objects.filter(discussion_id=root.discussion_id, path__startswith=root.path)
        if target is None:
            if not was_detached:
                report.detached += 1
                report.posts_detached += thread.count()
                thread.update(anchor="", detached_anchor=old_anchor, detached_at=now)
            continue
        anchor, start, end = target
        if was_detached:
            report.reattached += 1
        elif anchor == old_anchor:
            report.kept += 1
        elif anchor == goes_to or anchor in prefer:
            report.moved += 1
        else:
            report.reattached += 1
        thread.update(anchor=anchor, detached_anchor="", detached_at=None)
        Post.objects.filter(pk=root.pk).update(quote_start=start, quote_end=end)
    document_text_revision_record(revision=change.revision, discussions=report.as_dict())
    return report


@transaction.atomic
def post_reattach(*, post: Post, anchor: str) -> Post:
    """Put a thread without a passage (or any thread) on paragraph `anchor` of its
    document; its replies follow. Safe to repeat. ValidationError when the anchor names
    no paragraph of the document."""
    root = post if post.parent_id is None else Post.objects.get(pk=post.root_id)
    document = root.discussion.document
    block = block_for_anchor(document, anchor)
    start, end = quote_position(block.text, root.quote, root.quote_prefix)
    Post.objects.filter(discussion_id=root.discussion_id, path__startswith=root.path).update(
        anchor=block.anchor, detached_anchor="", detached_at=None
    )
    Post.objects.filter(pk=root.pk).update(quote_start=start, quote_end=end)
    root.refresh_from_db()
    return root


def suggest_anchor(post: Post, choices: Sequence) -> str:
    """The paragraph (among `choices`, having .anchor and .text) whose text is closest to
    the post's quote, or "" when nothing is close or there is no quote."""
    if not post.quote:
        return ""
    found = find_quote(
        [(c.anchor, c.text) for c in choices],
        post.quote,
        prefix=post.quote_prefix,
        suffix=post.quote_suffix,
    )
    return found.anchor if found else ""
