"""The search page and the in-document search, with and without htmx."""

import pytest
from django.urls import reverse

from studygroups.groups.models import Group
from tests.factories import add_member, make_group, post

from .conftest import make_text

pytestmark = pytest.mark.django_db
URL = reverse("search:search")
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.mark.parametrize("htmx", [False, True])
def test_empty_page(client, htmx):
    response = client.get(URL, **(HX if htmx else {}))
    assert response.status_code == 200
    assert b"Type a word or two" in response.content
    assert (b"<html" in response.content) is not htmx


@pytest.mark.parametrize("htmx", [False, True])
def test_results_page_and_partial(client, htmx):
    make_text("The lighthouse keeper's log.", title="Logbook")
    response = client.get(URL, {"q": "lighthouse"}, **(HX if htmx else {}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<mark>lighthouse</mark>" in html
    assert 'id="search-results"' in html
    assert "Logbook" in html
    assert response["Vary"] and "HX-Request" in response["Vary"]
    if htmx:
        assert "<html" not in html
        assert 'hx-swap-oob="innerHTML"' in html  # the live region's new text
        assert 'id="search-kind"' in html
    else:
        assert "<html" in html
        assert 'role="status"' in html
        assert 'hx-trigger="input changed delay:300ms, search"' in html
        assert '<label for="id_q"' in html


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_private_text_never_leaks(client, planted, outsider, who, htmx):
    if who == "outsider":
        client.force_login(outsider)
    for params in (
        {"q": "zanzibarite"},
        {"q": "zanzibarite", "kind": "post"},
        {"q": "zanzibarite inside", "kind": "post", "page": "2"},
        {"q": "plan"},
    ):
        html = client.get(URL, params, **(HX if htmx else {})).content.decode()
        assert "stays" not in html
        assert "zanzibarite</mark>" not in html
        assert planted["secret"].get_absolute_url() not in html
        assert "Closed circle" not in html
        assert "0 discussion posts" in html or "Nothing matches" in html


@pytest.mark.parametrize("htmx", [False, True])
def test_member_sees_private_posts(client, planted, member, htmx):
    client.force_login(member)
    html = client.get(URL, {"q": "zanzibarite"}, **(HX if htmx else {})).content.decode()
    assert "<mark>zanzibarite</mark>" in html
    assert planted["secret"].get_absolute_url() in html
    assert "Closed circle" in html


def test_private_group_is_not_a_filter_choice_for_outsiders(client, planted, outsider, member):
    client.force_login(outsider)
    html = client.get(URL, {"q": "x"}).content.decode()
    assert "Closed circle" not in html
    client.force_login(member)
    assert "Closed circle" in client.get(URL, {"q": "x"}).content.decode()


def test_outsider_cannot_filter_by_a_private_group(client, planted, outsider, private_group):
    client.force_login(outsider)
    response = client.get(URL, {"q": "zanzibarite", "group": private_group.slug})
    assert response.status_code == 200
    assert "zanzibarite</mark>" not in response.content.decode()
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize(
    "q",
    ['"unbalanced', "title:x", "NEAR(a b)", "*", "((", "x" * 3000, "?!", "\x00", "a AND OR NOT"],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_bad_queries_answer_200(client, q, htmx):
    make_text("Anything.")
    response = client.get(URL, {"q": q}, **(HX if htmx else {}))
    assert response.status_code == 200


@pytest.mark.parametrize("htmx", [False, True])
def test_bad_filter_values_are_explained_not_fatal(client, htmx):
    make_text("Kestrel.")
    response = client.get(
        URL,
        {"q": "kestrel", "since": "not-a-date", "author": "Nobody Atall", "page": "x"},
        **(HX if htmx else {}),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a valid date" in html
    assert "No author called" in html
    assert "<mark>Kestrel</mark>" in html


def test_filters_through_the_form(client, public_group, member):
    make_text("Harbour.", title="English harbour", authors=["Ann Author"])
    make_text("Harbour.", title="Puerto harbour", language="es")
    html = client.get(URL, {"q": "harbour", "language": "es"}).content.decode()
    assert "Puerto" in html and "English harbour" not in html
    html = client.get(URL, {"q": "harbour", "author": "ann author"}).content.decode()
    assert "English harbour" in html and "Puerto" not in html


def test_kind_tabs_and_pagination_links(client, public_group, member):
    document = make_text("Heron.", title="Heron")
    for n in range(25):
        post(public_group, document, member, body=f"Heron sighting number {n}")
    html = client.get(URL, {"q": "heron", "kind": "post"}).content.decode()
    assert html.count('class="search-hit search-hit--post"') == 20
    assert 'rel="next"' in html
    assert "kind=post&amp;page=2" in html
    html = client.get(URL, {"q": "heron", "kind": "post", "page": "2"}).content.decode()
    assert html.count('class="search-hit search-hit--post"') == 5
    assert 'rel="prev"' in html
    html = client.get(URL, {"q": "heron"}).content.decode()
    assert html.count('class="search-hit search-hit--document"') == 1


def _seed(size, group, user):
    for n in range(size):
        document = make_text(
            f"Quince paragraph {n}.", f"More quince {n}.", title=f"Quince {n}", authors=[f"A{n}"]
        )
        post(group, document, user, body=f"Quince post {n}")


@pytest.mark.parametrize("kind", ["document", "post"])
def test_query_count_is_constant(client, django_assert_max_num_queries, kind):
    group = make_group(organizer=None, visibility=Group.Visibility.PUBLIC)
    private = make_group(organizer=None, visibility=Group.Visibility.PRIVATE)
    user = add_member(group).user
    add_member(private, user)
    client.force_login(user)
    counts = []
    for size in (3, 30):
        _seed(size if not counts else size - 3, group, user)
        # PostgreSQL: one more, the words parsed by every text search configuration.
        with django_assert_max_num_queries(15) as captured:
            response = client.get(URL, {"q": "quince", "kind": kind})
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


# ------------------------------------------------------------------------- in-document


@pytest.mark.parametrize("htmx", [False, True])
def test_document_search(client, htmx):
    document = make_text("A pond.", "A <b>frog</b> in the pond.", title="Pond")
    url = reverse("search:document", args=[document.slug])
    response = client.get(url, {"q": "frog"}, **(HX if htmx else {}))
    assert response.status_code == 200
    html = response.content.decode()
    anchor = document.blocks.order_by("order")[1].anchor
    assert f'href="{document.get_absolute_url()}#{anchor}"' in html
    assert "<mark>frog</mark>" in html
    assert "<b>frog" not in html
    assert ("<html" in html) is not htmx
    if htmx:
        assert 'hx-swap-oob="innerHTML"' in html


def test_document_search_include_renders_a_form(client):
    from django.template.loader import render_to_string

    document = make_text("Text.", title="Included")
    html = render_to_string("search/_document_search.html", {"document": document})
    assert f'action="{reverse("search:document", args=[document.slug])}"' in html
    assert '<label for="document-search-q"' in html


def test_document_search_unknown_document_is_404(client):
    assert client.get(reverse("search:document", args=["nope"]), {"q": "x"}).status_code == 404


@pytest.mark.parametrize("paragraphs", [50, 51])
def test_document_search_says_more_than_only_when_more_match(client, paragraphs):
    document = make_text(*[f"Paragraph {n} about terns." for n in range(paragraphs)])
    url = reverse("search:document", args=[document.slug])
    html = client.get(url, {"q": "terns"}).content.decode()
    assert html.count('class="document-search__hit"') == 50
    if paragraphs == 50:
        assert "50 paragraphs match" in html and "More than" not in html
    else:
        assert "More than 50 paragraphs match" in html


def test_document_search_query_count(client, django_assert_max_num_queries):
    document = make_text(*[f"Paragraph {n} about larches." for n in range(60)], title="Larches")
    url = reverse("search:document", args=[document.slug])
    with django_assert_max_num_queries(3):
        response = client.get(url, {"q": "larches"}, **HX)
    assert response.content.decode().count("<mark>larches</mark>") == 50


def test_head_is_answered(client):
    assert client.head(URL, {"q": "x"}).status_code == 200


def test_post_is_refused(client):
    assert client.post(URL, {"q": "x"}).status_code == 405


@pytest.mark.parametrize("login", [False, True])
def test_group_filter_with_a_public_group_of_many_members(client, public_group, member, login):
    add_member(public_group)
    add_member(public_group)
    document = make_text("Text.")
    post(public_group, document, member, body="Egrets on the marsh.")
    if login:
        client.force_login(member)
    response = client.get(URL, {"q": "egrets", "group": public_group.slug, "kind": "post"})
    assert response.status_code == 200
    assert "<mark>Egrets</mark>" in response.content.decode()
    assert f'<option value="{public_group.slug}" selected>' in response.content.decode()


def test_form_messages_in_spanish(client):
    make_text("The lighthouse keeper's log.", title="Logbook")
    response = client.get(
        URL,
        {"q": "lighthouse", "author": "Nobody Known", "since": "2020-02-01", "until": "2020-01-01"},
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "No hay en la biblioteca ningún autor llamado “Nobody Known”." in html
    assert "La fecha final es anterior a la inicial." in html
    assert "Cualquier idioma" in html
    assert "Palabras, o una “frase entre comillas”" in html
