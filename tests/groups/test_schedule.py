"""Dates at the edge of the calendar, in the forms and the schedule arithmetic."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from studygroups.groups import schedule

pytestmark = pytest.mark.django_db


# ---------- dates at the edge of the calendar ----------


def test_localize_overflow_is_a_validation_error():
    with pytest.raises(ValidationError):
        schedule.localize(dt.datetime(9999, 12, 31, 23, 0), "America/New_York")
    with pytest.raises(ValidationError):
        schedule.localize(dt.datetime(1, 1, 1, 0, 30), "Europe/Berlin")


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "2201-01-01"])
def test_session_form_refuses_far_dates(client, organizer, public_group, day):
    client.force_login(organizer)
    url = reverse("groups:session_create", args=[public_group.slug])
    data = {"title": "T", "date": day, "start_time": "00:10", "end_time": "23:50"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "between 1900 and 2200" in response.content.decode()


@pytest.mark.parametrize("day", ["9999-12-27", "0001-01-01"])
def test_schedule_form_refuses_far_dates(client, organizer, public_group, day):
    client.force_login(organizer)
    response = client.post(
        reverse("groups:schedule", args=[public_group.slug]),
        {
            "first_date": day,
            "weekday": "6",
            "interval": "1",
            "at": "23:30",
            "duration_minutes": "90",
            "count": "3",
        },
    )
    assert response.status_code == 200
    assert "between 1900 and 2200" in response.content.decode()
