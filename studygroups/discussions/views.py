"""Discussion pages and their htmx fragments. Every view gets its objects through
`access.py`; every POST works without JavaScript (message + redirect) and with htmx
(a partial of the page that owns the markup)."""

from datetime import datetime
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget

from studygroups.groups.models import Membership
from studygroups.library.models import DocumentAuthor
from studygroups.library.reading import document_parts, paragraph_numbers

from . import access, emails, services
from . import rules as discussion_rules
from .forms import (
    SHOW,
    DiscussionFilterForm,
    EditForm,
    NewPostForm,
    NotificationSettingForm,
    PostForm,
)
from .models import Discussion, Follow, Notification, Post, ReadState


def refusals(view):
    """Turn `access.Refused` into a plain 403 page (or fragment) instead of a traceback."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except access.Refused as exc:
            template = "discussions/refused.html"
            if request.htmx:
                template += "#message"
            return render(request, template, {"message": str(exc)}, status=403)

    return wrapper


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _permissions(user, group) -> dict:
    return {
        "write": discussion_rules.can_write_discussion(user, group),
        "moderate": discussion_rules.can_moderate_discussion(user, group),
        "export": discussion_rules.can_export_discussion(user, group),
        "user_id": user.pk if user.is_authenticated else None,
    }


def _document_url(ctx, fragment: str = "") -> str:
    url = reverse(
        "discussions:document",
        kwargs={"group_slug": ctx.group.slug, "document_slug": ctx.document.slug},
    )
    return url + (f"#{fragment}" if fragment else "")


def _post_anchor_url(post: Post) -> str:
    group, document = post.discussion.group, post.discussion.document
    if post.anchor:
        url = reverse(
            "discussions:paragraph",
            kwargs={
                "group_slug": group.slug,
                "document_slug": document.slug,
                "anchor": post.anchor,
            },
        )
    else:
        url = reverse(
            "discussions:document",
            kwargs={"group_slug": group.slug, "document_slug": document.slug},
        )
        url += f"?post={post.pk}"  # the page of threads that holds it
    return f"{url}#post-{post.pk}"


# --------------------------------------------------------------------------- reading


def _seen_at(request, discussion, *, update: bool):
    """The time posts are "new" after: the member's visit before this one.

    A visit (`update`) records itself and keeps the previous time in the session, so the
    requests that continue it (another page of threads, a sort or filter, a paragraph's
    threads, the answer after posting) mark the same posts new as the page did."""
    if discussion is None or not request.user.is_authenticated:
        return None
    key = f"discussion-seen-before-{discussion.pk}"
    if update:
        previous = services.discussion_mark_seen(user=request.user, discussion=discussion)
        request.session[key] = previous.isoformat() if previous else ""
        return previous
    if key in request.session:
        stored = request.session[key]
        try:
            return datetime.fromisoformat(stored) if stored else None
        except ValueError:
            pass
    state = ReadState.objects.filter(user=request.user, discussion=discussion).first()
    return state.last_seen_at if state else None


def _int_param(request, name: str) -> int | None:
    """A whole-number URL parameter, or None when missing or not one ("²" included)."""
    value = request.GET.get(name, "")
    return int(value) if value.isascii() and value.isdecimal() and len(value) < 19 else None


THREADS_PER_PAGE = 25


def _contains(node, post_id: int) -> bool:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.post.pk == post_id:
            return True
        stack.extend(current.children)
    return False


def _thread_page(request, threads: list, focus: int | None):
    """The page of top-level threads to show: the one holding post `focus` (or the post
    in `?post=`, where links to a post lead), else `?page=` (anything invalid: the first
    page; past the end: the last)."""
    if focus is None:
        focus = _int_param(request, "post")
    number = request.GET.get("page")
    if focus is not None:
        index = next((i for i, node in enumerate(threads) if _contains(node, focus)), None)
        if index is not None:
            number = index // THREADS_PER_PAGE + 1
    return Paginator(threads, THREADS_PER_PAGE).get_page(number)


def _discussion_context(
    request, ctx, *, form=None, preview="", filters=None, seen_at=None, focus=None
):
    """Everything the general discussion (after the text) needs: the curriculum's
    questions with their answers, and a page of the threads not tied to a paragraph
    (the page holding post `focus`, when given)."""
    user = request.user
    group, document, discussion = ctx.group, ctx.document, ctx.discussion
    filters = filters or DiscussionFilterForm(request.GET or None)
    sort, unread_only = filters.values()
    questions = services.questions_for(group, document)
    gate = services.answer_gate(user, discussion, group)
    posts = []
    if discussion is not None:
        posts = Post.objects.filter(discussion=discussion, anchor="").for_display()
    roots = services.build_threads(
        posts,
        gate=gate,
        seen_at=seen_at,
        user_id=user.pk,
        sort=sort,
        unread_only=unread_only,
    )
    by_question: dict[int, list] = {}
    general = []
    for node in roots:
        if node.post.question_id:
            by_question.setdefault(node.post.question_id, []).append(node)
        else:
            general.append(node)
    question_blocks = [
        {
            "question": q,
            "answers": by_question.get(q.pk, []),
            "locked": q.answer_before_seeing and not gate.sees_all and q.pk not in gate.answered,
        }
        for q in questions
    ]
    # Answers to questions no longer in the series still belong to the discussion.
    known = {q.pk for q in questions}
    for qid, nodes in by_question.items():
        if qid not in known:
            general.extend(nodes)
    perms = _permissions(user, group)
    if form is None and perms["write"]:
        initial = {}
        question_id = _int_param(request, "question")
        if question_id in known:
            initial["question"] = question_id
        form = NewPostForm(questions=questions, initial=initial)
    following = False
    if discussion is not None and user.is_authenticated:
        following = Follow.objects.filter(user=user, discussion=discussion, following=True).exists()
    return {
        "group": group,
        "document": document,
        "discussion": discussion,
        "locked": ctx.locked,
        "question_blocks": question_blocks,
        "threads": (page := _thread_page(request, general, focus)).object_list,
        "page_obj": page,
        "filters": filters,
        "sort": sort,
        "unread_only": unread_only,
        "sorts": services.SORTS,
        "shows": SHOW,
        "form": form,
        "preview": preview,
        "perms": perms,
        "following": following,
        "display_depth": services.DISPLAY_DEPTH,
    }


@require_GET
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def document(request, group_slug, document_slug):
    ctx = access.access_discussion(request.user, group_slug, document_slug)
    # htmx asks for the discussion alone, except when restoring a page from history.
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    # A page load is a visit, but for a later page of threads (the pager without
    # JavaScript), which continues the visit it came from.
    visit = not request.htmx and (_int_param(request, "page") or 1) <= 1
    seen_at = _seen_at(request, ctx.discussion, update=visit)
    context = _discussion_context(request, ctx, seen_at=seen_at)
    if partial:
        return render(request, "discussions/document.html#discussion", context)
    parts = document_parts(ctx.document)
    counts = services.anchor_counts(ctx.discussion, user=request.user, seen_at=seen_at)
    for part in parts:
        for item in part.numbered():
            item.discussion = counts.get(item.anchor, {"total": 0, "new": 0})
    context.update(
        {
            "parts": parts,
            "sections": [p.section for p in parts if p.section],
            "authors": [
                link.author
                for link in DocumentAuthor.objects.filter(document=ctx.document).select_related(
                    "author"
                )
            ],
        }
    )
    return render(request, "discussions/document.html", context)


def _paragraph_context(request, ctx, anchor, *, form=None, preview="", quote_error=""):
    try:
        block = services.block_for_anchor(ctx.document, anchor)
    except ValidationError:
        raise Http404("That paragraph is not part of this document.") from None
    number = None
    for part in document_parts(ctx.document):
        for item in part.numbered():
            if item.anchor == anchor:
                number = item.number
    posts = []
    if ctx.discussion is not None:
        posts = Post.objects.filter(discussion=ctx.discussion, anchor=anchor).for_display()
    seen_at = _seen_at(request, ctx.discussion, update=False)
    gate = services.answer_gate(request.user, ctx.discussion, ctx.group)
    threads = services.build_threads(posts, gate=gate, seen_at=seen_at, user_id=request.user.pk)
    perms = _permissions(request.user, ctx.group)
    if form is None and perms["write"]:
        quote = request.GET.get("quote", "")
        initial = {"anchor": anchor}
        if quote:
            try:
                quote, prefix, _ = services.locate_quote(
                    block.text, quote, request.GET.get("prefix", "")
                )
                initial.update({"quote": quote, "quote_prefix": prefix})
            except ValidationError as exc:
                quote_error = " ".join(exc.messages)
        form = NewPostForm(initial=initial)
    return {
        "group": ctx.group,
        "document": ctx.document,
        "discussion": ctx.discussion,
        "locked": ctx.locked,
        "paragraph_block": block,
        "anchor": anchor,
        "number": number,
        "threads": threads,
        "form": form,
        "preview": preview,
        "quote_error": quote_error,
        "perms": perms,
        "display_depth": services.DISPLAY_DEPTH,
    }


@require_GET
@vary_on_headers("HX-Request")
def paragraph(request, group_slug, document_slug, anchor):
    ctx = access.access_discussion(request.user, group_slug, document_slug)
    context = _paragraph_context(request, ctx, anchor)
    template = "discussions/paragraph.html"
    if request.htmx:
        template += "#threads"
    return render(request, template, context)


@require_GET
@vary_on_headers("HX-Request")
def post_detail(request, group_slug, document_slug, post_id):
    """A post with all its replies: the permalink and "continue this thread"."""
    post = access.access_post(request.user, group_slug, document_slug, post_id)
    perms = _permissions(request.user, post.discussion.group)
    context = {
        "group": post.discussion.group,
        "document": post.discussion.document,
        "discussion": post.discussion,
        "post": post,
        "perms": perms,
        "locked": post.discussion.is_locked,
        "display_depth": services.DISPLAY_DEPTH,
    }
    if request.htmx:
        context["node"] = services.Node(post=post)
        return render(request, "discussions/post_detail.html#post", context)
    seen_at = _seen_at(request, post.discussion, update=False)
    context["threads"] = services.build_threads(
        services.subtree(post), seen_at=seen_at, user_id=request.user.pk
    )
    return render(request, "discussions/post_detail.html", context)


# --------------------------------------------------------------------------- writing


@login_required
@require_http_methods(["GET", "POST"])
@refusals
def post_create(request, group_slug, document_slug):
    ctx = access.access_discussion_for_writing(request.user, group_slug, document_slug)
    if request.method == "GET":
        return redirect(_document_url(ctx, "composer"))
    anchor = request.POST.get("anchor", "").strip()
    questions = [] if anchor else services.questions_for(ctx.group, ctx.document)
    form = NewPostForm(request.POST, questions=questions)
    preview = ""
    if form.is_valid():
        data = form.cleaned_data
        if request.POST.get("action") == "preview":
            preview = services.preview_html(body=data["body"], group=ctx.group)
        else:
            try:
                post, created = services.post_create(
                    author=request.user,
                    group=ctx.group,
                    document=ctx.document,
                    body=data["body"],
                    anchor=data["anchor"],
                    quote=data["quote"],
                    quote_prefix=data["quote_prefix"],
                    question=data.get("question"),
                    idempotency_key=data["key"],
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
            form.add_error(None, "That paragraph is not part of this document.")
            anchor = ""
        else:
            if request.htmx:
                return render(request, "discussions/paragraph.html#composer", context)
            return render(request, "discussions/paragraph.html", context, status=_status(form))
    context = _discussion_context(request, ctx, form=form, preview=preview)
    if request.htmx:
        return render(request, "discussions/document.html#composer", context)
    return render(request, "discussions/compose.html", context, status=_status(form))


def _status(form) -> int:
    return 400 if form.errors else 200


def _with_margin_count(request, response, post):
    """Add the paragraph's margin count, updated, to an htmx response about a post on a
    paragraph (swapped out of band), so the reader's count follows without a reload."""
    if not post.anchor or response.status_code != 200:
        return response
    discussion = post.discussion
    number = paragraph_numbers([(discussion.document_id, post.anchor)]).get(
        (discussion.document_id, post.anchor)
    )
    if number is None:  # the paragraph is gone from a corrected text
        return response
    seen_at = _seen_at(request, discussion, update=False)
    counts = services.anchor_counts(discussion, user=request.user, seen_at=seen_at)
    entry = {
        "anchor": post.anchor,
        "number": number,
        "discussion": counts.get(post.anchor, {"total": 0, "new": 0}),
    }
    context = {"entry": entry, "group": discussion.group, "document": discussion.document}
    count = render(request, "discussions/_para_count.html", context | {"oob": True})
    response.content += count.content
    return response


def _after_create(request, ctx, post, created):
    if not created:
        messages.info(request, "That post was already saved; it is shown once.")
    if request.htmx:
        ctx.discussion = post.discussion
        if post.anchor:
            context = _paragraph_context(request, ctx, post.anchor)
            response = render(request, "discussions/paragraph.html#threads", context)
            response = _with_margin_count(request, response, post)
            target = f"#threads-{post.anchor}"
            response = reswap(response, "innerHTML")
        else:
            seen_at = _seen_at(request, post.discussion, update=False)
            context = _discussion_context(request, ctx, seen_at=seen_at, focus=post.pk)
            response = render(request, "discussions/document.html#discussion", context)
            target = "#discussion"
            response = reswap(response, "outerHTML")
            # The address follows to the page shown, as a reload should find it.
            response["HX-Replace-Url"] = _post_anchor_url(post)
        return retarget(response, target)
    if created:
        messages.success(request, "Your post is up.")
    return redirect(_post_anchor_url(post))


@login_required
@require_http_methods(["GET", "POST"])
@refusals
def post_reply(request, group_slug, document_slug, post_id):
    parent = access.access_post_for_reply(request.user, group_slug, document_slug, post_id)
    form = PostForm(request.POST or None)
    preview = ""
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "preview":
            preview = services.preview_html(
                body=form.cleaned_data["body"], group=parent.discussion.group
            )
        else:
            try:
                post, created = services.post_reply(
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
                    response = render(
                        request,
                        "discussions/post_form.html#reply-posted",
                        {
                            **_form_context(request, parent, form=None, mode="reply"),
                            "node": services.Node(post=post),
                        },
                    )
                    return _with_margin_count(request, response, post)
                messages.success(request, "Your reply is up.")
                return redirect(_post_anchor_url(post))
    context = _form_context(request, parent, form=form, mode="reply", preview=preview)
    template = "discussions/post_form.html"
    if request.htmx:
        return render(request, template + "#form", context)
    return render(
        request, template, context, status=_status(form) if request.method == "POST" else 200
    )


def _form_context(request, post, *, form, mode, preview=""):
    return {
        "group": post.discussion.group,
        "document": post.discussion.document,
        "discussion": post.discussion,
        "post": post,
        "form": form,
        "mode": mode,
        "id_prefix": f"{mode}-{post.pk}-",
        "preview": preview,
        "perms": _permissions(request.user, post.discussion.group),
        "locked": post.discussion.is_locked,
        "display_depth": services.DISPLAY_DEPTH,
    }


@login_required
@require_http_methods(["GET", "POST"])
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
            preview = services.preview_html(
                body=form.cleaned_data["body"], group=post.discussion.group
            )
        else:
            try:
                services.post_edit(editor=request.user, post=post, body=form.cleaned_data["body"])
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                if request.htmx:
                    return render(
                        request,
                        "discussions/post_detail.html#post",
                        {
                            **_form_context(request, post, form=None, mode="edit"),
                            "node": services.Node(post=post),
                        },
                    )
                messages.success(request, "Your post is updated.")
                return redirect(_post_anchor_url(post))
    context = _form_context(request, post, form=form, mode="edit", preview=preview)
    template = "discussions/post_form.html"
    if request.htmx:
        return render(request, template + "#form", context)
    return render(
        request, template, context, status=_status(form) if request.method == "POST" else 200
    )


@login_required
@require_POST
@refusals
def post_delete(request, group_slug, document_slug, post_id):
    post = access.access_post_for_delete(request.user, group_slug, document_slug, post_id)
    by_moderator = post.author_id != request.user.pk
    services.post_delete(actor=request.user, post=post)
    if request.htmx:
        response = render(
            request,
            "discussions/post_detail.html#post",
            {**_form_context(request, post, form=None, mode=""), "node": services.Node(post=post)},
        )
        return _with_margin_count(request, response, post)
    messages.success(
        request,
        "The post is removed; replies to it stay readable."
        if by_moderator
        else "Your post is deleted; replies to it stay readable.",
    )
    return redirect(_post_anchor_url(post))


@login_required
@require_GET
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
    discussion = ctx.discussion or services.discussion_get_or_create(
        group=ctx.group, document=ctx.document
    )
    services.follow_set(user=request.user, discussion=discussion, following=following)
    if request.htmx:
        return render(
            request,
            "discussions/document.html#follow",
            {
                "group": ctx.group,
                "document": ctx.document,
                "following": following,
                "perms": _permissions(request.user, ctx.group),
            },
        )
    messages.success(
        request,
        "You follow this discussion." if following else "You no longer follow this discussion.",
    )
    return redirect(_document_url(ctx))


# ---------------------------------------------------------------------------- export


def _export_rows(request, group_slug, document_slug):
    ctx = access.access_discussion_for_export(request.user, group_slug, document_slug)
    return ctx, services.export_rows(ctx.discussion, document_parts(ctx.document))


@login_required
@require_GET
@refusals
def export_markdown(request, group_slug, document_slug):
    ctx, rows = _export_rows(request, group_slug, document_slug)
    text = services.export_markdown(group=ctx.group, document=ctx.document, rows=rows)
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{ctx.group.slug}-{ctx.document.slug}-discussion.md"'
    )
    return response


@login_required
@require_GET
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


# ------------------------------------------------------------------ group-level pages


@require_GET
def group_index(request, group_slug):
    group = access.access_group(request.user, group_slug)
    discussions = (
        Discussion.objects.filter(group=group)
        .select_related("document")
        .annotate(
            post_count=Count("posts", filter=Q(posts__deleted_at__isnull=True)),
            last_post_at=Max("posts__created_at"),
        )
        .order_by("-last_post_at")
    )
    return render(
        request,
        "discussions/group_index.html",
        {"group": group, "discussions": discussions, "perms": _permissions(request.user, group)},
    )


@require_GET
def member(request, group_slug, user_id):
    """A member's recent posts in this group: where an @mention leads."""
    group = access.access_group(request.user, group_slug)
    membership = (
        Membership.objects.active()
        .filter(group=group, user_id=user_id)
        .select_related("user")
        .first()
    )
    if membership is None or (
        group.hide_member_list
        and not discussion_rules.can_export_discussion(request.user, group)
        and request.user.pk != user_id
    ):
        raise Http404("No such member.")
    posts = list(
        Post.objects.filter(
            discussion__group=group,
            author_id=user_id,
            deleted_at__isnull=True,
            hidden_at__isnull=True,
            parent__isnull=True,
            question__isnull=True,
        )
        .select_related("discussion__document")
        .order_by("-created_at")[:20]
    )
    return render(
        request,
        "discussions/member.html",
        {"group": group, "member": membership.user, "membership": membership, "posts": posts},
    )


# ------------------------------------------------------------------------ notifications


@login_required
@require_GET
@vary_on_headers("HX-Request")
def notifications(request):
    items = list(
        Notification.objects.filter(recipient=request.user)
        .select_related("post__author", "post__discussion__group", "post__discussion__document")
        .order_by("-created_at", "-pk")[:100]
    )
    for item in items:
        item.url = _post_anchor_url(item.post)
    context = {"items": items, "unread": sum(1 for i in items if i.read_at is None)}
    template = "discussions/notifications.html"
    if request.htmx:
        template += "#list"
    return render(request, template, context)


@login_required
@require_POST
def notification_read(request, notification_id):
    notification = Notification.objects.filter(pk=notification_id, recipient=request.user).first()
    if notification is None:
        raise Http404("No such notification.")
    services.notification_mark_read(user=request.user, notification_id=notification.pk)
    if request.POST.get("next") == "post":
        return redirect(_post_anchor_url(notification.post))
    if request.htmx:
        return notifications(_as_get(request))
    return redirect("discussions:notifications")


@login_required
@require_POST
def notifications_read_all(request):
    changed = services.notification_mark_read(user=request.user)
    if request.htmx:
        return notifications(_as_get(request))
    messages.success(
        request, f"Marked {changed} notification{'s' if changed != 1 else ''} as read."
    )
    return redirect("discussions:notifications")


def _as_get(request):
    request.method = "GET"
    return request


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    setting = services.notification_setting_for(request.user)
    form = NotificationSettingForm(request.POST or None, initial={"email": setting.email})
    if request.method == "POST" and form.is_valid():
        services.notification_setting_set(user=request.user, email=form.cleaned_data["email"])
        messages.success(request, "Your e-mail choice is saved.")
        return redirect("discussions:notification_settings")
    return render(request, "discussions/notification_settings.html", {"form": form})


@csrf_exempt  # one-click unsubscribe (RFC 8058): the signed token is the credential
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    user = emails.user_for_unsubscribe_token(token)
    if user is None:
        return render(request, "discussions/unsubscribe.html", {"invalid": True}, status=400)
    done = False
    if request.method == "POST":
        emails.unsubscribe(user=user)
        done = True
    return render(request, "discussions/unsubscribe.html", {"done": done, "email": user.email})
