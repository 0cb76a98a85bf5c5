"""Every htmx endpoint of the series builder and library, asked twice: with HX-Request
(a fragment of the page that owns the markup) and without (the whole page, or a message
and a redirect). A boosted link or a history restore is navigation: it gets the page."""

import pytest
from django.urls import reverse

from studygroups.curricula import services


def url(name, curriculum, *args):
    return reverse(f"curricula:{name}", args=[curriculum.slug, *args])


pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def _targets(series, document):
    unit = series.units.order_by("order").first()
    reading = unit.readings.first()
    question = unit.questions.first()
    doc = {"document": document.pk}
    return {
        "list": ("get", reverse("curricula:list"), {"q": "reading"}),
        "unit_add": ("post", url("unit_add", series), {"title": "New unit"}),
        "unit_rename": ("post", url("unit_rename", series, unit.pk), {"title": "Renamed"}),
        "unit_move": ("post", url("unit_move", series, unit.pk), {"direction": "down"}),
        "reading_search": ("get", url("reading_search", series, unit.pk), {"q": "Reading"}),
        "reading_add": ("get", url("reading_add", series, unit.pk), doc),
        "reading_time": (
            "get",
            url("reading_time", series, unit.pk),
            doc | {"extent": "whole"},
        ),
        "reading_update": (
            "post",
            url("reading_update", series, unit.pk, reading.pk),
            {"required": "on", "note": "Read slowly."},
        ),
        "reading_move": (
            "post",
            url("reading_move", series, unit.pk, reading.pk),
            {"direction": "down"},
        ),
        "reading_checked": ("post", url("reading_checked", series, unit.pk, reading.pk), {}),
        "question_add": ("post", url("question_add", series, unit.pk), {"text": "Why?"}),
        "question_edit": (
            "get",
            url("question_edit", series, unit.pk, question.pk),
            {},
        ),
        "question_move": (
            "post",
            url("question_move", series, unit.pk, question.pk),
            {"direction": "down"},
        ),
        "question_remove": ("post", url("question_remove", series, unit.pk, question.pk), {}),
        "reading_remove": ("post", url("reading_remove", series, unit.pk, reading.pk), {}),
        "unit_remove": ("post", url("unit_remove", series, unit.pk), {}),
    }


NAMES = [
    "list",
    "unit_add",
    "unit_rename",
    "unit_move",
    "reading_search",
    "reading_add",
    "reading_time",
    "reading_update",
    "reading_move",
    "reading_checked",
    "question_add",
    "question_edit",
    "question_move",
    "question_remove",
    "reading_remove",
    "unit_remove",
]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(
    "headers,partial",
    [
        ({}, False),
        (HX, True),
        (HX | {"HTTP_HX_BOOSTED": "true"}, False),
    ],
    ids=["plain", "htmx", "boosted"],
)
def test_htmx_endpoint_with_and_without_hx_request(
    user_client, series, document, name, headers, partial
):
    services.question_add(unit=series.units.order_by("order").first(), text="Second?")
    method, target, data = _targets(series, document)[name]
    response = getattr(user_client, method)(target, data, **headers)
    if partial:
        assert response.status_code == 200, response.status_code
        assert b"<html" not in response.content
    elif response.status_code == 302:
        assert method == "post"
    else:
        assert response.status_code == 200
        assert b"<html" in response.content
