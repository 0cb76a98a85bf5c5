"""`make run` shows both languages (issue #16): the demo has a Spanish-speaking group
(language es) following a Spanish reading series, with a Spanish-speaking member whose
login the README lists, a scheduled session and Spanish posts."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from studygroups.accounts.models import User
from studygroups.discussions.models import Post
from studygroups.groups.models import Group
from studygroups.site.management.commands import load_demo

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_spanish_group_following_a_spanish_series(client):
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)  # again: nothing doubles
    group = Group.objects.get(slug=load_demo.SPANISH_GROUP_SLUG)
    assert group.language == "es"
    series = group.curriculum
    assert series.title == load_demo.SPANISH_SERIES_TITLE
    readings = [r for unit in series.units.all() for r in unit.readings.all()]
    assert readings and all(r.document.language == "es" for r in readings)
    if (load_demo.SEED_CORPUS / load_demo.SPANISH_CORPUS_FILE).exists():
        assert len(readings) == 3  # the demo text and the corpus's two Spanish articles
    (session,) = group.sessions.filter(starts_at__gt=timezone.now())
    assert session.starts_at.astimezone(group.tz).hour == 19  # 19:00 in Madrid
    assert Post.objects.filter(discussion__group=group).count() == 3
    assert Group.objects.filter(slug=load_demo.SPANISH_GROUP_SLUG).count() == 1

    lucia = User.objects.get(email="lucia@example.org")
    assert lucia.language == "es" and lucia.time_zone == "Europe/Madrid"
    assert lucia.check_password("demo-member-2026")
    assert group.memberships.filter(user=lucia).exists()
    client.force_login(lucia)
    body = client.get(reverse("account_profile"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="es">' in body and "Tu perfil" in body


def test_the_readme_lists_the_spanish_login():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    email, password, *_ = load_demo.SPANISH_ACCOUNTS[1]
    assert f"{email} / {password}" in readme
