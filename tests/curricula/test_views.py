import pytest
from django.urls import reverse

from studygroups.curricula import services
from studygroups.curricula.models import Curriculum, DiscussionQuestion, Reading, Unit
from studygroups.groups.models import Membership
from tests.factories import make_curriculum, make_document, make_group_using, verified_user

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def url(name, curriculum, *args):
    return reverse(f"curricula:{name}", args=[curriculum.slug, *args])


# ---------- Reader pages: status by role ----------


@pytest.mark.parametrize("name", ["detail", "unit", "packet"])
def test_reader_pages_for_anonymous_on_public_series(client, series, name):
    unit = series.units.order_by("order").first()
    response = client.get(url(name, series) if name == "detail" else url(name, series, unit.pk))
    assert response.status_code == 200
    assert b"SECRET" not in response.content


@pytest.mark.parametrize("name", ["detail", "unit", "packet"])
def test_drafts_are_404_for_others_and_200_for_owners(client, user, other_user, series, name):
    services.curriculum_update(curriculum=series, data={"status": "draft"})
    unit = series.units.order_by("order").first()
    target = url(name, series) if name == "detail" else url(name, series, unit.pk)
    assert client.get(target).status_code == 404
    client.force_login(other_user)
    assert client.get(target).status_code == 404
    client.force_login(user)
    response = client.get(target)
    assert response.status_code == 200
    assert b"SECRET-UNIT-NOTE" in response.content or name in ("detail", "packet")


def test_private_series_for_group_members_and_notes_for_facilitators(client, series):
    services.curriculum_update(
        curriculum=series, data={"visibility": "private", "share_notes_with_groups": True}
    )
    unit = series.units.order_by("order").first()
    member, facilitator = verified_user(), verified_user()
    group = make_group_using(series, user=member)
    Membership.objects.create(group=group, user=facilitator, role=Membership.Role.FACILITATOR)
    assert client.get(url("unit", series, unit.pk)).status_code == 404
    client.force_login(member)
    response = client.get(url("unit", series, unit.pk))
    assert response.status_code == 200 and b"SECRET" not in response.content
    client.force_login(facilitator)
    response = client.get(url("unit", series, unit.pk))
    assert b"SECRET-UNIT-NOTE" in response.content and b"SECRET-Q-NOTE" in response.content


def test_unit_page_links_into_the_reader_at_the_range(client, series, document):
    unit = series.units.order_by("order").first()
    blocks = list(document.blocks.order_by("order"))
    response = client.get(url("unit", series, unit.pk))
    expected = f"/library/{document.slug}/?from={blocks[3].anchor}&amp;to={blocks[5].anchor}"
    assert expected in response.content.decode()
    assert "<strong>paragraph 4</strong>" in response.content.decode()


def test_packet_prints_only_the_range_with_reader_numbers(client, series, document):
    unit = series.units.order_by("order").first()
    blocks = list(document.blocks.order_by("order"))
    body = client.get(url("packet", series, unit.pk)).content.decode()
    # Blocks 4-6 are paragraphs 4-6 (headings are not numbered in this document).
    assert blocks[3].text in body and blocks[5].text in body
    assert blocks[0].text not in body and blocks[2].text not in body
    assert '<span class="block__number">4</span>' in body
    assert '<span class="block__number">1</span>' not in body
    assert "site-header" not in body  # no navigation chrome
    assert "print-break" in body and "Section 2" in body


def test_deleted_document_never_breaks_pages(client, series, document):
    unit = series.units.order_by("order").first()
    document.delete()
    for target in (
        url("detail", series),
        url("unit", series, unit.pk),
        url("packet", series, unit.pk),
    ):
        response = client.get(target)
        assert response.status_code == 200
        assert "On Reading Together" in response.content.decode()


def test_bad_unit_id_is_404(client, series):
    assert client.get(f"/series/{series.slug}/units/999999/").status_code == 404
    assert client.get("/series/no-such/").status_code == 404


# ---------- Library of series ----------


def test_list_shows_only_published_public_and_searches(client, user, series):
    make_curriculum(owner=user, title="Secret draft", status=Curriculum.Status.DRAFT)
    make_curriculum(owner=user, title="Closed circle", visibility="private")
    response = client.get(reverse("curricula:list"))
    body = response.content.decode()
    assert "Reading together" in body and "Secret draft" not in body
    assert "Closed circle" not in body
    response = client.get(reverse("curricula:list"), {"q": "nothing-like-it"}, **HX)
    assert "No published reading series matches" in response.content.decode()
    assert "<html" not in response.content.decode()


def test_list_shows_your_series_to_owners(client, user, series):
    make_curriculum(owner=user, title="Secret draft", status=Curriculum.Status.DRAFT)
    client.force_login(user)
    assert "Secret draft" in client.get(reverse("curricula:list")).content.decode()


# ---------- Query counts at two sizes ----------


def _grow(curriculum, units, documents):
    for n in range(units):
        unit = services.unit_add(curriculum=curriculum, title=f"Extra {n}")
        for document in documents:
            services.reading_add(unit=unit, document=document)
        services.question_add(unit=unit, text="Q?")


@pytest.mark.parametrize("size", [3, 30])
def test_detail_query_count_is_constant(client, user, size, django_assert_max_num_queries):
    documents = [make_document(), make_document()]
    curriculum = make_curriculum(owner=user)
    _grow(curriculum, size, documents)
    client.force_login(user)
    with django_assert_max_num_queries(14):
        assert client.get(url("detail", curriculum)).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(url("edit", curriculum)).status_code == 200


@pytest.mark.parametrize("size", [3, 30])
def test_unit_and_packet_query_count_is_constant(client, user, size, django_assert_max_num_queries):
    documents = [make_document(paragraphs=2) for _ in range(size)]
    curriculum = make_curriculum(owner=user, units=1)
    unit = curriculum.units.get()
    for document in documents:
        services.reading_add(unit=unit, document=document)
        services.question_add(unit=unit, text="Q?")
    client.force_login(user)
    for name in ("unit", "packet", "unit_edit"):
        with django_assert_max_num_queries(14):
            assert client.get(url(name, curriculum, unit.pk)).status_code == 200


@pytest.mark.parametrize("size", [3, 30])
def test_list_query_count_is_constant(client, size, django_assert_max_num_queries):
    for _ in range(size):
        make_curriculum(units=1)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("curricula:list")).status_code == 200


# ---------- Creating ----------


def test_create_requires_login(client):
    response = client.get(reverse("curricula:create"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_create_and_validation(user_client, user):
    response = user_client.post(reverse("curricula:create"), {"title": "", "visibility": "x"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Give the reading series a title." in body
    response = user_client.post(
        reverse("curricula:create"),
        {"title": "New one", "visibility": "public", "target_unit_minutes": "45"},
    )
    curriculum = Curriculum.objects.get(title="New one")
    assert response["Location"] == url("edit", curriculum)
    assert list(curriculum.owners.all()) == [user] and curriculum.status == "draft"


def test_from_documents(user_client, document):
    page = user_client.get(reverse("curricula:from_documents"), {"q": "reading"})
    assert page.status_code == 200 and "On Reading Together" in page.content.decode()
    response = user_client.post(reverse("curricula:from_documents"), {"title": "T"})
    assert "Choose at least one document." in response.content.decode()
    response = user_client.post(
        reverse("curricula:from_documents"),
        {"title": "T", "documents": ["abc"], "visibility": "public"},
    )
    assert response.status_code == 200
    response = user_client.post(
        reverse("curricula:from_documents"),
        {"title": "T", "documents": [document.pk], "visibility": "public"},
    )
    curriculum = Curriculum.objects.get(title="T")
    assert response.status_code == 302 and curriculum.units.count() == 1


def test_settings_edit(client, user, other_user, series):
    data = {
        "title": "Renamed",
        "summary": "",
        "audience": "",
        "visibility": "private",
        "status": "published",
        "target_unit_minutes": "30",
        "initial-title": series.title,
        "initial-visibility": "public",
        "initial-status": "published",
        "initial-target_unit_minutes": "60",
    }
    client.force_login(other_user)
    assert client.post(url("edit", series), data).status_code == 404
    client.force_login(user)
    response = client.post(url("edit", series), {**data, "target_unit_minutes": "many"})
    assert "whole number" in response.content.decode()
    response = client.post(url("edit", series), data)
    assert response.status_code == 302
    series.refresh_from_db()
    assert (series.title, series.visibility, series.target_unit_minutes) == (
        "Renamed",
        "private",
        30,
    )


# ---------- Builder POSTs: owner only, htmx and no-JS ----------


def _unit_posts(series):
    unit = series.units.order_by("order").first()
    return [
        (url("unit_add", series), {"title": "Third"}),
        (url("unit_rename", series, unit.pk), {"title": "Renamed"}),
        (url("unit_move", series, unit.pk), {"direction": "down"}),
        (url("unit_remove", series, unit.pk), {}),
    ]


def test_unit_posts_are_404_for_non_owners(client, other_user, series):
    for target, data in _unit_posts(series):
        assert client.post(target, data).status_code == 302  # to login
        client.force_login(other_user)
        assert client.post(target, data, **HX).status_code == 404
        client.logout()
    assert series.units.count() == 2


def test_unit_gets_are_not_allowed(user_client, series):
    for target, _ in _unit_posts(series):
        assert user_client.get(target).status_code == 405


@pytest.mark.parametrize("htmx", [True, False])
def test_unit_add_rename_move_remove(user_client, series, htmx):
    headers = HX if htmx else {}
    response = user_client.post(url("unit_add", series), {"title": "Third"}, **headers)
    if htmx:
        body = response.content.decode()
        assert response.status_code == 200 and 'id="units"' in body and "<html" not in body
        assert "Third" in body
    else:
        assert response.status_code == 302 and response["Location"].endswith("/edit/#units")
    third = series.units.get(title="Third")
    user_client.post(url("unit_rename", series, third.pk), {"title": "Finale"}, **headers)
    user_client.post(url("unit_move", series, third.pk), {"direction": "up"}, **headers)
    assert list(series.units.order_by("order").values_list("title", flat=True)) == [
        "Unit 1",
        "Finale",
        "Unit 2",
    ]
    user_client.post(url("unit_remove", series, third.pk), **headers)
    assert not series.units.filter(title="Finale").exists()


@pytest.mark.parametrize("htmx", [True, False])
def test_unit_add_errors_in_plain_words(user_client, series, htmx):
    response = user_client.post(
        url("unit_add", series), {"title": ""}, follow=not htmx, **(HX if htmx else {})
    )
    assert "Give the unit a title." in response.content.decode()
    response = user_client.post(
        url("unit_move", series, series.units.first().pk),
        {"direction": "sideways"},
        follow=not htmx,
        **(HX if htmx else {}),
    )
    assert "Choose to move it up or down." in response.content.decode()
    for position, message in (("0", "Positions start at 1."), ("two", "a whole number")):
        response = user_client.post(
            url("unit_move", series, series.units.first().pk),
            {"position": position},
            follow=not htmx,
            **(HX if htmx else {}),
        )
        assert message in response.content.decode()


def test_drag_posts_a_position_and_gets_the_list_back(user_client, series):
    """What reorder.js posts: the row's new position; the answer is the list, for htmx."""
    last = series.units.order_by("order").last()
    response = user_client.post(url("unit_move", series, last.pk), {"position": "1"}, **HX)
    body = response.content.decode()
    assert response.status_code == 200 and 'id="units"' in body and "<html" not in body
    assert f"Moved “{last.title}” to position 1." in body
    assert series.units.order_by("order").first() == last
    assert 'data-reorder="#units"' in body and "data-drag-handle" in body


def test_unit_edit_page_saves_only_changed_fields(user_client, series):
    unit = series.units.order_by("order").first()
    response = user_client.post(
        url("unit_edit", series, unit.pk),
        {"title": "", "introduction": "", "learning_goals": "", "facilitator_notes": ""},
    )
    assert "Give the unit a title." in response.content.decode()
    Unit.objects.filter(pk=unit.pk).update(learning_goals="Set by the other owner")
    response = user_client.post(
        url("unit_edit", series, unit.pk),
        {
            "title": "Unit 1",
            "introduction": "Hello",
            "learning_goals": "",
            "facilitator_notes": "SECRET-UNIT-NOTE",
            "initial-title": "Unit 1",
            "initial-introduction": "",
            "initial-learning_goals": "",
            "initial-facilitator_notes": "SECRET-UNIT-NOTE",
        },
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.introduction == "Hello"
    assert unit.learning_goals == "Set by the other owner"


# ---------- Readings ----------


@pytest.mark.parametrize("htmx", [True, False])
def test_reading_search(user_client, series, document, htmx):
    unit = series.units.order_by("order").first()
    response = user_client.get(
        url("reading_search", series, unit.pk), {"q": "Ada"}, **(HX if htmx else {})
    )
    body = response.content.decode()
    assert "On Reading Together" in body
    assert ("<html" in body) is (not htmx)
    response = user_client.get(url("reading_search", series, unit.pk), {"q": "zzz"}, **HX)
    assert "No document matches" in response.content.decode()


def test_reading_search_is_owner_only(client, other_user, series):
    unit = series.units.order_by("order").first()
    client.force_login(other_user)
    assert client.get(url("reading_search", series, unit.pk), {"q": "a"}, **HX).status_code == 404


@pytest.mark.parametrize("htmx", [True, False])
def test_reading_add_chooser_and_ranges(user_client, series, document, htmx):
    unit = series.units.order_by("order").last()
    headers = HX if htmx else {}
    target = url("reading_add", series, unit.pk)
    page = user_client.get(target, {"document": document.pk}, **headers)
    body = page.content.decode()
    assert page.status_code == 200 and "A range of sections" in body
    assert ("<html" in body) is (not htmx)
    sections = list(document.sections.order_by("order"))
    blocks = list(document.blocks.order_by("order"))
    # end before start, in sections
    response = user_client.post(
        target,
        {
            "document": document.pk,
            "extent": "sections",
            "start_section": sections[1].anchor,
            "end_section": sections[0].anchor,
            "required": "on",
        },
        **headers,
    )
    assert "The reading ends before it starts" in response.content.decode()
    if htmx:
        assert response["HX-Retarget"] == "#reading-chooser"
    # an anchor from another document
    foreign = make_document().blocks.first().anchor
    response = user_client.post(
        target,
        {
            "document": document.pk,
            "extent": "paragraphs",
            "start_paragraph": foreign,
            "end_paragraph": blocks[1].anchor,
        },
        **headers,
    )
    assert "Choose one of the listed options." in response.content.decode()
    assert not unit.readings.exists()
    # a good range of sections
    response = user_client.post(
        target,
        {
            "document": document.pk,
            "extent": "sections",
            "start_section": sections[1].anchor,
            "end_section": sections[1].anchor,
            "required": "on",
        },
        **headers,
    )
    reading = unit.readings.get()
    assert (reading.start_anchor, reading.end_anchor) == (blocks[3].anchor, blocks[5].anchor)
    assert reading.word_count == 120
    if htmx:
        body = response.content.decode()
        assert 'id="readings"' in body and 'hx-swap-oob="true"' in body
    else:
        assert response.status_code == 302


def test_reading_add_unknown_document_is_404(user_client, series):
    unit = series.units.first()
    assert (
        user_client.get(url("reading_add", series, unit.pk), {"document": "x"}).status_code == 404
    )


@pytest.mark.parametrize("htmx", [True, False])
def test_reading_update_move_remove_checked(user_client, series, htmx):
    unit = series.units.order_by("order").first()
    services.reading_add(unit=unit, document=make_document())
    first, second = unit.readings.order_by("order")
    headers = HX if htmx else {}
    r = user_client.post(
        url("reading_update", series, unit.pk, first.pk), {"note": "Skim"}, **headers
    )
    assert r.status_code == (200 if htmx else 302)
    first.refresh_from_db()
    assert (first.required, first.note) == (False, "Skim")
    user_client.post(
        url("reading_move", series, unit.pk, second.pk), {"direction": "up"}, **headers
    )
    assert unit.readings.order_by("order").first() == second
    user_client.post(url("reading_checked", series, unit.pk, first.pk), **headers)
    user_client.post(url("reading_remove", series, unit.pk, first.pk), **headers)
    assert list(unit.readings.all()) == [second]


def test_reading_posts_are_404_for_non_owners(client, other_user, series):
    unit = series.units.order_by("order").first()
    reading = unit.readings.get()
    client.force_login(other_user)
    for name in ("reading_update", "reading_move", "reading_remove", "reading_checked"):
        assert (
            client.post(
                url(name, series, unit.pk, reading.pk), {"direction": "up"}, **HX
            ).status_code
            == 404
        )
    assert Reading.objects.filter(pk=reading.pk).exists()


# ---------- Questions ----------


@pytest.mark.parametrize("htmx", [True, False])
def test_question_add_edit_move_remove(user_client, series, htmx):
    unit = series.units.order_by("order").first()
    headers = HX if htmx else {}
    response = user_client.post(url("question_add", series, unit.pk), {"text": ""}, **headers)
    assert "Write the question." in response.content.decode()
    response = user_client.post(
        url("question_add", series, unit.pk), {"text": "Why *now*?"}, **headers
    )
    assert response.status_code == (200 if htmx else 302)
    question = unit.questions.get(text="Why *now*?")
    assert question.text_html == "<p>Why <em>now</em>?</p>"
    form = user_client.get(url("question_edit", series, unit.pk, question.pk), **headers)
    assert form.status_code == 200 and "Save question" in form.content.decode()
    response = user_client.post(
        url("question_edit", series, unit.pk, question.pk),
        {"text": "Why **then**?", "facilitator_notes": "n"},
        **headers,
    )
    question.refresh_from_db()
    assert question.text_html == "<p>Why <strong>then</strong>?</p>"
    if htmx:
        assert response["HX-Retarget"] == "#questions"
    response = user_client.post(
        url("question_edit", series, unit.pk, question.pk), {"text": ""}, **headers
    )
    assert "Write the question." in response.content.decode()
    user_client.post(
        url("question_move", series, unit.pk, question.pk), {"direction": "up"}, **headers
    )
    assert unit.questions.order_by("order").first() == question
    user_client.post(url("question_remove", series, unit.pk, question.pk), **headers)
    assert not DiscussionQuestion.objects.filter(pk=question.pk).exists()


def test_question_views_are_404_for_non_owners(client, other_user, series):
    unit = series.units.order_by("order").first()
    question = unit.questions.get()
    client.force_login(other_user)
    assert client.get(url("question_edit", series, unit.pk, question.pk), **HX).status_code == 404
    for name in ("question_edit", "question_move", "question_remove"):
        assert (
            client.post(url(name, series, unit.pk, question.pk), {"text": "x"}, **HX).status_code
            == 404
        )
    assert client.post(url("question_add", series, unit.pk), {"text": "x"}).status_code == 404


# ---------- Fork ----------


def test_fork(client, user, other_user, series):
    assert client.post(url("fork", series)).status_code == 302  # login first
    client.force_login(other_user)
    response = client.post(url("fork", series))
    copy = Curriculum.objects.get(forked_from=series)
    assert response["Location"] == url("edit", copy)
    assert copy.units.count() == 2
    assert client.get(url("edit", copy)).status_code == 200
    services.unit_add(curriculum=series, title="Added later")
    page = client.get(url("detail", copy)).content.decode()
    assert "The original has changed since you copied it" in page and "Added later" in page


def test_fork_of_private_series_is_refused(client, user, other_user, series):
    services.curriculum_update(curriculum=series, data={"visibility": "private"})
    make_group_using(series, user=other_user)
    client.force_login(other_user)
    response = client.post(url("fork", series), follow=True)
    assert "Only published public reading series can be copied." in response.content.decode()
    assert not Curriculum.objects.filter(forked_from=series).exists()


def test_reading_and_question_moves_explain_a_bad_position(user_client, series):
    unit = series.units.order_by("order").first()
    reading = unit.readings.first()
    question = services.question_add(unit=unit, text="Why?")
    for name, pk in (("reading_move", reading.pk), ("question_move", question.pk)):
        response = user_client.post(url(name, series, unit.pk, pk), {"position": "0"}, **HX)
        assert "Positions start at 1." in response.content.decode()
        response = user_client.post(url(name, series, unit.pk, pk), {}, **HX)
        assert "Choose to move it up or down." in response.content.decode()


# ---------- huge document ids are a form error, not a 500 ----------


@pytest.mark.parametrize("bad", ["1" * 30, "-1" * 12, "9223372036854775808"])
def test_from_documents_huge_ids_are_a_form_error(user_client, bad):
    response = user_client.post(
        reverse("curricula:from_documents"),
        {"title": "T", "documents": [bad], "visibility": "public"},
    )
    assert response.status_code == 200
    assert "Choose documents from the list." in response.content.decode()
    assert not Curriculum.objects.filter(title="T").exists()
