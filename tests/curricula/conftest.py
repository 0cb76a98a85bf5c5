import pytest

from studygroups.curricula import services
from tests.factories import make_curriculum


@pytest.fixture
def series(user, document):
    """A published public series owned by `user`: two units, readings, questions, notes."""
    curriculum = make_curriculum(owner=user, title="Reading together", units=2)
    first, second = curriculum.units.order_by("order")
    blocks = list(document.blocks.order_by("order"))
    services.reading_add(
        unit=first, document=document, start_anchor=blocks[3].anchor, end_anchor=blocks[5].anchor
    )
    services.question_add(unit=first, text="What does **paragraph 4** claim?")
    services.unit_update(unit=first, data={"facilitator_notes": "SECRET-UNIT-NOTE"})
    q = first.questions.get()
    services.question_update(question=q, text=q.text, facilitator_notes="SECRET-Q-NOTE")
    return curriculum
