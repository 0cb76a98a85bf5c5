"""Markdown to safe HTML. The only module that imports bleach (see CONVENTIONS.md).

CommonMark through markdown-it-py with raw HTML disabled, then bleach with a strict
allowlist; bare URLs become links with rel="nofollow ugc noopener"; only http, https and
mailto links survive. Callers store the result (e.g. Post.body_html) so reading never
re-renders.
"""

from functools import partial

import bleach
from bleach.linkifier import LinkifyFilter
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "em",
        "strong",
        "a",
        "ul",
        "ol",
        "li",
        "blockquote",
        "code",
        "pre",
        "hr",
        "del",
        "s",
    }
)
LIMITED_TAGS = frozenset({"p", "br", "em", "strong", "a", "code", "ul", "ol", "li"})
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"], "ol": ["start"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
REL = "nofollow ugc noopener"

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    "strikethrough"
)


def _set_rel(attrs, new=False):
    href_key = (None, "href")
    if href_key in attrs:
        attrs[(None, "rel")] = REL
    return attrs


def _cleaner(tags: frozenset[str]) -> bleach.Cleaner:
    return bleach.Cleaner(
        tags=tags,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
        filters=[partial(LinkifyFilter, callbacks=[_set_rel], skip_tags={"pre", "code"})],
    )


_full = _cleaner(ALLOWED_TAGS)
_limited = _cleaner(LIMITED_TAGS)


def render_markdown(text: str, *, limited: bool = False) -> str:
    """Render user Markdown to sanitized HTML. `limited` allows only inline emphasis,
    links, code and lists (for discussion questions and short notes)."""
    html = _md.render(text or "")
    return (_limited if limited else _full).clean(html).strip()


def markdown_to_plain(text: str, *, limit: int = 0) -> str:
    """User Markdown as one line of plain text, for places that cannot show HTML (an
    <option>, a title attribute, an e-mail subject): rendered, then every tag dropped and
    entities decoded, so "*question*" reads "question". `limit` cuts at a word, with "…"."""
    import html as html_lib
    import re

    rendered = _md.render(text or "")
    rendered = re.sub(r"</?(?:em|strong|code|a|span|s|del|b|i)\b[^>]*>", "", rendered)
    plain = html_lib.unescape(re.sub(r"<[^>]+>", " ", rendered))
    plain = " ".join(plain.split())
    if limit and len(plain) > limit:
        plain = plain[: limit - 1].rsplit(" ", 1)[0].rstrip(",.;:") + "…"
    return plain
