"""Who may do what in a group's discussions. Predicates take (user, group) or (user, post).

Reading follows the group: a private group's discussions are for its active members; a
public or unlisted group's are readable by anyone. Writing is for active members.
Organizers and facilitators moderate; organizers export.
"""

import rules

from studygroups.groups.rules import can_view_group, is_active_member, is_facilitator, is_organizer

can_read_discussion = can_view_group
can_write_discussion = is_active_member
can_moderate_discussion = is_facilitator
can_export_discussion = is_organizer


@rules.predicate
def is_post_author(user, post) -> bool:
    return bool(user and user.is_authenticated and post.author_id == user.pk)


@rules.predicate
def post_is_live(user, post) -> bool:
    return post.deleted_at is None and post.hidden_at is None


@rules.predicate
def author_still_member(user, post) -> bool:
    return is_active_member(user, post.discussion.group)


can_edit_post = is_post_author & post_is_live & author_still_member


@rules.predicate
def can_moderate_post(user, post) -> bool:
    return is_facilitator(user, post.discussion.group)


can_delete_post = (is_post_author & author_still_member) | can_moderate_post

rules.add_perm("discussions.read_discussion", can_read_discussion)
rules.add_perm("discussions.write_discussion", can_write_discussion)
rules.add_perm("discussions.moderate_discussion", can_moderate_discussion)
rules.add_perm("discussions.export_discussion", can_export_discussion)
rules.add_perm("discussions.edit_post", can_edit_post)
rules.add_perm("discussions.delete_post", can_delete_post)
