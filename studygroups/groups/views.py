"""Thin views: parse input, call access_*, call a service or a selector, render."""

import time
from copy import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget
from django_ratelimit.decorators import ratelimit

from studygroups.core import fragments, versions
from studygroups.core.htmx import render_page, wants_partial
from studygroups.core.ratelimits import RATE
from studygroups.library.models import reading_minutes_for
from studygroups.moderation import selectors as moderation_selectors
from studygroups.notifications.language import recipient_language

from . import feeds, minutes, roster, selectors, sessions
from .access import (
    access_group,
    access_group_as_member,
    access_group_as_organizer,
    access_invitation,
    access_invitation_as_organizer,
    access_membership,
    access_session,
    access_session_reading,
)
from .calendar import build_calendar
from .forms import (
    AttendanceForm,
    GroupForm,
    InvitationForm,
    LibrarySearchForm,
    MemberActionForm,
    MinutesForm,
    ReadingChoiceForm,
    RSVPForm,
    ScheduleForm,
    SessionForm,
    document_from_address,
)
from .models import Group, Membership, SessionMinutes
from .readings import paragraph_options
from .rules import (
    can_facilitate_group,
    can_see_meeting_link,
    invitation_hides_group,
    is_active_member,
    membership_for,
)

PENDING_INVITATION = "groups_pending_invitation"


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


def role_changed_message(name: str, role: str) -> str:
    """One whole sentence per role (a role's name changes form inside a sentence)."""
    sentences = {
        Membership.Role.ORGANIZER: _("%(name)s is now an organizer."),
        Membership.Role.FACILITATOR: _("%(name)s is now a facilitator."),
        Membership.Role.MEMBER: _("%(name)s is now a member."),
    }
    return sentences[role] % {"name": name}


# ---------- directory, create, dashboard ----------


@require_safe
def group_list(request):
    return render(request, "groups/group_list.html", selectors.group_directory(request.user))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def group_create(request):
    form = GroupForm(
        request.POST or None,
        user=request.user,
        initial={
            "time_zone": request.user.time_zone or "UTC",
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            group = roster.group_create(creator=request.user, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("%(group)s is ready. Now schedule its sessions.") % {"group": group.name}
            )
            return redirect(group)
    return render(request, "groups/group_form.html", {"form": form, "group": None})


def _dashboard_context(user, pending_token) -> dict:
    context = selectors.dashboard(user, pending_token=pending_token)
    # Moderators see their groups' open reports here too (one query for all groups).
    counts = moderation_selectors.open_report_counts(
        m.group_id for m in context["memberships"] if m.can_facilitate
    )
    for m in context["memberships"]:
        m.open_reports = counts.get(m.group_id, 0)
    return context


# How long a member's cached dashboard may go on saying "5 minutes ago" or listing a
# session that has just begun: it is rendered again in the next minute.
DASHBOARD_CACHE_SECONDS = 60


@login_required
@require_safe
def dashboard(request):
    """Cached for its member (templates/groups/dashboard.html) under the data versions
    of everything it shows, and the minute; the queries run only when it is rendered."""
    pending_token = request.session.get(PENDING_INVITATION)
    numbers = versions.current_many("groups", "library")
    minute = int(time.time() // DASHBOARD_CACHE_SECONDS)
    context = fragments.lazy_fields(
        lambda: _dashboard_context(request.user, pending_token),
        ["memberships", "rows", "activity", "pending", "catch_up"],
    )
    context["fragment_key"] = (
        fragments.key("dashboard", numbers, request.user.pk, minute, pending_token)
        if numbers
        else None
    )
    return render(request, "groups/dashboard.html", context)


# ---------- group page, edit, join, leave ----------


@require_safe
def group_detail(request, slug):
    group = access_group(request.user, slug)
    context = selectors.group_page(request.user, group)
    context["can_moderate"] = bool(can_facilitate_group(request.user, group))
    if context["can_moderate"]:
        context["open_reports"] = moderation_selectors.open_report_count(group)
    return render(request, "groups/group_detail.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def group_edit(request, slug):
    group = access_group_as_organizer(request.user, slug)
    # The form and the service work on copies: a failed POST must not change the slug
    # (and so the links) of the group the page is about.
    form = GroupForm(request.POST or None, instance=copy(group), user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["slug"] = data.get("slug") or group.slug
        try:
            group = roster.group_update(group=copy(group), **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Group saved."))
            return redirect(group)
    return render(request, "groups/group_form.html", {"form": form, "group": group})


@login_required
@ratelimit(key="user", rate=RATE, method="POST", group="join")
@require_POST
def group_join(request, slug):
    group = access_group(request.user, slug)
    accepted = request.POST.get("accept_conduct") == "1"
    if group.code_of_conduct.strip() and not accepted:
        messages.error(request, roster.conduct_required())
        return redirect(group)
    try:
        membership = roster.membership_join(group=group, user=request.user, accept_conduct=accepted)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        if membership.is_active:
            messages.success(request, _("Welcome to %(group)s.") % {"group": group.name})
        else:
            messages.info(request, _("Your request was sent. An organizer will answer it."))
    return redirect(group)


@login_required
@require_POST
def group_leave(request, slug):
    group = access_group_as_member(request.user, slug)
    try:
        roster.membership_leave(membership=membership_for(request.user, group))
    except ValidationError as error:
        messages.error(request, _errors(error))
        return redirect(group)
    messages.success(request, _("You left %(group)s.") % {"group": group.name})
    if group.visibility == Group.Visibility.PRIVATE:
        return redirect("groups:dashboard")
    return redirect(group)


@login_required
@require_POST
def group_progress_privacy(request, slug):
    group = access_group_as_member(request.user, slug)
    hide = request.POST.get("hide_progress") == "on"
    roster.membership_set_hide_progress(membership=membership_for(request.user, group), hide=hide)
    messages.success(
        request,
        _("Organizers no longer see your reading progress.")
        if hide
        else _("Organizers can see your reading progress again."),
    )
    return redirect(group)


# ---------- members ----------


@login_required
@require_safe
def member_list(request, slug):
    group = access_group_as_organizer(request.user, slug)
    return render(request, "groups/member_list.html", selectors.member_list(request.user, group))


@login_required
@require_POST
def member_action(request, slug, membership_id):
    membership = access_membership(request.user, slug, membership_id)
    form = MemberActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to do with this member."))
        return redirect("groups:members", slug=slug)
    action, name = form.cleaned_data["action"], membership.user.public_name
    try:
        if action == "approve":
            roster.membership_approve(membership=membership)
            messages.success(request, _("%(name)s is now a member.") % {"name": name})
        elif action == "decline":
            roster.membership_decline(membership=membership)
            messages.success(request, _("%(name)s's request was declined.") % {"name": name})
        elif action == "role":
            role = form.cleaned_data.get("role") or ""
            roster.membership_set_role(membership=membership, role=role)
            messages.success(request, role_changed_message(name, membership.role))
        elif action == "remove":
            roster.membership_remove(membership=membership)
            messages.success(request, _("%(name)s was removed from the group.") % {"name": name})
    except ValidationError as error:
        messages.error(request, _errors(error))
    return redirect("groups:members", slug=slug)


# ---------- invitations ----------


@login_required
@ratelimit(key="user", rate=RATE, method="POST", group="invitation")
@require_http_methods(["GET", "HEAD", "POST"])
def invitation_list(request, slug):
    group = access_group_as_organizer(request.user, slug)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = roster.invitation_create(
                group=group,
                created_by=request.user,
                email=data["email"] or "",
                role=data["role"],
                expires_in_days=data["expires_in_days"] or None,
                max_uses=data["max_uses"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if invitation.email:
                messages.success(
                    request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
                )
            else:
                messages.success(request, _("Shareable link created. Copy it from the list below."))
            return redirect("groups:invitations", slug=slug)
    invitations = group.invitations.select_related("created_by")[:50]
    return render(
        request,
        "groups/invitation_list.html",
        {"group": group, "form": form, "invitations": invitations},
    )


@login_required
@require_POST
def invitation_revoke(request, slug, invitation_id):
    invitation = access_invitation_as_organizer(request.user, slug, invitation_id)
    roster.invitation_revoke(invitation=invitation)
    messages.success(request, _("The invitation no longer works."))
    return redirect("groups:invitations", slug=slug)


@require_http_methods(["GET", "HEAD", "POST"])
def invitation_detail(request, token):
    invitation = access_invitation(token)
    group = invitation.group
    problem = invitation.problem()
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={invitation.get_absolute_url()}")
        try:
            roster.invitation_accept(
                invitation=invitation,
                user=request.user,
                accept_conduct=request.POST.get("accept_conduct") == "1",
            )
        except ValidationError as error:
            messages.error(request, _errors(error))
            return redirect(invitation)
        request.session.pop(PENDING_INVITATION, None)
        messages.success(request, _("Welcome to %(group)s.") % {"group": group.name})
        return redirect(group)
    membership = membership_for(request.user, group)
    if membership and membership.is_active:
        request.session.pop(PENDING_INVITATION, None)
        return redirect(group)
    if not problem and not request.user.is_authenticated:
        # Finish joining after sign-up or log-in: the dashboard and this page pick it up.
        request.session[PENDING_INVITATION] = token
    status = 410 if problem else 200
    return render(
        request,
        "groups/invitation_detail.html",
        {
            "invitation": invitation,
            "group": group,
            "problem": problem,
            "hide_name": invitation_hides_group(invitation, problem=problem),
            "next": invitation.get_absolute_url(),
        },
        status=status,
    )


# ---------- sessions ----------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_create(request, slug):
    group = access_group_as_organizer(request.user, slug)
    form = SessionForm(request.POST or None, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            session = sessions.session_create(group=group, **form.session_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Session added."))
            return redirect(session)
    return render(request, "groups/session_form.html", {"form": form, "group": group})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_schedule(request, slug):
    group = access_group_as_organizer(request.user, slug)
    form = ScheduleForm(request.POST or None, group=group)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        units = form.units()
        try:
            scheduled = sessions.session_schedule(
                group=group,
                first_date=data["first_date"],
                weekday=data["weekday"],
                at=data["at"],
                duration=timezone.timedelta(minutes=data["duration_minutes"]),
                count=data.get("count") or None,
                interval=data["interval"],
                skip_dates=data["skip_dates"],
                units=units,
                place=data["place"],
                link=data["link"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s session scheduled.", "%(count)s sessions scheduled.", len(scheduled)
                )
                % {"count": len(scheduled)},
            )
            return redirect(group)
    return render(request, "groups/session_schedule.html", {"form": form, "group": group})


@require_safe
@vary_on_headers("HX-Request")
def session_detail(request, slug, session_id):
    session = access_session(request.user, slug, session_id)
    context = selectors.session_page(request.user, session)
    return render(request, "groups/session_detail.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_edit(request, slug, session_id):
    session = access_session(request.user, slug, session_id, role="organizer")
    form = SessionForm(
        request.POST or None, group=session.group, initial=SessionForm.initial_for(session)
    )
    if request.method == "POST" and form.is_valid():
        try:
            session = sessions.session_update(session=session, **form.session_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Session saved. Members were told if the time or place changed.")
            )
            return redirect(session)
    return render(
        request,
        "groups/session_form.html",
        {"form": form, "group": session.group, "session": session},
    )


@login_required
@require_POST
def session_cancel(request, slug, session_id):
    session = access_session(request.user, slug, session_id, role="organizer")
    sessions.session_cancel(session=session)
    messages.success(request, _("Session cancelled. Members were told by e-mail."))
    return redirect(session)


@login_required
@require_POST
def session_held(request, slug, session_id):
    session = access_session(request.user, slug, session_id, role="facilitator")
    try:
        sessions.session_mark_held(session=session)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("Marked as held."))
    return redirect(session)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_minutes(request, slug, session_id):
    session = access_session(request.user, slug, session_id, role="facilitator")
    existing = SessionMinutes.objects.filter(session=session).first()
    form = MinutesForm(request.POST or None, initial={"body": existing.body if existing else ""})
    if request.method == "POST" and form.is_valid():
        try:
            _written, missed = minutes.minutes_write(
                session=session, author=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if missed:
                message = ngettext(
                    "Minutes saved. %(count)s citation did not match a paragraph of the "
                    "readings and stays plain text.",
                    "Minutes saved. %(count)s citations did not match a paragraph of the "
                    "readings and stay plain text.",
                    missed,
                ) % {"count": missed}
            else:
                message = _("Minutes saved.")
            messages.success(request, message)
            return redirect(session.get_absolute_url() + "#minutes")
    return render(
        request,
        "groups/session_minutes_form.html",
        {"form": form, "group": session.group, "session": session, "existing": existing},
    )


@login_required
@require_POST
def session_rsvp(request, slug, session_id):
    session = access_session(request.user, slug, session_id, role="member")
    form = RSVPForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            sessions.rsvp_set(
                session=session, user=request.user, answer=form.cleaned_data["answer"]
            )
        except ValidationError as exc:
            error = _errors(exc)
    else:
        error = _("Choose going, maybe or not going.")
    if wants_partial(request):
        context = selectors.session_page(request.user, session) | {"rsvp_error": error}
        return render(request, "groups/session_detail.html#rsvp", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Thanks, your answer is saved."))
    return redirect(session)


@login_required
@require_POST
def session_progress(request, slug, session_id):
    session = access_session(request.user, slug, session_id, role="member")
    key = request.POST.get("reading", "")
    done = request.POST.get("done") == "1"
    error = ""
    try:
        sessions.reading_progress_set(session=session, user=request.user, key=key, done=done)
    except (ValidationError, ValueError):
        error = _("That reading is not assigned for this session.")
    if wants_partial(request):
        if error:
            return HttpResponse(error, status=400)
        context = selectors.session_page(request.user, session)
        item = next((i for i in context["readings"] if i.key == key), None)
        if item is None:
            return HttpResponse(_("That reading is not assigned for this session."), status=400)
        toggle = render_to_string(
            "groups/session_detail.html#reading-toggle",
            {"item": item, "session": session, "done": key in context["read"]},
            request=request,
        )
        if request.POST.get("next") == reverse("groups:dashboard"):
            # The dashboard card's "n of m read" and its bar, swapped out of band.
            row = {
                "readings": context["readings"],
                "minutes": context["minutes"],
                "read_count": sum(1 for i in context["readings"] if i.key in context["read"]),
            }
            toggle += render_to_string(
                "groups/dashboard.html#session-progress",
                {"session": session, "row": row, "oob": True},
            )
        return HttpResponse(toggle)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Marked as read.") if done else _("Marked as not read yet."))
    next_url = request.POST.get("next", "")
    if next_url == reverse("groups:dashboard"):
        return redirect(next_url)
    return redirect(session)


@login_required
@require_POST
def session_attendance(request, slug, session_id):
    session = access_session(request.user, slug, session_id, role="facilitator")
    members = selectors.active_members(session.group)
    form = AttendanceForm(request.POST, members=members)
    if not form.is_valid():
        messages.error(request, _("Tick the members who came."))
        return redirect(session)
    try:
        n = sessions.attendance_mark(
            session=session, marked_by=request.user, present_user_ids=form.cleaned_data["present"]
        )
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(
            request,
            ngettext(
                "Attendance saved: %(count)s member present.",
                "Attendance saved: %(count)s members present.",
                n,
            )
            % {"count": n},
        )
    return redirect(session)


READING_RESULTS = 10
PICKER = "groups/session_reading_picker.html"


def _readings_fragment(request, session, message: str):
    """The session page's readings part, redrawn after an htmx add or remove."""
    context = selectors.session_page(request.user, session) | {"readings_message": message}
    return render(request, "groups/session_detail.html#readings", context)


def _chooser_context(session, document, options, form) -> dict:
    context = {
        "group": session.group,
        "session": session,
        "document": document,
        "options": options,
        "form": form,
        "words": document.word_count,
        "minutes": reading_minutes_for(document.word_count, document.language),
        "first": None,
        "last": None,
        "whole": True,
    }
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        context.update(
            words=data["words"],
            minutes=reading_minutes_for(data["words"], document.language),
            first=data["first"],
            last=data["last"],
            whole=data["first"] is None,
        )
    return context


@login_required
@require_safe
@vary_on_headers("HX-Request")
def session_reading_search(request, slug, session_id):
    session = access_session(request.user, slug, session_id, role="organizer")
    form = LibrarySearchForm(request.GET)
    q, results, more, search_error = "", [], False, ""
    if form.is_valid():
        q = form.cleaned_data["q"].strip()
    else:
        search_error = " ".join(form.errors["q"])
    if q:
        results, more = selectors.library_search(q, limit=READING_RESULTS)
    return render_page(
        request,
        PICKER,
        {
            "group": session.group,
            "session": session,
            "q": q,
            "results": results,
            "more": more,
            "search_error": search_error,
        },
        partial="results",
    )


@login_required
@require_safe
@vary_on_headers("HX-Request")
def session_reading_choose(request, slug, session_id):
    session = access_session(request.user, slug, session_id, role="organizer")
    if not request.GET.get("document", "").strip():
        return render(request, PICKER, {"group": session.group, "session": session, "q": ""})
    document = document_from_address(request.GET["document"])
    if document is None:
        raise Http404("No such document.")
    options = paragraph_options(document)
    chosen = any(k in request.GET for k in ("extent", "start_anchor", "end_anchor"))
    form = ReadingChoiceForm(
        request.GET if chosen else None,
        document=document,
        options=options,
        initial={
            "extent": ReadingChoiceForm.WHOLE,
            "start_anchor": options[0].anchor if options else "",
            "end_anchor": options[-1].anchor if options else "",
        },
    )
    context = _chooser_context(session, document, options, form)
    if request.GET.get("preview") and wants_partial(request):
        return render_page(request, PICKER, context | {"preview": True}, partial="reading-time")
    return render_page(request, PICKER, context, partial="chooser")


@login_required
@require_POST
def session_add_reading(request, slug, session_id):
    """Assign a document or a range. Takes the picker's fields (document slug, extent,
    start_anchor, end_anchor, note) and the older form's (a document address instead of
    a slug, no extent)."""
    session = access_session(request.user, slug, session_id, role="organizer")
    document = document_from_address(request.POST.get("document", ""))
    if document is None:
        error = _("No document in the library has that address.")
        if wants_partial(request):
            return HttpResponse(error, status=400)
        messages.error(request, error)
        return redirect(session)
    options = paragraph_options(document)
    form = ReadingChoiceForm(request.POST, document=document, options=options)
    # "Show reading time" without JavaScript: the same form, answered without saving
    # (posted, so the CSRF token never lands in an address bar or a server log).
    if request.POST.get("show_time"):
        context = _chooser_context(session, document, options, form) | {"preview": True}
        if wants_partial(request):  # the reading time alone, in place
            response = render(request, PICKER + "#reading-time", context)
            return reswap(retarget(response, "#reading-time"), "outerHTML")
        return render(request, PICKER, context)
    if form.is_valid():
        data = form.cleaned_data
        try:
            sessions.session_add_reading(
                session=session,
                document=document,
                start_anchor=data["start_anchor"],
                end_anchor=data["end_anchor"],
                note=data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            message = _("“%(title)s” is assigned for this session.") % {"title": document.title}
            if wants_partial(request):
                return _readings_fragment(request, session, message)
            messages.success(request, message)
            return redirect(session.get_absolute_url() + "#readings")
    context = _chooser_context(session, document, options, form)
    if wants_partial(request):
        response = render(request, PICKER + "#chooser", context)
        return reswap(retarget(response, "#reading-chooser"), "outerHTML")
    return render(request, PICKER, context)


@login_required
@require_POST
def session_remove_reading(request, slug, session_id, reading_id):
    reading = access_session_reading(request.user, slug, session_id, reading_id)
    sessions.session_remove_reading(reading=reading)
    message = _("“%(title)s” is no longer assigned.") % {"title": reading.document_title}
    if wants_partial(request):
        return _readings_fragment(request, reading.session, message)
    messages.success(request, message)
    return redirect(reading.session.get_absolute_url() + "#readings")


# ---------- calendars ----------


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_safe
def session_ics(request, slug, session_id):
    session = selectors.session_for_calendar(access_session(request.user, slug, session_id))
    group = session.group
    is_member = bool(is_active_member(request.user, group))
    body = build_calendar(
        [session],
        name=group.name,
        include_link=bool(can_see_meeting_link(request.user, group)),
        viewer=request.user,
        answers=selectors.calendar_answers(request.user, [session]) if is_member else None,
    )
    return _ics_response(body, f"{session.group.slug}-{session.pk}.ics")


@require_safe
def calendar_feed(request, token):
    found = selectors.calendar_feed(token)
    if found is None:
        raise Http404("No such calendar.")
    feed, sessions = found
    sessions = list(sessions)
    # No browser to ask: the feed's owner's language, else its group's, else the site's.
    with recipient_language(feed.user, feed.group):
        name = feed.group.name if feed.group_id else _("My study groups")
    body = build_calendar(
        sessions,
        name=name,
        include_link=True,
        viewer=feed.user,
        answers=selectors.calendar_answers(feed.user, sessions),
        in_recipient_language=True,
    )
    return _ics_response(body, "study-groups.ics")


@login_required
@require_safe
def settings_view(request):
    """Calendar subscriptions. E-mail choices live on `notifications:settings`."""
    groups = [
        m.group
        for m in Membership.objects.active()
        .filter(user=request.user)
        .select_related("group")
        .order_by("group__name")
    ]
    tokens = feeds.feed_tokens_get(user=request.user, groups=groups)
    feed = tokens[None]
    group_feeds = [(group, tokens[group.pk]) for group in groups]
    return render(
        request,
        "groups/settings.html",
        {"feed": feed, "group_feeds": group_feeds},
    )


@login_required
@require_POST
def feed_reset(request):
    group = None
    if request.POST.get("group"):
        group = access_group_as_member(request.user, request.POST["group"])
    feeds.feed_token_reset(user=request.user, group=group)
    messages.success(
        request, _("New calendar address made. The old one no longer works; subscribe again.")
    )
    return redirect("groups:settings")
