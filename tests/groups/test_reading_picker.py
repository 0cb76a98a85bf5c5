"""Assigning a library document (whole or a paragraph range) to a session, and removing it."""

import pytest
from django.urls import reverse

from studygroups.groups import sessions
from studygroups.groups.models import ReadingProgress, SessionReading
from studygroups.groups.readings import paragraph_options
from studygroups.library.models import reading_minutes_for
from tests.factories import make_document, make_session

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def session(private_group):
    return make_session(private_group)


def _urls(session):
    args = [session.group.slug, session.pk]
    return {
        "search": reverse("groups:session_reading_search", args=args),
        "choose": reverse("groups:session_reading_choose", args=args),
        "add": reverse("groups:session_add_reading", args=args),
    }


@pytest.fixture
def organizer_client(client, organizer):
    client.force_login(organizer)
    return client


# ---------- search ----------


def test_session_page_offers_search_not_anchor_fields(organizer_client, session):
    html = organizer_client.get(session.get_absolute_url()).content.decode()
    assert 'name="q"' in html and "Search the library" in html
    assert "Document address or slug" not in html and 'placeholder="p-…"' not in html


def test_search_fragment_with_htmx(organizer_client, session):
    make_document(title="Mutual Aid in the City")
    make_document(title="Something Else")
    response = organizer_client.get(_urls(session)["search"], {"q": "mutual"}, **HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="reading-results"' in html
    assert "Mutual Aid in the City" in html and "Something Else" not in html
    assert "?document=mutual-aid-in-the-city" in html and ">Add<" in html


def test_search_page_without_js(organizer_client, session):
    make_document(title="Mutual Aid in the City")
    response = organizer_client.get(_urls(session)["search"], {"q": "mutual"})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html
    assert "Assign a text" in html and "Mutual Aid in the City" in html


def test_search_caps_results_at_ten(organizer_client, session):
    for i in range(12):
        make_document(title=f"Organizing notes {i}")
    html = organizer_client.get(_urls(session)["search"], {"q": "organizing"}, **HX).content
    assert html.decode().count('class="reading-result"') == 10
    assert b"Add a word to narrow them" in html


def test_search_empty_and_nothing_found_and_too_long(organizer_client, session):
    make_document(title="Mutual Aid")
    url = _urls(session)["search"]
    empty = organizer_client.get(url, {"q": "  "}, **HX).content.decode()
    assert 'class="reading-result"' not in empty
    none = organizer_client.get(url, {"q": "zebra"}, **HX).content.decode()
    assert "Nothing in the library matches “zebra”" in none
    long = organizer_client.get(url, {"q": "x" * 300}, **HX)
    assert long.status_code == 200 and b"at most 200 characters" in long.content


def test_search_escapes_query(organizer_client, session):
    html = organizer_client.get(_urls(session)["search"], {"q": "<b>x"}, **HX).content.decode()
    assert "<b>x" not in html and "&lt;b&gt;x" in html


# ---------- chooser ----------


def test_chooser_lists_numbered_paragraphs(organizer_client, session):
    document = make_document(title="Strike Notes", sections=2, paragraphs=3)
    options = paragraph_options(document)
    assert [o.number for o in options] == [1, 2, 3, 4, 5, 6]
    assert options[0].label.startswith("¶ 1 — Paragraph 1 of section 1")
    assert options[0].label.endswith("…") and len(options[0].excerpt.split()) == 8
    for headers in ({}, HX):
        response = organizer_client.get(
            _urls(session)["choose"], {"document": document.slug}, **headers
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert ("<html" in html) is (not headers)
        assert f'value="{options[3].anchor}"' in html and "¶ 4 — " in html
        assert "The whole document" in html and "A range of paragraphs" in html
        assert f"about {document.reading_minutes} minute" in html


def test_chooser_accepts_a_full_address(organizer_client, session):
    document = make_document(title="Addressed")
    url = "http://testserver" + document.get_absolute_url()
    assert organizer_client.get(_urls(session)["choose"], {"document": url}).status_code == 200


def test_chooser_without_document_shows_search_and_unknown_is_404(organizer_client, session):
    urls = _urls(session)
    response = organizer_client.get(urls["choose"])
    assert response.status_code == 200 and b'id="reading-q"' in response.content
    assert organizer_client.get(urls["choose"], {"document": "nope"}).status_code == 404


@pytest.mark.parametrize("htmx", [True, False])
def test_chooser_previews_reading_time_of_range(organizer_client, session, htmx):
    document = make_document(sections=2, paragraphs=3, words_per_paragraph=400)
    options = paragraph_options(document)
    params = {
        "document": document.slug,
        "extent": "range",
        "start_anchor": options[1].anchor,
        "end_anchor": options[3].anchor,
        "preview": "1",
    }
    headers = HX if htmx else {}
    html = organizer_client.get(_urls(session)["choose"], params, **headers).content.decode()
    words = sum(o.words for o in options[1:4])
    assert f"about {reading_minutes_for(words)} minute" in html and "¶ 2–4" in html
    if htmx:
        assert html.lstrip().startswith('<div id="reading-time"')
    params["end_anchor"] = options[0].anchor
    html = organizer_client.get(_urls(session)["choose"], params, **headers).content.decode()
    assert "The range ends (¶ 1) before it starts (¶ 2)" in html


# ---------- adding ----------


def _range(document, first, last):
    options = paragraph_options(document)
    return {
        "document": document.slug,
        "extent": "range",
        "start_anchor": options[first].anchor,
        "end_anchor": options[last].anchor,
        "note": "Focus on the second half",
    }


def test_add_range_without_js(organizer_client, session):
    document = make_document(title="Range Text")
    options = paragraph_options(document)
    response = organizer_client.post(_urls(session)["add"], _range(document, 1, 3))
    assert response.status_code == 302
    assert response["Location"] == session.get_absolute_url() + "#readings"
    reading = SessionReading.objects.get(session=session)
    assert (reading.start_anchor, reading.end_anchor) == (options[1].anchor, options[3].anchor)
    assert reading.word_count == sum(o.words for o in options[1:4])
    assert reading.note == "Focus on the second half"
    page = organizer_client.get(response["Location"]).content.decode()
    assert "“Range Text” is assigned for this session." in page
    # The list says which paragraphs, numbered as the reader numbers them.
    assert "<span>¶ 2–4</span>" in page


def test_show_reading_time_without_js_posts_and_saves_nothing(organizer_client, session):
    document = make_document(title="Range Text")
    options = paragraph_options(document)
    picker = organizer_client.get(_urls(session)["choose"], {"document": document.slug})
    html = picker.content.decode()
    # The preview button posts the form (no CSRF token in an address) to the add view.
    assert 'name="show_time"' in html and 'formmethod="get"' not in html
    response = organizer_client.post(
        _urls(session)["add"], _range(document, 1, 3) | {"show_time": "1"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html
    words = sum(o.words for o in options[1:4])
    assert f"{words} words" in html and "¶ 2–4" in html
    assert not SessionReading.objects.filter(session=session).exists()
    # A range that ends before it starts says so, still saving nothing.
    bad = organizer_client.post(_urls(session)["add"], _range(document, 3, 1) | {"show_time": "1"})
    assert "The range ends (¶ 2) before it starts (¶ 4)" in bad.content.decode()
    assert not SessionReading.objects.filter(session=session).exists()
    # With htmx the answer is the reading time alone, in place.
    data = _range(document, 1, 3) | {"show_time": "1"}
    fragment = organizer_client.post(_urls(session)["add"], data, **HX)
    assert fragment["HX-Retarget"] == "#reading-time" and fragment["HX-Reswap"] == "outerHTML"
    assert (
        "<html" not in fragment.content.decode() and f"{words} words" in fragment.content.decode()
    )
    assert not SessionReading.objects.filter(session=session).exists()


def test_add_whole_document_with_htmx(organizer_client, session):
    document = make_document(title="Whole Text")
    data = _range(document, 0, 1) | {"extent": "whole"}
    response = organizer_client.post(_urls(session)["add"], data, **HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="readings"') and "<html" not in html
    assert "Whole Text" in html and "is assigned for this session" in html
    reading = SessionReading.objects.get(session=session)
    assert (reading.start_anchor, reading.end_anchor) == ("", "")
    assert reading.word_count == document.word_count


@pytest.mark.parametrize("htmx", [True, False])
def test_add_refuses_end_before_start(organizer_client, session, htmx):
    document = make_document()
    response = organizer_client.post(
        _urls(session)["add"], _range(document, 4, 1), **(HX if htmx else {})
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "The range ends (¶ 2) before it starts (¶ 5)" in html
    assert not SessionReading.objects.exists()
    if htmx:
        assert response["HX-Retarget"] == "#reading-chooser"
        assert response["HX-Reswap"] == "outerHTML"
    else:
        assert "<html" in html


def test_add_refuses_anchor_of_another_document(organizer_client, session):
    document, other = make_document(), make_document()
    data = _range(document, 0, 1)
    data["end_anchor"] = paragraph_options(other)[2].anchor
    html = organizer_client.post(_urls(session)["add"], data).content.decode()
    assert "That last paragraph is not in this document." in html
    data["start_anchor"], data["end_anchor"] = "p-nope", ""
    html = organizer_client.post(_urls(session)["add"], data).content.decode()
    assert "Choose both the first and the last paragraph." in html
    assert not SessionReading.objects.exists()


def test_add_unknown_document(organizer_client, session):
    urls = _urls(session)
    response = organizer_client.post(urls["add"], {"document": "nope"})
    assert response.status_code == 302
    assert b"No document in the library" in organizer_client.get(response["Location"]).content
    response = organizer_client.post(urls["add"], {"document": "nope"}, **HX)
    assert response.status_code == 400 and b"No document in the library" in response.content


def test_old_address_and_anchor_fields_still_work(organizer_client, session):
    document = make_document()
    options = paragraph_options(document)
    response = organizer_client.post(
        _urls(session)["add"],
        {
            "document": "https://example.org" + document.get_absolute_url(),
            "start_anchor": options[0].anchor,
            "end_anchor": options[2].anchor,
            "note": "",
        },
    )
    assert response.status_code == 302
    reading = SessionReading.objects.get()
    assert reading.start_anchor == options[0].anchor and reading.end_anchor == options[2].anchor
    organizer_client.post(_urls(session)["add"], {"document": document.slug})
    assert SessionReading.objects.filter(start_anchor="").count() == 1


def test_post_requires_csrf(organizer, session):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(organizer)
    document = make_document()
    assert client.post(_urls(session)["add"], {"document": document.slug}).status_code == 403
    reading = sessions.session_add_reading(session=session, document=document)
    url = reverse(
        "groups:session_remove_reading", args=[session.group.slug, session.pk, reading.pk]
    )
    assert client.post(url).status_code == 403
    assert SessionReading.objects.filter(pk=reading.pk).exists()


# ---------- removing ----------


def _remove_url(reading):
    session = reading.session
    return reverse(
        "groups:session_remove_reading", args=[session.group.slug, session.pk, reading.pk]
    )


def test_remove_without_js(organizer_client, session, member):
    reading = sessions.session_add_reading(session=session, document=make_document(title="Gone"))
    sessions.reading_progress_set(session=session, user=member, key=f"s{reading.pk}", done=True)
    html = organizer_client.get(session.get_absolute_url()).content.decode()
    assert _remove_url(reading) in html
    response = organizer_client.post(_remove_url(reading))
    assert response.status_code == 302
    assert not SessionReading.objects.exists() and not ReadingProgress.objects.exists()
    page = organizer_client.get(response["Location"]).content.decode()
    assert "“Gone” is no longer assigned." in page
    assert organizer_client.post(_remove_url(reading)).status_code == 404


def test_remove_with_htmx(organizer_client, session):
    keep = sessions.session_add_reading(session=session, document=make_document(title="Keep"))
    gone = sessions.session_add_reading(session=session, document=make_document(title="Gone"))
    response = organizer_client.post(_remove_url(gone), **HX)
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<div id="readings"')
    assert "“Gone” is no longer assigned." in html and _remove_url(keep) in html
    assert list(SessionReading.objects.all()) == [keep]


def test_remove_service_is_idempotent(session):
    reading = sessions.session_add_reading(session=session, document=make_document())
    sessions.session_remove_reading(reading=reading)
    sessions.session_remove_reading(reading=reading)
    assert not SessionReading.objects.exists()


# ---------- permissions ----------


@pytest.mark.parametrize("role", ["anonymous", "outsider", "member"])
def test_only_organizers_pick_add_or_remove(client, session, member, outsider, role):
    if role != "anonymous":
        client.force_login(member if role == "member" else outsider)
    document = make_document(title="Private Pick")
    reading = sessions.session_add_reading(session=session, document=document)
    urls = _urls(session)
    requests = [
        (client.get, urls["search"], {"q": "private"}),
        (client.get, urls["choose"], {"document": document.slug}),
        (client.post, urls["add"], {"document": document.slug}),
        (client.post, _remove_url(reading), {}),
    ]
    for method, url, data in requests:
        for headers in ({}, HX):
            response = method(url, data, **headers)
            if role == "anonymous":
                assert response.status_code == 302
                assert response["Location"].startswith("/accounts/login/")
            else:
                assert response.status_code == 404, (url, role)
            assert b"Secret Readers" not in response.content
    assert SessionReading.objects.count() == 1
    if role == "member":
        html = client.get(session.get_absolute_url()).content.decode()
        assert _remove_url(reading) not in html and 'name="q"' not in html


def test_organizer_of_another_group_cannot_touch_this_session(client, session, public_group):
    from tests.factories import add_member

    other_organizer = add_member(public_group, role="organizer").user
    client.force_login(other_organizer)
    reading = sessions.session_add_reading(session=session, document=make_document())
    assert client.post(_remove_url(reading)).status_code == 404
    wrong = reverse(
        "groups:session_remove_reading",
        args=[public_group.slug, make_session(public_group).pk, reading.pk],
    )
    assert client.post(wrong).status_code == 404
    assert SessionReading.objects.filter(pk=reading.pk).exists()


# ---------- query counts ----------


@pytest.mark.parametrize("size", [3, 30])
def test_picker_query_counts_constant(
    organizer_client, django_assert_max_num_queries, session, size
):
    documents = [make_document(title=f"Commons {i}", paragraphs=size) for i in range(size)]
    for document in documents[:size]:
        options = paragraph_options(document)
        sessions.session_add_reading(
            session=session,
            document=document,
            start_anchor=options[1].anchor,
            end_anchor=options[-1].anchor,
        )
    urls = _urls(session)
    pages = [
        (urls["search"], {"q": "commons"}, {}),
        (urls["search"], {"q": "commons"}, HX),
        (urls["choose"], {"document": documents[0].slug}, {}),
        (urls["choose"], {"document": documents[0].slug}, HX),
        (session.get_absolute_url(), {}, {}),
    ]
    for url, params, headers in pages:
        with django_assert_max_num_queries(25):
            assert organizer_client.get(url, params, **headers).status_code == 200
    with django_assert_max_num_queries(34):
        response = organizer_client.post(urls["add"], _range(documents[1], 0, 2), **HX)
        assert response.status_code == 200
    reading = SessionReading.objects.filter(session=session).first()
    with django_assert_max_num_queries(34):
        assert organizer_client.post(_remove_url(reading), **HX).status_code == 200
