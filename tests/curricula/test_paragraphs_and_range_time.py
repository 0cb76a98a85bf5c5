"""Questions tied to a paragraph of a reading, and the reading time of a range shown
while it is being chosen."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from studygroups.curricula import services
from studygroups.curricula.forms import QuestionForm
from studygroups.curricula.models import DiscussionQuestion
from studygroups.curricula.ranges import reading_range_words
from tests.factories import make_curriculum, make_document

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def url(name, curriculum, *args):
    return reverse(f"curricula:{name}", args=[curriculum.slug, *args])


@pytest.fixture
def series(user, document):
    """One unit reading paragraphs 4-6 of `document` (its second section) and the whole
    of a second document."""
    curriculum = make_curriculum(owner=user, title="Paragraph ties", units=1)
    unit = curriculum.units.get()
    blocks = list(document.blocks.order_by("order"))
    services.reading_add(
        unit=unit, document=document, start_anchor=blocks[3].anchor, end_anchor=blocks[5].anchor
    )
    services.reading_add(unit=unit, document=make_document(title="Second text", paragraphs=1))
    return curriculum


def _readings(curriculum):
    unit = curriculum.units.get()
    return unit, list(unit.readings.select_related("document").order_by("order"))


# ---------- The question form offers the paragraphs ----------


def test_question_form_offers_paragraphs_of_the_assigned_ranges(user_client, series, document):
    unit, (part, whole) = _readings(series)
    body = user_client.get(url("unit_edit", series, unit.pk)).content.decode()
    select = re.search(r'<select name="paragraph".*?</select>', body, re.S).group(0)
    assert '<optgroup label="On Reading Together">' in select
    assert '<optgroup label="Second text">' in select
    blocks = list(document.blocks.order_by("order"))
    # Only paragraphs 4-6 of the ranged reading, numbered as the reader numbers them.
    assert blocks[2].anchor not in select
    for n in (4, 5, 6):
        assert f'value="{part.pk}:{blocks[n - 1].anchor}"' in select
    assert f">¶ 4 — {' '.join(blocks[3].text.split()[:8])}…</option>" in select
    assert f'value="{whole.pk}:' in select
    assert 'for="new-question-paragraph"' in body  # labelled


def test_question_form_hides_the_select_without_readings(user_client, user):
    curriculum = make_curriculum(owner=user, units=1)
    unit = curriculum.units.get()
    body = user_client.get(url("unit_edit", curriculum, unit.pk)).content.decode()
    assert 'name="paragraph"' not in body


@pytest.mark.parametrize("htmx", [True, False])
def test_question_add_tied_to_a_paragraph(user_client, series, document, htmx):
    unit, (part, _) = _readings(series)
    anchor = document.blocks.order_by("order")[4].anchor
    headers = HX if htmx else {}
    response = user_client.post(
        url("question_add", series, unit.pk),
        {"text": "Why here?", "paragraph": f"{part.pk}:{anchor}"},
        **headers,
    )
    assert response.status_code == (200 if htmx else 302)
    question = unit.questions.get()
    assert (question.reading, question.anchor) == (part, anchor)
    if htmx:
        assert "on ¶ 5" in response.content.decode()


@pytest.mark.parametrize("htmx", [True, False])
@pytest.mark.parametrize("where", ["outside the range", "another document", "nonsense"])
def test_question_add_refuses_a_paragraph_not_in_the_units_readings(
    user_client, series, document, htmx, where
):
    unit, (part, _) = _readings(series)
    value = {
        "outside the range": f"{part.pk}:{document.blocks.order_by('order')[0].anchor}",
        "another document": f"{part.pk}:{make_document().blocks.first().anchor}",
        "nonsense": "999999999999999999999:p-x",
    }[where]
    response = user_client.post(
        url("question_add", series, unit.pk),
        {"text": "Why here?", "paragraph": value},
        **(HX if htmx else {}),
    )
    assert response.status_code == 200
    assert "Choose a paragraph of one of this unit&#x27;s readings." in response.content.decode()
    assert not unit.questions.exists()


def test_question_paragraph_must_be_in_the_chosen_reading(user_client, series, document):
    unit, (part, whole) = _readings(series)
    anchor = document.blocks.order_by("order")[4].anchor
    response = user_client.post(
        url("question_add", series, unit.pk),
        {"text": "Why?", "reading": whole.pk, "paragraph": f"{part.pk}:{anchor}"},
        **HX,
    )
    assert "That paragraph is in “On Reading Together”, not in “Second text”" in (
        response.content.decode()
    )
    assert not unit.questions.exists()


@pytest.mark.parametrize("htmx", [True, False])
def test_question_edit_sets_shows_and_clears_the_paragraph(user_client, series, document, htmx):
    unit, (part, _) = _readings(series)
    anchor = document.blocks.order_by("order")[5].anchor
    question = services.question_add(unit=unit, text="Q?")
    headers = HX if htmx else {}
    target = url("question_edit", series, unit.pk, question.pk)
    user_client.post(target, {"text": "Q?", "paragraph": f"{part.pk}:{anchor}"}, **headers)
    question.refresh_from_db()
    assert (question.reading_id, question.anchor) == (part.pk, anchor)
    form = user_client.get(target, **headers).content.decode()
    assert f'<option value="{part.pk}:{anchor}" selected>¶ 6 — ' in form
    user_client.post(target, {"text": "Q?", "reading": part.pk, "paragraph": ""}, **headers)
    question.refresh_from_db()
    assert (question.reading_id, question.anchor) == (part.pk, "")


def test_question_edit_with_a_foreign_paragraph_keeps_the_old_one(user_client, series, document):
    unit, (part, _) = _readings(series)
    anchor = document.blocks.order_by("order")[3].anchor
    question = services.question_add(unit=unit, text="Q?", reading=part, anchor=anchor)
    response = user_client.post(
        url("question_edit", series, unit.pk, question.pk),
        {"text": "Q?", "paragraph": f"{part.pk}:{make_document().blocks.first().anchor}"},
        **HX,
    )
    assert "Choose a paragraph of one of this unit&#x27;s readings." in response.content.decode()
    question.refresh_from_db()
    assert question.anchor == anchor


def test_paragraph_posts_are_404_for_non_owners(client, other_user, series, document):
    unit, (part, _) = _readings(series)
    anchor = document.blocks.order_by("order")[4].anchor
    question = services.question_add(unit=unit, text="Q?")
    client.force_login(other_user)
    data = {"text": "Mine", "paragraph": f"{part.pk}:{anchor}"}
    assert client.post(url("question_add", series, unit.pk), data, **HX).status_code == 404
    assert client.post(url("question_edit", series, unit.pk, question.pk), data).status_code == 404
    question.refresh_from_db()
    assert (question.text, question.anchor) == ("Q?", "")


def test_service_refuses_a_paragraph_outside_the_readings_range(series, document):
    unit, (part, _) = _readings(series)
    blocks = list(document.blocks.order_by("order"))
    with pytest.raises(ValidationError, match="assigned range") as refused:
        services.question_add(unit=unit, text="Q?", reading=part, anchor=blocks[0].anchor)
    # A form can show the refusal (the range changed after the form was checked).
    form = QuestionForm({"text": "Q?"}, unit=unit)
    assert form.is_valid()
    form.add_error(None, refused.value)
    assert "assigned range" in str(form.non_field_errors())
    assert services.question_add(unit=unit, text="Q?", reading=part, anchor=blocks[3].anchor)


# ---------- The tie on the unit page, the syllabus and the packet ----------


def test_tie_is_shown_as_a_link_to_the_reader_and_plain_in_the_packet(client, series, document):
    unit, (part, whole) = _readings(series)
    blocks = list(document.blocks.order_by("order"))
    services.question_add(unit=unit, text="Ranged?", reading=part, anchor=blocks[4].anchor)
    second = whole.document.blocks.order_by("order").first()
    services.question_add(unit=unit, text="Whole?", reading=whole, anchor=second.anchor)
    ranged_link = (
        f'<a class="paragraph-tie" href="/library/{document.slug}/'
        f"?from={blocks[3].anchor}&amp;to={blocks[5].anchor}"
        f'#{blocks[4].anchor}">on ¶ 5</a>'
    )
    whole_link = (
        f'<a class="paragraph-tie" href="/library/{whole.document.slug}/#{second.anchor}">'
        "on ¶ 1</a>"
    )
    for page in (url("unit", series, unit.pk), url("detail", series)):
        body = client.get(page).content.decode()
        assert ranged_link in body and whole_link in body, page
    packet = client.get(url("packet", series, unit.pk)).content.decode()
    assert 'About “On Reading Together”, <span class="paragraph-tie">on ¶ 5</span>' in packet
    assert 'About “Second text”, <span class="paragraph-tie">on ¶ 1</span>' in packet
    assert ranged_link not in packet


def test_tie_to_a_deleted_document_or_vanished_paragraph_is_not_shown(client, series, document):
    unit, (part, whole) = _readings(series)
    services.question_add(
        unit=unit, text="Q?", reading=part, anchor=document.blocks.order_by("order")[4].anchor
    )
    document.delete()
    for page in (
        url("unit", series, unit.pk),
        url("detail", series),
        url("packet", series, unit.pk),
    ):
        response = client.get(page)
        assert response.status_code == 200 and "on ¶" not in response.content.decode()


def _tied_series(owner, size):
    curriculum = make_curriculum(owner=owner, units=1)
    unit = curriculum.units.get()
    for _ in range(size):
        document = make_document(paragraphs=2)
        first, last = document.blocks.order_by("order")[1:3]
        reading = services.reading_add(
            unit=unit, document=document, start_anchor=first.anchor, end_anchor=last.anchor
        )
        services.question_add(unit=unit, text="Q?", reading=reading, anchor=last.anchor)
    for n in range(size):
        extra = services.unit_add(curriculum=curriculum, title=f"Extra {n}")
        reading = services.reading_add(unit=extra, document=document)
        services.question_add(unit=extra, text="Q?", reading=reading, anchor=first.anchor)
    return curriculum, unit


@pytest.mark.parametrize("size", [3, 30])
def test_pages_with_tied_questions_keep_query_counts_constant(
    client, user, size, django_assert_max_num_queries
):
    curriculum, unit = _tied_series(user, size)
    client.force_login(user)
    for page in (
        url("detail", curriculum),
        url("edit", curriculum),
        url("unit", curriculum, unit.pk),
        url("packet", curriculum, unit.pk),
        url("unit_edit", curriculum, unit.pk),
    ):
        with django_assert_max_num_queries(14):
            response = client.get(page)
        assert response.status_code == 200
        if "edit" not in page or "units" in page:
            assert response.content.decode().count("on ¶") >= size, page


# ---------- Reading time of the range being chosen ----------


def _time(client, series, document, data, htmx=True):
    unit = series.units.get()
    return client.get(
        url("reading_time", series, unit.pk),
        {"document": document.pk, **data},
        **(HX if htmx else {}),
    )


@pytest.mark.parametrize("htmx", [True, False])
def test_range_time_for_paragraphs_sections_and_the_whole(user_client, series, document, htmx):
    blocks = list(document.blocks.order_by("order"))
    sections = list(document.sections.order_by("order"))
    cases = [
        (
            {
                "extent": "paragraphs",
                "start_paragraph": blocks[1].anchor,
                "end_paragraph": blocks[3].anchor,
            },
            "≈ 1 min · 120 words",
        ),
        (
            {
                "extent": "sections",
                "start_section": sections[0].anchor,
                "end_section": sections[1].anchor,
            },
            "≈ 2 min · 240 words",
        ),
        ({"extent": "whole"}, "≈ 2 min · 240 words"),
    ]
    for data, expected in cases:
        response = _time(user_client, series, document, data, htmx)
        body = response.content.decode()
        assert response.status_code == 200 and expected in body
        assert 'id="range-time"' in body
        assert ("<html" in body) is (not htmx)
        if not htmx:  # the chooser, ready to submit, with the time shown
            assert "Add to the unit" in body


@pytest.mark.parametrize("htmx", [True, False])
def test_range_time_errors_in_plain_words_in_the_same_place(user_client, series, document, htmx):
    blocks = list(document.blocks.order_by("order"))
    reversed_range = {
        "extent": "paragraphs",
        "start_paragraph": blocks[3].anchor,
        "end_paragraph": blocks[1].anchor,
    }
    body = _time(user_client, series, document, reversed_range, htmx).content.decode()
    error = re.search(r'<p id="range-time" class="range-time range-time--error".*?</p>', body, re.S)
    assert error and "The reading ends before it starts." in error.group(0)
    foreign = {
        "extent": "paragraphs",
        "start_paragraph": make_document().blocks.first().anchor,
        "end_paragraph": blocks[1].anchor,
    }
    body = _time(user_client, series, document, foreign, htmx).content.decode()
    assert "range-time--error" in body and "Choose one of the listed options." in body
    half = {"extent": "paragraphs", "start_paragraph": blocks[1].anchor}
    body = _time(user_client, series, document, half, htmx).content.decode()
    assert "Choose the first and the last paragraph of the reading." in body
    assert "range-time--error" not in body
    assert not series.units.get().readings.filter(document=document, start_anchor="").exists()


def test_range_time_is_owner_only_and_bad_documents_are_404(client, other_user, series, document):
    unit = series.units.get()
    target = url("reading_time", series, unit.pk)
    response = client.get(target, {"document": document.pk, "extent": "whole"}, **HX)
    assert response.status_code == 302  # to the login page
    client.force_login(other_user)
    assert client.get(target, {"document": document.pk}, **HX).status_code == 404
    assert client.get(target, {"document": document.pk}).status_code == 404
    client.force_login(series.owners.get())
    for bad in ("x", "99999999999999999999999", ""):
        assert client.get(target, {"document": bad}, **HX).status_code == 404


def test_range_words_is_one_query(document, django_assert_num_queries):
    blocks = list(document.blocks.order_by("order"))
    with django_assert_num_queries(1):
        words = reading_range_words(
            document=document, start_anchor=blocks[2].anchor, end_anchor=blocks[4].anchor
        )
    assert words == 120
    with pytest.raises(ValidationError, match="ends before it starts"):
        reading_range_words(
            document=document, start_anchor=blocks[4].anchor, end_anchor=blocks[2].anchor
        )


def test_chooser_asks_for_the_time_on_change(user_client, series, document):
    unit = series.units.get()
    body = user_client.get(
        url("reading_add", series, unit.pk), {"document": document.pk}
    ).content.decode()
    assert f'hx-get="{url("reading_time", series, unit.pk)}" hx-trigger="change"' in body
    assert 'id="range-time"' in body and 'aria-live="polite"' in body
    assert DiscussionQuestion.objects.count() == 0
