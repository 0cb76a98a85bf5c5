"""The only way a view obtains a group, session or invitation.

Each function returns the object or raises Http404: the same answer whether the thing is
missing or forbidden, so private groups cannot be discovered.
"""

from django.http import Http404

from .models import Group, Invitation, Membership, Session, SessionReading
from .rules import can_view_group, is_active_member, is_facilitator, is_organizer


def access_group(user, slug: str) -> Group:
    """The group, carrying the viewer's membership (`group.viewer_membership`), in one query."""
    group = Group.objects.with_viewer(user).select_related("curriculum").filter(slug=slug).first()
    if group is None or not can_view_group(user, group):
        raise Http404("No such group.")
    return group


def access_group_as_member(user, slug: str) -> Group:
    group = access_group(user, slug)
    if not is_active_member(user, group):
        raise Http404("No such group.")
    return group


def access_group_as_organizer(user, slug: str) -> Group:
    group = access_group(user, slug)
    if not is_organizer(user, group):
        raise Http404("No such group.")
    return group


def access_group_as_facilitator(user, slug: str) -> Group:
    group = access_group(user, slug)
    if not is_facilitator(user, group):
        raise Http404("No such group.")
    return group


def access_session(user, slug: str, session_id: int, *, role: str = "viewer") -> Session:
    """role: viewer (anyone who may see the group), member, facilitator or organizer."""
    finder = {
        "viewer": access_group,
        "member": access_group_as_member,
        "facilitator": access_group_as_facilitator,
        "organizer": access_group_as_organizer,
    }[role]
    group = finder(user, slug)
    session = Session.objects.filter(group=group, pk=session_id).first()
    if session is None:
        raise Http404("No such session.")
    session.group = group
    return session


def access_membership(user, slug: str, membership_id: int) -> Membership:
    """A membership of a group the user organizes."""
    group = access_group_as_organizer(user, slug)
    membership = (
        Membership.objects.select_related("user").filter(group=group, pk=membership_id).first()
    )
    if membership is None:
        raise Http404("No such member.")
    return membership


def access_invitation(token: str) -> Invitation:
    """By its secret token: holding the token is the permission to see the invitation."""
    invitation = Invitation.objects.select_related("group").filter(token=token).first()
    if invitation is None:
        raise Http404("No such invitation.")
    return invitation


def access_invitation_as_organizer(user, slug: str, invitation_id: int) -> Invitation:
    group = access_group_as_organizer(user, slug)
    invitation = Invitation.objects.filter(group=group, pk=invitation_id).first()
    if invitation is None:
        raise Http404("No such invitation.")
    return invitation


def access_session_reading(user, slug: str, session_id: int, reading_id: int) -> SessionReading:
    """An extra reading of a session of a group the user organizes."""
    session = access_session(user, slug, session_id, role="organizer")
    reading = SessionReading.objects.filter(session=session, pk=reading_id).first()
    if reading is None:
        raise Http404("No such reading.")
    reading.session = session
    return reading
