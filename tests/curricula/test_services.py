import pytest
from django.core.exceptions import ValidationError

from studygroups.curricula import services
from studygroups.curricula.demo import create_demo_curriculum
from studygroups.curricula.forking import curriculum_fork, fork_changes
from studygroups.curricula.models import Curriculum, DiscussionQuestion, Reading, Unit
from studygroups.curricula.warnings import unit_warnings
from studygroups.library.services import BlockInput, SectionInput, document_replace_text
from tests.factories import make_curriculum, make_document

pytestmark = pytest.mark.django_db


def paragraphs(document):
    return list(document.blocks.order_by("order"))


# ---------- Curricula and units ----------


def test_curriculum_create_makes_unique_slug_and_owner(user):
    a = services.curriculum_create(owner=user, title="  Reading   together ")
    b = services.curriculum_create(owner=user, title="Reading together")
    assert a.title == "Reading together" and a.slug != b.slug
    assert list(a.owners.all()) == [user] and a.status == Curriculum.Status.DRAFT


def test_curriculum_create_refuses_blank_title(user):
    with pytest.raises(ValidationError, match="title"):
        services.curriculum_create(owner=user, title="   ")


def test_publish_sets_published_at_and_republish_bumps_version(user):
    c = make_curriculum(owner=user, status=Curriculum.Status.DRAFT)
    services.curriculum_update(curriculum=c, data={"status": "published"})
    assert c.published_at is not None and c.version == 1
    services.curriculum_update(curriculum=c, data={"status": "draft"})
    services.curriculum_update(curriculum=c, data={"status": "published"})
    assert c.version == 2
    with pytest.raises(ValidationError):
        services.curriculum_update(curriculum=c, data={"title": ""})


def test_units_are_added_in_order_moved_and_removed_with_renumbering(user):
    c = make_curriculum(owner=user, units=3)
    first, second, third = c.units.order_by("order")
    services.unit_move(unit=third, direction="up")
    assert list(c.units.order_by("order").values_list("title", flat=True)) == [
        "Unit 1",
        "Unit 3",
        "Unit 2",
    ]
    services.unit_move(unit=first, direction="up")  # already first: no change
    assert first.order == 0
    services.unit_remove(unit=c.units.get(title="Unit 3"))
    assert list(c.units.order_by("order").values_list("title", "order")) == [
        ("Unit 1", 0),
        ("Unit 2", 1),
    ]
    services.unit_remove(unit=third)  # repeating is harmless
    with pytest.raises(ValidationError):
        services.unit_move(unit=first, direction="sideways")


def test_moving_to_a_position_as_dragging_does(user):
    c = make_curriculum(owner=user, units=4)
    titles = lambda: list(c.units.order_by("order").values_list("title", flat=True))  # noqa: E731
    services.unit_move(unit=c.units.get(title="Unit 4"), position=1)
    assert titles() == ["Unit 4", "Unit 1", "Unit 2", "Unit 3"]
    services.unit_move(unit=c.units.get(title="Unit 4"), position=3)
    assert titles() == ["Unit 1", "Unit 2", "Unit 4", "Unit 3"]
    # Past the end is the end; orders stay 0..n-1.
    services.unit_move(unit=c.units.get(title="Unit 1"), position=99)
    assert titles() == ["Unit 2", "Unit 4", "Unit 3", "Unit 1"]
    assert list(c.units.order_by("order").values_list("order", flat=True)) == [0, 1, 2, 3]


def test_moving_a_unit_removed_by_another_owner_is_refused_in_plain_words(user):
    c = make_curriculum(owner=user, units=2)
    unit = c.units.first()
    stale = Unit.objects.get(pk=unit.pk)
    services.unit_remove(unit=unit)
    with pytest.raises(ValidationError, match="removed by someone else"):
        services.unit_move(unit=stale, direction="down")


def test_concurrent_edits_by_two_owners_keep_both(user, other_user):
    c = make_curriculum(owner=user, units=1)
    c.owners.add(other_user)
    mine = Unit.objects.get(curriculum=c)
    theirs = Unit.objects.get(curriculum=c)
    services.unit_update(unit=mine, data={"introduction": "Mine"})
    services.unit_rename(unit=theirs, title="Theirs")  # stale copy; touches only the title
    # Another owner adds a unit while the first holds a stale list: nothing is lost.
    services.unit_add(curriculum=c, title="Added by the other owner")
    unit = Unit.objects.get(pk=mine.pk)
    assert (unit.title, unit.introduction) == ("Theirs", "Mine")
    assert list(c.units.order_by("order").values_list("order", flat=True)) == [0, 1]


def test_unit_titles_are_required(user):
    c = make_curriculum(owner=user, units=1)
    with pytest.raises(ValidationError):
        services.unit_add(curriculum=c, title=" ")
    with pytest.raises(ValidationError):
        services.unit_rename(unit=c.units.get(), title="")
    with pytest.raises(ValidationError):
        services.unit_update(unit=c.units.get(), data={"title": ""})


# ---------- Readings ----------


def test_reading_whole_document_counts_all_words(user, document):
    unit = make_curriculum(owner=user, units=1).units.get()
    reading = services.reading_add(unit=unit, document=document)
    assert reading.word_count == document.word_count == 240
    assert reading.text_seen_at == document.text_changed_at
    assert reading.document_title == document.title


def test_reading_range_counts_only_assigned_blocks(user, document):
    unit = make_curriculum(owner=user, units=1).units.get()
    blocks = paragraphs(document)
    reading = services.reading_add(
        unit=unit, document=document, start_anchor=blocks[2].anchor, end_anchor=blocks[4].anchor
    )
    assert reading.word_count == sum(b.word_count for b in blocks[2:5]) == 120


def test_reading_refuses_anchor_of_another_document(user, document):
    unit = make_curriculum(owner=user, units=1).units.get()
    other = make_document()
    foreign = paragraphs(other)[0].anchor
    with pytest.raises(ValidationError, match="not part of"):
        services.reading_add(unit=unit, document=document, start_anchor=foreign, end_anchor=foreign)
    assert not Reading.objects.exists()


def test_reading_refuses_end_before_start_and_half_ranges(user, document):
    unit = make_curriculum(owner=user, units=1).units.get()
    blocks = paragraphs(document)
    with pytest.raises(ValidationError, match="ends before it starts"):
        services.reading_add(
            unit=unit,
            document=document,
            start_anchor=blocks[3].anchor,
            end_anchor=blocks[1].anchor,
        )
    with pytest.raises(ValidationError, match="both"):
        services.reading_add(unit=unit, document=document, start_anchor=blocks[3].anchor)


def test_reading_move_update_remove(user):
    c = make_curriculum(owner=user, units=1, readings_per_unit=3)
    unit = c.units.get()
    r1, r2, r3 = unit.readings.order_by("order")
    services.reading_move(reading=r3, direction="up")
    assert list(unit.readings.order_by("order").values_list("pk", flat=True)) == [
        r1.pk,
        r3.pk,
        r2.pk,
    ]
    services.reading_update(reading=r1, required=False, note="Skim it")
    r1.refresh_from_db()
    assert (r1.required, r1.note) == (False, "Skim it")
    services.reading_remove(reading=r3)
    assert list(unit.readings.order_by("order").values_list("order", flat=True)) == [0, 1]


def test_changed_text_is_flagged_and_checking_recounts(user, document):
    unit = make_curriculum(owner=user, units=1).units.get()
    blocks = paragraphs(document)
    reading = services.reading_add(
        unit=unit, document=document, start_anchor=blocks[0].anchor, end_anchor=blocks[1].anchor
    )
    document_replace_text(
        document=document,
        sections=[SectionInput(heading="Only", blocks=[BlockInput(text="Completely new words.")])],
    )
    reading.refresh_from_db()
    assert reading.text_changed
    warnings = unit_warnings(Unit.objects.with_totals().get(pk=unit.pk), 60, [reading])
    assert "changed" in {w.kind for w in warnings}
    services.reading_mark_checked(reading=reading)
    reading.refresh_from_db()
    assert not reading.text_changed
    # The old range is gone from the new text, so the whole text is assigned.
    assert reading.is_whole_document and reading.word_count == 3


def test_mark_checked_without_document_is_harmless(user, document):
    unit = make_curriculum(owner=user, units=1).units.get()
    reading = services.reading_add(unit=unit, document=document)
    document.delete()
    reading.refresh_from_db()
    assert services.reading_mark_checked(reading=reading) is reading


# ---------- Questions ----------


def test_question_add_renders_limited_markdown(user):
    unit = make_curriculum(owner=user, units=1).units.get()
    q = services.question_add(unit=unit, text="Is *this* <script>x</script> right?")
    assert "<em>this</em>" in q.text_html and "<script>" not in q.text_html
    with pytest.raises(ValidationError):
        services.question_add(unit=unit, text="  ")


def test_question_anchor_must_belong_to_its_reading(user, document):
    unit = make_curriculum(owner=user, units=1).units.get()
    reading = services.reading_add(unit=unit, document=document)
    anchor = paragraphs(document)[0].anchor
    q = services.question_add(unit=unit, text="Here?", reading=reading, anchor=anchor)
    assert q.anchor == anchor
    with pytest.raises(ValidationError):
        services.question_add(unit=unit, text="No reading", anchor=anchor)
    with pytest.raises(ValidationError):
        services.question_add(unit=unit, text="Bad", reading=reading, anchor="p-nothere")
    other_unit = services.unit_add(curriculum=unit.curriculum, title="Other")
    with pytest.raises(ValidationError):
        services.question_add(unit=other_unit, text="Wrong unit", reading=reading)


def test_question_update_move_remove(user):
    unit = make_curriculum(owner=user, units=1, questions_per_unit=3).units.get()
    q1, q2, q3 = unit.questions.order_by("order")
    services.question_update(question=q2, text="New **text**")
    q2.refresh_from_db()
    assert q2.text_html == "<p>New <strong>text</strong></p>"
    services.question_move(question=q1, direction="down")
    assert list(unit.questions.order_by("order").values_list("pk", flat=True)) == [
        q2.pk,
        q1.pk,
        q3.pk,
    ]
    services.question_remove(question=q2)
    assert list(unit.questions.order_by("order").values_list("order", flat=True)) == [0, 1]


# ---------- Warnings ----------


def test_unit_warnings(user, document):
    c = make_curriculum(owner=user, units=1, target_unit_minutes=1)
    unit = c.units.get()
    services.reading_add(unit=unit, document=document)  # 240 words: 2 minutes
    gone = make_document(title="Gone")
    services.reading_add(unit=unit, document=gone)
    gone.delete()
    readings = list(unit.readings.select_related("document"))
    kinds = {w.kind for w in unit_warnings(Unit.objects.with_totals().get(pk=unit.pk), 1, readings)}
    assert kinds == {"long", "no-questions", "missing"}
    services.question_add(unit=unit, text="Why?")
    kinds = {w.kind for w in unit_warnings(Unit.objects.with_totals().get(pk=unit.pk), 0, readings)}
    assert kinds == {"missing"}


# ---------- Proposed units and "from documents" ----------


def test_create_from_documents(user):
    docs = [make_document(title="A"), make_document(title="B")]
    c = services.curriculum_create_from_documents(owner=user, title="From docs", documents=docs)
    assert list(c.units.order_by("order").values_list("title", flat=True)) == ["A", "B"]
    assert Reading.objects.filter(unit__curriculum=c).count() == 2
    with pytest.raises(ValidationError):
        services.curriculum_create_from_documents(owner=user, title="None", documents=[])


# ---------- Fork ----------


def test_fork_copies_everything_and_records_origin(user, other_user, document):
    original = make_curriculum(owner=user, units=2, questions_per_unit=2)
    unit = original.units.order_by("order").first()
    reading = services.reading_add(unit=unit, document=document)
    services.question_add(unit=unit, text="About the reading", reading=reading)
    copy = curriculum_fork(curriculum=original, owner=other_user)
    assert copy.forked_from == original and copy.forked_at is not None
    assert list(copy.owners.all()) == [other_user]
    assert copy.status == Curriculum.Status.DRAFT
    assert copy.visibility == Curriculum.Visibility.PRIVATE
    copied_units = list(copy.units.order_by("order"))
    assert [u.copied_from_id for u in copied_units] == list(
        original.units.order_by("order").values_list("pk", flat=True)
    )
    copied_question = DiscussionQuestion.objects.get(unit__curriculum=copy, reading__isnull=False)
    assert copied_question.reading.unit.curriculum == copy
    assert Reading.objects.filter(unit__curriculum=copy).count() == 1
    assert not fork_changes(copy, user=other_user)


def test_fork_changes_show_new_and_edited_units(user, other_user):
    original = make_curriculum(owner=user, units=2)
    copy = curriculum_fork(curriculum=original, owner=other_user)
    first = original.units.order_by("order").first()
    services.question_add(unit=first, text="A new question in the original")
    added = services.unit_add(curriculum=original, title="Brand new")
    changes = fork_changes(copy, user=other_user)
    assert [u.pk for u in changes.new_units] == [added.pk]
    assert [u.pk for u in changes.edited_units] == [first.pk]
    assert not fork_changes(original, user=user)


# ---------- Demo ----------


def test_demo_curriculum_from_three_documents(user):
    docs = [make_document() for _ in range(3)]
    c = create_demo_curriculum(owner=user, documents=docs)
    assert c.status == Curriculum.Status.PUBLISHED and c.visibility == "public"
    assert c.units.count() == 3
    assert DiscussionQuestion.objects.filter(unit__curriculum=c).count() == 6
    assert Reading.objects.filter(unit__curriculum=c).count() == 3


def test_demo_curriculum_from_one_document(user, document):
    c = create_demo_curriculum(owner=user, documents=[document])
    assert c.units.count() == 3
    with pytest.raises(ValueError):
        create_demo_curriculum(owner=user, documents=[])
