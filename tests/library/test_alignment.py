"""Paragraph identity across revisions (pure, no database)."""

from studygroups.library.alignment import align, fold

A = "The first paragraph talks about the weather in the valley for a while."
B = "The second paragraph is about the river that runs through the old town."
C = "The third paragraph describes the market square and its Saturday crowds."
D = "The fourth paragraph ends the walk at the church on the hill above it all."
OLD = [("p-a", A), ("p-b", B), ("p-c", C), ("p-d", D)]


def test_unchanged_text_keeps_every_anchor():
    result = align(OLD, [A, B, C, D])
    assert result.anchors == ["p-a", "p-b", "p-c", "p-d"]
    assert not result.report.changed


def test_moved_paragraph_keeps_its_anchor():
    result = align(OLD, [A, D, B, C])
    assert result.anchors == ["p-a", "p-d", "p-b", "p-c"]
    assert result.report.moved == ["p-d"]


def test_edited_and_moved_paragraph_keeps_its_anchor():
    edited = D.replace("church", "chapel")
    result = align(OLD, [edited, A, B, C])
    assert result.anchors == ["p-d", "p-a", "p-b", "p-c"]
    assert "p-d" in result.report.edited


def test_typographic_quotes_are_the_same_paragraph():
    old = [("p-q", 'She said "no" and didn\'t move from the spot at all.')]
    result = align(old, ["She said \u201cno\u201d and didn\u2019t move from the spot at all."])
    assert result.anchors == ["p-q"]
    assert fold("\u201cA\u201d") == '"a"'


def test_split_into_two_gives_the_smaller_part_a_new_anchor():
    long = A + " " + B + " And then some more words about the same river bank."
    old = [("p-x", long), ("p-c", C)]
    head, tail = A, B + " And then some more words about the same river bank."
    result = align(old, [head, tail, C])
    assert result.anchors[1] == "p-x"  # the tail holds most of the old text
    assert result.anchors[0] not in {"p-x", "p-c"}
    assert result.report.split == {"p-x": [result.anchors[0]]}
    assert result.anchors[2] == "p-c"


def test_merge_keeps_first_anchor_and_aliases_the_second():
    result = align(OLD, [A, B + " " + C, D])
    assert result.anchors == ["p-a", "p-b", "p-d"]
    assert result.aliases == {"p-c": "p-b"}
    assert result.report.merged == {"p-c": "p-b"}
    assert result.fate("p-c") == "p-b"


def test_removed_and_added():
    new = "A brand new paragraph about something else entirely, nothing like before."
    result = align(OLD, [A, B, new, D])
    assert result.report.removed == ["p-c"]
    assert len(result.report.added) == 1
    assert result.fate("p-c") is None


def test_new_anchors_avoid_reserved_ones():
    result = align([], ["Hello there, a new text."], reserved={"p-new1"})
    assert result.anchors == ["p-new2"]


def test_three_way_merge_and_split_together():
    new = [A + " " + B + " " + C, D[:30], D[30:]]
    result = align(OLD, new)
    assert result.anchors[0] == "p-a"
    assert result.aliases == {"p-b": "p-a", "p-c": "p-a"}
    assert "p-d" in result.anchors[1:]
    assert list(result.report.split) == ["p-d"]
