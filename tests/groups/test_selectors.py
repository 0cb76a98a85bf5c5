"""Selectors answer a page's reads in a number of queries that does not grow with it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from studygroups.curricula.models import Curriculum
from studygroups.groups import selectors
from tests.factories import add_member, make_curriculum, make_group, make_session

pytestmark = pytest.mark.django_db


def _dashboard_queries(user) -> int:
    with CaptureQueriesContext(connection) as ctx:
        selectors.dashboard(user)
    return len(ctx.captured_queries)


def test_dashboard_asks_the_series_rules_once_for_all_series(organizer, member):
    groups = []
    for n in range(4):
        curriculum = make_curriculum(units=1, readings_per_unit=1, questions_per_unit=1)
        group = make_group(organizer=organizer, curriculum=curriculum)
        add_member(group, user=member)
        make_session(group, in_hours=24 + n, units=list(curriculum.units.all()))
        groups.append(group)
    one = _dashboard_queries(member)
    # Two more series, each in its own group: no more queries.
    for n in range(2):
        curriculum = make_curriculum(units=1, readings_per_unit=1, questions_per_unit=1)
        group = make_group(organizer=organizer, curriculum=curriculum)
        add_member(group, user=member)
        make_session(group, in_hours=12 + n, units=list(curriculum.units.all()))
    assert _dashboard_queries(member) == one


def test_dashboard_hides_a_draft_series_from_members_but_not_its_owner(organizer, member):
    curriculum = make_curriculum(
        units=1, readings_per_unit=1, questions_per_unit=1, owner=organizer
    )
    Curriculum.objects.filter(pk=curriculum.pk).update(status=Curriculum.Status.DRAFT)
    group = make_group(organizer=organizer, curriculum=curriculum)
    add_member(group, user=member)
    make_session(group, units=list(curriculum.units.all()))
    [row] = selectors.dashboard(member)["rows"]
    assert row["readings"] == []
    [row] = selectors.dashboard(organizer)["rows"]
    assert [item.unit_title for item in row["readings"]] == ["Unit 1"]
