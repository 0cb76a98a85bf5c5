"""Writes about who is in a group: groups, memberships and invitations."""

import datetime as dt
import logging
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from studygroups.notifications.models import Kind
from studygroups.notifications.services import email_allowed

from . import emails
from .activity import activity_record
from .models import RESERVED_GROUP_SLUGS, Group, GroupActivity, Invitation, Membership

logger = logging.getLogger(__name__)


LAST_ORGANIZER = gettext_lazy(
    "A group must keep at least one organizer. Make someone else an organizer first."
)


def _unique_slug(name: str) -> str:
    base = slugify(name)[:120] or "group"
    slug, n = base, 2
    while slug in RESERVED_GROUP_SLUGS or Group.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


# ---------- groups ----------


@transaction.atomic
def group_create(*, creator, name: str, slug: str = "", **fields) -> Group:
    group = Group(name=name, slug=slug or _unique_slug(name), **fields)
    group.full_clean()
    group.save()
    Membership.objects.create(
        group=group, user=creator, role=Membership.Role.ORGANIZER, state=Membership.State.ACTIVE
    )
    activity_record(
        group,
        GroupActivity.Kind.GROUP_CREATED,
        text="group_created",
        member=creator.public_name,
        group=name,
    )
    return group


@transaction.atomic
def group_update(*, group: Group, **fields) -> Group:
    for name, value in fields.items():
        setattr(group, name, value)
    group.full_clean()
    group.save()
    return group


# ---------- memberships ----------


def _lock_organizers(group: Group) -> list[Membership]:
    return list(
        Membership.objects.select_for_update().filter(
            group=group, role=Membership.Role.ORGANIZER, state=Membership.State.ACTIVE
        )
    )


def _ensure_other_organizer(membership: Membership) -> None:
    """Refuse a change that would leave the group without an active organizer."""
    organizers = _lock_organizers(membership.group)
    if membership.can_organize and not any(m.pk != membership.pk for m in organizers):
        raise ValidationError(str(LAST_ORGANIZER))


def _activate(membership: Membership, role: str | None = None) -> None:
    was_active = membership.is_active
    membership.state = Membership.State.ACTIVE
    if role:
        membership.role = role
    membership.full_clean()
    membership.save()
    if not was_active:
        activity_record(
            membership.group,
            GroupActivity.Kind.MEMBER_JOINED,
            text="member_joined",
            member=membership.user.public_name,
            group=membership.group.name,
        )


BANNED = gettext_lazy("A moderator banned you from this group, so you cannot rejoin it.")


def _locked_membership(group: Group, user) -> Membership | None:
    return Membership.objects.select_for_update().filter(group=group, user=user).first()


CONDUCT_REQUIRED = gettext_lazy("Read the group's code of conduct and tick the box to accept it.")
CONDUCT_NOT_ACCEPTED = gettext_lazy(
    "This request was made without accepting the group's code of conduct. The person can "
    "ask again from the group page, accepting it; then approve the new request."
)


def conduct_required() -> str:
    return str(CONDUCT_REQUIRED)


def membership_join(*, group: Group, user, accept_conduct: bool = False) -> Membership:
    """Join an open group, or ask to join a group that approves requests. Safe when two
    requests join at once: the one whose insert loses the race reads the winner's row.
    Where the group has a code of conduct, joining (or asking to) requires
    `accept_conduct`, and the time of acceptance is recorded."""
    try:
        return _membership_join(group=group, user=user, accept_conduct=accept_conduct)
    except IntegrityError:
        return _membership_join(group=group, user=user, accept_conduct=accept_conduct)


@transaction.atomic
def _membership_join(*, group: Group, user, accept_conduct: bool = False) -> Membership:
    membership = _locked_membership(group, user)
    if membership and membership.is_active:
        return membership
    if membership and membership.state == Membership.State.BANNED:
        raise ValidationError(str(BANNED))
    if membership and membership.state == Membership.State.REMOVED:
        raise ValidationError(_("An organizer removed you from this group, so you cannot rejoin."))
    if group.join_policy == Group.JoinPolicy.INVITATION:
        raise ValidationError(_("This group is by invitation only. Ask an organizer for a link."))
    if group.code_of_conduct.strip() and not accept_conduct:
        raise ValidationError(str(CONDUCT_REQUIRED))
    if membership is None:
        membership = Membership(group=group, user=user, role=Membership.Role.MEMBER)
    if accept_conduct and group.code_of_conduct.strip():
        membership.conduct_accepted_at = timezone.now()
    if group.join_policy == Group.JoinPolicy.OPEN:
        membership.role = Membership.Role.MEMBER
        _activate(membership)
    else:
        membership.state = Membership.State.REQUESTED
        membership.full_clean()
        membership.save()
    return membership


@transaction.atomic
def membership_leave(*, membership: Membership) -> Membership:
    if membership.state in {
        Membership.State.LEFT,
        Membership.State.REMOVED,
        Membership.State.BANNED,
    }:
        return membership
    _ensure_other_organizer(membership)
    membership.state = Membership.State.LEFT
    membership.save(update_fields=["state", "updated_at"])
    return membership


@transaction.atomic
def membership_approve(*, membership: Membership) -> Membership:
    if membership.state != Membership.State.REQUESTED:
        if membership.is_active:
            return membership
        raise ValidationError(_("Only a request to join can be approved."))
    if membership.group.code_of_conduct.strip() and membership.conduct_accepted_at is None:
        raise ValidationError(str(CONDUCT_NOT_ACCEPTED))
    _activate(membership)
    return membership


@transaction.atomic
def membership_decline(*, membership: Membership) -> Membership:
    if membership.state != Membership.State.REQUESTED:
        return membership
    membership.delete()
    return membership


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str) -> Membership:
    if role not in Membership.Role.values:
        raise ValidationError(_("Choose organizer, facilitator or member."))
    if role == membership.role:
        return membership
    if role != Membership.Role.ORGANIZER:
        _ensure_other_organizer(membership)
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> Membership:
    if membership.state in {Membership.State.REMOVED, Membership.State.BANNED}:
        return membership
    _ensure_other_organizer(membership)
    membership.state = Membership.State.REMOVED
    membership.save(update_fields=["state", "updated_at"])
    return membership


@transaction.atomic
def membership_set_hide_progress(*, membership: Membership, hide: bool) -> Membership:
    membership.hide_progress = hide
    membership.save(update_fields=["hide_progress", "updated_at"])
    return membership


# ---------- invitations ----------


@transaction.atomic
def invitation_create(
    *,
    group: Group,
    created_by,
    email: str = "",
    role: str = Membership.Role.MEMBER,
    expires_in_days: int | None = 14,
    max_uses: int | None = None,
) -> Invitation:
    invitation = Invitation(
        group=group,
        created_by=created_by,
        token=secrets.token_urlsafe(24),
        email=email.strip().lower(),
        role=role,
        expires_at=timezone.now() + dt.timedelta(days=expires_in_days) if expires_in_days else None,
        max_uses=1 if email else max_uses,
    )
    invitation.full_clean()
    invitation.save()
    if invitation.email and email_allowed(kind=Kind.INVITATIONS, address=invitation.email):
        transaction.on_commit(lambda: _send_invitation(invitation))
    return invitation


def _send_invitation(invitation: Invitation) -> None:
    try:
        emails.send(
            to=invitation.email,
            subject=lambda: (
                _("You are invited to join %(group)s") % {"group": invitation.group.name}
            ),
            template="invitation",
            context={
                "invitation": invitation,
                "group": invitation.group,
                "url": emails.absolute(invitation.get_absolute_url()),
            },
            kind=Kind.INVITATIONS,
        )
    except Exception:
        logger.exception("Could not send invitation %s", invitation.pk)


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> Invitation:
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


def _refuse_removed(invitation: Invitation, membership: Membership, user) -> None:
    """Only a personal invitation sent after the removal brings a removed member back;
    an older or shareable link does not (membership_join refuses them too)."""
    personal_and_newer = (
        invitation.email
        and invitation.email == user.email.lower()
        and invitation.created_at > membership.updated_at
    )
    if not personal_and_newer:
        raise ValidationError(
            _("An organizer removed you from this group, so this invitation does not work for you.")
        )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user, accept_conduct: bool = False) -> Membership:
    """Join through `invitation`. Where the group has a code of conduct, only with
    `accept_conduct` (the invitation page shows the code and asks for the tick)."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    existing = Membership.objects.filter(group=invitation.group, user=user).first()
    if existing and existing.is_active:
        return existing
    problem = invitation.problem()
    if problem:
        raise ValidationError(problem)
    if invitation.email and invitation.email != user.email.lower():
        raise ValidationError(
            _(
                "This invitation was sent to %(email)s. Log in with that address to "
                "accept it, or ask an organizer for a shareable link."
            )
            % {"email": invitation.email}
        )
    if existing is not None and existing.state == Membership.State.BANNED:
        raise ValidationError(str(BANNED))
    if existing is not None and existing.state == Membership.State.REMOVED:
        _refuse_removed(invitation, existing, user)
    if existing is None:
        existing = Membership(group=invitation.group, user=user)
    if invitation.group.code_of_conduct.strip():
        if not accept_conduct:
            raise ValidationError(str(CONDUCT_REQUIRED))
        existing.conduct_accepted_at = timezone.now()
    _activate(existing, role=invitation.role)
    invitation.uses += 1
    invitation.save(update_fields=["uses"])
    return existing
