"""Moderation pages. Organizers and facilitators of a group moderate its discussions;
routes are mounted in studygroups/discussions/urls.py next to the things they act on."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from studygroups.discussions import access
from studygroups.discussions import rules as discussion_rules
from studygroups.discussions import services as discussion_services
from studygroups.discussions.forms import ReportForm
from studygroups.discussions.views import _form_context, _post_anchor_url, refusals

from . import services
from .models import ModerationAction, Report


def _post_fragment(request, post):
    return render(
        request,
        "discussions/post_detail.html#post",
        {
            **_form_context(request, post, form=None, mode=""),
            "node": discussion_services.Node(post=post),
        },
    )


@login_required
@require_POST
@refusals
def post_hide(request, group_slug, document_slug, post_id):
    post = access.access_post_for_moderation(request.user, group_slug, document_slug, post_id)
    services.post_hide(actor=request.user, post=post, reason=request.POST.get("reason", ""))
    if request.htmx:
        return _post_fragment(request, post)
    messages.success(request, "The post is hidden from members.")
    return redirect(_post_anchor_url(post))


@login_required
@require_POST
@refusals
def post_unhide(request, group_slug, document_slug, post_id):
    post = access.access_post_for_moderation(request.user, group_slug, document_slug, post_id)
    services.post_unhide(actor=request.user, post=post)
    if request.htmx:
        return _post_fragment(request, post)
    messages.success(request, "The post is visible again.")
    return redirect(_post_anchor_url(post))


@login_required
@require_POST
@refusals
def discussion_lock(request, group_slug, document_slug):
    ctx = access.access_discussion_for_moderation(request.user, group_slug, document_slug)
    lock = request.POST.get("lock") == "1"
    if lock:
        services.discussion_lock(actor=request.user, discussion=ctx.discussion)
        messages.success(request, "The discussion is locked: nobody can post or edit.")
    else:
        services.discussion_unlock(actor=request.user, discussion=ctx.discussion)
        messages.success(request, "The discussion is open again.")
    return redirect(ctx.discussion.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
@refusals
def post_report(request, group_slug, document_slug, post_id):
    post = access.access_post(request.user, group_slug, document_slug, post_id)
    if not discussion_rules.can_write_discussion(request.user, post.discussion.group):
        raise access.Refused("Only members of this group can report its posts.")
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _, created = services.report_create(
                reporter=request.user, post=post, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                "Thank you; the group's moderators will look at it."
                if created
                else "You have already reported this post; the moderators have it.",
            )
            return redirect(_post_anchor_url(post))
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
@require_GET
@refusals
def queue(request, group_slug):
    group = access.access_group_for_moderation(request.user, group_slug)
    reports = (
        Report.objects.filter(post__discussion__group=group, resolved_at__isnull=True)
        .select_related("post__author", "post__discussion__document", "reporter")
        .order_by("created_at")
    )
    log = (
        ModerationAction.objects.filter(group=group)
        .select_related("actor", "discussion__document", "post")
        .order_by("-created_at")[:50]
    )
    return render(
        request, "moderation/queue.html", {"group": group, "reports": reports, "log": log}
    )


@login_required
@require_POST
@refusals
def report_resolve(request, group_slug, report_id):
    group = access.access_group_for_moderation(request.user, group_slug)
    report = (
        Report.objects.filter(pk=report_id, post__discussion__group=group)
        .select_related("post__discussion")
        .first()
    )
    if report is None:
        raise Http404("No such report.")
    services.report_resolve(actor=request.user, report=report)
    messages.success(request, "The report is resolved.")
    return redirect("discussions:moderation", group_slug=group.slug)
