"""Demo content: a published, public reading series built from the demo texts."""

from collections.abc import Sequence

from django.db import transaction

from studygroups.library.models import Document
from studygroups.library.units import ProposedUnitData

from . import services
from .models import Curriculum

QUESTIONS = [
    "Which paragraph surprised you most, and why? Quote a sentence from it.",
    "What does the author take for granted that a reader today might *question*?",
    "If you could ask the author one thing about this text, what would it be?",
]


@transaction.atomic
def create_demo_curriculum(*, owner, documents: Sequence[Document]) -> Curriculum:
    """Three units with readings and two questions each, published and public.

    With three or more documents each unit reads one of them whole; with fewer, the
    documents' proposed reading units (then whole documents) fill the three.
    Precondition: at least one document.
    """
    documents = list(documents)
    if not documents:
        raise ValueError("The demo reading series needs at least one document.")
    curriculum = services.curriculum_create(
        owner=owner,
        title="Reading together: a first series",
        summary="Three meetings on texts from the library, with questions to start the "
        "conversation. Copy it and adapt it for your own group.",
        audience="new study groups",
        target_unit_minutes=45,
    )
    plan: list[tuple[Document, ProposedUnitData]] = []
    if len(documents) >= 3:
        for document in documents[:3]:
            plan.append((document, ProposedUnitData(document.title, "", "", 0)))
    else:
        for document in documents:
            plan.extend((document, p) for p in services.document_units(document))
        while len(plan) < 3:
            document = documents[len(plan) % len(documents)]
            plan.append((document, ProposedUnitData(document.title, "", "", 0)))
    for number, (document, proposal) in enumerate(plan[:3]):
        unit = services.unit_add(
            curriculum=curriculum,
            title=proposal.title[:200] or document.title,
            introduction=f"We read “{document.title}” and talk about what it asks of us.",
        )
        services.unit_update(
            unit=unit,
            data={
                "learning_goals": "Name the text's main claim and one piece of evidence.",
                "facilitator_notes": "Start with a minute of silence to re-read the "
                "paragraph people marked.",
            },
        )
        services.reading_add(
            unit=unit,
            document=document,
            start_anchor=proposal.first_anchor,
            end_anchor=proposal.last_anchor,
        )
        for text in (QUESTIONS[number % 3], QUESTIONS[(number + 1) % 3]):
            services.question_add(unit=unit, text=text)
    # The demo's notes are meant for the groups that use it.
    services.curriculum_update(
        curriculum=curriculum,
        data={"status": Curriculum.Status.PUBLISHED, "share_notes_with_groups": True},
    )
    curriculum.refresh_from_db()
    return curriculum
