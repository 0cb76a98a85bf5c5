"""The reads the reading-series pages need, returned ready to render. Each takes the
viewer and the objects an `access_*` function returned; flags (`can_edit`,
`can_see_notes`, `offer_fork`) come from `rules` so templates only read them."""

from django.core.paginator import Paginator
from django.db.models import Prefetch

from studygroups.library.models import Block, Section
from studygroups.library.reading import (
    Part,
    anchors_current,
    document_parts,
    reading_minutes_total,
    whole_minutes,
    words_per_minute,
)

from .forking import fork_changes
from .models import Curriculum, DiscussionQuestion, Reading, Unit
from .ranges import questions_tie, reading_paragraphs
from .rules import can_edit_curriculum, can_fork_curriculum, can_see_facilitator_notes
from .warnings import unit_warnings

PAGE_SIZE = 20


def _readings_qs():
    return Reading.objects.select_related("document").order_by("order", "pk")


def series_list(user, *, query: str, page: str | None, with_mine: bool) -> dict:
    """Published public series matching `query`, a page of them, and (with_mine) the
    viewer's own series."""
    curricula = (
        Curriculum.objects.published_public()
        .search(query)
        .with_totals()
        .prefetch_related("owners")
        .order_by("-published_at", "title")
    )
    mine = []
    if with_mine and user.is_authenticated:
        mine = list(Curriculum.objects.owned_by(user).with_totals().order_by("title"))
    return {"page": Paginator(curricula, PAGE_SIZE).get_page(page), "query": query, "mine": mine}


def units_with_content(curriculum: Curriculum) -> list[Unit]:
    """Units with totals, readings (with documents) and questions, the questions tied to
    their paragraphs: four queries, five when a question is tied to a paragraph."""
    units = list(
        curriculum.units.with_totals()
        .order_by("order", "pk")
        .prefetch_related(
            Prefetch("readings", queryset=_readings_qs()),
            Prefetch("questions", queryset=DiscussionQuestion.objects.order_by("order", "pk")),
        )
    )
    readings = [r for unit in units for r in unit.readings.all()]
    flag_removed_range_ends(readings)
    for unit in units:
        unit.curriculum = curriculum
        unit.warnings = unit_warnings(unit, curriculum.target_unit_minutes, unit.readings.all())
    questions_tie([q for unit in units for q in unit.questions.all()], readings)
    return units


def totals(units: list[Unit]) -> dict:
    return {
        "required_words": sum(u.required_words for u in units),
        "optional_words": sum(u.optional_words for u in units),
        "required_minutes": whole_minutes(sum(u.required_exact_minutes for u in units)),
        "optional_minutes": whole_minutes(sum(u.optional_exact_minutes for u in units)),
    }


def _exact_minutes(readings) -> float:
    return sum(r.word_count / words_per_minute(r.language) for r in readings)


def syllabus(user, curriculum: Curriculum) -> dict:
    """The series page: its units with their readings and questions, and the flags."""
    units = units_with_content(curriculum)
    can_edit = bool(can_edit_curriculum(user, curriculum))
    return {
        "curriculum": curriculum,
        "units": units,
        "totals": totals(units),
        "owners": list(curriculum.owners.all()),
        "can_edit": can_edit,
        # Owners edit their own series; copying is offered to everyone else who may.
        "offer_fork": bool(can_fork_curriculum(user, curriculum)) and not can_edit,
        "can_see_notes": bool(can_see_facilitator_notes(user, curriculum)),
        "fork_changes": fork_changes(curriculum, user=user) if can_edit else None,
    }


def builder(user, curriculum: Curriculum) -> dict:
    """The owner's builder: units with content and warnings, totals, upstream changes."""
    units = units_with_content(curriculum)
    return {
        "curriculum": curriculum,
        "units": units,
        "totals": totals(units),
        "fork_changes": fork_changes(curriculum, user=user),
    }


def unit_editor(unit: Unit) -> dict:
    """The unit editor: readings, questions tied to paragraph numbers, warnings, and the
    readings' paragraphs (for the question form). Sets the unit's totals."""
    readings = list(unit.readings.select_related("document").order_by("order", "pk"))
    questions = list(unit.questions.select_related("reading").order_by("order", "pk"))
    required = [r for r in readings if r.required]
    optional = [r for r in readings if not r.required]
    unit.required_words = sum(r.word_count for r in required)
    unit.optional_words = sum(r.word_count for r in optional)
    unit.required_exact_minutes = _exact_minutes(required)
    unit.optional_exact_minutes = _exact_minutes(optional)
    unit.question_count = len(questions)
    paragraphs = reading_paragraphs(readings)
    flag_removed_range_ends(readings)
    questions_tie(
        questions,
        readings,
        numbers={
            (r.document_id, p.anchor): p.number for r in readings for p in paragraphs.get(r.pk, [])
        },
    )
    return {
        "curriculum": unit.curriculum,
        "unit": unit,
        "readings": readings,
        "questions": questions,
        "paragraphs": paragraphs,
        "warnings": unit_warnings(unit, unit.curriculum.target_unit_minutes, readings),
    }


def unit_page(user, unit: Unit, *, tie_questions: bool = True) -> dict:
    """A unit (from `access_unit`) with its readings, questions, place in the series."""
    curriculum = unit.curriculum
    readings = list(unit.readings.select_related("document").order_by("order", "pk"))
    questions = list(unit.questions.select_related("reading").order_by("order", "pk"))
    siblings = list(curriculum.units.order_by("order", "pk").values_list("pk", "title"))
    index = next(i for i, (pk, _) in enumerate(siblings) if pk == unit.pk)
    if tie_questions:
        questions_tie(questions, readings)
    return {
        "curriculum": curriculum,
        "unit": unit,
        "number": index + 1,
        "unit_total": len(siblings),
        "previous": siblings[index - 1] if index > 0 else None,
        "next": siblings[index + 1] if index + 1 < len(siblings) else None,
        "readings": readings,
        "questions": questions,
        "required_minutes": reading_minutes_total(
            (r.word_count, r.language) for r in readings if r.required
        ),
        "optional_minutes": reading_minutes_total(
            (r.word_count, r.language) for r in readings if not r.required
        ),
        "can_edit": bool(can_edit_curriculum(user, curriculum)),
        "can_see_notes": bool(can_see_facilitator_notes(user, curriculum)),
    }


def _range_parts(parts: list[Part], start: str, end: str) -> list[Part]:
    """The parts restricted to the blocks from `start` to `end`, numbers unchanged."""
    if not start:
        return parts
    flat = [item for part in parts for item in part.numbered()]
    anchors = [item.anchor for item in flat]
    if start not in anchors or end not in anchors:
        return []
    i, j = anchors.index(start), anchors.index(end)
    chosen = set(anchors[i : j + 1])
    selected: list[Part] = []
    for part in parts:
        items = []
        for item in part.items:
            if item.is_list:
                kept = [entry for entry in item.items if entry.anchor in chosen]
                if kept:
                    items.append(type(item)(ordered=item.ordered, items=kept))
            elif item.anchor in chosen:
                items.append(item)
        if items:
            selected.append(Part(section=part.section, items=items))
    return selected


def unit_packet(user, unit: Unit) -> dict:
    """The printable packet: the unit page with each reading's text (its range only)."""
    # The packet numbers tied questions from the text it loads anyway.
    data = unit_page(user, unit, tie_questions=False)
    numbers: dict[tuple[int, str], int] = {}
    document_ids = {r.document_id for r in data["readings"] if r.document_id}
    blocks: dict[int, list] = {pk: [] for pk in document_ids}
    sections: dict[int, list] = {pk: [] for pk in document_ids}
    for block in Block.objects.filter(document_id__in=document_ids).order_by("document", "order"):
        blocks[block.document_id].append(block)
    for section in Section.objects.filter(document_id__in=document_ids).order_by(
        "document", "order"
    ):
        sections[section.document_id].append(section)
    for reading in data["readings"]:
        reading.parts = []
        if reading.document_id:
            parts = document_parts(
                reading.document,
                blocks=blocks[reading.document_id],
                sections=sections[reading.document_id],
            )
            numbers.update(
                ((reading.document_id, item.anchor), item.number)
                for part in parts
                for item in part.numbered()
                if item.number
            )
            reading.parts = _range_parts(parts, reading.start_anchor, reading.end_anchor)
            reading.range_missing = bool(reading.start_anchor) and not reading.parts
            if reading.range_missing:
                reading.parts = parts
            numbered = [i for p in reading.parts for i in p.numbered() if i.number]
            reading.first_number = numbered[0].number if numbered else None
            reading.last_number = numbered[-1].number if numbered else None
    questions_tie(data["questions"], data["readings"], numbers)
    return data


def flag_removed_range_ends(readings) -> None:
    """Set `reading.range_ends_removed` (["first"], ["last"], both or []) on ranged
    readings whose first or last paragraph a text correction removed (a merged one still
    counts as there, through its alias). Two queries, none when no reading has a range."""
    state = anchors_current(
        (r.document_id, a) for r in readings for a in (r.start_anchor, r.end_anchor)
    )
    for reading in readings:
        ends = []
        if reading.document_id and reading.start_anchor:
            if state.get((reading.document_id, reading.start_anchor), "") is None:
                ends.append("first")
            if state.get((reading.document_id, reading.end_anchor), "") is None:
                ends.append("last")
        reading.range_ends_removed = ends
