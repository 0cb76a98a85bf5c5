"""Who may do what in a group's discussions: the one place these rules live.

Predicates take (user, group), (user, post) or (user, membership). Reading follows the
group: a private group's discussions are for its active members; a public or unlisted
group's are readable by anyone. Writing is for active members. Organizers and
facilitators moderate; organizers export.

A post's predicates read `post.discussion.group`; obtained through `access.py` or a
selector, that group carries the viewer's membership, so asking costs no query.
Templates never ask: views and selectors turn these answers into flags (`PostActions`,
`DiscussionActions`) that templates only read.
"""

from dataclasses import dataclass, field

import rules

from studygroups.groups.rules import (
    can_see_members,
    is_active_member,
    is_facilitator,
    is_muted,
    is_organizer,
)

from .models import Post
from .questions import answer_gate

can_write_discussion = is_active_member
can_moderate_discussion = is_facilitator
can_export_discussion = is_organizer


# ----------------------------------------------------------------------------- posts


@rules.predicate
def is_post_author(user, post) -> bool:
    return bool(user and user.is_authenticated and post.author_id == user.pk)


@rules.predicate
def post_is_live(user, post) -> bool:
    return post.deleted_at is None and post.hidden_at is None


@rules.predicate
def author_still_member(user, post) -> bool:
    """The user (the post's author, where combined with `is_post_author`) is an active
    member of the post's group."""
    return is_active_member(user, post.discussion.group)


@rules.predicate
def discussion_is_open(user, post) -> bool:
    return not post.discussion.is_locked


@rules.predicate
def author_not_muted(user, post) -> bool:
    return not is_muted(user, post.discussion.group)


@rules.predicate
def can_moderate_post(user, post) -> bool:
    return is_facilitator(user, post.discussion.group)


@rules.predicate
def can_see_post(user, post) -> bool:
    """False when `post` is in the thread of an answer `user` may not see yet (a question
    that asks for an answer before showing the others')."""
    root = post
    if post.parent_id is not None:
        root = Post.objects.select_related("question").get(pk=post.root_id)
    if root.question_id is None or not root.question.answer_before_seeing:
        return True
    return not answer_gate(user, post.discussion, post.discussion.group).hides(root)


can_reply_post = author_still_member & author_not_muted & discussion_is_open & post_is_live
can_edit_post = (
    is_post_author & post_is_live & author_still_member & author_not_muted & discussion_is_open
)
# A moderator pins a live top-level post; the author of a hidden post sees it, and why.
can_pin_post = can_moderate_post & post_is_live
# An author deletes their own post; a moderator removing someone else's post is a
# moderation action (moderation's `post_remove`, which logs it).
can_delete_post = is_post_author & author_still_member
can_remove_post = can_moderate_post & ~is_post_author
# Reporting is for members, about a live post of someone else.
can_report_post = author_still_member & ~is_post_author & post_is_live


@dataclass(frozen=True)
class PostActions:
    """What the viewer may do with one post: the flags `_post.html` reads."""

    reply: bool = False
    edit: bool = False
    delete: bool = False
    remove: bool = False
    report: bool = False
    moderate: bool = False
    # The viewer wrote it (they see it, and why, when a moderator hid it). Not part of
    # equality: it says whose post it is, not what may be done with it.
    own: bool = field(default=False, compare=False)


NO_ACTIONS = PostActions()


def post_actions(user, post) -> PostActions:
    """The flags of one post (nothing on a deleted post: it keeps only its place)."""
    if post.deleted_at is not None:
        return NO_ACTIONS
    return PostActions(
        reply=can_reply_post(user, post),
        edit=can_edit_post(user, post),
        delete=can_delete_post(user, post),
        remove=can_remove_post(user, post),
        report=can_report_post(user, post),
        moderate=can_moderate_post(user, post),
        own=is_post_author(user, post),
    )


# ------------------------------------------------------------------------ discussions


@dataclass(frozen=True)
class DiscussionActions:
    """What the viewer may do in a group's discussions: the page flags templates read
    (`can.write`, `can.post`, …). `post` is `write` in a discussion that is not locked."""

    write: bool = False
    post: bool = False
    moderate: bool = False
    export: bool = False
    muted: bool = False


def discussion_actions(user, group, *, locked: bool = False) -> DiscussionActions:
    write = can_write_discussion(user, group)
    muted = bool(write and is_muted(user, group))
    return DiscussionActions(
        write=write,
        post=write and not locked and not muted,
        muted=muted,
        moderate=can_moderate_discussion(user, group),
        export=can_export_discussion(user, group),
    )


# ---------------------------------------------------------------------------- members


@rules.predicate
def is_self(user, membership) -> bool:
    return bool(user and user.is_authenticated and membership.user_id == user.pk)


@rules.predicate
def group_lists_members(user, membership) -> bool:
    return can_see_members(user, membership.group)


@rules.predicate
def member_list_shown(user, membership) -> bool:
    return not membership.group.hide_member_list


# A member's page (where an @mention leads), for anyone who can see the group: hidden
# with the member list, except from organizers and from the member themselves. Wider
# than `groups.rules.can_see_members`, which also hides an unlisted group's members
# from non-members and a hidden list from the members on it.
can_see_member = is_self | group_lists_members | member_list_shown
