"""The Web Annotation export against the W3C Web Annotation Data Model (issue 12).

No network here: the terms below are those the spec's JSON-LD context
(http://www.w3.org/ns/anno.jsonld) defines, and the selector shapes those of the
model's sections 4.2.2 (FragmentSelector), 4.2.4 (TextQuoteSelector), 4.2.5
(TextPositionSelector) and 4.2.9 (refinement of selection)."""

import json

import pytest
from django.urls import reverse

from studygroups.discussions import anchoring
from studygroups.discussions.export import ANNO_CONTEXT
from studygroups.library.services import (
    BlockInput,
    SectionInput,
    document_create,
    document_replace_text,
)
from tests.factories import post, reply

pytestmark = pytest.mark.django_db

# Terms of http://www.w3.org/ns/anno.jsonld used by an annotation collection (keys), plus
# JSON-LD's own keywords.
CONTEXT_TERMS = {
    "@context", "id", "type", "motivation", "created", "modified", "creator", "body",
    "target", "source", "selector", "refinedBy", "value", "format", "language", "name",
    "exact", "prefix", "suffix", "start", "end", "conformsTo", "label", "total", "first",
    "items", "startIndex",
}  # fmt: skip
CLASSES = {
    "Annotation", "AnnotationCollection", "AnnotationPage", "TextualBody", "Person",
    "FragmentSelector", "TextQuoteSelector", "TextPositionSelector",
}  # fmt: skip
MOTIVATIONS = {"commenting", "replying"}  # oa:Motivation instances named in the context
SELECTOR_SHAPES = {
    # type: (required keys, optional keys), types of values
    "FragmentSelector": ({"type", "value"}, {"conformsTo", "refinedBy"}),
    "TextQuoteSelector": ({"type", "exact"}, {"prefix", "suffix", "refinedBy"}),
    "TextPositionSelector": ({"type", "start", "end"}, {"refinedBy"}),
}

A = "The first paragraph talks about the weather in the valley for a while."
B = "The second paragraph is about the river that runs through the old town."


def _keys(value, found):
    if isinstance(value, dict):
        for key, inner in value.items():
            found.add(key)
            _keys(inner, found)
    elif isinstance(value, list):
        for inner in value:
            _keys(inner, found)
    return found


def _check_selector(selector):
    kind = selector["type"]
    required, optional = SELECTOR_SHAPES[kind]
    assert required <= set(selector) <= required | optional, selector
    if kind == "FragmentSelector":
        assert isinstance(selector["value"], str) and not selector["value"].startswith("#")
        assert selector.get("conformsTo", "http://tools.ietf.org/rfc/rfc3986") == (
            "http://tools.ietf.org/rfc/rfc3986"
        )
    if kind == "TextQuoteSelector":
        assert all(isinstance(selector.get(k, ""), str) for k in ("exact", "prefix", "suffix"))
    if kind == "TextPositionSelector":
        assert isinstance(selector["start"], int) and isinstance(selector["end"], int)
        assert 0 <= selector["start"] <= selector["end"]
    if "refinedBy" in selector:
        _check_selector(selector["refinedBy"])
    return kind


def _selector_types(selector) -> set[str]:
    found = set()
    for one in selector if isinstance(selector, list) else [selector]:
        found.add(_check_selector(one))
        if "refinedBy" in one:
            found.add(one["refinedBy"]["type"])
    return found


def test_web_annotation_export_has_the_w3c_shape(client, group, member, organizer):
    document = document_create(
        title="A walk", sections=[SectionInput("", [BlockInput(A), BlockInput(B)])]
    )
    anchor_b = document.blocks.get(text=B).anchor
    quoted = post(group, document, member, "On the river.", anchor=anchor_b, quote="the river")
    answer = reply(quoted, organizer, "Which river?")
    post(group, document, member, "About the whole text.")
    gone = post(
        group,
        document,
        member,
        "On the weather.",
        anchor=document.blocks.get(text=A).anchor,
        quote="weather in the valley",
    )
    change = document_replace_text(document=document, sections=[SectionInput("", [BlockInput(B)])])
    anchoring.posts_follow_text(document=document, change=change)

    client.force_login(organizer)
    url = reverse("discussions:export_annotations", args=[group.slug, document.slug])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    assert 'profile="http://www.w3.org/ns/anno.jsonld"' in response["Content-Type"]
    data = json.loads(response.content)
    assert data["@context"] == ANNO_CONTEXT and data["type"] == "AnnotationCollection"
    items = data["first"]["items"]
    assert data["total"] == len(items) == 4
    assert _keys(data, set()) <= CONTEXT_TERMS
    by_id = {item["id"]: item for item in items}
    for item in items:
        assert item["@context"] == ANNO_CONTEXT and item["type"] == "Annotation"
        assert item["motivation"] in MOTIVATIONS
        assert item["id"].startswith("http://testserver/")
        assert item["created"].endswith("Z") or "+" in item["created"]
        assert item["body"]["type"] == "TextualBody" and item["body"]["format"] == "text/markdown"
        assert item["creator"]["type"] == "Person"
        for value in (item["type"], item["body"]["type"], item["creator"]["type"]):
            assert value in CLASSES

    quoted_item = next(i for i in items if i["id"].endswith(f"/posts/{quoted.pk}/"))
    target = quoted_item["target"]
    assert target["source"] == "http://testserver" + document.get_absolute_url()
    assert _selector_types(target["selector"]) == {
        "FragmentSelector",
        "TextQuoteSelector",
        "TextPositionSelector",
    }
    fragment, quote = target["selector"]
    assert fragment["value"] == anchor_b and quote["exact"] == "the river"
    position = fragment["refinedBy"]
    assert B[position["start"] : position["end"]] == "the river"

    reply_item = next(i for i in items if i["id"].endswith(f"/posts/{answer.pk}/"))
    assert reply_item["motivation"] == "replying"
    assert reply_item["target"] == quoted_item["id"] and reply_item["target"] in by_id

    whole = next(i for i in items if i["body"]["value"] == "About the whole text.")
    assert whole["target"] == target["source"]

    gone_item = next(i for i in items if i["id"].endswith(f"/posts/{gone.pk}/"))
    assert _selector_types(gone_item["target"]["selector"]) == {"TextQuoteSelector"}


def test_web_annotation_export_is_for_organizers_only(client, group, member, document):
    client.force_login(member)
    url = reverse("discussions:export_annotations", args=[group.slug, document.slug])
    assert client.get(url).status_code == 403
