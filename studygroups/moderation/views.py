"""Moderation pages. Organizers and facilitators of a group moderate its discussions.
Discussions are reached only through their public `access`, `selectors` and
`fragments`; discussions never import moderation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from studygroups.discussions import fragments
from studygroups.discussions.access import refusals
from studygroups.discussions.selectors import post_url

from . import access, selectors, services
from .forms import ReportForm
from .models import Report


@login_required
@require_POST
@refusals
def post_hide(request, group_slug, document_slug, post_id):
    post = access.access_post_for_moderation(request.user, group_slug, document_slug, post_id)
    services.post_hide(actor=request.user, post=post, reason=request.POST.get("reason", ""))
    message = "The post is hidden from members."
    return fragments.post_response(request, post, message=message, margin=False)


@login_required
@require_POST
@refusals
def post_unhide(request, group_slug, document_slug, post_id):
    post = access.access_post_for_moderation(request.user, group_slug, document_slug, post_id)
    services.post_unhide(actor=request.user, post=post)
    message = "The post is visible again."
    return fragments.post_response(request, post, message=message, margin=False)


@login_required
@require_POST
@refusals
def post_remove(request, group_slug, document_slug, post_id):
    """A moderator deletes someone else's post: logged, and the placeholder says so."""
    post = access.access_post_for_removal(request.user, group_slug, document_slug, post_id)
    services.post_remove(actor=request.user, post=post)
    message = "The post is removed; replies to it stay readable."
    return fragments.post_response(request, post, message=message)


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
@require_http_methods(["GET", "HEAD", "POST"])
@refusals
def post_report(request, group_slug, document_slug, post_id):
    post = access.access_post_for_report(request.user, group_slug, document_slug, post_id)
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
    return render(request, "moderation/queue.html", selectors.moderation_queue(group).as_context())


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
    return redirect("moderation:queue", group_slug=group.slug)
