"""The discussion page's expensive parts, rendered once and reused while nothing they
show changes: the text, the page of threads, each thread, and the composer.

Rendering a page of threads (the questions' answers, up to 25 threads with their first
replies, the threads on passages no longer in the text: 100–150 posts) is most of what
the discussion page costs; reading them is most of the rest. The text (title block,
contents, every paragraph) is the reader's. All are kept in the `fragments` cache
(`studygroups.core.fragments`: one alias for every rendered part of a page, its size
bounded in one place, the language and time zone always in the key) under keys that name
everything they depend on. What each is keyed on:

- **The text** (`text_key`): the document's stamp (`library.selectors.document_stamp`:
  the library's data version, its newest paragraph and paragraph count, as the library's
  reader), the group (its slug is in every link, its name in the crumbs), the document's
  slug, and the viewer's standing (`DiscussionActions` and the lock: the title block's
  hint and the text's "discuss" attribute; and whether they are logged in). NOT the
  discussion: a post does not render the text again. Its margin counts are not in it:
  the cached text has a slot per paragraph (`_para_count_slot.html`, a SECRET_KEY-derived
  placeholder with the paragraph's number and anchor) and each request fills every slot
  (`MarginCounts`) with the counts of THIS viewer (`margin_counts`: posts per paragraph
  and how many are new to them, one aggregate statement, itself kept under the
  discussion's version and what is new to the viewer, so a visit without a write reads
  none), so a post on a paragraph shows in its count at once and each viewer's "new" is
  their own.
- **The page of threads** (`threads_key`, in front): the discussion and its `version`,
  which database triggers change on every write to its posts (a post, a reply, an edit,
  a deletion, hiding, restoring, approving, pinning, re-attaching…) and when an author's
  public name changes (`models.Discussion`), read from the database on every request,
  so a cache per process is as correct as a shared one; the group and document; the
  viewer's standing; the viewer's own id when they wrote in this discussion (their
  posts carry Edit and Delete, their held and hidden posts show to them alone, their
  answers open gated questions); the answers they may see (`AnswerGate`) and the
  curriculum's questions; what is new to them (their previous visit, when a post came
  after it); the query string (sort, filter, page, answers shown) and the post in
  focus. A repeated view with nothing written is one cache hit.
- **Each thread** (`thread_key`), used when the page of threads is rendered anew (after
  any write, or for a new viewer, sort or page): what the thread's item is rendered
  from, post by post (`_thread_shape`: every column of each post shown and its author's
  public name; the viewer's flags on each post, `PostActions`, which say whether it is
  their own and what they may do; whether it is new to them; the "more" counts of a
  thread shown in part), and the page's flags and links (the viewer's standing: a
  moderator sees that a removed post had been hidden; group and document; the lock acts
  through each post's flags). NOT the discussion's version, nor the
  viewer's id or the time of their visit: a post renders only the thread it is in (a
  new thread: only itself), and viewers with the same flags on a thread share its
  rendering. The posts are read on every render of the page of threads (a constant
  number of statements), so whatever changes a post, by any path, changes the key.
  Private content cannot travel: a held or hidden post shows in full only where the
  viewer's flags on it say it is theirs or they moderate, and those flags are in the key.
- **The composer** (`composer_key`): the viewer's standing, the group and document, the
  questions; its one-time post key put back per request.

Forms' CSRF tokens are stored as a placeholder and the viewer's own token put in when the
page is served: a token never travels from one visitor's page to another's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import astuple
from html import escape as quote
from html import unescape

from django.middleware.csrf import get_token
from django.template.loader import get_template, render_to_string
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from studygroups.core import fragments
from studygroups.library.selectors import DocumentStamp

from . import selectors
from .models import Post
from .selectors import DiscussionFrame, margin, paragraph_url
from .threads import Node

TEMPLATE = "discussions/_discussion_body.html"
# Part of every key: change it when a template or its context change shape, so a
# shared cache (several servers) never serves the HTML of the code before a deploy.
FORMAT = 2


def _new_since(frame: DiscussionFrame, seen_at) -> str:
    """What decides which posts are new to the viewer: their previous visit, when a post
    came after it; else nothing is new ("-"), whenever they came."""
    return seen_at.isoformat() if seen_at is not None and frame.posted_since_seen else "-"


def text_key(request, frame: DiscussionFrame, stamp: DocumentStamp) -> str | None:
    """The cache key of the page's text (`{% block text %}` of library/reader.html as
    discussions/document.html fills it: crumbs, title block, contents, paragraphs with
    a slot for each margin count), or None when it cannot be cached (no library version
    yet). Not the discussion: its posts show only in the margin counts, which each
    request puts into the slots (`MarginCounts`)."""
    if stamp.library_version is None or stamp.document_id != frame.document.pk:
        return None
    group = frame.group
    return fragments.key(
        "discussion-text",
        FORMAT,
        astuple(stamp),
        group.pk,
        group.slug,
        group.name,
        frame.document.slug,
        request.user.is_authenticated,
        astuple(frame.can),
        frame.locked,
    )


# Stands for a paragraph's margin count in the cached text: the slot template
# (`discussions/_para_count_slot.html`) writes SLOT number ":" anchor SLOT.
MARGIN_SLOT = fragments.placeholder("margin-count")


def margin_html(anchor: str, count: dict, *, oob: bool = False) -> str:
    """A paragraph's margin count, exactly as `discussions/_para_count.html` writes it
    (the htmx answers about one post use the template; the page, with one count per
    paragraph, this), from `selectors.margin`'s {total, new, url, label}."""
    total, new = count["total"], count["new"]
    anchor, url, label = escape(anchor), escape(count["url"]), escape(count["label"])
    swap = ' hx-swap-oob="outerHTML"' if oob else ""
    classes = (
        "para-count" + (" para-count--has" if total else "") + (" para-count--new" if new else "")
    )
    shown = localize(total) if total else "+"
    return (
        f'<a id="count-{anchor}"{swap} class="{classes}" href="{url}" hx-get="{url}"'
        f' hx-target="#threads-{anchor}" hx-swap="innerHTML" data-para-count>'
        f'<span aria-hidden="true">{shown}</span>'
        f'<span class="visually-hidden">{label}</span></a>'
    )


def margin_counts(request, frame: DiscussionFrame, *, seen_at) -> dict[str, dict]:
    """The margin's counts for this viewer (`selectors.margin_counts`), kept under the
    discussion's version and what is new to the viewer (their previous visit when a post
    came after it, and then their id: their own posts are never new to them), so a
    visit without a write reads none; a small dict, shared by every viewer for whom
    nothing is new."""
    if frame.discussion is None or frame.version is None:
        return {}
    new_since = _new_since(frame, seen_at)
    author = request.user.pk if frame.viewer_posted and new_since != "-" else None
    key = fragments.key(
        "discussion-margin-counts", FORMAT, frame.discussion.pk, frame.version, new_since, author
    )
    return fragments.get_or_build(
        key, lambda: selectors.margin_counts(request.user, frame.discussion, seen_at=seen_at)
    )


class MarginCounts:
    """Fills the cached text's slots with this request's margin counts
    (`{% fragment "text" text_key margin_counts %}`): `counts`, posts per paragraph and
    how many are new to this viewer (`margin_counts`). Most paragraphs have no post:
    theirs ("+", "Discuss paragraph N") is put together from strings made once per
    request, as a long text has thousands."""

    do_not_call_in_templates = True  # the template hands it to {% fragment %} uncalled

    def __init__(self, frame: DiscussionFrame, counts: dict[str, dict]):
        self.counts = counts
        self.url = paragraph_url(frame.group.slug, frame.document.slug)

    def __call__(self, html: str) -> str:
        parts = html.split(MARGIN_SLOT)
        if len(parts) < 3:
            return html
        template = gettext("Discuss paragraph %(number)s")
        for i in range(1, len(parts), 2):
            number, _, written = parts[i].partition(":")  # the anchor as the template wrote it
            anchor = unescape(written) if "&" in written else written
            count = self.counts.get(anchor)
            if count:
                parts[i] = margin_html(anchor, margin(self.url(anchor), int(number), count))
            else:  # the same text as margin_html's, without its per-call overhead
                url = quote(self.url(anchor))
                label = quote(template % {"number": number})
                parts[i] = (
                    f'<a id="count-{written}" class="para-count" href="{url}" hx-get="{url}"'
                    f' hx-target="#threads-{written}" hx-swap="innerHTML" data-para-count>'
                    f'<span aria-hidden="true">+</span>'
                    f'<span class="visually-hidden">{label}</span></a>'
                )
        return "".join(parts)


def threads_key(request, frame: DiscussionFrame, *, seen_at, focus: int | None) -> str | None:
    """The cache key of the threads this request shows, or None when there is nothing
    worth keeping (no discussion yet: nothing to read, nothing to render)."""
    if frame.discussion is None or frame.version is None:
        return None
    user = request.user
    return fragments.key(
        "discussion-threads",
        FORMAT,
        frame.discussion.pk,
        frame.version,
        frame.group.pk,
        frame.group.slug,
        frame.document.pk,
        frame.document.slug,
        user.is_authenticated,
        astuple(frame.can),
        frame.locked,
        user.pk if frame.viewer_posted else None,
        frame.gate.sees_all,
        sorted(frame.gate.answered),
        [(q.pk, q.updated_at.isoformat(), q.answer_before_seeing) for q in frame.questions],
        _new_since(frame, seen_at),
        sorted((name, request.GET.getlist(name)) for name in request.GET),
        focus,
    )


# Every column of a post: what a thread's item shows of its posts is drawn from these
# (and the author's public name), so a thread's key names them all.
_POST_COLUMNS = tuple(f.attname for f in Post._meta.concrete_fields)
THREAD_ITEM = "discussions/_thread_item.html"


def _thread_shape(node: Node) -> list:
    """Everything a thread's item (`_thread_item.html`, `_post.html`) is rendered from,
    post by post in display order: the post's every column (its place in the tree, its
    text, its state) and its author's public name, and what the viewer's visit decides:
    their flags on it (`PostActions`, which say whether it is their own and what they may
    do), whether it is new to them, and on a root shown in part, how many replies are
    not shown and how many of those are new. (What the template reads besides, each
    node's level, reply count and where the thread is cut, follows from the posts
    listed.)"""
    shape, stack = [], [node]
    while stack:
        current = stack.pop()
        post = current.post
        shape.append(
            (
                current.is_new,
                current.more,
                current.more_new,
                astuple(current.can) if current.can is not None else None,
                post.author_name,
                tuple(getattr(post, name) for name in _POST_COLUMNS),
            )
        )
        stack.extend(reversed(current.children))
    return shape


def thread_key(frame: DiscussionFrame, node: Node) -> str:
    """The cache key of one thread's item as the page shows it: what it is rendered
    from (`_thread_shape`: its posts as read, the viewer's flags on each) and the page's
    flags and links (the viewer's standing, the group and the document; the lock shows
    through the posts' flags). Not the discussion's version: a post re-renders only the
    thread it is in."""
    group = frame.group
    return fragments.key(
        "discussion-thread",
        FORMAT,
        group.pk,
        group.slug,
        frame.document.pk,
        frame.document.slug,
        astuple(frame.can),
        _thread_shape(node),
    )


def thread_items(frame: DiscussionFrame, roots: list[Node]) -> None:
    """Give each of `roots` its rendered item (`node.html`), from the cache when a thread
    with the same key was rendered before, its forms' CSRF token as a placeholder."""
    template = None
    context = {
        "group": frame.group,
        "document": frame.document,
        "can": frame.can,
        "locked": frame.locked,
        "csrf_token": fragments.CSRF_PLACEHOLDER,
    }
    for node in roots:

        def render(node=node) -> str:
            nonlocal template
            template = template or get_template(THREAD_ITEM)
            return template.render(context | {"node": node})

        node.html = mark_safe(fragments.get_or_build(thread_key(frame, node), render))  # noqa: S308


# Stands for the composer's one-time key (`PostForm.key`, which makes a post sent twice one
# post) in the cached composer: each page gets its own.
FORM_KEY_PLACEHOLDER = fragments.placeholder("post-form-key")


def composer_key(request, frame: DiscussionFrame, form, *, preview: str) -> str | None:
    """The cache key of the page's composer (`discussions/document.html#composer`), or
    None when the form is not a blank one (what was typed, errors, a preview).

    It shows, by the viewer's standing (`can`, the lock): nothing, the muted notice, the
    new-post form with the curriculum's questions (and the one asked for in `?question=`),
    a non-member's notice or the log-in link back to this page."""
    if form is not None and (form.is_bound or set(form.initial) - {"key", "question"}):
        return None
    if preview:
        return None
    group = frame.group
    return fragments.key(
        "discussion-composer",
        FORMAT,
        group.pk,
        group.slug,
        group.name,
        frame.document.slug,
        request.path,
        request.user.is_authenticated,
        astuple(frame.can),
        frame.locked,
        form is not None,
        form.initial.get("question") if form is not None else None,
        [(q.pk, q.text) for q in frame.questions] if form is not None else None,
    )


def composer_fresh(form) -> dict[str, str]:
    """The composer's values of this request's own (`{% fragment … fresh %}`)."""
    return {FORM_KEY_PLACEHOLDER: str(form.initial["key"])} if form is not None else {}


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
        placeholder = fragments.CSRF_PLACEHOLDER

        def render() -> str:
            context = self.build() | {"csrf_token": placeholder}
            answers = [node for block in context["question_blocks"] for node in block.answers]
            thread_items(self.frame, answers + list(context["threads"]))
            return render_to_string(TEMPLATE, context, request=self.request)

        html = fragments.get_or_build(self.key, render)
        if placeholder in html:
            html = html.replace(placeholder, get_token(self.request))
        return html
