"""A discussion as plain data (JSON) and as Markdown, for organizers."""

from django.utils.translation import gettext as _

from studygroups.groups.models import Group
from studygroups.library.models import Document

from .models import Discussion, Post


def export_rows(discussion: Discussion | None, parts) -> list[dict]:
    """Posts in display order as plain data (for JSON and Markdown). Deleted and hidden
    posts keep their place without their text."""
    if discussion is None:
        return []
    numbers = {item.anchor: item.number for part in parts for item in part.numbered()}
    rows = []
    for post in Post.objects.filter(discussion=discussion).for_display():
        removed = post.is_deleted or post.is_hidden
        rows.append(
            {
                "id": post.pk,
                "parent_id": post.parent_id,
                "depth": post.depth,
                "author": None if removed else post.author_name,
                "created_at": post.created_at.isoformat(),
                "edited_at": post.edited_at.isoformat() if post.edited_at else None,
                "anchor": post.anchor or None,
                "paragraph": numbers.get(post.anchor),
                "quote": post.quote or None,
                "question": post.question.text if post.question else None,
                "body": None if removed else post.body,
                "removed": removed,
            }
        )
    return rows


def export_markdown(*, group: Group, document: Document, rows: list[dict]) -> str:
    title = _("%(group)s: discussion of “%(title)s”") % {
        "group": group.name,
        "title": document.title,
    }
    lines = [f"# {title}", ""]
    for row in rows:
        indent = "  " * row["depth"]
        where = ""
        if row["paragraph"]:
            where = " " + _("on ¶%(number)s") % {"number": row["paragraph"]}
        who = row["author"] or _("(removed)")
        lines.append(f"{indent}- **{who}**, {row['created_at'][:16].replace('T', ' ')} UTC{where}")
        if row["question"]:
            answering = _("Answering: %(question)s") % {"question": row["question"]}
            lines.append(f"{indent}  {answering}")
        if row["quote"]:
            lines.append(f"{indent}  > {row['quote']}")
        body = row["body"] if row["body"] is not None else _("(This post was removed.)")
        for line in body.splitlines() or [""]:
            lines.append(f"{indent}  {line}".rstrip())
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# ------------------------------------------------------- W3C Web Annotation (JSON-LD)

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
ANNO_MEDIA_TYPE = f'application/ld+json; profile="{ANNO_CONTEXT}"'
FRAGMENT_CONFORMS_TO = "http://tools.ietf.org/rfc/rfc3986"  # an HTML #id fragment


def _iso(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _paragraph_target(post: Post, source: str) -> dict | str:
    """The post's target in the Web Annotation model.

    A post on a paragraph: the paragraph as a FragmentSelector (its `#p-…` id), refined by
    a TextPositionSelector (offsets within that paragraph's text), and, as an alternative
    selector, a TextQuoteSelector (exact + prefix + suffix), which re-anchors anywhere
    in the document. A post whose passage left the text keeps its TextQuoteSelector only;
    a post on the whole text targets the document itself."""
    quote = None
    if post.quote:
        quote = {"type": "TextQuoteSelector", "exact": post.quote}
        if post.quote_prefix:
            quote["prefix"] = post.quote_prefix
        if post.quote_suffix:
            quote["suffix"] = post.quote_suffix
    if post.anchor:
        fragment: dict = {
            "type": "FragmentSelector",
            "conformsTo": FRAGMENT_CONFORMS_TO,
            "value": post.anchor,
        }
        if quote and post.quote_start is not None and post.quote_end is not None:
            fragment["refinedBy"] = {
                "type": "TextPositionSelector",
                "start": post.quote_start,
                "end": post.quote_end,
            }
        return {"source": source, "selector": [fragment, quote] if quote else fragment}
    if quote:
        return {"source": source, "selector": quote}
    return source


def export_web_annotations(
    *,
    group: Group,
    document: Document,
    discussion: Discussion | None,
    absolute,
    collection_id: str,
) -> dict:
    """The discussion as a W3C Web Annotation collection (JSON-LD): one annotation per
    post, a reply being an annotation on the annotation it answers (motivation
    "replying"). `absolute(path)` makes an absolute IRI. Removed posts keep their place
    (replies target them) without body or creator."""
    source = absolute(document.get_absolute_url())
    items = []
    posts = [] if discussion is None else Post.objects.filter(discussion=discussion).for_display()
    ids: dict[int, str] = {}
    for post in posts:
        post.discussion = discussion
        ids[post.pk] = absolute(
            f"{discussion.get_absolute_url()}posts/{post.pk}/"  # the post's permalink
        )
        annotation: dict = {
            "@context": ANNO_CONTEXT,
            "id": ids[post.pk],
            "type": "Annotation",
            "motivation": "replying" if post.parent_id else "commenting",
            "created": _iso(post.created_at),
        }
        if post.edited_at:
            annotation["modified"] = _iso(post.edited_at)
        removed = post.is_deleted or post.is_hidden
        if not removed:
            annotation["creator"] = {"type": "Person", "name": post.author_name}
            annotation["body"] = {
                "type": "TextualBody",
                "value": post.body,
                "format": "text/markdown",
                "language": document.language or "en",
            }
        if post.parent_id:
            annotation["target"] = ids.get(post.parent_id) or absolute(
                f"{discussion.get_absolute_url()}posts/{post.parent_id}/"
            )
        else:
            annotation["target"] = _paragraph_target(post, source)
        items.append(annotation)
    return {
        "@context": ANNO_CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": f"{group.name}: discussion of “{document.title}”",
        "total": len(items),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }
