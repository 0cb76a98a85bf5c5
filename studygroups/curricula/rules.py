"""Permission predicates for reading series, reused by views, fragments, packets and demo.

The one place `curricula` imports `groups`: a private series is readable by the members
of the groups that follow it, and its facilitator notes by their facilitators, so these
rules must know a group's memberships (`Membership`). Nothing else in curricula may.

Each predicate takes (user, curriculum). Owner ids and the user's roles in groups using the
curriculum are cached on the curriculum object, so a page asking several questions runs
at most two queries.
"""

import rules

from studygroups.groups.models import Membership

from .models import Curriculum


def owner_ids(curriculum: Curriculum) -> set[int]:
    cached = getattr(curriculum, "_owner_ids", None)
    if cached is None:
        cached = set(curriculum.owners.values_list("pk", flat=True))
        curriculum._owner_ids = cached
    return cached


def group_roles(user, curriculum: Curriculum) -> set[str]:
    """The user's roles in active memberships of groups that use this curriculum."""
    if not user or not user.is_authenticated:
        return set()
    cache = getattr(curriculum, "_group_roles", None)
    if cache is None:
        cache = {}
        curriculum._group_roles = cache
    if user.pk not in cache:
        cache[user.pk] = set(
            Membership.objects.filter(
                user=user, state=Membership.State.ACTIVE, group__curriculum=curriculum
            ).values_list("role", flat=True)
        )
    return cache[user.pk]


def prime(curriculum: Curriculum, user, *, owner_ids: set[int], roles: set[str]) -> None:
    """Give the predicates what a selector already loaded for a list of series, so they
    ask no more: the owners' ids and `user`'s roles in active memberships of groups that
    use the series."""
    curriculum._owner_ids = set(owner_ids)
    if user and user.is_authenticated:
        cache = getattr(curriculum, "_group_roles", None)
        if cache is None:
            cache = curriculum._group_roles = {}
        cache[user.pk] = set(roles)


@rules.predicate
def is_owner(user, curriculum: Curriculum) -> bool:
    return bool(user and user.is_authenticated and user.pk in owner_ids(curriculum))


@rules.predicate
def is_published(user, curriculum: Curriculum) -> bool:
    return curriculum.status == Curriculum.Status.PUBLISHED


@rules.predicate
def is_public(user, curriculum: Curriculum) -> bool:
    return curriculum.visibility == Curriculum.Visibility.PUBLIC


@rules.predicate
def is_group_member(user, curriculum: Curriculum) -> bool:
    return bool(group_roles(user, curriculum))


@rules.predicate
def is_group_facilitator(user, curriculum: Curriculum) -> bool:
    roles = group_roles(user, curriculum)
    return bool(roles & {Membership.Role.ORGANIZER, Membership.Role.FACILITATOR})


@rules.predicate
def shares_notes(user, curriculum: Curriculum) -> bool:
    """The owners chose to share facilitator notes with the groups following the series."""
    return curriculum.share_notes_with_groups


@rules.predicate
def is_authenticated(user, curriculum: Curriculum) -> bool:
    return bool(user and user.is_authenticated)


# Drafts are for their owners only; a published private series also for its groups.
can_view_curriculum = is_owner | (is_published & (is_public | is_group_member))
can_edit_curriculum = is_owner
# Notes are the owners'; anyone can start a group on a public series, so being its
# organizer is not enough: the owners must also have chosen to share them with groups.
can_see_facilitator_notes = is_owner | (is_published & shares_notes & is_group_facilitator)
can_fork_curriculum = is_authenticated & is_published & is_public
