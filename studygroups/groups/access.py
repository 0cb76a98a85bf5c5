"""The only way a view obtains a group, session or invitation.

Each function returns the object or raises Http404: the same answer whether the thing is
missing or forbidden, so private groups cannot be discovered.
"""

from functools import cache

from django.db import connections, router
from django.http import Http404

from studygroups.curricula.models import Curriculum

from .models import Group, Invitation, Membership, Session, SessionReading
from .rules import can_view_group, is_active_member, is_facilitator, is_organizer


class RowReader:
    """Model instances from one row of a plain SQL statement: every concrete column of
    each model, in order, with the database's and the fields' converters applied (what
    the ORM does for its own rows). For the few statements run on every page, where
    Django building the SQL costs more than running it."""

    def __init__(self, using: str, *parts: tuple[type, str]):
        connection = connections[using]
        self.using = using
        self.parts = []
        columns = []
        for model, alias in parts:
            fields = model._meta.concrete_fields
            converters = []
            for field in fields:
                col = field.get_col(alias)
                found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
                converters.append((col, found))
            self.parts.append((model, [f.attname for f in fields], converters))
            columns += [f"{alias}.{connection.ops.quote_name(f.column)}" for f in fields]
        self.columns = ", ".join(columns)

    def instances(self, row) -> list:
        """One instance per model (None where its primary key is NULL: a LEFT JOIN that
        matched nothing)."""
        connection = connections[self.using]
        found, start = [], 0
        for model, names, converters in self.parts:
            values = list(row[start : start + len(names)])
            start += len(names)
            for i, (col, funcs) in enumerate(converters):
                for convert in funcs:
                    values[i] = convert(values[i], col, connection)
            pk = values[names.index(model._meta.pk.attname)]
            found.append(None if pk is None else model.from_db(self.using, names, values))
        return found


@cache
def _group_statement(using: str) -> tuple[RowReader, str]:
    reader = RowReader(using, (Group, "g"), (Curriculum, "c"), (Membership, "m"))
    qn = connections[using].ops.quote_name
    sql = (
        f"SELECT {reader.columns} FROM {qn(Group._meta.db_table)} g"  # noqa: S608 - names from _meta
        f" LEFT JOIN {qn(Curriculum._meta.db_table)} c ON c.id = g.curriculum_id"
        f" LEFT JOIN {qn(Membership._meta.db_table)} m ON m.group_id = g.id AND m.user_id = %s"
        " WHERE g.slug = %s"
    )
    return reader, sql


def group_with_viewer(user, slug: str) -> Group | None:
    """The group by its slug with its curriculum and the viewer's membership
    (`group.viewer_membership`, None when there is none; `group.viewer_id`), as
    `Group.objects.with_viewer(user).select_related("curriculum")` would give it, in one
    plain statement."""
    using = router.db_for_read(Group)
    reader, sql = _group_statement(using)
    viewer_id = user.pk if user and user.is_authenticated else None
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [viewer_id, slug])
        row = cursor.fetchone()
    if row is None:
        return None
    group, curriculum, membership = reader.instances(row)
    Group._meta.get_field("curriculum").set_cached_value(group, curriculum)
    group.viewer_id = viewer_id
    if viewer_id is not None:
        if membership is not None:
            Membership._meta.get_field("group").set_cached_value(membership, group)
        group.viewer_membership = membership
    return group


def access_group(user, slug: str) -> Group:
    """The group, carrying the viewer's membership (`group.viewer_membership`), in one query."""
    group = group_with_viewer(user, slug)
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
