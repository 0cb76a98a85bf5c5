"""The only way a view obtains a group's discussion or one of its posts.

Each function returns the object or raises Http404, the same answer for "missing" and
"not yours to see", so a private group's discussions cannot be discovered. Writing and
editing raise `Refused` (shown as a 403 with a plain message) only after reading is
allowed, so the refusal reveals nothing new.
"""

from dataclasses import dataclass
from functools import cache, wraps

from django.core.exceptions import PermissionDenied
from django.db import connections, router
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from studygroups.core.htmx import wants_partial
from studygroups.groups import access as groups_access
from studygroups.groups.models import Group
from studygroups.library.models import Document

from . import rules as discussion_rules
from .models import Discussion, Post


class Refused(PermissionDenied):
    """A plain-words refusal of something the user can see but not do."""


def refusals(view):
    """Turn `Refused` into a plain 403 page (or fragment) instead of a traceback."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Refused as exc:
            template = "discussions/refused.html"
            if wants_partial(request):
                template += "#message"
            return render(request, template, {"message": str(exc)}, status=403)

    return wrapper


@dataclass
class DiscussionContext:
    group: Group
    document: Document
    discussion: Discussion | None

    @property
    def locked(self) -> bool:
        return bool(self.discussion and self.discussion.is_locked)


# Reading a group's discussions is seeing the group: one access function for both.
access_group = groups_access.access_group


def access_discussion(user, group_slug: str, document_slug: str) -> DiscussionContext:
    """A group's discussion of a document, readable by `user`. The discussion itself may
    not exist yet (it is created with its first post)."""
    group = access_group(user, group_slug)
    # The document with this group's discussion of it (None when it has not started
    # yet), in one plain statement: on every view of the page, Django building the
    # equivalent query cost more than running it.
    using = router.db_for_read(Discussion)
    reader, sql = _discussion_statement(using)
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [group.pk, document_slug])
        row = cursor.fetchone()
    if row is None:
        raise Http404("No such document.")
    document, discussion = reader.instances(row)
    if discussion is not None:
        Discussion._meta.get_field("document").set_cached_value(discussion, document)
        discussion.group = group  # it carries the viewer's membership
    return DiscussionContext(group=group, document=document, discussion=discussion)


@cache
def _discussion_statement(using: str) -> tuple[groups_access.RowReader, str]:
    reader = groups_access.RowReader(using, (Document, "doc"), (Discussion, "disc"))
    qn = connections[using].ops.quote_name
    sql = (
        f"SELECT {reader.columns} FROM {qn(Document._meta.db_table)} doc"  # noqa: S608 - names from _meta
        f" LEFT JOIN {qn(Discussion._meta.db_table)} disc"
        " ON disc.document_id = doc.id AND disc.group_id = %s"
        " WHERE doc.slug = %s"
    )
    return reader, sql


def access_discussion_for_writing(user, group_slug: str, document_slug: str):
    context = access_discussion(user, group_slug, document_slug)
    require_write(user, context.group, context.discussion)
    return context


def access_discussion_for_following(user, group_slug: str, document_slug: str):
    """Following (or stopping) needs reading and active membership, not an unlocked
    discussion: a member must always be able to stop the e-mails of a locked one."""
    context = access_discussion(user, group_slug, document_slug)
    if not discussion_rules.can_write_discussion(user, context.group):
        raise Refused(_("Only members of this group can follow its discussions."))
    return context


def require_write(user, group: Group, discussion: Discussion | None) -> None:
    if not discussion_rules.can_write_discussion(user, group):
        raise Refused(_("Only members of this group can post in its discussions."))
    if discussion is not None and discussion.is_locked:
        raise Refused(_("This discussion is locked by a moderator; no new posts or edits."))


def access_post(user, group_slug: str, document_slug: str, post_id: int) -> Post:
    """A post of this group's discussion of this document that `user` can read.

    A post of another discussion is "not found" here, so a reply or an edit can never
    cross from one discussion (or group) to another.
    """
    context = access_discussion(user, group_slug, document_slug)
    post = None
    if context.discussion is not None:
        post = (
            Post.objects.select_related("author", "question")
            .filter(pk=post_id, discussion=context.discussion)
            .first()
        )
    if post is None:
        raise Http404("There is no such post in this discussion.")
    post.discussion = context.discussion
    if not discussion_rules.can_see_post(user, post):
        raise Http404("There is no such post in this discussion.")
    return post


def access_post_for_reply(user, group_slug, document_slug, post_id) -> Post:
    post = access_post(user, group_slug, document_slug, post_id)
    require_write(user, post.discussion.group, post.discussion)
    if post.is_deleted or post.is_hidden:
        raise Refused(_("That post was removed, so it cannot take new replies."))
    return post


def access_post_for_edit(user, group_slug, document_slug, post_id) -> Post:
    post = access_post(user, group_slug, document_slug, post_id)
    require_write(user, post.discussion.group, post.discussion)
    if not discussion_rules.can_edit_post(user, post):
        raise Refused(_("You can edit only your own posts."))
    return post


def access_post_for_delete(user, group_slug, document_slug, post_id) -> Post:
    post = access_post(user, group_slug, document_slug, post_id)
    if not discussion_rules.can_delete_post(user, post):
        raise Refused(_("You can delete only your own posts."))
    return post


def access_post_for_moderation(user, group_slug, document_slug, post_id) -> Post:
    post = access_post(user, group_slug, document_slug, post_id)
    if not discussion_rules.can_moderate_post(user, post):
        raise Refused(_("Only the group’s organizers and facilitators moderate its discussions."))
    return post


def access_discussion_for_export(user, group_slug: str, document_slug: str):
    context = access_discussion(user, group_slug, document_slug)
    if not discussion_rules.can_export_discussion(user, context.group):
        raise Refused(_("Only the group’s organizers can export its discussions."))
    return context
