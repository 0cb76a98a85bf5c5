"""Moderation pages. Organizers and facilitators of a group moderate its discussions.
Discussions are reached only through their public `access`, `selectors` and
`fragments`; discussions never import moderation."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_ratelimit.decorators import ratelimit

from studygroups.core.htmx import wants_partial
from studygroups.core.ratelimits import RATE
from studygroups.discussions import fragments
from studygroups.discussions import rules as discussion_rules
from studygroups.discussions.access import refusals
from studygroups.discussions.selectors import post_url

from . import access, selectors, services
from .forms import (
    ActionForm,
    AppealDecisionForm,
    AppealForm,
    HideForm,
    MuteForm,
    ReportForm,
    SlowModeForm,
)
from .models import Appeal, ModerationAction


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _from_staff_queue(request) -> bool:
    return request.POST.get("queue") == "staff" and bool(request.user.is_staff)


def _queue_item(request, group, report_id, *, form=None, done: str = ""):
    """The queue's one report, redrawn in place after an action taken from the queue (the
    group's queue, or site staff's: the form says which)."""
    staff = _from_staff_queue(request)
    report = selectors.report_for_queue(group, report_id, request.user, staff=staff)
    if report is None:
        raise Http404(_("No such report."))
    context = {
        "group": None if staff else group,
        "r": report,
        "form": form,
        "done": done,
        "staff": staff,
        "queue_url": selectors.queue_url(group, staff=staff),
    }
    context |= selectors.action_forms()
    return render(request, "moderation/queue.html#report-item", context)


def _awaiting_item(request, group, post, *, form=None, done: str = ""):
    """A post held for approval, redrawn in the group's queue after it was decided."""
    context = {
        "group": group,
        "p": selectors.awaiting_for_queue(group, post.pk),
        "form": form,
        "done": done,
        "queue_url": selectors.queue_url(group, staff=False),
    }
    return render(request, "moderation/queue.html#awaiting-item", context)


def _run(form, do) -> bool:
    """Run `do(form.cleaned_data)` on a valid form; a refusal from the service becomes a
    form error. Returns whether the action went through."""
    if not form.is_valid():
        return False
    try:
        do(form.cleaned_data)
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return False
    return True


def _answer(request, group, form, ok: bool, *, message: str, default_next: str, page):
    """The one way an action answers. From a queue item with htmx: the item redrawn (with
    the result, or the form's errors). Without JavaScript: a message and a redirect back
    (to the queue the form came from), or `page(form)`, the tools page with the errors."""
    report_id = request.POST.get("report")
    if wants_partial(request) and report_id:
        if ok:
            return _queue_item(request, group, report_id, done=message)
        # 200: htmx swaps only successful answers, and this one carries the errors.
        return _queue_item(request, group, report_id, form=form)
    if ok:
        messages.success(request, message)
        return redirect(_safe_next(request, default_next))
    return page(form)


def _post_action(request, post, form, do, *, message: str):
    """An action on one post, answered as `_answer` says; htmx elsewhere than the queue
    (the post's own page) gets the post redrawn."""
    group = post.discussion.group
    ok = _run(form, do)
    if wants_partial(request) and request.POST.get("awaiting") and post.pk:
        if ok:
            return _awaiting_item(request, group, post, done=message)
        return _awaiting_item(request, group, post, form=form)
    if ok and wants_partial(request) and not request.POST.get("report"):
        return fragments.post_response(request, post, message=message, margin=False)

    def page(bad_form):
        return render(
            request,
            "moderation/post_tools.html",
            selectors.post_tools(request.user, post)
            | {"errors_for": request.resolver_match.url_name, "bad_form": bad_form},
            status=400,
        )

    return _answer(
        request, group, form, ok, message=message, default_next=post_url(post), page=page
    )


@login_required
@require_safe
@refusals
def post_tools(request, group_slug, document_slug, post_id):
    post = access.access_post_for_moderation(request.user, group_slug, document_slug, post_id)
    return render(request, "moderation/post_tools.html", selectors.post_tools(request.user, post))


@login_required
@require_POST
@refusals
def post_hide(request, group_slug, document_slug, post_id):
    post = access.access_post_for_moderation(request.user, group_slug, document_slug, post_id)
    return _post_action(
        request,
        post,
        HideForm(request.POST),
        lambda d: services.post_hide(
            actor=request.user, post=post, reason=d["reason"], category=d["category"]
        ),
        message=_("The post is hidden from members; its author is told why."),
    )


@login_required
@require_POST
@refusals
def post_unhide(request, group_slug, document_slug, post_id):
    post = access.access_post_for_decision(request.user, group_slug, document_slug, post_id)
    return _post_action(
        request,
        post,
        ActionForm(request.POST),
        lambda d: services.post_unhide(actor=request.user, post=post, reason=d["reason"]),
        message=_("The post is visible again."),
    )


@login_required
@require_POST
@refusals
def post_pin(request, group_slug, document_slug, post_id):
    post = access.access_post_for_moderation(request.user, group_slug, document_slug, post_id)
    pinned = request.POST.get("pin") == "1"
    return _post_action(
        request,
        post,
        ActionForm(request.POST),
        lambda d: services.post_pin(
            actor=request.user, post=post, pinned=pinned, reason=d["reason"]
        ),
        message=_("The post is pinned to the top.")
        if pinned
        else _("The post is no longer pinned."),
    )


@login_required
@require_POST
@refusals
def post_approve(request, group_slug, document_slug, post_id):
    post = access.access_post_for_decision(request.user, group_slug, document_slug, post_id)
    if request.POST.get("approve") == "0":
        return _post_action(
            request,
            post,
            HideForm(request.POST),
            lambda d: services.post_reject(
                actor=request.user, post=post, reason=d["reason"], category=d["category"]
            ),
            message=_("The post is declined; its author is told why."),
        )
    return _post_action(
        request,
        post,
        ActionForm(request.POST),
        lambda d: services.post_approve(actor=request.user, post=post, reason=d["reason"]),
        message=_("The post is approved and shown to the group."),
    )


@login_required
@require_POST
@refusals
def post_remove(request, group_slug, document_slug, post_id):
    """A moderator deletes someone else's post: logged, and the placeholder says so.
    From the queue (a reason required), the report is redrawn in place."""
    post = access.access_post_for_removal(request.user, group_slug, document_slug, post_id)
    message = _("The post is removed; replies to it stay readable.")
    if request.POST.get("report"):
        return _post_action(
            request,
            post,
            ActionForm(request.POST),
            lambda d: services.post_remove(actor=request.user, post=post, reason=d["reason"]),
            message=message,
        )
    services.post_remove(actor=request.user, post=post, reason=request.POST.get("reason", ""))
    return fragments.post_response(request, post, message=message)


def _discussion_tools(request, ctx, *, bad_form=None, status=200):
    context = selectors.discussion_tools(ctx) | {"bad_form": bad_form}
    return render(request, "moderation/discussion_tools.html", context, status=status)


@login_required
@require_safe
@refusals
def discussion_tools(request, group_slug, document_slug):
    ctx = access.access_discussion_for_moderation(request.user, group_slug, document_slug)
    return _discussion_tools(request, ctx)


@login_required
@require_POST
@refusals
def discussion_lock(request, group_slug, document_slug):
    ctx = access.access_discussion_for_moderation(request.user, group_slug, document_slug)
    lock = request.POST.get("lock") == "1"
    service = services.discussion_lock if lock else services.discussion_unlock
    form = ActionForm(request.POST)
    ok = _run(
        form,
        lambda d: service(actor=request.user, discussion=ctx.discussion, reason=d["reason"]),
    )
    return _answer(
        request,
        ctx.group,
        form,
        ok,
        message=_("The discussion is locked: nobody can post or edit.")
        if lock
        else _("The discussion is open again."),
        default_next=ctx.discussion.get_absolute_url(),
        page=lambda f: _discussion_tools(request, ctx, bad_form=f, status=400),
    )


@login_required
@require_POST
@refusals
def discussion_slow_mode(request, group_slug, document_slug):
    ctx = access.access_discussion_for_moderation(request.user, group_slug, document_slug)
    form = SlowModeForm(request.POST)
    ok = _run(
        form,
        lambda d: services.discussion_slow_mode(
            actor=request.user, discussion=ctx.discussion, seconds=d["seconds"], reason=d["reason"]
        ),
    )
    on = ok and form.cleaned_data["seconds"]
    return _answer(
        request,
        ctx.group,
        form,
        ok,
        message=_("Slow mode is on.") if on else _("Slow mode is off."),
        default_next=ctx.discussion.get_absolute_url(),
        page=lambda f: _discussion_tools(request, ctx, bad_form=f, status=400),
    )


@login_required
@ratelimit(key="user", rate=RATE, method="POST", group="report")
@require_http_methods(["GET", "HEAD", "POST"])
@refusals
def post_report(request, group_slug, document_slug, post_id):
    post = access.access_post_for_report(request.user, group_slug, document_slug, post_id)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _report, created = services.report_create(
                reporter=request.user,
                post=post,
                reason=form.cleaned_data["reason"],
                category=form.cleaned_data["category"],
                to_staff=form.cleaned_data["to_staff"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                _(
                    "Thank you; the moderators will look at it. Your name is never shown to "
                    "the member you reported."
                )
                if created
                else _("You have already reported this post; the moderators have it."),
            )
            return redirect(post_url(post))
    return render(
        request,
        "moderation/report_form.html",
        {
            "post": post,
            "form": form,
            "group": post.discussion.group,
            "document": post.discussion.document,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_safe
@refusals
def queue(request, group_slug):
    group = access.access_group_for_moderation(request.user, group_slug)
    context = selectors.moderation_queue(group, request.user).as_context()
    return render(request, "moderation/queue.html", context)


@login_required
@require_safe
def staff_queue(request):
    """Site staff's queue. Anyone else: not found, like any page they may not see."""
    if not request.user.is_staff:
        raise Http404(_("No such page."))
    context = selectors.staff_queue(request.user).as_context()
    return render(request, "moderation/queue.html", context)


@login_required
@require_safe
def notices(request):
    """The signed-in user's moderation notices: reports to handle, actions on their posts."""
    items = selectors.notices_for(request.user)
    services.notices_mark_read(user=request.user)
    return render(request, "moderation/notices.html", {"notices": items})


@login_required
@require_POST
@refusals
def report_resolve(request, group_slug, report_id):
    """Dismiss a report, with a reason: the group's moderators for its own reports, site
    staff for the ones escalated to them."""
    group, report = access.access_report_for_moderation(request.user, group_slug, report_id)
    form = ActionForm(request.POST)
    ok = _run(
        form,
        lambda d: services.report_resolve(actor=request.user, report=report, reason=d["reason"]),
    )
    back = selectors.queue_url(group, staff=report.for_staff)
    if not ok and not (wants_partial(request) and request.POST.get("report")):
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect(_safe_next(request, back))
    return _answer(
        request,
        group,
        form,
        ok,
        message=_("The report is dismissed; the post stays as it is."),
        default_next=back,
        page=None,
    )


# ---------------------------------------------------------------------------- members


def _member_page(request, group, membership, *, bad_form=None, status=200):
    context = selectors.member_tools(group, membership) | {"bad_form": bad_form}
    return render(request, "moderation/member_tools.html", context, status=status)


@login_required
@require_safe
@refusals
def member_tools(request, group_slug, user_id):
    group, membership = access.access_member_for_moderation(request.user, group_slug, user_id)
    return _member_page(request, group, membership)


MEMBER_ACTIONS = {
    "mute": (
        MuteForm,
        gettext_lazy("The member is muted: they can read, not post, until it ends."),
    ),
    "unmute": (ActionForm, gettext_lazy("The member can post again.")),
    "remove": (ActionForm, gettext_lazy("The member is removed from the group.")),
    "ban": (
        ActionForm,
        gettext_lazy("The member is banned: they cannot rejoin until the ban is lifted."),
    ),
    "unban": (ActionForm, gettext_lazy("The ban is lifted; they may ask to join again.")),
}


@login_required
@require_POST
@refusals
def member_action(request, group_slug, user_id, action):
    if action not in MEMBER_ACTIONS:
        raise Http404(_("No such action."))
    group, membership = access.access_member_for_moderation(request.user, group_slug, user_id)
    form_class, message = MEMBER_ACTIONS[action]
    form = form_class(request.POST)

    def do(data):
        kwargs = {"actor": request.user, "group": group, "member": membership.user}
        if action == "mute":
            until = timezone.now() + timedelta(seconds=data["duration"])
            services.member_mute(**kwargs, until=until, reason=data["reason"])
        else:
            getattr(services, f"member_{action}")(**kwargs, reason=data["reason"])

    ok = _run(form, do)
    return _answer(
        request,
        group,
        form,
        ok,
        message=str(message),
        default_next=reverse(
            "moderation:member", kwargs={"group_slug": group.slug, "user_id": membership.user_id}
        ),
        page=lambda f: _member_page(request, group, membership, bad_form=f, status=400),
    )


@login_required
@require_safe
@refusals
def log(request, group_slug):
    """The group's moderation log: in full for moderators; for members, what was done,
    on what, and the reason's category (never who reported, nor who acted)."""
    group = access.access_log(request.user, group_slug)
    moderator = bool(discussion_rules.can_moderate_discussion(request.user, group))
    return render(
        request,
        "moderation/log.html",
        {"group": group, "log": selectors.group_log(group), "moderator": moderator},
    )


# ---------------------------------------------------------------------------- appeals


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def appeal(request, group_slug, action_id):
    """The member an action was about appeals it, once. Removed and banned members too,
    so this reads the action by its subject, not through the group's reading access."""
    action = (
        ModerationAction.objects.filter(pk=action_id, group__slug=group_slug, member=request.user)
        .select_related("group", "discussion__document", "post", "appeal")
        .first()
    )
    if action is None or action.kind not in services.APPEALABLE:
        raise Http404(_("No such action."))
    existing = getattr(action, "appeal", None)
    form = AppealForm(request.POST or None)
    if request.method == "POST" and existing is None and form.is_valid():
        try:
            services.appeal_create(
                appellant=request.user, action=action, text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request, _("Your appeal is sent; a different moderator will decide it.")
            )
            return redirect("moderation:appeal", group_slug=group_slug, action_id=action.pk)
    return render(
        request,
        "moderation/appeal.html",
        {"action": action, "group": action.group, "appeal": existing, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def appeal_decide(request, group_slug, appeal_id):
    """The assigned moderator (or site staff, where the group had no other) decides."""
    appeal = (
        Appeal.objects.filter(pk=appeal_id, action__group__slug=group_slug)
        .select_related(
            "action__group", "action__actor", "action__post", "action__member", "appellant"
        )
        .first()
    )
    if appeal is None or not access.can_decide_appeal(request.user, appeal):
        raise Http404(_("No such appeal."))
    form = AppealDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.appeal_decide(
            actor=request.user,
            appeal=appeal,
            outcome=form.cleaned_data["outcome"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("The appeal is decided; the member is told."))
        return redirect("moderation:appeal_decide", group_slug=group_slug, appeal_id=appeal.pk)
    return render(
        request,
        "moderation/appeal_decide.html",
        {"appeal": appeal, "action": appeal.action, "group": appeal.action.group, "form": form},
        status=400 if form.errors else 200,
    )


RATE_MESSAGES = {
    "post": gettext_lazy(
        "You are posting faster than the site allows. Wait a few minutes, then post again."
    ),
    "report": gettext_lazy(
        "You have sent many reports in a short time. Wait a while before sending more; "
        "the moderators have the ones you sent."
    ),
    "invitation": gettext_lazy(
        "That is many invitations in a short time. Wait a while before making more."
    ),
    "join": gettext_lazy(
        "That is many requests to join in a short time. Wait a while, then try again."
    ),
}


def rate_limited(request, exception=None):
    """RATELIMIT_VIEW: the site's limits answer 429 with a plain message (a fragment for
    htmx), never a 403 or a traceback."""
    group = ""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        name = match.url_name or ""
        group = {
            "post_create": "post",
            "post_reply": "post",
            "post_report": "report",
            "invitations": "invitation",
            "join": "join",
        }.get(name, "")
    message = RATE_MESSAGES.get(group, _("Too many requests in a short time. Wait a little."))
    template = "429.html#message" if wants_partial(request) else "429.html"
    return render(request, template, {"message": message}, status=429)
