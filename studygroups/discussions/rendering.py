"""A post's Markdown to stored HTML, with @mentions of the group's members linked."""

import re

from django.urls import reverse

from studygroups.core.markdown import render_markdown
from studygroups.groups.models import Group, Membership

MENTION_RE = re.compile(r"(?<![\w@./\\\[])@([^\W_][\w.\-]*)", re.UNICODE)
CODE_RE = re.compile(r"(```[\s\S]*?```|`[^`\n]*`)")
MD_SPECIAL_RE = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~])")


def mention_handle(name: str) -> str:
    return re.sub(r"[\W_]+", "", name, flags=re.UNICODE).lower()


def member_url(group: Group, user_id: int) -> str:
    return reverse("discussions:member", kwargs={"group_slug": group.slug, "user_id": user_id})


def render_body(body: str, *, group: Group) -> tuple[str, list]:
    """Markdown to stored HTML, with @mentions of the group's active members linked.
    Returns (html, mentioned users). Mentions are written as Markdown links before
    rendering, so the sanitizer sees them like any other link."""
    members: dict[str, object] = {}
    if "@" in body:
        first_names: dict[str, list] = {}
        for membership in Membership.objects.active().filter(group=group).select_related("user"):
            user = membership.user
            members.setdefault(mention_handle(user.public_name), user)
            first = mention_handle(user.public_name.split()[0]) if user.public_name.split() else ""
            first_names.setdefault(first, []).append(user)
        # "@Ada" finds "Ada Lovelace" when no other member is called Ada.
        for handle, users in first_names.items():
            if handle and len(users) == 1:
                members.setdefault(handle, users[0])
    mentioned: dict[int, object] = {}

    def link(match: re.Match) -> str:
        handle = match.group(1).rstrip(".-")
        rest = match.group(1)[len(handle) :]
        user = members.get(mention_handle(handle))
        if user is None:
            return match.group(0)
        mentioned[user.pk] = user
        label = MD_SPECIAL_RE.sub(r"\\\1", "@" + user.public_name)
        return f"[{label}]({member_url(group, user.pk)}){rest}"

    pieces = CODE_RE.split(body)
    for i in range(0, len(pieces), 2):  # even pieces are outside code
        pieces[i] = MENTION_RE.sub(link, pieces[i])
    return render_markdown("".join(pieces)), list(mentioned.values())


def preview_html(*, body: str, group: Group) -> str:
    return render_body(body, group=group)[0]
