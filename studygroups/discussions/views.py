"""Discussion pages and their htmx fragments. Every view gets its objects through
`access.py` and its page data from `selectors.py`, and writes through `posting.py`;
every POST works without JavaScript (message + redirect) and with htmx (a partial of
the page that owns the markup)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget
from django_ratelimit.decorators import ratelimit

from studygroups.core import fragments as fragments_cache
from studygroups.core.htmx import render_page, wants_partial
from studygroups.core.ratelimits import RATE
from studygroups.library.reading import document_parts
from studygroups.library.selectors import anchor_resolve, document_stamp

from . import access, anchoring, export, fragments, page_cache, posting, selectors
from . import notifications as notifying
from .access import refusals
from .anchoring import locate_quote
from .forms import (
    SHOW,
    DiscussionFilterForm,
    EditForm,
    NewPostForm,
    PostForm,
)
from .models import Notification
from .prep import minutes_citing
from .questions import questions_for
from .rendering import preview_html
from .rules import can_moderate_post, discussion_actions
from .selectors import post_url
from .threads import SORTS


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _document_url(ctx, fragment: str = "") -> str:
    url = reverse(
        "discussions:document",
        kwargs={"group_slug": ctx.group.slug, "document_slug": ctx.document.slug},
    )
    return url + (f"#{fragment}" if fragment else "")


def _status(form) -> int:
    return 400 if form.errors else 200


# --------------------------------------------------------------------------- reading


def _int_param(request, name: str) -> int | None:
    """A whole-number URL parameter, or None when missing or not one ("²" included)."""
    value = request.GET.get(name, "")
    return int(value) if value.isascii() and value.isdecimal() and len(value) < 19 else None


def _discussion_context(
    request, ctx, *, form=None, preview="", filters=None, seen_at=None, focus=None
) -> dict:
    """The general discussion (after the text) with its filters and composer. Shown: the
    page of threads holding post `focus`, or the one in `?post=`, else `?page=`. The
    threads (`discussion_body`) are read and rendered only when the template shows them,
    and come from the cache while nothing they show has changed (`page_cache`)."""
    filters = filters or DiscussionFilterForm(request.GET or None)
    sort, unread_only = filters.values()
    frame = selectors.discussion_frame(request.user, ctx, seen_at=seen_at)
    focus = focus if focus is not None else _int_param(request, "post")
    shared = {"filters": filters, "sort": sort, "unread_only": unread_only}

    def build() -> dict:
        page = selectors.discussion_page(
            request.user,
            ctx,
            frame=frame,
            sort=sort,
            unread_only=unread_only,
            seen_at=seen_at,
            focus=focus,
            page_number=request.GET.get("page"),
            all_answers=_int_param(request, "answers"),
        )
        return page.as_context() | shared | {"sorts": SORTS, "shows": SHOW}

    if form is None and frame.can.write:
        initial = {}
        question_id = _int_param(request, "question")
        if question_id in {q.pk for q in frame.questions}:
            initial["question"] = question_id
        form = NewPostForm(questions=frame.questions, initial=initial)
    key = page_cache.threads_key(request, frame, seen_at=seen_at, focus=focus)
    return (
        frame.as_context()
        | shared
        | {
            "frame": frame,
            "discussion_body": page_cache.DiscussionBody(request, frame, key=key, build=build),
            "form": form,
            "preview": preview,
            "composer_key": page_cache.composer_key(request, frame, form, preview=preview),
            "composer_fresh": page_cache.composer_fresh(form),
        }
    )


# The discussion's hooks in the shared reader (templates/library/reader.html): a slot for
# each paragraph's margin count in the cached text (filled per request), its threads' slot.
READER_MARGIN = {
    "block_margin": "discussions/_para_count_slot.html",
    "block_after": "discussions/_para_threads.html",
    "margin_slot": page_cache.MARGIN_SLOT,
}


@require_safe
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def document(request, group_slug, document_slug):
    ctx = access.access_discussion(request.user, group_slug, document_slug)
    # A page load is a visit, but for a later page of threads (the pager without
    # JavaScript), which continues the visit it came from.
    visit = not request.htmx and (_int_param(request, "page") or 1) <= 1
    seen_at = fragments.seen_at(request, ctx.discussion, update=visit)
    whole = not wants_partial(request)
    context = _discussion_context(request, ctx, seen_at=seen_at)
    if whole:
        # htmx asks for the discussion alone; the whole page adds the text, cached under
        # the document's stamp (`page_cache.text_key`): the queries behind it run only
        # when it is rendered anew. Its margin counts are put into it on every request
        # (`page_cache.MarginCounts`), read again only after a write.
        stamp = document_stamp(ctx.document.slug)
        context |= fragments_cache.lazy_fields(
            lambda: selectors.discussion_reader(ctx), ["authors", "parts", "sections", "notes"]
        )
        context["text_key"] = page_cache.text_key(request, context["frame"], stamp)
        frame = context["frame"]
        counts = page_cache.margin_counts(request, frame, seen_at=seen_at)
        context["margin_counts"] = page_cache.MarginCounts(frame, counts)
        context |= READER_MARGIN
    context["minutes_citing"] = minutes_citing(ctx.group, ctx.document)
    return render_page(request, "discussions/document.html", context, partial="discussion")


def _paragraph_context(request, ctx, anchor, *, form=None, preview="", quote_error="") -> dict:
    seen_at = fragments.seen_at(request, ctx.discussion, update=False)
    page = selectors.paragraph_page(
        request.user,
        ctx,
        anchor,
        seen_at=seen_at,
        focus=_int_param(request, "post"),
        page_number=request.GET.get("page"),
    )
    if form is None and page.can.write:
        quote = request.GET.get("quote", "")
        initial = {"anchor": anchor}
        if quote:
            try:
                quote, prefix, _suffix = locate_quote(
                    page.paragraph_block.text, quote, request.GET.get("prefix", "")
                )
                initial.update({"quote": quote, "quote_prefix": prefix})
            except ValidationError as exc:
                quote_error = " ".join(exc.messages)
        form = NewPostForm(initial=initial)
    return page.as_context() | {"form": form, "preview": preview, "quote_error": quote_error}


@require_safe
@vary_on_headers("HX-Request")
def paragraph(request, group_slug, document_slug, anchor):
    ctx = access.access_discussion(request.user, group_slug, document_slug)
    moved_to = anchor_resolve(ctx.document, anchor)
    if moved_to and moved_to != anchor:  # a merged paragraph's old anchor: its new home
        return redirect("discussions:paragraph", group_slug, document_slug, moved_to)
    context = _paragraph_context(request, ctx, anchor)
    return render_page(request, "discussions/paragraph.html", context, partial="threads")


@require_safe
@vary_on_headers("HX-Request")
def post_detail(request, group_slug, document_slug, post_id):
    """A post with all its replies: the permalink and "continue this thread"."""
    post = access.access_post(request.user, group_slug, document_slug, post_id)
    context = selectors.post_card(request.user, post).as_context()
    if not wants_partial(request):
        seen_at = fragments.seen_at(request, post.discussion, update=False)
        context["threads"] = selectors.post_thread(request.user, post, seen_at=seen_at)
    return render_page(request, "discussions/post_detail.html", context, partial="post")


@require_safe
@vary_on_headers("HX-Request")
def thread(request, group_slug, document_slug, post_id):
    """A thread whole, for "Show N more replies": the thread's item (htmx swaps it in
    for the first replies the page sent). Without htmx, the post's own page, which shows
    the thread whole too. Reading it is reading the post (`access_post`)."""
    if not wants_partial(request):
        return post_detail(request, group_slug, document_slug, post_id)
    post = access.access_post(request.user, group_slug, document_slug, post_id)
    seen_at = fragments.seen_at(request, post.discussion, update=False)
    context = selectors.post_card(request.user, post).as_context()
    nodes = selectors.post_thread(request.user, post, seen_at=seen_at)
    if not nodes:  # held for approval, and not the viewer's
        raise Http404("There is no such post in this discussion.")
    context["node"] = nodes[0]
    return render(request, "discussions/_thread_item.html", context)


# --------------------------------------------------------------------------- writing


@login_required
@ratelimit(key="user", rate=RATE, method="POST", group="post")
@require_http_methods(["GET", "HEAD", "POST"])
@refusals
def post_create(request, group_slug, document_slug):
    ctx = access.access_discussion_for_writing(request.user, group_slug, document_slug)
    if request.method == "GET":
        return redirect(_document_url(ctx, "composer"))
    anchor = request.POST.get("anchor", "").strip()
    questions = [] if anchor else questions_for(ctx.group, ctx.document)
    form = NewPostForm(request.POST, questions=questions)
    preview = ""
    if form.is_valid():
        data = form.cleaned_data
        if request.POST.get("action") == "preview":
            preview = preview_html(body=data["body"], group=ctx.group)
        else:
            try:
                post, created = posting.post_create(
                    author=request.user,
                    group=ctx.group,
                    document=ctx.document,
                    body=data["body"],
                    anchor=data["anchor"],
                    quote=data["quote"],
                    quote_prefix=data["quote_prefix"],
                    question=data.get("question"),
                    idempotency_key=data["key"],
                    discussion=ctx.discussion,
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                return _after_create(request, ctx, post, created)
    # Preview or errors: show the form again, where it was.
    if anchor:
        try:
            context = _paragraph_context(request, ctx, anchor, form=form, preview=preview)
        except Http404:
            form.add_error(None, _("That paragraph is not part of this document."))
            anchor = ""
        else:
            if request.htmx:
                return render(request, "discussions/paragraph.html#composer", context)
            return render(request, "discussions/paragraph.html", context, status=_status(form))
    context = _discussion_context(request, ctx, form=form, preview=preview)
    if request.htmx:
        return render(request, "discussions/document.html#composer", context)
    return render(request, "discussions/compose.html", context, status=_status(form))


def _after_create(request, ctx, post, created):
    if not created:
        messages.info(request, _("That post was already saved; it is shown once."))
    if request.htmx:
        ctx.discussion = post.discussion
        if post.anchor:
            context = _paragraph_context(request, ctx, post.anchor)
            response = render(request, "discussions/paragraph.html#threads", context)
            response = fragments.with_margin_count(request, response, post)
            target = f"#threads-{post.anchor}"
            response = reswap(response, "innerHTML")
        else:
            seen_at = fragments.seen_at(request, post.discussion, update=False)
            context = _discussion_context(request, ctx, seen_at=seen_at, focus=post.pk)
            response = render(request, "discussions/document.html#discussion", context)
            target = "#discussion"
            response = reswap(response, "outerHTML")
            # The address follows to the page shown, as a reload should find it.
            response["HX-Replace-Url"] = post_url(post)
        return retarget(response, target)
    if created and post.awaiting_approval:
        messages.info(request, _("Your post is waiting for a moderator’s approval."))
    elif created:
        messages.success(request, _("Your post is up."))
    return redirect(post_url(post))


def _form_context(request, post, *, form, mode, preview="") -> dict:
    return selectors.post_card(request.user, post).as_context() | {
        "form": form,
        "mode": mode,
        "id_prefix": f"{mode}-{post.pk}-",
        "preview": preview,
    }


@login_required
@ratelimit(key="user", rate=RATE, method="POST", group="post")
@require_http_methods(["GET", "HEAD", "POST"])
@refusals
def post_reply(request, group_slug, document_slug, post_id):
    parent = access.access_post_for_reply(request.user, group_slug, document_slug, post_id)
    form = PostForm(request.POST or None)
    preview = ""
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "preview":
            preview = preview_html(body=form.cleaned_data["body"], group=parent.discussion.group)
        else:
            try:
                post, created = posting.post_reply(
                    author=request.user,
                    parent=parent,
                    body=form.cleaned_data["body"],
                    idempotency_key=form.cleaned_data["key"],
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                if request.htmx:
                    post.discussion = parent.discussion
                    context = selectors.post_card(request.user, parent, shown=post).as_context()
                    response = render(request, "discussions/post_form.html#reply-posted", context)
                    return fragments.with_margin_count(request, response, post)
                messages.success(request, _("Your reply is up."))
                return redirect(post_url(post))
    context = _form_context(request, parent, form=form, mode="reply", preview=preview)
    status = _status(form) if request.method == "POST" else 200
    return render_page(
        request, "discussions/post_form.html", context, partial="form", status=status
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@refusals
def post_edit(request, group_slug, document_slug, post_id):
    post = access.access_post_for_edit(request.user, group_slug, document_slug, post_id)
    if request.method == "POST":
        form = EditForm(request.POST)
    else:
        form = EditForm(initial={"body": post.body})
    preview = ""
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "preview":
            preview = preview_html(body=form.cleaned_data["body"], group=post.discussion.group)
        else:
            try:
                posting.post_edit(editor=request.user, post=post, body=form.cleaned_data["body"])
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                if request.htmx:
                    context = selectors.post_card(request.user, post).as_context()
                    return render(request, "discussions/post_detail.html#post", context)
                messages.success(request, _("Your post is updated."))
                return redirect(post_url(post))
    context = _form_context(request, post, form=form, mode="edit", preview=preview)
    status = _status(form) if request.method == "POST" else 200
    return render_page(
        request, "discussions/post_form.html", context, partial="form", status=status
    )


@login_required
@require_POST
@refusals
def post_delete(request, group_slug, document_slug, post_id):
    post = access.access_post_for_delete(request.user, group_slug, document_slug, post_id)
    posting.post_delete(actor=request.user, post=post)
    return fragments.post_response(
        request, post, message=_("Your post is deleted; replies to it stay readable.")
    )


@login_required
@require_safe
@refusals
def post_history(request, group_slug, document_slug, post_id):
    post = access.access_post_for_moderation(request.user, group_slug, document_slug, post_id)
    return render(
        request,
        "discussions/post_history.html",
        {
            "post": post,
            "group": post.discussion.group,
            "document": post.discussion.document,
            "revisions": post.revisions.select_related("edited_by"),
        },
    )


@login_required
@require_POST
@refusals
def follow(request, group_slug, document_slug):
    ctx = access.access_discussion_for_following(request.user, group_slug, document_slug)
    following = request.POST.get("following") == "1"
    discussion = ctx.discussion or posting.discussion_get_or_create(
        group=ctx.group, document=ctx.document
    )
    posting.follow_set(user=request.user, discussion=discussion, following=following)
    if request.htmx:
        return render(
            request,
            "discussions/document.html#follow",
            {
                "group": ctx.group,
                "document": ctx.document,
                "following": following,
                "can": discussion_actions(request.user, ctx.group, locked=ctx.locked),
            },
        )
    messages.success(
        request,
        _("You follow this discussion.")
        if following
        else _("You no longer follow this discussion."),
    )
    return redirect(_document_url(ctx))


# ---------------------------------------------------------------------------- export


def _export_rows(request, group_slug, document_slug):
    ctx = access.access_discussion_for_export(request.user, group_slug, document_slug)
    return ctx, export.export_rows(ctx.discussion, document_parts(ctx.document))


@login_required
@require_safe
@refusals
def export_markdown(request, group_slug, document_slug):
    ctx, rows = _export_rows(request, group_slug, document_slug)
    text = export.export_markdown(group=ctx.group, document=ctx.document, rows=rows)
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{ctx.group.slug}-{ctx.document.slug}-discussion.md"'
    )
    return response


@login_required
@require_safe
@refusals
def export_json(request, group_slug, document_slug):
    ctx, rows = _export_rows(request, group_slug, document_slug)
    data = {
        "group": ctx.group.name,
        "document": {"title": ctx.document.title, "slug": ctx.document.slug},
        "posts": rows,
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = (
        f'attachment; filename="{ctx.group.slug}-{ctx.document.slug}-discussion.json"'
    )
    return response


@login_required
@require_safe
@refusals
def export_annotations(request, group_slug, document_slug):
    """The discussion as W3C Web Annotation JSON-LD, for other annotation tools."""
    ctx = access.access_discussion_for_export(request.user, group_slug, document_slug)
    if ctx.discussion is not None:
        ctx.discussion.group, ctx.discussion.document = ctx.group, ctx.document
    data = export.export_web_annotations(
        group=ctx.group,
        document=ctx.document,
        discussion=ctx.discussion,
        absolute=request.build_absolute_uri,
        collection_id=request.build_absolute_uri(request.path),
    )
    response = JsonResponse(
        data,
        content_type=export.ANNO_MEDIA_TYPE,
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{ctx.group.slug}-{ctx.document.slug}-annotations.jsonld"'
    )
    return response


# ------------------------------------------------------------------ group-level pages


@require_safe
def group_index(request, group_slug):
    group = access.access_group(request.user, group_slug)
    context = {
        "group": group,
        "discussions": selectors.group_discussions(group),
        "can": discussion_actions(request.user, group),
    }
    return render(request, "discussions/group_index.html", context)


@require_safe
def member(request, group_slug, user_id):
    """A member's recent posts in this group: where an @mention leads."""
    group = access.access_group(request.user, group_slug)
    page = selectors.member_page(request.user, group, user_id)
    return render(request, "discussions/member.html", page.as_context())


# ------------------------------------------------------------------------ notifications


@login_required
@require_safe
@vary_on_headers("HX-Request")
def notifications(request):
    context = selectors.notification_list(request.user)
    return render_page(request, "discussions/notifications.html", context, partial="list")


@login_required
@require_POST
def notification_read(request, notification_id):
    notification = Notification.objects.filter(pk=notification_id, recipient=request.user).first()
    if notification is None:
        raise Http404("No such notification.")
    notifying.notification_mark_read(user=request.user, notification_id=notification.pk)
    if request.POST.get("next") == "post":
        return redirect(post_url(notification.post))
    if request.htmx:
        return notifications(_as_get(request))
    return redirect("discussions:notifications")


@login_required
@require_POST
def notifications_read_all(request):
    changed = notifying.notification_mark_read(user=request.user)
    if request.htmx:
        return notifications(_as_get(request))
    messages.success(
        request,
        ngettext(
            "Marked %(count)d notification as read.",
            "Marked %(count)d notifications as read.",
            changed,
        )
        % {"count": changed},
    )
    return redirect("discussions:notifications")


def _as_get(request):
    request.method = "GET"
    return request


@login_required
@require_http_methods(["GET", "HEAD"])
def notification_settings(request):
    """The old address of the e-mail settings, kept for bookmarks and old e-mails."""
    return redirect("notifications:settings", permanent=True)


# ------------------------------------------------------------ passages left the text


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@refusals
def post_reattach(request, group_slug, document_slug, post_id):
    """A moderator puts a thread (usually one whose passage left the text) on a
    paragraph. A plain form page: GET shows the paragraphs, POST moves the thread."""
    post = access.access_post(request.user, group_slug, document_slug, post_id)
    if not can_moderate_post(request.user, post):
        raise access.Refused(_("Only the group’s facilitators can re-attach posts."))
    if post.parent_id is not None:
        return redirect(
            "discussions:post_reattach", group_slug, document_slug, post.root_id, permanent=False
        )
    document = post.discussion.document
    error = ""
    if request.method == "POST":
        try:
            root = anchoring.post_reattach(post=post, anchor=request.POST.get("anchor", ""))
        except ValidationError:
            error = _("Choose one of the text’s paragraphs.")
        else:
            messages.success(request, _("The post is back on a paragraph, with its replies."))
            return redirect(post_url(root))
    choices = selectors.reattach_choices(document)
    suggested = anchoring.suggest_anchor(post, choices)
    return render(
        request,
        "discussions/post_reattach.html",
        {
            "group": post.discussion.group,
            "document": document,
            "post": post,
            "choices": choices,
            "suggested": suggested,
            "error": error,
        },
        status=400 if error else 200,
    )
