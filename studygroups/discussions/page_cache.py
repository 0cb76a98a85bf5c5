"""The discussion page's threads, rendered once and reused while nothing they show changes.

Rendering a page of threads (the questions' answers, up to 25 threads with their first
replies, the threads on passages no longer in the text: 100–150 posts) is most of what
the discussion page costs; reading them is most of the rest. The HTML of that part of the
page (`discussions/_discussion_body.html`) is kept in Django's cache (the default alias)
under a key that names everything it depends on:

- the discussion and its `version`, which database triggers change on every write to
  its posts (a post, a reply, an edit, a deletion, hiding, restoring, approving,
  pinning, re-attaching…) and when an author's public name changes
  (`models.Discussion`); it is read from the database on every request
  (`selectors.discussion_frame`), so a cache per process is as correct as a shared one;
- the group's and the document's slugs (in every link), the curriculum's questions;
- the language and the time zone the page is written in;
- the viewer's standing (`DiscussionActions`: member, muted, moderator, organizer; the
  lock), which decides every control; the viewer's own id when they wrote in this
  discussion (their posts carry Edit and Delete, their held and hidden posts show to
  them alone, their answers open gated questions), so a page with someone's own posts
  is never shown to anyone else; the answers they may see (`AnswerGate`);
- what is new to the viewer: the time of their previous visit, when a post came after it;
- the request's query string (sort, filter, page, answers shown) and the post in focus.

The delete forms' CSRF token is stored as a placeholder and the viewer's own token put in
when the page is served: a token never travels from one visitor's page to another's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import astuple

from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString, mark_safe

from .selectors import DiscussionFrame
from .threads import anchor_counts

TEMPLATE = "discussions/_discussion_body.html"
# Part of every key: change it when the template or its context change shape, so a
# shared cache (several servers) never serves the HTML of the code before a deploy.
FORMAT = 1


def _csrf_placeholder() -> str:
    # Derived from SECRET_KEY: the same in every process, and not something a post's
    # text can contain on purpose (its text would be replaced by the viewer's token).
    return "csrf-" + salted_hmac("discussions.page_cache", "csrf placeholder").hexdigest()


def _new_since(frame: DiscussionFrame, seen_at) -> str:
    """What decides which posts are new to the viewer: their previous visit, when a post
    came after it; else nothing is new ("-"), whenever they came."""
    return seen_at.isoformat() if seen_at is not None and frame.posted_since_seen else "-"


def margin_counts(request, frame: DiscussionFrame, *, seen_at) -> dict[str, dict]:
    """The discussion's posts per paragraph and how many are new to the viewer
    (`threads.anchor_counts`, one aggregate over the discussion), cached under the
    discussion's version and what "new" means for this viewer: their previous visit when
    a post came after it, and their id when they wrote here (their own posts are never
    new to them)."""
    if frame.discussion is None or frame.version is None:
        return anchor_counts(frame.discussion, user=request.user, seen_at=seen_at)
    new_since = _new_since(frame, seen_at)
    author = request.user.pk if frame.viewer_posted and new_since != "-" else None
    parts = (FORMAT, frame.discussion.pk, frame.version, new_since, author)
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    key = f"discussions:margins:{frame.discussion.pk}:{digest}"
    counts = cache.get(key)
    if counts is None:
        counts = anchor_counts(frame.discussion, user=request.user, seen_at=seen_at)
        cache.set(key, counts)
    return counts


def threads_key(request, frame: DiscussionFrame, *, seen_at, focus: int | None) -> str | None:
    """The cache key of the threads this request shows, or None when there is nothing
    worth keeping (no discussion yet: nothing to read, nothing to render)."""
    if frame.discussion is None or frame.version is None:
        return None
    user = request.user
    new_since = _new_since(frame, seen_at)
    parts = (
        FORMAT,
        frame.discussion.pk,
        frame.version,
        frame.group.pk,
        frame.group.slug,
        frame.document.pk,
        frame.document.slug,
        translation.get_language(),
        timezone.get_current_timezone_name(),
        user.is_authenticated,
        astuple(frame.can),
        frame.locked,
        user.pk if frame.viewer_posted else None,
        frame.gate.sees_all,
        sorted(frame.gate.answered),
        [(q.pk, q.updated_at.isoformat(), q.answer_before_seeing) for q in frame.questions],
        new_since,
        sorted((name, request.GET.getlist(name)) for name in request.GET),
        focus,
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"discussions:threads:{frame.discussion.pk}:{digest}"


class DiscussionBody:
    """The threads' HTML for the page's template, rendered only when the template asks
    for it (`{{ discussion_body }}`: the composer's fragment does not), from the cache
    when it holds them. `build` returns the template's context (the selector's page)."""

    def __init__(self, request, frame: DiscussionFrame, *, key: str | None, build: Callable):
        self.request, self.frame, self.key, self.build = request, frame, key, build
        self._html: str | None = None

    def __call__(self) -> SafeString:
        return self.html

    def __str__(self) -> str:
        return self.html

    @property
    def html(self) -> SafeString:
        if self._html is None:
            self._html = self._render()
        return mark_safe(self._html)  # noqa: S308 - rendered by the template engine

    def _render(self) -> str:
        placeholder = _csrf_placeholder()
        html = cache.get(self.key) if self.key else None
        if html is None:
            context = self.build() | {"csrf_token": placeholder}
            html = render_to_string(TEMPLATE, context, request=self.request)
            if self.key:
                cache.set(self.key, html)
        if placeholder in html:
            html = html.replace(placeholder, get_token(self.request))
        return html
