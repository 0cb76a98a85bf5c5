"""The session pages that read the discussion: the facilitators' preparation sheet.
Separate from `views.py` because they belong to the sessions work, and groups (which owns
sessions) never imports discussions."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from studygroups.groups.access import access_session
from studygroups.groups.rules import can_see_series

from .prep import catch_up, prep_sheet


@login_required
@require_safe
def session_prep(request, group_slug, session_id):
    session = access_session(request.user, group_slug, session_id, role="facilitator")
    sheet = prep_sheet(session, show_units=bool(can_see_series(request.user, session.group)))
    return render(
        request,
        "discussions/session_prep.html",
        {"sheet": sheet, "session": session, "group": session.group},
    )


@login_required
@require_safe
def session_catch_up(request, group_slug, session_id):
    """For a member who missed a session: its minutes, what the discussion made of its
    readings, and the posts since, on one page."""
    session = access_session(request.user, group_slug, session_id, role="member")
    context = catch_up(session, show_units=bool(can_see_series(request.user, session.group)))
    return render(request, "discussions/session_catch_up.html", context)
