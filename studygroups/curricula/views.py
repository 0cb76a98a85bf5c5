"""Reading series: the public library, the syllabus, unit pages and packets, and the
organizer's builder. Every htmx POST has a no-JavaScript twin: a normal POST that sets a
message and redirects."""

from copy import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import retarget

from studygroups.core.htmx import render_page, wants_partial
from studygroups.library.models import Document, reading_minutes_for
from studygroups.library.reading import document_parts

from . import forking, selectors, services
from .access import (
    access_curriculum,
    access_curriculum_for_edit,
    access_document,
    access_question_for_edit,
    access_reading_for_edit,
    access_unit,
)
from .forms import (
    CurriculumCreateForm,
    CurriculumForm,
    CurriculumSearchForm,
    FromDocumentsForm,
    LibrarySearchForm,
    MoveForm,
    QuestionForm,
    ReadingRangeForm,
    ReadingUpdateForm,
    UnitForm,
    UnitTitleForm,
)
from .models import Curriculum, Unit
from .ranges import reading_range_words
from .rules import can_fork_curriculum

SEARCH_LIMIT = 8


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _builder_context(curriculum: Curriculum, *, user, unit_form=None, settings_form=None) -> dict:
    return selectors.builder(user, curriculum) | {
        "unit_form": unit_form or UnitTitleForm(),
        "settings_form": settings_form or CurriculumForm(instance=curriculum),
    }


def _unit_editor_context(
    unit: Unit, *, question_form=None, search_form=None, results=None, unit_form=None
) -> dict:
    data = selectors.unit_editor(unit)
    readings, paragraphs = data["readings"], data.pop("paragraphs")
    return data | {
        "question_form": question_form
        or QuestionForm(unit=unit, readings=readings, paragraphs=paragraphs),
        "search_form": search_form or LibrarySearchForm(),
        "results": results,
        "unit_form": unit_form or UnitForm(instance=unit),
    }


# ---------- Public library of reading series ----------


@require_safe
@vary_on_headers("HX-Request")
def curriculum_list(request):
    form = CurriculumSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    context = {"form": form} | selectors.series_list(
        request.user,
        query=query,
        page=request.GET.get("page"),
        with_mine=not wants_partial(request),
    )
    return render_page(request, "curricula/curriculum_list.html", context, partial="results")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def curriculum_create(request):
    form = CurriculumCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            curriculum = services.curriculum_create(owner=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Reading series created. Now add its units."))
            return redirect("curricula:edit", slug=curriculum.slug)
    return render(request, "curricula/curriculum_create.html", {"form": form})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def curriculum_from_documents(request):
    search = LibrarySearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    form = FromDocumentsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        chosen = sorted(form.cleaned_data["documents"], key=lambda d: d.title.casefold())
        try:
            curriculum = services.curriculum_create_from_documents(
                owner=request.user,
                title=form.cleaned_data["title"],
                documents=chosen,
                visibility=form.cleaned_data["visibility"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                ngettext(
                    "Created “%(title)s” with units proposed from %(count)d document. Edit "
                    "them as you like.",
                    "Created “%(title)s” with units proposed from %(count)d documents. Edit "
                    "them as you like.",
                    len(chosen),
                )
                % {"title": curriculum.title, "count": len(chosen)},
            )
            return redirect("curricula:edit", slug=curriculum.slug)
    documents = list(Document.objects.search(query).for_listing().order_by("title")[:50])
    selected = {str(v) for v in (request.POST.getlist("documents") if request.POST else [])}
    context = {"form": form, "search": search, "documents": documents, "selected": selected}
    return render(request, "curricula/curriculum_from_documents.html", context)


# ---------- Syllabus, unit page, packet ----------


@require_safe
def curriculum_detail(request, slug):
    curriculum = access_curriculum(request.user, slug)
    context = selectors.syllabus(request.user, curriculum)
    return render(request, "curricula/curriculum_detail.html", context)


@require_safe
def unit_detail(request, slug, unit_id):
    unit = access_unit(request.user, slug, unit_id)
    return render(request, "curricula/unit_detail.html", selectors.unit_page(request.user, unit))


@require_safe
def unit_packet(request, slug, unit_id):
    unit = access_unit(request.user, slug, unit_id)
    return render(request, "curricula/unit_packet.html", selectors.unit_packet(request.user, unit))


# ---------- Builder: curriculum settings and units ----------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def curriculum_edit(request, slug):
    curriculum = access_curriculum_for_edit(request.user, slug)
    # The form works on a copy, so its instance changes do not leak into the service.
    settings_form = CurriculumForm(request.POST or None, instance=copy(curriculum))
    if request.method == "POST":
        if settings_form.is_valid():
            try:
                data = {
                    name: settings_form.cleaned_data[name] for name in settings_form.changed_data
                }
                services.curriculum_update(curriculum=curriculum, data=data)
            except ValidationError as error:
                settings_form.add_error(None, error)
            else:
                messages.success(request, _("Settings saved."))
                return redirect("curricula:edit", slug=curriculum.slug)
        curriculum.refresh_from_db()
    context = _builder_context(curriculum, user=request.user, settings_form=settings_form)
    return render(request, "curricula/curriculum_edit.html", context)


def _units_response(request, curriculum: Curriculum, message: str, *, unit_form=None):
    if wants_partial(request):
        context = _builder_context(curriculum, user=request.user, unit_form=unit_form)
        context["status_message"] = message
        return render(request, "curricula/curriculum_edit.html#units", context)
    if unit_form is not None and unit_form.errors:
        messages.error(request, " ".join(e for errs in unit_form.errors.values() for e in errs))
    elif message:
        messages.success(request, message)
    return redirect(reverse("curricula:edit", kwargs={"slug": curriculum.slug}) + "#units")


@login_required
@require_POST
def unit_add(request, slug):
    curriculum = access_curriculum_for_edit(request.user, slug)
    form = UnitTitleForm(request.POST)
    if form.is_valid():
        try:
            unit = services.unit_add(curriculum=curriculum, title=form.cleaned_data["title"])
        except ValidationError as error:
            form.add_error("title", _error_text(error))
        else:
            return _units_response(
                request, curriculum, _("Added unit “%(title)s”.") % {"title": unit.title}
            )
    return _units_response(request, curriculum, "", unit_form=form)


@login_required
@require_POST
def unit_rename(request, slug, unit_id):
    unit = access_unit(request.user, slug, unit_id, edit=True)
    form = UnitTitleForm(request.POST)
    if form.is_valid():
        services.unit_rename(unit=unit, title=form.cleaned_data["title"])
        return _units_response(
            request, unit.curriculum, _("Renamed to “%(title)s”.") % {"title": unit.title}
        )
    return _units_response(request, unit.curriculum, "", unit_form=form)


@login_required
@require_POST
def unit_move(request, slug, unit_id):
    unit = access_unit(request.user, slug, unit_id, edit=True)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _units_response(request, unit.curriculum, "", unit_form=form)
    try:
        services.unit_move(unit=unit, **form.move())
    except ValidationError as error:
        return _units_response(request, unit.curriculum, _error_text(error))
    return _units_response(
        request,
        unit.curriculum,
        _("Moved “%(title)s” to position %(position)d.")
        % {"title": unit.title, "position": unit.order + 1},
    )


@login_required
@require_POST
def unit_remove(request, slug, unit_id):
    unit = access_unit(request.user, slug, unit_id, edit=True)
    services.unit_remove(unit=unit)
    return _units_response(
        request, unit.curriculum, _("Removed unit “%(title)s”.") % {"title": unit.title}
    )


@login_required
@require_POST
def curriculum_fork(request, slug):
    curriculum = access_curriculum(request.user, slug)
    if not can_fork_curriculum(request.user, curriculum):
        messages.error(request, _("Only published public reading series can be copied."))
        return redirect(curriculum)
    copy = forking.curriculum_fork(curriculum=curriculum, owner=request.user)
    messages.success(
        request,
        _("This is your own copy of “%(title)s”, a private draft. Adapt it.")
        % {"title": curriculum.title},
    )
    return redirect("curricula:edit", slug=copy.slug)


# ---------- Unit editor: details, readings, questions ----------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def unit_edit(request, slug, unit_id):
    unit = access_unit(request.user, slug, unit_id, edit=True)
    form = UnitForm(request.POST or None, instance=copy(unit))
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.unit_update(unit=unit, data=data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Unit saved."))
            return redirect("curricula:unit_edit", slug=slug, unit_id=unit.pk)
    if request.method == "POST":
        unit.refresh_from_db()
    context = _unit_editor_context(unit, unit_form=form)
    return render(request, "curricula/unit_edit.html", context)


def _editor_response(
    request, unit: Unit, partial: str, message: str = "", *, clear_chooser=False, **forms
):
    if wants_partial(request):
        context = _unit_editor_context(unit, **forms)
        context["status_message"] = message
        context["clear_chooser"] = clear_chooser
        # What the question form offers depends on the readings: refresh it with them.
        context["questions_oob"] = partial == "readings"
        return render(request, f"curricula/unit_edit.html#{partial}", context)
    if message:
        messages.success(request, message)
    return redirect(
        reverse("curricula:unit_edit", kwargs={"slug": unit.curriculum.slug, "unit_id": unit.pk})
        + f"#{partial}"
    )


@login_required
@require_safe
def reading_search(request, slug, unit_id):
    unit = access_unit(request.user, slug, unit_id, edit=True)
    form = LibrarySearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    results = (
        list(Document.objects.search(query).for_listing().order_by("title")[:SEARCH_LIMIT])
        if query
        else None
    )
    if wants_partial(request):
        context = {
            "curriculum": unit.curriculum,
            "unit": unit,
            "results": results,
            "search_form": form,
        }
        return render(request, "curricula/unit_edit.html#search-results", context)
    context = _unit_editor_context(unit, search_form=form, results=results)
    return render(request, "curricula/unit_edit.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def reading_add(request, slug, unit_id):
    unit = access_unit(request.user, slug, unit_id, edit=True)
    document = access_document(request.GET.get("document") or request.POST.get("document"))
    parts = document_parts(document)
    form = ReadingRangeForm(request.POST or None, document=document, parts=parts)
    if request.method == "POST" and form.is_valid():
        try:
            reading = services.reading_add(
                unit=unit,
                document=document,
                start_anchor=form.cleaned_data["start_anchor"],
                end_anchor=form.cleaned_data["end_anchor"],
                required=form.cleaned_data["required"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _editor_response(
                request,
                unit,
                "readings",
                _("Added “%(title)s” (%(minutes)d min).")
                % {"title": reading.document_title, "minutes": reading.minutes},
                clear_chooser=True,
            )
    words = document.word_count
    context = {
        "curriculum": unit.curriculum,
        "unit": unit,
        "document": document,
        "form": form,
        "minutes": reading_minutes_for(words, document.language),
    }
    if wants_partial(request):
        response = render(request, "curricula/reading_add.html#chooser", context)
        if request.method == "POST":
            response = retarget(response, "#reading-chooser")
        return response
    return render(request, "curricula/reading_add.html", context)


@login_required
@require_safe
def reading_time(request, slug, unit_id):
    """The reading time of the range being chosen, before it is added: a fragment for
    htmx (on every change of the range selects), else the chooser page showing it."""
    unit = access_unit(request.user, slug, unit_id, edit=True)
    document = access_document(request.GET.get("document"))
    form = ReadingRangeForm(request.GET, document=document, parts=document_parts(document))
    range_time = {"words": None, "error": "", "hint": ""}
    if form.is_valid():
        try:
            words = reading_range_words(
                document=document,
                start_anchor=form.cleaned_data["start_anchor"],
                end_anchor=form.cleaned_data["end_anchor"],
            )
        except ValidationError as error:
            range_time["error"] = _error_text(error)
        else:
            range_time.update(words=words, minutes=reading_minutes_for(words, document.language))
    else:
        field_errors = [
            e for name, errs in form.errors.items() if name != NON_FIELD_ERRORS for e in errs
        ]
        if not field_errors and form.has_error(NON_FIELD_ERRORS, "incomplete"):
            range_time["hint"] = " ".join(form.non_field_errors())  # not chosen yet
        else:
            range_time["error"] = " ".join(field_errors or form.non_field_errors())
    context = {
        "curriculum": unit.curriculum,
        "unit": unit,
        "document": document,
        "form": form,
        "minutes": reading_minutes_for(document.word_count, document.language),
        "range_time": range_time,
    }
    return render_page(request, "curricula/reading_add.html", context, partial="range-time")


@login_required
@require_POST
def reading_update(request, slug, unit_id, reading_id):
    reading = access_reading_for_edit(request.user, slug, unit_id, reading_id)
    form = ReadingUpdateForm(request.POST)
    if form.is_valid():
        services.reading_update(reading=reading, **form.cleaned_data)
        message = _("Saved “%(title)s”.") % {"title": reading.document_title}
    else:
        message = " ".join(e for errs in form.errors.values() for e in errs)
    return _editor_response(request, reading.unit, "readings", message)


def _move(request, move) -> str:
    """Run `move(direction=..., position=...)` from the posted MoveForm. Returns what
    went wrong, in plain words, or "" when it moved."""
    form = MoveForm(request.POST)
    if not form.is_valid():
        return " ".join(e for errors in form.errors.values() for e in errors)
    try:
        move(**form.move())
    except ValidationError as error:
        return _error_text(error)
    return ""


@login_required
@require_POST
def reading_move(request, slug, unit_id, reading_id):
    reading = access_reading_for_edit(request.user, slug, unit_id, reading_id)
    message = _move(request, lambda **move: services.reading_move(reading=reading, **move))
    message = message or _("Moved “%(title)s” to position %(position)d.") % {
        "title": reading.document_title,
        "position": reading.order + 1,
    }
    return _editor_response(request, reading.unit, "readings", message)


@login_required
@require_POST
def reading_remove(request, slug, unit_id, reading_id):
    reading = access_reading_for_edit(request.user, slug, unit_id, reading_id)
    services.reading_remove(reading=reading)
    return _editor_response(
        request,
        reading.unit,
        "readings",
        _("Removed “%(title)s”.") % {"title": reading.document_title},
    )


@login_required
@require_POST
def reading_checked(request, slug, unit_id, reading_id):
    reading = access_reading_for_edit(request.user, slug, unit_id, reading_id)
    services.reading_mark_checked(reading=reading)
    return _editor_response(
        request,
        reading.unit,
        "readings",
        _("Marked “%(title)s” as checked; its reading time was recounted.")
        % {"title": reading.document_title},
    )


@login_required
@require_POST
def question_add(request, slug, unit_id):
    unit = access_unit(request.user, slug, unit_id, edit=True)
    form = QuestionForm(request.POST, unit=unit)
    if form.is_valid():
        try:
            services.question_add(unit=unit, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _editor_response(request, unit, "questions", _("Question added."))
    if wants_partial(request):
        return _editor_response(request, unit, "questions", question_form=form)
    context = _unit_editor_context(unit, question_form=form)
    return render(request, "curricula/unit_edit.html", context, status=200)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def question_edit(request, slug, unit_id, question_id):
    question = access_question_for_edit(request.user, slug, unit_id, question_id)
    form = QuestionForm(request.POST or None, instance=copy(question), unit=question.unit)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_update(question=question, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            response = _editor_response(request, question.unit, "questions", _("Question saved."))
            return retarget(response, "#questions") if wants_partial(request) else response
    if request.method == "POST":
        question.refresh_from_db()
    context = {
        "curriculum": question.unit.curriculum,
        "unit": question.unit,
        "question": question,
        "form": form,
    }
    return render_page(request, "curricula/question_edit.html", context, partial="question-form")


@login_required
@require_POST
def question_move(request, slug, unit_id, question_id):
    question = access_question_for_edit(request.user, slug, unit_id, question_id)
    message = _move(request, lambda **move: services.question_move(question=question, **move))
    message = message or _("Moved the question to position %(position)d.") % {
        "position": question.order + 1
    }
    return _editor_response(request, question.unit, "questions", message)


@login_required
@require_POST
def question_remove(request, slug, unit_id, question_id):
    question = access_question_for_edit(request.user, slug, unit_id, question_id)
    services.question_remove(question=question)
    return _editor_response(request, question.unit, "questions", _("Question removed."))
