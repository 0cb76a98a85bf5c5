"""A discussion as plain data (JSON) and as Markdown, for organizers."""

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
    lines = [f"# {group.name}: discussion of “{document.title}”", ""]
    for row in rows:
        indent = "  " * row["depth"]
        where = f" on ¶{row['paragraph']}" if row["paragraph"] else ""
        who = row["author"] or "(removed)"
        lines.append(f"{indent}- **{who}**, {row['created_at'][:16].replace('T', ' ')} UTC{where}")
        if row["question"]:
            lines.append(f"{indent}  Answering: {row['question']}")
        if row["quote"]:
            lines.append(f"{indent}  > {row['quote']}")
        body = row["body"] if row["body"] is not None else "(This post was removed.)"
        for line in body.splitlines() or [""]:
            lines.append(f"{indent}  {line}".rstrip())
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
